"""The live board shows the spotlit activity's handoff strip beside the matrix, drawn from
the board's values now and redrawn live when one of its cells changes."""

from __future__ import annotations

import pytest

from tests.browser.room import SHOTS, WIDTHS, free_cells, seeded_room

pytestmark = pytest.mark.browser

SVG = "{http://www.w3.org/2000/svg}"
STRIP = """() => {
  const svg = document.querySelector('#spot-strip svg.pic-strip');
  if (!svg) return null;
  const who = {}, passes = [];
  svg.querySelectorAll('rect[data-phase]').forEach((r) => {
    who[r.dataset.phase + ' ' + r.dataset.role] = r.dataset.who; });
  svg.querySelectorAll('path.pic-pass').forEach((p) => passes.push(p.dataset.phase + ' ' + p.dataset.role));
  return {who: who, passes: passes.sort()};
}"""


def test_spotlit_activity_shows_its_handoff_strip_live(browser, room_server):
    room = seeded_room(room_server.url)
    free_cells(room)  # PM owns and drives the first two phases, PMM the last two
    b = room.board
    act = b.data["activities"][0]
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(f"{room.url}/f/{b.facilitator}")
        page.wait_for_selector("#conn[data-state=live]", timeout=10_000)
        room.api("PUT", "/spotlight", activity_id=act["id"])
        page.wait_for_selector("#spot-strip svg.pic-strip", timeout=5000)
        strip = page.evaluate(STRIP)
        assert strip["who"] == {
            "Discover owner": "PM",
            "Discover driver": "PM",
            "Build owner": "PM",
            "Build driver": "PM",
            "Launch owner": "PMM",
            "Launch driver": "PMM",
            "Grow owner": "PMM",
            "Grow driver": "PMM",
        }
        assert strip["passes"] == ["Launch driver", "Launch owner"]
        assert "Owner passes from PM to PMM in Launch" in page.inner_text("#spot-strip")

        # PM keeps owning in Launch: the strip follows the edit without a reload.
        page.evaluate("window.__stillHere = true")
        for f, letters in (("PM", "O"), ("PMM", "D")):
            room.api(
                "PUT",
                "/cells",
                activity_id=act["id"],
                phase_id=b.phase("Launch"),
                function_id=b.function(f),
                letters=letters,
            )
        page.wait_for_function(
            '() => document.querySelector("#spot-strip rect[data-phase=Launch][data-role=owner]")'
            ".dataset.who === 'PM'",
            timeout=5000,
        )
        strip = page.evaluate(STRIP)
        assert strip["who"]["Launch owner"] == "PM" and strip["who"]["Launch driver"] == "PMM"
        assert strip["passes"] == ["Grow owner", "Launch driver"]
        assert page.evaluate("window.__stillHere") is True  # morphed, not reloaded

        SHOTS.mkdir(exist_ok=True)
        for width in ("laptop", "projector", "phone"):
            w, h = WIDTHS[width]
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(200)
            page.locator("#discussion").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"spot-strip-{w}.png"))
            over = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert over <= 0, f"the board scrolls sideways by {over}px at {w}px"
            box = page.locator("#spot-strip svg").bounding_box()
            panel = page.locator("#discussion").bounding_box()
            assert (
                box["x"] >= panel["x"]
                and box["x"] + box["width"] <= panel["x"] + panel["width"] + 0.5
            )
    finally:
        ctx.close()
