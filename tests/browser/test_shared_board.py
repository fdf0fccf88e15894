"""Two people in two browsers on one board: a PM and a PMM. One sets a cell; the other
sees it without reloading."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.helpers import make_board

pytestmark = pytest.mark.browser


def join_in_browser(browser, server, board, name: str, function: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}/j/{board.join}")
    page.fill("input[name=name]", name)
    page.check(f"label:has-text('{function}') input[name=function_id] >> nth=0")
    page.click("button[type=submit]")
    page.wait_for_selector("#conn[data-state=live]", timeout=10_000)
    return context, page, errors


def test_two_participants_see_each_others_edits_live(browser, server):
    with httpx.Client(base_url=server.url, timeout=10) as http:
        board = make_board(
            http, title="Browser board", activities=[{"name": "Pricing"}, {"name": "Positioning"}]
        )
    ctx_a, ana, errors_a = join_in_browser(browser, server, board, "Ana", "PMM")
    ctx_b, ben, errors_b = join_in_browser(browser, server, board, "Ben <PM>", "PM")
    try:
        # Ana sees Ben arrive without reloading; his name is text, not markup.
        ana.wait_for_selector(".person-name:text('Ben <PM>')", timeout=5000)
        ben.evaluate("window.__stillHere = true")

        a, p, f_pm, f_pmm = (
            board.activity("Pricing"),
            board.phase("Launch"),
            board.function("PM"),
            board.function("PMM"),
        )
        cell = f"#c-{a}-{p}-{f_pmm}"
        # Each cell's accessible name says where it is: activity, phase, function.
        assert ana.get_by_role("button", name="Pricing Launch PMM", exact=True).count() == 1
        # Ana clicks the cell and picks Owner, then Driver, from the menu.
        ana.click(cell)
        ana.click("#cell-menu [data-toggle=O]")
        started = time.perf_counter()
        ben.wait_for_selector(f"{cell}[data-letters='O']", timeout=5000)
        first_ms = (time.perf_counter() - started) * 1000
        ana.click("#cell-menu [data-toggle=D]")
        ben.wait_for_selector(f"{cell}[data-letters='OD']", timeout=5000)
        ana.keyboard.press("Escape")

        # Ben uses only the keyboard on the PM cell next to it: arrow left, then "o".
        ben.focus(cell)
        ben.keyboard.press("ArrowLeft")
        assert ben.evaluate("document.activeElement.id") == f"c-{a}-{p}-{f_pm}"
        ben.keyboard.press("o")
        ana.wait_for_selector(f"#c-{a}-{p}-{f_pm}[data-letters='O']", timeout=5000)
        # Two owners now: both screens flag the rule break for Pricing in Launch.
        for page in (ana, ben):
            page.wait_for_selector(f"#row-{a} td.status.st-error", timeout=5000)
            assert "2 Owners" in page.inner_text("#findings")
            assert "1 broken" in page.inner_text("#summary")
        # Focus stayed on Ben's cell through the live swap, so he can keep typing.
        assert ben.evaluate("document.activeElement.id") == f"c-{a}-{p}-{f_pm}"
        ben.keyboard.press("Delete")
        ana.wait_for_selector(f"#c-{a}-{p}-{f_pm}[data-letters='']", timeout=5000)
        ana.wait_for_selector(f"#row-{a} td.status.st-ok", timeout=5000)

        assert ben.evaluate("window.__stillHere === true"), "Ben's page reloaded"
        assert errors_a == [] and errors_b == []
        print(f"\nfirst edit reached the second browser in {first_ms:.0f} ms")
    finally:
        ctx_a.close()
        ctx_b.close()


def test_facilitator_adds_activity_and_participant_follows(browser, server):
    with httpx.Client(base_url=server.url, timeout=10) as http:
        board = make_board(http, title="Setup board", activities=[{"name": "Pricing"}])
    fac_ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    fac = fac_ctx.new_page()
    fac_errors: list[str] = []
    fac.on("console", lambda m: fac_errors.append(m.text) if m.type == "error" else None)
    fac.goto(f"{server.url}/f/{board.facilitator}")
    fac.wait_for_selector("#conn[data-state=live]", timeout=10_000)
    ctx, pm, errors = join_in_browser(browser, server, board, "Ana", "PM")
    try:
        fac.click("#setup summary")
        fac.fill("input[aria-label='New activities name']", "Win/loss <reviews>")
        fac.press("input[aria-label='New activities name']", "Enter")
        pm.wait_for_selector("th.act:has-text('Win/loss <reviews>')", timeout=5000)
        # A participant cannot reach facilitator controls, and the server refuses them anyway.
        assert pm.locator("#setup").count() == 0
        r = httpx.post(
            f"{server.url}/boards/{board.id}/title",
            data={"title": "Hijack"},
            headers={"HX-Request": "true", "X-Lockstep-Token": board.join},
        )
        assert r.status_code == 403
        # Bad input shows a message in the page and changes nothing.
        fac.fill("input[aria-label='New activities name']", "Pricing")
        fac.press("input[aria-label='New activities name']", "Enter")
        fac.wait_for_selector("#flash .flash-error:has-text('already exists')", timeout=5000)
        assert fac.locator("th.act").count() == 2
        assert errors == []
        # The refused duplicate is a 409 the browser logs; nothing else went wrong.
        assert all("409" in e for e in fac_errors), fac_errors
    finally:
        ctx.close()
        fac_ctx.close()


def test_fast_typing_and_failed_saves(browser, server):
    with httpx.Client(base_url=server.url, timeout=10) as http:
        board = make_board(http, title="Typing", activities=[{"name": "Pricing"}])
    ctx_a, ana, errors_a = join_in_browser(browser, server, board, "Ana", "PM")
    ctx_b, ben, _ = join_in_browser(browser, server, board, "Ben", "PMM")
    try:
        cell = f"#c-{board.activity('Pricing')}-{board.phase('Build')}-{board.function('PM')}"
        ana.focus(cell)
        ana.keyboard.type("od")  # two keys, no pause between them
        ben.wait_for_selector(f"{cell}[data-letters='OD']", timeout=5000)
        ana.wait_for_selector(f"{cell}[data-letters='OD']:not(.saving)", timeout=5000)
        # The matrix is a single Tab stop: only one cell is focusable by Tab.
        assert ana.locator(".cellbtn[tabindex='0']").count() == 1
        # A save that cannot reach the server says so and the cell shows the real value.
        ana.route("**/cells", lambda route: route.abort())
        ana.focus(cell)
        ana.keyboard.press("c")
        ana.wait_for_selector("#flash .flash-error:has-text('not saved')", timeout=5000)
        ana.wait_for_selector(f"{cell}[data-letters='OD']:not(.saving)", timeout=5000)
        ana.unroute("**/cells")
        ana.focus(cell)
        ana.keyboard.press("i")
        ben.wait_for_selector(f"{cell}[data-letters='I']", timeout=5000)
        assert [e for e in errors_a if "ERR_FAILED" not in e] == []
    finally:
        ctx_a.close()
        ctx_b.close()
