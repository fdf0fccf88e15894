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

        fac.click("#links .copy-btn >> nth=0")
        fac.wait_for_selector("#links .copy-btn:has-text('Copied')", timeout=3000)
        one_primary(look, fac, "free")
        rules_beside_the_matrix(look, room, fac)

        room.api("PUT", "/mode", mode="workshop")
        one_primary(look, fac, "setup")
        room.api("POST", "/round", to="propose")
        wait_round(phone, "Silent proposals")
        one_primary(look, fac, "propose")
        tap_a_cell(look, room, phone)
        propose_all(room)
        room.api("PUT", "/timebox", minutes=5)
        phone.wait_for_timeout(500)
        shoot_round(look, "propose", fac, phone, proj)

        room.api("PUT", "/timebox", minutes=None)
        room.api("POST", "/round", to="reveal")
        wait_round(phone, "Reveal")
        wait_round(fac, "Reveal")
        one_primary(look, fac, "reveal")
        readable_reveal(look, room, fac, phone)
        shoot_round(look, "reveal", fac, phone, proj)

        spot = b.data["activities"][0]["id"]
        room.api("PUT", "/spotlight", activity_id=spot, minutes=5)
        for name, text in (
            ("Marco", "PMM should own this once we launch."),
            ("Priya", "Agreed for Launch; Discover stays with PM."),
        ):
            room.api("POST", "/comments", room.people[name], activity_id=spot, text=text)
        phone.wait_for_selector("#spotlight.on", timeout=5000)
        phone.wait_for_timeout(800)  # the smooth scroll to the spotlit row
        for page in (phone, fac):
            spot_in_view(look, page, spot)
        shoot_round(look, "spotlight", fac, phone, proj)

        room.api("PUT", "/spotlight", activity_id=None)
        room.api("POST", "/accept", use="unanimous")
        room.api("POST", "/round", to="agreed")
        wait_round(phone, "Agree")
        one_primary(look, fac, "agreed")
        menu_keys(look, room, fac)
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


def one_primary(look: Looker, fac, round_name: str) -> None:
    """One primary action per round on the facilitator's round bar."""
    fac.wait_for_timeout(300)
    shown = fac.locator("#workshop .primary:visible").all_inner_texts()
    if len(shown) > 1:
        look.problems.append(f"{round_name}: {len(shown)} primary actions compete: {shown}")
    if round_name != "agreed" and any("Publish" in t for t in shown):
        look.problems.append(f"{round_name}: Publish is primary before there is anything agreed")


def rules_beside_the_matrix(look: Looker, room: Room, fac) -> None:
    """Rule findings appearing never push the matrix down."""
    top = fac.locator(".matrix-wrap").bounding_box()["y"]
    b = room.board
    acts = b.data["activities"]
    for a in acts[10:16]:  # two owners each: six findings appear
        for f in ("PM", "PMM"):
            room.api(
                "PUT",
                "/cells",
                activity_id=a["id"],
                phase_id=b.phase("Build"),
                function_id=b.function(f),
                letters="O",
            )
    fac.wait_for_selector("#findings .problem-error >> nth=5", state="attached", timeout=5000)
    if not fac.locator("#problems").evaluate("d => d.open"):
        fac.click("#problems summary")
    moved = fac.locator(".matrix-wrap").bounding_box()["y"] - top
    if moved != 0:
        look.problems.append(f"rule findings moved the matrix down by {moved}px")
    for a in acts[10:16]:
        for f in ("PM", "PMM"):
            room.api(
                "PUT",
                "/cells",
                activity_id=a["id"],
                phase_id=b.phase("Build"),
                function_id=b.function(f),
                letters="",
            )


def tap_a_cell(look: Looker, room: Room, phone) -> None:
    """On a phone: cells are thumb-sized, the menu stays on screen and speaks of taps."""
    b = room.board
    cell = f"#c-{b.activity('Pricing and packaging')}-{b.phase('Launch')}-{b.function('PMM')}"
    phone.tap("[data-phase-tab='2']")
    box = phone.locator(cell).bounding_box()
    if box["width"] < 44 or box["height"] < 44:
        look.problems.append(
            f"a phone cell is {box['width']:.0f}×{box['height']:.0f}px, under 44px"
        )
    phone.tap(cell)
    phone.wait_for_selector("#cell-menu:not([hidden])")
    menu = phone.locator("#cell-menu").bounding_box()
    if menu["x"] < 0 or menu["x"] + menu["width"] > 390.5:
        look.problems.append(f"the cell menu leaves the phone screen: {menu}")
    if not phone.is_visible("#cell-menu .tap-hint") or phone.is_visible("#cell-menu .keys-hint"):
        look.problems.append("the phone's cell menu shows keyboard hints instead of tap hints")
    phone.tap("#cell-menu [data-toggle=O]")
    phone.tap("#cell-menu [data-toggle=D]")
    phone.wait_for_selector(f"{cell}[data-letters='OD']:not(.saving)", timeout=5000)
    phone.tap("main .round-help")  # outside: closes the menu
    phone.wait_for_selector("#cell-menu", state="hidden")
    row_act = phone.locator(f"#row-{b.activity('Pricing and packaging')} .hist-btn")
    if not row_act.is_visible():
        look.problems.append("the row's history button is hidden on a touch screen")


def readable_reveal(look: Looker, room: Room, fac, phone) -> None:
    """Chips of at least 14px; who said what on focus (keyboard) and on tap."""
    size = fac.evaluate(
        "() => Math.min(...[...document.querySelectorAll('#matrix .chip')].map("
        "c => parseFloat(getComputedStyle(c).fontSize)))"
    )
    if size < 14:
        look.problems.append(f"reveal chips are {size}px, under 14px")
    b = room.board
    disputed = f"#c-{b.data['activities'][0]['id']}-{b.phase('Discover')}-{b.function('PM')}"
    fac.focus(disputed)
    fac.wait_for_selector("#who-pop:not([hidden])", timeout=2000)
    text = fac.inner_text("#who-pop")
    if "Marco" not in text or "Priya" not in text:
        look.problems.append(f"focusing a disputed cell does not say who said what: {text!r}")
    row = fac.locator(f"#row-{b.data['activities'][0]['id']} .hist-btn")
    if not row.is_visible():
        look.problems.append("the row's actions stay hidden while one of its cells has focus")
    fac.click("main .round-help")  # focus leaves the cell: the names go away
    fac.wait_for_selector("#who-pop", state="hidden", timeout=2000)
    phone.tap("[data-phase-tab='0']")
    phone.tap(disputed)
    phone.wait_for_selector("#who-pop:not([hidden])", timeout=2000)
    if "Marco" not in phone.inner_text("#who-pop"):
        look.problems.append("tapping a disputed cell on a phone does not say who said what")
    phone.tap("main .round-help")


def spot_in_view(look: Looker, page, activity: int) -> None:
    """The spotlit row is scrolled into view and the spotlight bar (countdown) stays visible."""
    inside = page.evaluate(
        """(id) => { const r = document.getElementById('row-' + id).getBoundingClientRect();
            const bar = document.getElementById('spotlight').getBoundingClientRect();
            return {row: r.top >= 0 && r.bottom <= innerHeight,
                    bar: bar.top >= 0 && bar.bottom <= innerHeight && bar.height > 0}; }""",
        activity,
    )
    width = page.viewport_size["width"]
    if not inside["row"]:
        look.problems.append(f"at {width}px the spotlit row is not scrolled into view")
    if not inside["bar"]:
        look.problems.append(f"at {width}px the spotlight bar (countdown) is off screen")


def menu_keys(look: Looker, room: Room, fac) -> None:
    """The open cell menu takes the letters it lists, as its hint says."""
    b = room.board
    cell = f"#c-{b.activity('Messaging')}-{b.phase('Grow')}-{b.function('Sales')}"
    fac.click(cell)
    fac.wait_for_selector("#cell-menu:not([hidden])")
    fac.keyboard.press("o")
    fac.keyboard.press("d")
    fac.wait_for_selector(f"{cell}[data-letters='OD']:not(.saving)", timeout=5000)
    fac.keyboard.press("Escape")
    if fac.evaluate("() => document.activeElement.id") != cell[1:]:
        look.problems.append("Esc from the cell menu does not return to the cell")
    room.api(
        "PUT",
        "/cells",
        activity_id=b.activity("Messaging"),
        phase_id=b.phase("Grow"),
        function_id=b.function("Sales"),
        letters="",
    )
