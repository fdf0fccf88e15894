"""/docs: Swagger UI from the vendored assets renders the API under the app's CSP."""

from __future__ import annotations


def test_api_docs_render_under_the_csp(browser, room_server):
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(room_server.url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    assert page.locator(".opblock-summary-path", has_text="/api/boards").count() > 0
    assert problems == []  # a CSP violation is logged as a console error
    assert all(u.startswith(room_server.url) for u in requested), requested
    page.close()
