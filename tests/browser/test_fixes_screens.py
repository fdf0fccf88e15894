"""Guided fixes in the browser: the facilitator opens a finding's *Fix…*, reads the preview
and clicks *Apply*; another laptop sees the cells change live; a phone applies one too.
Screenshots at 390, 1440 and 1920 px."""

from __future__ import annotations

import pytest

from tests.browser.room import SHOTS, Room, seeded_room
from tests.browser.test_room_screens import Looker, join_from_phone, open_live

pytestmark = pytest.mark.browser


def cell_letters(page, room: Room, activity: str, phase: str, function: str) -> str:
    b = room.board
    cid = f"c-{b.activity(activity)}-{b.phase(phase)}-{b.function(function)}"
    return page.locator(f"#{cid}").get_attribute("data-letters") or ""


def set_cells(room: Room, activity: str, phase: str, **letters: str) -> None:
    b = room.board
    for function, value in letters.items():
        room.api(
            "PUT",
            "/cells",
            activity_id=b.activity(activity),
            phase_id=b.phase(phase),
            function_id=b.function(function),
            letters=value,
        )


def open_fixes(page, key: str):
    if not page.locator("#problems").evaluate("d => d.open"):
        page.click("#problems summary")
    fixes = page.locator(f"[id='fixes-{key}']")
    fixes.locator("summary").click()
    fixes.locator(".fix >> nth=0").wait_for(state="visible", timeout=5000)
    return fixes


def test_click_a_fix_and_every_screen_follows(browser, room_server):
    room = seeded_room(room_server.url)
    b = room.board
    acts = [a["name"] for a in b.data["activities"]]
    first, second = acts[0], acts[1]
    set_cells(room, first, "Launch", PM="O", PMM="O", Sales="C")  # two owners
    set_cells(room, second, "Discover", PM="C", PMM="D")  # no owner
    look = Looker(browser)
    SHOTS.mkdir(exist_ok=True)

    fac_ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    fac = open_live(fac_ctx, f"{room.url}/f/{b.facilitator}")
    other_ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    other = open_live(other_ctx, f"{room.url}/f/{b.facilitator}")
    phone_ctx, phone = join_from_phone(browser, room, "Ana", "PMM")
    try:
        key = f"many-owners.{b.activity(first)}.{b.phase('Launch')}"
        fixes = open_fixes(fac, key)
        options = fixes.locator(".fix")
        assert options.count() == 2
        keep_pmm = options.nth(1)
        assert "Keep PMM as Owner (O)" in keep_pmm.inner_text()
        assert "PM becomes Driver" in keep_pmm.inner_text()
        # The preview: PM's cell, Owner before and Driver after.
        preview = keep_pmm.locator(".fix-preview li").inner_text()
        assert preview.replace("\n", " ").split() == ["PM:", "O", "→", "becomes", "D"]
        look.check(fac, "fixes-open", "laptop")
        fac.locator("#findings").screenshot(path=str(SHOTS / "fixes-panel-1440.png"))
        open_fixes(other, key)
        look.check(other, "fixes-open", "projector")

        keep_pmm.locator("button.fix-apply").click()
        # The facilitator's screen and the other laptop both show PM as driver, PMM owner.
        for page in (fac, other):
            page.wait_for_function(
                f"() => document.getElementById('c-{b.activity(first)}-{b.phase('Launch')}-{b.function('PM')}').dataset.letters === 'D'",
                timeout=5000,
            )
            assert cell_letters(page, room, first, "Launch", "PMM") == "O"
            assert page.locator(f"[data-finding='{key}']").count() == 0
        phone.wait_for_function(
            f"() => document.getElementById('c-{b.activity(first)}-{b.phase('Launch')}-{b.function('PM')}').dataset.letters === 'D'",
            timeout=5000,
        )

        # On the phone: the no-owner finding, its fixes, and one applied with a thumb.
        key = f"no-owner.{b.activity(second)}.{b.phase('Discover')}"
        phone.locator("#findings").scroll_into_view_if_needed()
        fixes = open_fixes(phone, key)
        assert "Make PMM also Owner (O)" in fixes.inner_text()
        button = fixes.locator("button.fix-apply >> nth=0")
        box = button.bounding_box()
        assert box["height"] >= 44, box
        look.check(phone, "fixes-open", "phone")
        phone.locator("#findings").screenshot(path=str(SHOTS / "fixes-panel-390.png"))
        button.tap()
        fac.wait_for_function(
            f"() => document.getElementById('c-{b.activity(second)}-{b.phase('Discover')}-{b.function('PMM')}').dataset.letters === 'OD'",
            timeout=5000,
        )

        # A function idle in a whole phase: Sales in Grow. "Leave it" greys it on this
        # screen only, and it stays so through live updates.
        for name in acts:
            set_cells(room, name, "Grow", PMM="OD")
        key = f"idle-function.{b.phase('Grow')}.{b.function('Sales')}"
        fac.wait_for_selector(f"[data-finding='{key}']", timeout=5000)
        fixes = open_fixes(fac, key)
        assert "Mark Sales Informed (I) on this phase's activities" in fixes.inner_text()
        assert "and 16 more, the same way" in fixes.inner_text()
        fac.locator("#findings").screenshot(path=str(SHOTS / "fixes-idle-1440.png"))
        fixes.locator("[data-leave-finding]").click()
        left = fac.locator(f"[data-finding='{key}']")
        assert "left-as-is" in (left.get_attribute("class") or "")
        set_cells(room, acts[2], "Build", PM="OD")  # any live update
        fac.wait_for_function(
            f"() => document.getElementById('c-{b.activity(acts[2])}-{b.phase('Build')}-{b.function('PM')}').dataset.letters === 'OD'",
            timeout=5000,
        )
        assert "left-as-is" in (left.get_attribute("class") or "")
        assert "left-as-is" not in (
            other.locator(f"[data-finding='{key}']").get_attribute("class") or ""
        )

        # In a workshop after the reveal, the facilitator parks a pair with a named decider.
        room.api("PUT", "/mode", mode="workshop")
        room.api("POST", "/round", to="propose")
        room.api("POST", "/round", to="reveal")
        set_cells(room, acts[3], "Build", PM="C")  # no owner, no driver in the agreed matrix
        key = f"no-owner.{b.activity(acts[3])}.{b.phase('Build')}"
        fac.wait_for_selector(f"[data-finding='{key}']", timeout=5000)
        fixes = open_fixes(fac, key)
        fixes.locator("input[name=decider]").fill("Dana, VP Product")
        fac.locator("#findings").screenshot(path=str(SHOTS / "fixes-park-1440.png"))
        fixes.locator(".fix-park button").click()
        fac.wait_for_selector(
            f"#row-{b.activity(acts[3])} .tag-parked:has-text('Dana, VP Product')", timeout=5000
        )
        # A participant in a workshop sees the findings, not the fixes.
        phone.wait_for_selector(f"[data-finding='{key}']", state="attached", timeout=5000)
        assert phone.locator(".fixes").count() > 0
        assert phone.locator(".fixes").evaluate_all("els => els.every(e => !e.checkVisibility())")
        assert look.problems == [], look.problems
    finally:
        for ctx in (fac_ctx, other_ctx, phone_ctx):
            ctx.close()
