"""Every main screen in every round, as the room sees it: the facilitator's laptop, a
participant's phone and laptop, the projector, and the viewer pages.

Per screen and width: no sideways scrolling of the page, 0 serious or critical axe-core
violations, and a screenshot in ``tests/browser/screenshots/`` to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.room import AXE, SHOTS, WIDTHS, Room, free_cells, propose_all, seeded_room

pytestmark = pytest.mark.browser


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core findings on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE)
    found = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                   v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return list(found)


def overflow(page) -> int:
    """How far the page scrolls sideways (0 = it fits the window)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"
    )


class Looker:
    """Opens screens at a width, checks them and saves a screenshot of each."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.problems: list[str] = []
        SHOTS.mkdir(exist_ok=True)

    def check(self, page, name: str, width: str, *, full_page: bool = True) -> None:
        w, h = WIDTHS[width]
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(150)
        page.screenshot(path=str(SHOTS / f"{name}-{w}.png"), full_page=full_page)
        over = overflow(page)
        if over > 0:
            self.problems.append(f"{name} at {w}px scrolls sideways by {over}px")
        for v in axe_violations(page):
            self.problems.append(f"{name} at {w}px: {v}")


def open_live(context, url: str):
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#conn[data-state=live]", timeout=10_000)
    return page


def join_from_phone(browser, room: Room, name: str, function: str):
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    page.goto(f"{room.url}/j/{room.board.join}")
    page.fill("input[name=name]", name)
    page.check(f"label:has-text('{function}') input[name=function_id] >> nth=0")
    page.click("button[type=submit]")
    page.wait_for_selector("#conn[data-state=live]", timeout=10_000)
    return ctx, page


def wait_round(page, label: str) -> None:
    page.wait_for_selector(f"#workshop .rounds li.current:has-text('{label}')", timeout=10_000)


def test_every_screen_in_every_round(browser, room_server):
    room = seeded_room(room_server.url)
    look = Looker(browser)
    b = room.board

    # The join page, on a phone.
    join_ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    join_page = join_ctx.new_page()
    join_page.goto(f"{room.url}/j/{b.join}")
    look.check(join_page, "join", "phone")
    join_ctx.close()

    fac_ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    fac = open_live(fac_ctx, f"{room.url}/f/{b.facilitator}")
    phone_ctx, phone = join_from_phone(browser, room, "Ana", "PMM")
    proj_ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    proj = open_live(proj_ctx, f"{room.url}/boards/{b.id}/projector?token={b.join}")
    try:
        free_cells(room)
        fac.wait_for_timeout(500)
        shoot_round(look, "free", fac, phone, proj)

        room.api("PUT", "/mode", mode="workshop")
        room.api("POST", "/round", to="propose")
        wait_round(phone, "Silent proposals")
        propose_all(room)
        room.api("PUT", "/timebox", minutes=5)
        phone.wait_for_timeout(500)
        shoot_round(look, "propose", fac, phone, proj)

        room.api("PUT", "/timebox", minutes=None)
        room.api("POST", "/round", to="reveal")
        wait_round(phone, "Reveal")
        wait_round(fac, "Reveal")
        shoot_round(look, "reveal", fac, phone, proj)

        spot = b.data["activities"][0]["id"]
        room.api("PUT", "/spotlight", activity_id=spot, minutes=5)
        for name, text in (
            ("Marco", "PMM should own this once we launch."),
            ("Priya", "Agreed for Launch; Discover stays with PM."),
        ):
            room.api("POST", "/comments", room.people[name], activity_id=spot, text=text)
        phone.wait_for_selector("#spotlight.on", timeout=5000)
        phone.wait_for_timeout(300)
        shoot_round(look, "spotlight", fac, phone, proj)

        room.api("PUT", "/spotlight", activity_id=None)
        room.api("POST", "/accept", use="unanimous")
        room.api("POST", "/round", to="agreed")
        wait_round(phone, "Agree")
        shoot_round(look, "agreed", fac, phone, proj)

        version = room.api("POST", "/versions", label="2026-Q4", published_by="Dana")
        wait_round(phone, "Published")
        shoot_round(look, "published", fac, phone, proj)

        room.api("POST", "/versions", label="2026-Q4 final", published_by="Dana")
        viewer = version["viewer_url"].split("/v/", 1)[1].split("/")[0]
        view = fac_ctx.new_page()
        for name, path in (
            ("viewer", f"/v/{viewer}"),
            ("history", f"/v/{viewer}/history"),
            ("compare", f"/v/{viewer}/compare"),
        ):
            view.goto(room.url + path)
            for width in ("phone", "laptop"):
                look.check(view, name, width)
    finally:
        for ctx in (fac_ctx, phone_ctx, proj_ctx):
            ctx.close()
    assert not look.problems, "\n".join(look.problems)


def shoot_round(look: Looker, name: str, fac, phone, proj) -> None:
    for width in ("laptop", "projector", "phone"):
        look.check(fac, f"facilitator-{name}", width, full_page=False)
    for width in ("phone", "laptop"):
        look.check(phone, f"participant-{name}", width, full_page=False)
    phone.set_viewport_size({"width": 390, "height": 844})
    look.check(proj, f"projector-{name}", "projector", full_page=False)
    fac.set_viewport_size({"width": 1440, "height": 900})
