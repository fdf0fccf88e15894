"""Next quarter in real browsers: the facilitator starts the next review from the published
version, a participant flags an activity in the pre-check and changes one owner, the
facilitator publishes, and the change shows in the version's diff view."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from tests.browser.test_shared_board import join_in_browser
from tests.helpers import auth, make_board, set_cell

pytestmark = pytest.mark.browser


def test_next_quarter_review_from_published_version_to_diff(browser, server):
    with httpx.Client(base_url=server.url, timeout=10) as http:
        board = make_board(
            http,
            title="PM and PMM",
            activities=[{"name": "Pricing"}, {"name": "Positioning"}],
            phases=["Build", "Launch"],
        )
        tok = board.facilitator
        assert set_cell(http, board, tok, "Pricing", "Launch", "PMM", "O").status_code == 200
        assert set_cell(http, board, tok, "Pricing", "Launch", "PM", "D").status_code == 200
        assert set_cell(http, board, tok, "Positioning", "Launch", "PMM", "OD").status_code == 200
        r = http.post(
            f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "2026-Q3"}
        )
        assert r.status_code == 201, r.text

    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    fac = ctx.new_page()
    errors: list[str] = []
    fac.on("pageerror", lambda e: errors.append(str(e)))
    fac.goto(f"{server.url}/f/{tok}")
    pm_ctx = None
    try:
        # Start the next review: a new workshop board, last quarter's matrix carried over.
        fac.click("button:has-text('Start next review from 2026-Q3')")
        fac.wait_for_url(lambda url: tok not in url, timeout=10_000)
        fac.wait_for_selector("#conn[data-state=live]", timeout=10_000)
        assert fac.inner_text(".board-title") == "PM and PMM"  # the same board, next quarter
        assert "Review of 2026-Q3" in fac.inner_text("#workshop")
        assert "Changes since 2026-Q3" in fac.inner_text("#since")
        new_board = SimpleNamespace(join=fac.input_value("#join-link").rsplit("/", 1)[1])

        # A participant answers the pre-check; the facilitator's agenda follows live.
        pm_ctx, pm, pm_errors = join_in_browser(browser, server, new_board, "Priya", "PM")
        pm.click("#precheck li:has-text('Pricing') button:has-text('Needs discussion')")
        pm.wait_for_selector(
            "#precheck li:has-text('Pricing') button.pc-discuss[aria-pressed=true]", timeout=5000
        )
        fac.wait_for_selector("#pc-agenda li.flagged:has-text('Pricing')", timeout=5000)
        assert "Priya" in fac.inner_text("#pc-agenda li.flagged")

        # Silent proposals start from last quarter's values; Priya changes one owner.
        fac.click("button:has-text('Next: Silent proposals')")
        pm.wait_for_selector(
            "#workshop .rounds li.current:has-text('Silent proposals')", timeout=5000
        )
        pmm_cell = pm.locator("#matrix tr:has-text('Pricing') button.cellbtn[data-letters='O']")
        pm_cell = pm.locator("#matrix tr:has-text('Pricing') button.cellbtn[data-letters='D']")
        assert pmm_cell.count() == 1 and pm_cell.count() == 1  # pre-filled
        pm_cell_id = pm_cell.get_attribute("id")
        pmm_cell_id = pmm_cell.get_attribute("id")
        for cell_id, letters in ((pm_cell_id, "OD"), (pmm_cell_id, "OD")):
            pm.focus(f"#{cell_id}")
            pm.keyboard.type(letters)  # letters toggle: D→O (PM), O→D (PMM)
        pm.wait_for_selector(f"#{pm_cell_id}[data-letters='O']", timeout=5000)
        pm.wait_for_selector(f"#{pmm_cell_id}[data-letters='D']", timeout=5000)

        # Reveal, accept what is unanimous, publish.
        fac.click("button:has-text('Reveal proposals')")
        fac.click("button:has-text('Accept all unanimous')")
        fac.wait_for_selector(f"#{pm_cell_id}[data-letters='O']", timeout=5000)
        if not fac.is_visible("#publish-label"):  # Publish… opens the form (primary only in Agree)
            fac.click("#publish-details summary")
        fac.fill("#workshop input[name=label]", "2026-Q4")
        fac.fill("#workshop input[name=published_by]", "Dana")
        fac.once("dialog", lambda d: d.accept())
        fac.click("#workshop button:has-text('Publish')")
        fac.wait_for_selector("#workshop .rounds li.current:has-text('Published')", timeout=5000)

        # The version shows what changed since last quarter, and the diff view highlights it.
        view = ctx.new_page()
        view.goto(fac.input_value("#workshop .viewer-link"))
        since = view.inner_text("#version-changes")
        assert "Changes since 2026-Q3" in since
        assert "Pricing · Launch: Owner PMM → PM; Driver PM → PMM" in since
        view.click("text=See them highlighted in the matrix")
        view.wait_for_selector("#change-list")
        assert "Pricing · Launch: Owner PMM → PM; Driver PM → PMM" in view.inner_text(
            "#change-list"
        )
        changed = view.locator("td.cell.changed")
        assert changed.count() == 2
        was = [" ".join(t.split()) for t in view.locator("td.cell.changed .was").all_inner_texts()]
        assert was == ["changed; was D", "changed; was O"]
        assert "Dana" in view.inner_text("main")
        # The history lists both quarters.
        view.click("text=History")
        assert "2026-Q3" in view.inner_text("table.history")
        assert "2026-Q4" in view.inner_text("table.history")
        assert errors == [] and pm_errors == []
    finally:
        if pm_ctx is not None:
            pm_ctx.close()
        ctx.close()
