"""Pages and htmx fragments: full page without HX-Request, fragment with it; errors as
fragments in the page; typed text shown as text."""

from __future__ import annotations

import re

from tests.helpers import auth, join, make_board, set_cell, state

HX = {"HX-Request": "true"}


def test_home_page_offers_catalogue_and_presets(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "Market segmentation" in r.text and 'value="raci"' in r.text and 'value="daci"' in r.text
    assert "<script>" not in r.text  # no inline script
    assert "/static/vendor/htmx/htmx.min.js" in r.text
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/vendor/idiomorph/idiomorph-ext.min.js").status_code == 200
    # The page's title is its title, not a stray piece of the page.
    title = re.search(r"<title>(.*?)</title>", r.text, re.S)
    assert title and title.group(1) == "Lockstep · PM/PMM roles and responsibilities"
    assert r.text.count("Import a board") == 1


def test_create_board_from_form_and_open_facilitator_page(client):
    r = client.post(
        "/boards",
        data={
            "title": "Form board",
            "framework": "raci",
            "phases": "Plan\nShip",
            "functions": "PM\nPMM\nSales",
            "catalogue": ["pricing", "positioning"],
            "extra_activities": "Win/loss reviews\n",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    url = r.headers["location"]
    assert url.startswith("/f/")
    page = client.get(url)
    assert page.status_code == 200
    for text in ["Form board", "RACI", "Sales", "Pricing and packaging", "Win/loss reviews", "/j/"]:
        assert text in page.text, text
    # htmx submit answers with a redirect header instead.
    r = client.post("/boards", data={"title": "Via htmx"}, headers=HX)
    assert r.status_code == 204 and r.headers["HX-Redirect"].startswith("/f/")


def test_create_board_form_errors_are_fragments(client):
    r = client.post("/boards", data={"title": ""}, headers=HX)
    assert r.status_code == 422
    assert r.headers["HX-Retarget"] == "#flash"
    assert "Board title cannot be empty" in r.text and "<html" not in r.text


def test_join_flow_with_cookie_and_no_duplicates(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    page = client.get(f"/j/{board.join}")
    assert page.status_code == 200 and "Your name" in page.text
    r = client.post(
        f"/j/{board.join}",
        data={"name": "<script>alert(1)</script>", "function_id": board.function("PMM")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/j/{board.join}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert 'data-role="participant"' in page.text
    # Reopening the link in the same browser is the same participant.
    client.get(f"/j/{board.join}")
    assert len(state(client, board, board.facilitator)["participants"]) == 1
    # The participant page carries the personal token for its requests, not the facilitator's.
    token = re.search(r'data-token="([^"]+)"', page.text).group(1)
    assert token != board.facilitator
    assert state(client, board, token)["you"]["role"] == "participant"


def test_join_form_errors(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    r = client.post(
        f"/j/{board.join}", data={"name": "  ", "function_id": board.function("PM")}, headers=HX
    )
    assert r.status_code == 422 and "Your name cannot be empty" in r.text
    r = client.post(f"/j/{board.join}", data={"name": "Ana", "function_id": "abc"}, headers=HX)
    assert r.status_code == 422 and "function_id" in r.text
    assert client.get("/j/wrong-token").status_code == 404
    assert "not valid" in client.get("/j/wrong-token").text
    assert client.get("/f/wrong-token").status_code == 404
    assert state(client, board, board.facilitator)["participants"] == []


def test_cell_fragment_and_keyboard_targets(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    a, p, f = board.activity("Pricing"), board.phase("Launch"), board.function("PM")
    r = client.post(
        f"/boards/{board.id}/cells",
        headers={**HX, "X-Lockstep-Token": board.facilitator},
        data={"activity_id": a, "phase_id": p, "function_id": f, "letters": "DO"},
    )
    assert r.status_code == 200
    assert re.search(rf'id="row-{a}"[^>]*hx-swap-oob="true"', r.text) and re.search(
        r'id="summary"[^>]*hx-swap-oob="true"', r.text
    )
    assert f'id="c-{a}-{p}-{f}"' in r.text and 'data-letters="OD"' in r.text
    r = client.post(
        f"/boards/{board.id}/cells",
        headers={**HX, "X-Lockstep-Token": board.facilitator},
        data={"activity_id": a, "phase_id": p, "function_id": f, "letters": "Z"},
    )
    assert (
        r.status_code == 422
        and "no role letter Z;" in r.text
        and r.headers["HX-Retarget"] == "#flash"
    )


def test_actions_need_header_token_not_cookie(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    client.post(f"/j/{board.join}", data={"name": "Ana", "function_id": board.function("PM")})
    data = {
        "activity_id": board.activity("Pricing"),
        "phase_id": board.phase("Build"),
        "function_id": board.function("PM"),
        "letters": "O",
    }
    r = client.post(f"/boards/{board.id}/cells", data=data, headers=HX)  # cookie only
    assert r.status_code == 401
    assert state(client, board, board.facilitator)["cells"] == []


def test_facilitator_actions_from_the_page(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    h = {**HX, "X-Lockstep-Token": board.facilitator}
    assert (
        client.post(
            f"/boards/{board.id}/title", data={"title": "<b>Renamed</b>"}, headers=h
        ).status_code
        == 200
    )
    r = client.post(f"/boards/{board.id}/activities", data={"name": "Messaging"}, headers=h)
    assert (
        r.status_code == 200
        and 'id="live" hx-swap-oob="innerHTML"' in r.text
        and "Messaging" in r.text
    )
    mid = board.activity("Pricing")
    assert (
        client.post(
            f"/boards/{board.id}/activities/{mid}/move", data={"to": "1"}, headers=h
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/boards/{board.id}/activities/{mid}/rename",
            data={"name": "Pricing & packaging"},
            headers=h,
        ).status_code
        == 200
    )
    d = state(client, board, board.facilitator)
    assert [a["name"] for a in d["activities"]] == ["Messaging", "Pricing & packaging"]
    page = client.get(f"/f/{board.facilitator}").text
    assert "&lt;b&gt;Renamed&lt;/b&gt;" in page and "Pricing &amp; packaging" in page
    r = client.post(f"/boards/{board.id}/activities/{mid}/delete", headers=h)
    assert r.status_code == 200
    pm = join(client, board, "Ana", "PM")
    ph = {**HX, "X-Lockstep-Token": pm}
    for path in ["title", "delete", "phases", f"phases/{board.phase('Build')}/delete"]:
        r = client.post(f"/boards/{board.id}/{path}", data={"title": "x", "name": "x"}, headers=ph)
        assert r.status_code == 403 and "Only the facilitator" in r.text, path
    pid = state(client, board, pm)["you"]["participant_id"]
    r = client.post(f"/boards/{board.id}/participants/{pid}/remove", headers=ph)
    assert r.status_code == 403
    r = client.post(f"/boards/{board.id}/participants/{pid}/remove", headers=h)
    assert r.status_code == 200
    r = client.post(f"/boards/{board.id}/delete", headers=h)
    assert r.status_code == 204 and r.headers["HX-Redirect"] == "/"
    assert client.get(f"/f/{board.facilitator}").status_code == 404


def test_live_fragment_and_unknown_pages(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O")
    r = client.get(f"/boards/{board.id}/live", headers=auth(board.facilitator))
    assert r.status_code == 200 and int(r.headers["X-Lockstep-Seq"]) >= 2 and "<html" not in r.text
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Not found" in r.text
    assert client.get("/api/no-such").json()["detail"]
    assert client.get("/healthz").json() == {"status": "ok"}
