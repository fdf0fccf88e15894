"""A manager preparing a quarterly review, in a real browser: from the viewer link to what
PMM owns this quarter, its Markdown and print page, and on to the next review's calendar
invite; and the same card live from the board's side panel, for the facilitator and for a
participant. Each screen on a phone, a laptop and the projector: no sideways scrolling, no
serious axe-core finding, a screenshot to look at."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.browser.room import free_cells, seeded_room
from tests.browser.test_room_screens import Looker, join_from_phone, open_live

pytestmark = pytest.mark.browser


def publish(room, label: str) -> dict:
    return room.api("POST", "/versions", label=label, published_by="Dana")


def test_manager_from_viewer_link_to_pmm_card_and_calendar_invite(browser, room_server):
    room = seeded_room(room_server.url)
    b = room.board
    free_cells(room)  # 8 activities: PM owns and drives Discover and Build, PMM Launch and Grow
    acts = b.data["activities"]
    first, second = acts[0], acts[1]
    launch, pm, pmm = b.phase("Launch"), b.function("PM"), b.function("PMM")
    room.api("PUT", "/rationale", activity_id=first["id"], text="PMM carries the story to market")
    publish(room, "2026-Q3")
    # Next quarter PM takes Launch back on the second activity; the first is parked with PMM.
    room.api(
        "PUT", "/cells", activity_id=second["id"], phase_id=launch, function_id=pm, letters="OD"
    )
    room.api(
        "PUT", "/cells", activity_id=second["id"], phase_id=launch, function_id=pmm, letters="C"
    )
    room.api("PUT", "/park", activity_id=first["id"], decider="PMM lead")
    v = publish(room, "2026-Q4")
    viewer_url = v["viewer_url"].rsplit("/", 1)[0]  # the viewer link: the latest version
    look = Looker(browser)

    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(viewer_url)
        for width in ("phone", "laptop", "projector"):
            look.check(page, "card-viewer", width)
        page.set_viewport_size({"width": 1440, "height": 900})
        page.click("text=See what PMM owns")
        page.wait_for_selector("#card[data-function=PMM]")
        assert page.inner_text("h1").startswith("What PMM owns")

        # PMM owns and drives the 8 activities in Launch and Grow (but the second in Launch).
        names = [a["name"] for a in acts[:8]]
        launch_leads = page.locator(".card-phase[aria-label=Launch] .card-leads li").all()
        assert [li.get_attribute("data-activity") for li in launch_leads] == [
            n for n in names if n != second["name"]
        ]
        grow = page.locator(".card-phase[aria-label=Grow] .card-leads li")
        assert grow.count() == 8
        assert "Owns and drives nothing here." in page.inner_text(".card-phase[aria-label=Build]")
        consulted = page.inner_text(".card-phase[aria-label=Discover] .card-quiet")
        assert consulted.startswith("C Consulted:") and first["name"] in consulted
        counts = page.locator(".card-counts strong").all_inner_texts()
        assert counts == ["15", "15", "17", "0"]  # 8 + 7 owned, 16 + 1 consulted
        assert page.locator("svg.pic-strip").count() == 8  # a strip per activity PMM leads
        why = page.inner_text("#card-why-h + dl")
        assert first["name"] in why and "PMM carries the story to market" in why
        items = page.inner_text("#card-open")
        assert f"{first['name']}: parked — PMM lead decides" in items
        changes = page.inner_text("#card-changes")
        assert "since 2026-Q3" in changes
        assert f"{second['name']} · Launch: Owner + Driver → Consulted" in changes
        for width in ("phone", "laptop", "projector"):
            look.check(page, "card-pmm", width)
        page.set_viewport_size({"width": 1440, "height": 900})

        # The Markdown for a wiki.
        with page.expect_download() as dl:
            page.click("#card-md")
        md = Path(dl.value.path()).read_text(encoding="utf-8")
        assert md.startswith("# What PMM owns\n") and "2026-Q4 (version 2)" in md
        assert f"- **{first['name']}**: PMM carries the story to market" in md

        # The print page: the card on one portrait page.
        page.click("#card-print")
        page.wait_for_selector("body.card-print")
        assert page.locator(".card-table tbody tr").count() == 8
        for width in ("phone", "laptop"):
            look.check(page, "card-print", width)
        page.set_viewport_size({"width": 1440, "height": 900})
        page.click("text=Back to the card")
        page.wait_for_selector("#card[data-function=PMM]")

        # On to the next review's calendar invite, from the version page.
        page.click("#card-back")
        page.wait_for_selector("#review-ics")
        with page.expect_download() as dl:
            page.click("#review-ics")
        cal = Calendar.from_ical(Path(dl.value.path()).read_bytes())
        (event,) = cal.walk("VEVENT")
        assert str(event["SUMMARY"]) == f"Quarterly review: {b.data['title']}"
        assert event.decoded("DTSTART") == date.fromisoformat(v["next_review"])
        assert str(event["URL"]) == v["viewer_url"]
        assert f"{first['name']} — PMM lead decides" in str(event["DESCRIPTION"])
        assert errors == []
    finally:
        ctx.close()

    # Live from the board: the facilitator's side panel links every function's card, a
    # participant's links their own.
    fac_ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    fac = open_live(fac_ctx, f"{room.url}/f/{b.facilitator}")
    try:
        with fac_ctx.expect_page() as opened:
            fac.click("#cards a:has-text('What Sales owns')")
        card = opened.value
        card.wait_for_selector("#card[data-function=Sales]")
        assert "Owns and drives nothing here." in card.inner_text(".card-phase[aria-label=Grow]")
        assert "live board" in card.inner_text(".card-head")
    finally:
        fac_ctx.close()
    phone_ctx, phone = join_from_phone(browser, room, "Lena", "PMM")
    try:
        with phone_ctx.expect_page() as opened:
            phone.click("#cards a:has-text('What I own (PMM)')")
        card = opened.value
        card.wait_for_selector("#card[data-function=PMM]")
        assert " ".join(card.inner_text("h1").split()) == "What PMM owns — Lena's card"
        assert "Lena" in card.inner_text(".card-head")  # among PMM's people
        for width in ("phone", "laptop", "projector"):
            look.check(card, "card-live-participant", width)
    finally:
        phone_ctx.close()
    assert look.problems == []
