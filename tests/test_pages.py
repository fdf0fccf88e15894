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
    for js in ("page", "live", "matrix", "spotlight"):
        assert client.get(f"/static/js/{js}.js").status_code == 200
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


def test_projector_never_shows_proposal_letters_before_the_reveal(client):
    """The wall shows how far each person is while proposing, never what they chose: with
    proposals made, its HTML differs from before only in numbers (counts, clock). Opened
    with a participant's own link it shows the room's view too, not their proposals."""
    from tests.workshop_helpers import move, propose, start

    board = make_board(
        client,
        activities=[{"name": "Pricing"}, {"name": "Positioning"}],
        functions=["PM", "PMM", "Sales"],
    )
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    start(client, board)
    url = f"/boards/{board.id}/projector?token={board.join}"

    def walls(token: str = board.join) -> list[str]:
        u = f"/boards/{board.id}/projector?token={token}"
        pages = [client.get(u), client.get(u, headers={**HX, "X-Lockstep-Token": token})]
        assert all(r.status_code == 200 for r in pages)
        return [r.text for r in pages]

    def numbers_blanked(pages: list[str]) -> list[str]:
        return [re.sub(r"\d+", "#", p) for p in pages]

    def no_letters(pages: list[str]) -> None:
        for p in pages:
            p = re.sub(r'<p id="pj-legend".*?</p>', "", p, flags=re.S)  # the key to the letters
            assert "pj-l-" not in p and "pj-chip" not in p and "pj-vote" not in p, p
            assert "data-letters" not in p

    before = walls()
    assert "pj-pic-propose" in before[0] and "<progress" in before[0]
    for who, letters in ((ana, ["OD", "C", "I"]), (ben, ["C", "OD", "I"])):
        for a in ("Pricing", "Positioning"):
            for phase in ("Discover", "Launch"):
                for f, x in zip(("PM", "PMM", "Sales"), letters, strict=True):
                    assert propose(client, board, who, a, phase, f, x).status_code == 200
    after = walls()
    no_letters(after)
    assert numbers_blanked(after) == numbers_blanked(before)
    assert "4 of 8" in after[0]  # the counts (activity·phase pairs) do show
    no_letters(walls(ana))  # a participant's link: still the room's view

    # Spotlit while proposing: the activity and the board's (empty) values, no proposals.
    pricing = board.activity("Pricing")
    r = client.put(
        f"/api/boards/{board.id}/spotlight",
        headers=auth(board.facilitator),
        json={"activity_id": pricing, "minutes": 3},
    )
    assert r.status_code == 200, r.text
    spot = walls()
    assert "pj-pic-spotlight" in spot[0] and 'data-deadline="' in spot[0]
    assert "timebox-left" in spot[0]
    no_letters(spot)
    no_letters(walls(ana))
    assert propose(client, board, ana, "Pricing", "Build", "PM", "O").status_code == 200
    assert numbers_blanked(walls()) == numbers_blanked(spot)

    # After the reveal the same wall shows who proposed what (so the checks above can fail).
    assert move(client, board, "reveal").status_code == 200
    revealed = re.sub(r'<p id="pj-legend".*?</p>', "", client.get(url).text, flags=re.S)
    assert "pj-l-O" in revealed and "pj-vote" in revealed and "Ana" in revealed


def test_projector_shows_each_rounds_picture(client):
    board = make_board(client, activities=[{"name": "Pricing <b>"}], functions=["PM", "PMM"])
    url = f"/boards/{board.id}/projector?token={board.join}"
    set_cell(client, board, board.facilitator, "Pricing <b>", "Launch", "PM", "OD")
    page = client.get(url).text
    assert "pj-pic-matrix" in page and "Pricing &lt;b&gt;" in page and "pj-l-O" in page
    assert '<link rel="stylesheet" href="/static/projector.css">' in page
    assert client.get("/static/projector.css").status_code == 200
    assert "projector.css" not in client.get(f"/f/{board.facilitator}").text
    from tests.workshop_helpers import move, propose, start

    ana = join(client, board, "Ana", "PM")
    start(client, board)
    assert "pj-pic-propose" in client.get(url).text
    propose(client, board, ana, "Pricing <b>", "Launch", "PM", "O")
    assert move(client, board, "reveal").status_code == 200
    page = client.get(url).text
    assert "pj-pic-heat" in page and 'id="pj-hot"' in page
    assert move(client, board, "agreed").status_code == 200
    page = client.get(url).text
    assert "pj-pic-agree" in page and 'id="pj-agreed-count"' in page
    r = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(board.facilitator), json={"label": "Q9"}
    )
    assert r.status_code == 201, r.text
    page = client.get(url).text
    assert "pj-pic-published" in page and "Q9" in page


def test_the_set_up_panel_follows_a_rename_and_survives_cell_edits(client):
    """The facilitator's set-up panel is rendered once per generation of screens (cell edits
    keep it); a rename starts a new one, so the panel shows the new name at once."""
    board = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    page = f"/f/{board.facilitator}"
    pricing = board.activity("Pricing")
    field = f'id="name-activities-{pricing}" value="'
    assert field + 'Pricing"' in client.get(page).text
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O").status_code == 200
    )
    after_edit = client.get(page).text
    assert field + 'Pricing"' in after_edit
    assert 'data-letters="O"' in after_edit  # the edit shows in the same page
    r = client.patch(
        f"/api/boards/{board.id}/activities/{pricing}",
        json={"name": "Pricing & packaging"},
        headers=auth(board.facilitator),
    )
    assert r.status_code == 200, r.text
    renamed = client.get(page).text
    assert field + 'Pricing &amp; packaging"' in renamed
    assert field + 'Pricing"' not in renamed
