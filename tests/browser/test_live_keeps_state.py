"""A live update never takes anything from a person: not the text they are typing (in any
field), not their focus or caret, not the page's or the matrix's scroll position, not an
open cell menu or a disclosure they opened.

A facilitator and a participant type drafts into every text field they have; then every
kind of live event is fired from elsewhere (the API, another browser) and both screens are
checked after each one.
"""

from __future__ import annotations

import time

import httpx
import pytest

from tests.browser.room import Room
from tests.helpers import join, make_board

pytestmark = pytest.mark.browser


def seq(room: Room) -> int:
    with room.http() as h:
        return h.get(f"/api/boards/{room.board.id}", headers=room.fac).json()["seq"]


def wait_applied(pages, at_least: int) -> None:
    """Until every page shows the board at ``at_least`` (polled: the CSP forbids eval)."""
    deadline = time.monotonic() + 10
    for page in pages:
        while int(page.get_attribute("#live", "data-applied") or 0) < at_least:
            assert time.monotonic() < deadline, f"a screen never applied change {at_least}"
            page.wait_for_timeout(50)
    pages[0].wait_for_timeout(250)  # let anything the update triggers (scrolls, focus) happen


class Person:
    """A page with drafts typed into its fields, and the state it must keep."""

    def __init__(self, page, name: str) -> None:
        self.page = page
        self.name = name
        self.drafts: dict[str, str] = {}

    def type(self, selector: str, text: str) -> None:
        self.page.fill(selector, "")
        self.page.type(selector, text, delay=2)
        self.drafts[selector] = text

    def remember(self, focus: str) -> None:
        self.page.focus(focus)
        self.page.evaluate(
            """(sel) => { const el = document.querySelector(sel);
                el.setSelectionRange(3, 3); }""",
            focus,
        )
        self.page.evaluate(
            "() => window.scrollTo(0, Math.round((document.documentElement.scrollHeight - innerHeight) / 2))"
        )
        self.page.evaluate(
            "() => { const m = document.querySelector('.matrix-wrap'); m.scrollTop = 260; m.scrollLeft = 40; }"
        )
        self.page.wait_for_timeout(100)
        self.focus = focus
        self.state = self.read()
        assert self.state["page_y"] > 0, (
            f"{self.name}: the page does not scroll; the test would prove nothing"
        )
        assert self.state["matrix_y"] > 0, f"{self.name}: the matrix does not scroll"

    def read(self) -> dict:
        return self.page.evaluate(
            """() => { const m = document.querySelector('.matrix-wrap');
                const a = document.activeElement;
                const head = m.querySelector('thead').getBoundingClientRect().bottom;
                const top = [...m.querySelectorAll('tbody tr')].find(
                    (tr) => tr.getBoundingClientRect().bottom > head + 4);
                return {page_y: window.scrollY, matrix_y: m.scrollTop, matrix_x: m.scrollLeft,
                        focus: a && a.id, caret: a && a.selectionStart, top_row: top && top.id}; }"""
        )

    def check(self, event: str, relayout: bool = False) -> list[str]:
        """``relayout``: the event changes what every row shows (the reveal, publishing), so
        rows change height; the browser keeps the same row in view (scroll anchoring), which
        may move the offsets a little, but never back to the top."""
        wrong = []
        for selector, text in self.drafts.items():
            if self.page.locator(selector).count() != 1:
                wrong.append(f"{self.name} after {event}: {selector} is gone")
            elif self.page.input_value(selector) != text:
                wrong.append(f"{self.name} after {event}: {selector} lost its draft")
        now = self.read()
        for key, before in self.state.items():
            moved = now[key] != before
            if moved and relayout and key in ("page_y", "matrix_y"):
                moved = abs(now[key] - before) > 40
            if moved:
                wrong.append(f"{self.name} after {event}: {key} {before} -> {now[key]}")
        if relayout:
            self.state = now  # the new layout is the reference from here on
        return wrong


def test_no_live_event_takes_a_draft_focus_scroll_or_menu(browser, room_server):
    url = room_server.url
    with httpx.Client(base_url=url, timeout=20) as h:
        board = make_board(h, title="Keep my draft")
        room = Room(url, board)
        quinn = join(h, board, "Quinn", "PMM")
        rae = join(h, board, "Rae", "PM")
    acts = [a["id"] for a in board.data["activities"]]
    spot, other, third = acts[12], acts[3], acts[5]
    phases = [p["id"] for p in board.data["phases"]]
    pm, pmm = board.function("PM"), board.function("PMM")
    room.api("PUT", "/mode", mode="workshop")
    room.api("POST", "/round", to="propose")
    room.api("PUT", "/spotlight", activity_id=spot)

    fac_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    fac_page = fac_ctx.new_page()
    fac_page.goto(f"{url}/f/{board.facilitator}")
    part_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    part_page = part_ctx.new_page()
    part_page.goto(f"{url}/j/{board.join}")
    part_page.fill("input[name=name]", "Pia")
    part_page.check("label:has-text('PM') input[name=function_id] >> nth=0")
    part_page.click("button[type=submit]")
    errors: list[str] = []
    for page in (fac_page, part_page):
        page.wait_for_selector("#conn[data-state=live]", timeout=10_000)
        page.on("pageerror", lambda e: errors.append(str(e)))
    fac, pia = Person(fac_page, "facilitator"), Person(part_page, "participant")
    problems: list[str] = []

    def fire(event: str, action, relayout: bool = False) -> None:
        action()
        wait_applied([fac.page, pia.page], seq(room))
        problems.extend(fac.check(event, relayout) + pia.check(event, relayout))

    try:
        # Drafts everywhere the facilitator can type while people propose.
        fac.page.click(f"#phase-notes-{spot} summary")
        fac.page.click("#setup-details summary")
        for selector, text in (
            ("#board-title-input", "Q1 roles (draft"),
            (f"#name-phases-{phases[1]}", "Build & ship"),
            ("#new-functions", "Design"),
            ("#new-activities", "Pricing experiments"),
            (f"#note-{spot}-{phases[2]}", "Launch differs because"),
            (f"#decider-{spot}", "Dana (VP"),
            (f"#comment-text-{spot}", "I think PMM should"),
            (f"#rationale-{spot}", "PM owns it until launch, then"),
        ):
            fac.type(selector, text)
        fac.remember(f"#rationale-{spot}")
        pia.type(f"#comment-text-{spot}", "Half a thought about pricing")
        pia.remember(f"#comment-text-{spot}")

        def propose() -> None:
            for who in (quinn, rae):  # the same view on one pair: unanimous after the reveal
                room.api(
                    "PUT",
                    "/proposals",
                    who,
                    activity_id=other,
                    phase_id=phases[0],
                    function_id=pmm,
                    letters="O",
                )

        fire("a proposal (cell edit)", propose)

        def newcomer(name: str) -> None:
            with room.http() as h:
                join(h, board, name, "PM")

        fire("a join", lambda: newcomer("Zoe"))
        zoe = next(
            p["participant_id"]
            for p in room.api("GET", "/workshop")["progress"]
            if p["name"] == "Zoe"
        )
        fire("a removal", lambda: room.api("DELETE", f"/participants/{zoe}"))

        # Someone opens the board and leaves again: presence, on both screens.
        visitor = browser.new_context()
        vpage = visitor.new_page()
        vpage.goto(f"{url}/j/{board.join}")
        vpage.fill("input[name=name]", "Vic")
        vpage.check("label:has-text('PMM') input[name=function_id] >> nth=0")
        vpage.click("button[type=submit]")
        vpage.wait_for_selector("#conn[data-state=live]", timeout=10_000)
        wait_applied([fac.page, pia.page], seq(room))
        fac.page.wait_for_selector(".person.online:has-text('Vic')", timeout=5000)
        visitor.close()
        fac.page.wait_for_selector(".person:not(.online):has-text('Vic')", timeout=10_000)
        problems.extend(fac.check("a leave") + pia.check("a leave"))

        fire("a ready mark", lambda: room.api("PUT", "/ready", quinn, ready=True))
        fire("a spotlight", lambda: room.api("PUT", "/spotlight", activity_id=spot))
        fire("a timebox", lambda: room.api("PUT", "/timebox", minutes=5))
        fire(
            "a comment",
            lambda: room.api("POST", "/comments", quinn, activity_id=spot, text="Quinn says hi"),
        )
        fire(
            "a rationale saved elsewhere",
            lambda: room.api(
                "PUT", "/rationale", activity_id=spot, text="Saved by a co-facilitator"
            ),
        )
        fire("a park", lambda: room.api("PUT", "/park", activity_id=spot, decider="Robin"))
        fire("the reveal", lambda: room.api("POST", "/round", to="reveal"), relayout=True)

        # After the reveal the facilitator can also publish: drafts there too.
        fac.page.click("#publish-details summary")
        fac.type("#publish-label", "2027-Q1 draft")
        fac.type("#publish-by", "Dana, PM lead")
        fac.remember(f"#rationale-{spot}")
        pia.remember(f"#comment-text-{spot}")

        def agreed_cell() -> None:
            room.api(
                "PUT", "/cells", activity_id=other, phase_id=phases[1], function_id=pm, letters="OD"
            )

        fire("an agreed cell edit", agreed_cell)
        fire("accept all unanimous", lambda: room.api("POST", "/accept", use="unanimous"))
        fire("a re-vote", lambda: room.api("POST", f"/activities/{third}/revote"))
        fire("a re-vote revealed", lambda: room.api("POST", f"/activities/{third}/reveal"))
        fire("a round change", lambda: room.api("POST", "/round", to="agreed"))
        # An open cell menu stays open, with focus in it, through live events (the
        # facilitator's: after the reveal, the participant no longer edits the matrix).
        cell = f"#c-{other}-{phases[2]}-{pmm}"
        fac.page.click(cell)
        fac.page.wait_for_selector("#cell-menu:not([hidden])")
        focused = fac.page.evaluate("() => document.activeElement.dataset.toggle")
        room.api("POST", "/comments", quinn, activity_id=spot, text="Another comment")
        newcomer("Yan")
        wait_applied([fac.page], seq(room))
        assert fac.page.is_visible("#cell-menu"), "a live update closed the open cell menu"
        assert fac.page.evaluate("() => document.activeElement.dataset.toggle") == focused
        fac.page.keyboard.press("Escape")
        fac.remember(f"#rationale-{spot}")
        pia.remember(f"#comment-text-{spot}")

        fire(
            "a publish",
            lambda: room.api("POST", "/versions", label="2026-Q4", published_by="Co"),
            relayout=True,
        )

    finally:
        fac_ctx.close()
        part_ctx.close()
    assert not problems, "\n".join(problems)
    assert errors == []
