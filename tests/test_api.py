"""JSON API: every route, and each kind of bad input answered clearly with nothing changed."""

from __future__ import annotations

from tests.helpers import auth, join, letters_of, make_board, set_cell, state

SMALL = {"activities": [{"name": "Pricing"}, {"name": "Positioning"}]}


def test_create_board_defaults_to_catalogue_phases_and_functions(client):
    board = make_board(client, title="Q4 roles")
    d = board.data
    assert d["framework"] == "odci"
    assert [p["name"] for p in d["phases"]] == ["Discover", "Build", "Launch", "Grow"]
    assert [f["name"] for f in d["functions"]] == ["PM", "PMM"]
    names = [a["name"] for a in d["activities"]]
    assert "Pricing and packaging" in names and "Market segmentation" in names
    assert all(a["sources"] for a in d["activities"])
    assert d["you"]["role"] == "facilitator"


def test_create_board_with_custom_setup(client):
    board = make_board(
        client,
        title="Custom",
        framework="raci",
        phases=["Plan", "Ship"],
        functions=["PM", "PMM", "Sales"],
        activities=[{"name": "Pricing"}],
    )
    assert [f["name"] for f in board.data["functions"]] == ["PM", "PMM", "Sales"]
    assert board.data["framework"] == "raci"


def test_create_board_bad_input(client):
    cases = [
        ({"title": ""}, "cannot be empty"),
        ({"title": "x" * 121}, "too long"),
        ({"title": "ok", "framework": "rapid"}, "Unknown framework"),
        ({"title": "ok", "phases": ["A", "a"]}, "listed twice"),
        ({"title": "ok", "functions": [" "]}, "at least one"),
        ({"title": "ok", "activities": [{"name": ""}]}, "cannot be empty"),
    ]
    for body, message in cases:
        r = client.post("/api/boards", json=body)
        assert r.status_code == 422, (body, r.text)
        assert message in r.json()["detail"], (body, r.json())


def test_set_cell_and_rules(client):
    board = make_board(client, **SMALL)
    tok = board.facilitator
    assert set_cell(client, board, tok, "Pricing", "Launch", "PM", "OD").status_code == 200
    d = state(client, board, tok)
    key = (board.activity("Pricing"), board.phase("Launch"), board.function("PM"))
    assert letters_of(d)[key] == "OD"
    check = next(c for c in d["checks"] if c["activity_id"] == key[0] and c["phase_id"] == key[1])
    assert check["state"] == "ok"
    # A second owner is accepted while the workshop runs, but flagged.
    assert set_cell(client, board, tok, "Pricing", "Launch", "PMM", "O").status_code == 200
    d = state(client, board, tok)
    check = next(c for c in d["checks"] if c["activity_id"] == key[0] and c["phase_id"] == key[1])
    assert check["state"] == "error"
    assert any(f["code"] == "many-owners" for f in check["findings"])
    # PMM holds a role in Launch, nobody in Discover yet: Launch has no idle-function warning.
    launch = next(c for c in d["phase_checks"] if c["phase_id"] == board.phase("Launch"))
    assert launch["findings"] == []
    # Clearing works.
    assert set_cell(client, board, tok, "Pricing", "Launch", "PMM", "").status_code == 200
    assert key[:2] + (board.function("PMM"),) not in letters_of(state(client, board, tok))


def test_set_cell_bad_input_changes_nothing(client):
    board = make_board(client, **SMALL)
    other = make_board(client, title="Other", **SMALL)
    tok = board.facilitator
    before = client.get(f"/api/boards/{board.id}/changes", headers=auth(tok)).json()
    bad = [
        ("X", None, "no role letter X;"),
        ("A", None, "no role letter A;"),  # RACI letter on an ODCI board
        ("CI", None, "only Owner and Driver"),
    ]
    for letters, _, message in bad:
        r = set_cell(client, board, tok, "Pricing", "Build", "PM", letters)
        assert r.status_code == 422 and message in r.json()["detail"], r.text
    # A phase of another board.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(tok),
        json={
            "activity_id": board.activity("Pricing"),
            "phase_id": other.phase("Build"),
            "function_id": board.function("PM"),
            "letters": "O",
        },
    )
    assert r.status_code == 404 and "No phase" in r.json()["detail"]
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(tok),
        json={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Build"),
            "function_id": other.function("PM"),
            "letters": "O",
        },
    )
    assert r.status_code == 404 and "No function" in r.json()["detail"]
    after = client.get(f"/api/boards/{board.id}/changes", headers=auth(tok)).json()
    assert after == before
    assert state(client, board, tok)["cells"] == []


def test_raci_and_daci_letters(client):
    raci = make_board(client, framework="raci", **SMALL)
    assert (
        set_cell(client, raci, raci.facilitator, "Pricing", "Build", "PM", "AR").status_code == 200
    )
    assert (
        set_cell(client, raci, raci.facilitator, "Pricing", "Build", "PMM", "O").status_code == 422
    )
    assert letters_of(state(client, raci, raci.facilitator)) == {
        (raci.activity("Pricing"), raci.phase("Build"), raci.function("PM")): "AR"
    }
    daci = make_board(client, framework="daci", **SMALL)
    tok = daci.facilitator
    set_cell(client, daci, tok, "Pricing", "Build", "PM", "AD")
    set_cell(client, daci, tok, "Pricing", "Build", "PMM", "D")
    check = next(
        c
        for c in state(client, daci, tok)["checks"]
        if c["activity_id"] == daci.activity("Pricing") and c["phase_id"] == daci.phase("Build")
    )
    assert [f["code"] for f in check["findings"]] == ["many-drivers"]


def test_tokens_and_permissions(client):
    board = make_board(client, **SMALL)
    other = make_board(client, title="Other", **SMALL)
    pm = join(client, board, "Ana", "PM")
    url = f"/api/boards/{board.id}"
    # No token, a wrong token, the join token, another board's tokens.
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth("nope")).status_code == 401
    r = client.get(url, headers=auth(board.join))
    assert r.status_code == 403 and "Join" in r.json()["detail"]
    assert client.get(url, headers=auth(other.facilitator)).status_code == 403
    other_pm = join(client, other, "Bo", "PMM")
    r = client.get(url, headers=auth(other_pm))
    assert r.status_code == 403 and "different board" in r.json()["detail"]
    assert client.get("/api/boards/999999", headers=auth(board.facilitator)).status_code == 404
    # A participant may set cells but not do the facilitator's work.
    assert set_cell(client, board, pm, "Pricing", "Build", "PM", "D").status_code == 200
    forbidden = [
        client.patch(url, headers=auth(pm), json={"title": "Mine now"}),
        client.delete(url, headers=auth(pm)),
        client.post(f"{url}/phases", headers=auth(pm), json={"name": "Sunset"}),
        client.patch(
            f"{url}/activities/{board.activity('Pricing')}", headers=auth(pm), json={"name": "X"}
        ),
        client.delete(f"{url}/functions/{board.function('PMM')}", headers=auth(pm)),
    ]
    me = state(client, board, pm)["you"]["participant_id"]
    forbidden.append(client.delete(f"{url}/participants/{me}", headers=auth(pm)))
    for r in forbidden:
        assert r.status_code == 403, r.text
        assert "Only the facilitator" in r.json()["detail"]
    d = state(client, board, board.facilitator)
    assert d["title"] == "Test board" and len(d["phases"]) == 4 and len(d["participants"]) == 1
    # Another board's token cannot write here either.
    r = set_cell(client, board, other.facilitator, "Pricing", "Build", "PM", "O")
    assert r.status_code == 403


def test_structure_add_rename_move_remove(client):
    board = make_board(client, **SMALL)
    tok, url = board.facilitator, f"/api/boards/{board.id}"
    r = client.post(f"{url}/functions", headers=auth(tok), json={"name": "Sales"})
    assert r.status_code == 201
    sales = r.json()["id"]
    r = client.post(
        f"{url}/activities",
        headers=auth(tok),
        json={"name": "Win/loss", "description": "Why deals close"},
    )
    assert r.status_code == 201
    assert (
        client.patch(
            f"{url}/phases/{board.phase('Grow')}", headers=auth(tok), json={"name": "Scale"}
        ).status_code
        == 200
    )
    assert (
        client.patch(
            f"{url}/phases/{board.phase('Grow')}", headers=auth(tok), json={"position": 0}
        ).status_code
        == 200
    )
    d = state(client, board, tok)
    assert [p["name"] for p in d["phases"]] == ["Scale", "Discover", "Build", "Launch"]
    assert [f["name"] for f in d["functions"]] == ["PM", "PMM", "Sales"]
    assert d["activities"][-1]["description"] == "Why deals close"
    set_cell(client, board, tok, "Pricing", "Build", "PM", "O")
    assert (
        client.delete(f"{url}/functions/{board.function('PM')}", headers=auth(tok)).status_code
        == 204
    )
    d = state(client, board, tok)
    assert [f["name"] for f in d["functions"]] == ["PMM", "Sales"] and d["cells"] == []
    assert sales in [f["id"] for f in d["functions"]]
    # Bad input.
    assert (
        client.post(f"{url}/phases", headers=auth(tok), json={"name": "Build"}).status_code == 409
    )
    assert (
        client.post(f"{url}/phases", headers=auth(tok), json={"name": "y" * 61}).status_code == 422
    )
    assert client.post(f"{url}/gadgets", headers=auth(tok), json={"name": "x"}).status_code == 422
    assert (
        client.patch(f"{url}/phases/987654", headers=auth(tok), json={"name": "x"}).status_code
        == 404
    )
    for fid in [f["id"] for f in d["functions"]][:-1]:
        client.delete(f"{url}/functions/{fid}", headers=auth(tok))
    r = client.delete(f"{url}/functions/{sales}", headers=auth(tok))
    assert r.status_code == 409 and "at least one" in r.json()["detail"]


def test_rename_and_delete_board(client):
    board = make_board(client, **SMALL)
    url = f"/api/boards/{board.id}"
    assert (
        client.patch(
            url, headers=auth(board.facilitator), json={"title": "  New   name "}
        ).status_code
        == 200
    )
    assert state(client, board, board.facilitator)["title"] == "New name"
    assert client.patch(url, headers=auth(board.facilitator), json={"title": ""}).status_code == 422
    assert client.delete(url, headers=auth(board.facilitator)).status_code == 204
    assert client.get(url, headers=auth(board.facilitator)).status_code == 404


def test_join_and_remove_participant(client):
    board = make_board(client, **SMALL)
    r = client.post(
        f"/api/join/{board.join}", json={"name": "", "function_id": board.function("PM")}
    )
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    r = client.post(f"/api/join/{board.join}", json={"name": "Ana", "function_id": 424242})
    assert r.status_code == 422 and "function" in r.json()["detail"]
    r = client.post(
        "/api/join/not-a-token", json={"name": "Ana", "function_id": board.function("PM")}
    )
    assert r.status_code == 404
    assert state(client, board, board.facilitator)["participants"] == []
    tok = join(client, board, "<b>Ana</b>", "PMM")
    d = state(client, board, tok)
    assert d["participants"][0]["name"] == "<b>Ana</b>"
    pid = d["you"]["participant_id"]
    r = client.delete(f"/api/boards/{board.id}/participants/{pid}", headers=auth(board.facilitator))
    assert r.status_code == 204
    assert client.get(f"/api/boards/{board.id}", headers=auth(tok)).status_code == 401


def test_change_log_records_who_and_order(client):
    board = make_board(client, **SMALL)
    pm = join(client, board, "Ana", "PM")
    set_cell(client, board, pm, "Pricing", "Build", "PM", "O")
    set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "D")
    log = client.get(f"/api/boards/{board.id}/changes", headers=auth(pm)).json()
    assert [c["seq"] for c in log] == list(range(1, len(log) + 1))
    assert [c["kind"] for c in log] == [
        "board.created",
        "participant.joined",
        "cell.set",
        "cell.set",
    ]
    assert (log[2]["actor"], log[2]["data"]["slots"]) == ("Ana", "O")
    assert (log[3]["actor_role"], log[3]["data"]["before"]) == ("facilitator", "O")
    later = client.get(f"/api/boards/{board.id}/changes?after=3", headers=auth(pm)).json()
    assert [c["seq"] for c in later] == [4]


def test_frameworks_catalogue_and_openapi(client):
    fws = {f["key"]: f for f in client.get("/api/frameworks").json()}
    assert set(fws) == {"odci", "raci", "daci"}
    assert [r["letter"] for r in fws["raci"]["roles"]] == ["A", "R", "C", "I"]
    assert len(client.get("/api/catalogue").json()) >= 14
    paths = client.get("/openapi.json").json()["paths"]
    for p in [
        "/api/boards",
        "/api/boards/{board_id}",
        "/api/boards/{board_id}/cells",
        "/api/boards/{board_id}/{kind}",
        "/api/boards/{board_id}/{kind}/{item_id}",
        "/api/join/{join_token}",
        "/api/boards/{board_id}/changes",
        "/api/boards/{board_id}/export.csv",
        "/api/boards/{board_id}/export.json",
        "/boards/{board_id}/events",
    ]:
        assert p in paths, p
    assert client.get("/docs").status_code == 200


def test_exports_download(client):
    board = make_board(client, **SMALL)
    set_cell(client, board, board.facilitator, "Pricing", "Launch", "PMM", "OD")
    r = client.get(f"/api/boards/{board.id}/export.csv?token={board.facilitator}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert "Pricing,Launch,PMM,OD,Owner + Driver,ODCI" in r.text
    r = client.get(f"/api/boards/{board.id}/export.json", headers=auth(board.facilitator))
    assert r.json()["activities"][0]["cells"] == {"Launch": {"PMM": "OD"}}
    assert client.get(f"/api/boards/{board.id}/export.json").status_code == 401


def test_patch_rename_and_move_is_one_change_or_none(client):
    board = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    tok, url = board.facilitator, f"/api/boards/{board.id}"
    before = state(client, board, tok)["seq"]
    aid = board.activity("Positioning")
    r = client.patch(f"{url}/activities/{aid}", headers=auth(tok), json={"name": "", "position": 0})
    assert r.status_code == 422
    d = state(client, board, tok)
    assert d["seq"] == before and [a["name"] for a in d["activities"]] == ["Pricing", "Positioning"]
    r = client.patch(
        f"{url}/activities/{aid}", headers=auth(tok), json={"name": "Story", "position": 0}
    )
    assert r.status_code == 200 and r.json()["seq"] == before + 1
    d = state(client, board, tok)
    assert [a["name"] for a in d["activities"]] == ["Story", "Pricing"]


def test_malformed_tokens_and_ids_are_refused_cleanly(client):
    board = make_board(client, **SMALL)
    url = f"/api/boards/{board.id}"
    for bad in ["%C3%A9", "%00", "short", "x" * 200]:
        r = client.get(f"{url}?token={bad}")
        assert r.status_code == 401, (bad, r.text)
        assert client.get(f"/j/{bad}").status_code == 404
        assert client.get(f"/f/{bad}").status_code == 404
        r = client.post(f"/api/join/{bad}", json={"name": "A", "function_id": board.function("PM")})
        assert r.status_code == 404
    r = client.get(url, headers={"X-Lockstep-Token": ("é" * 20).encode()})
    assert r.status_code == 401
    huge = 2**40
    assert client.get(f"/api/boards/{huge}", headers=auth(board.facilitator)).status_code == 404
    assert client.get(f"/api/boards/{2**70}", headers=auth(board.facilitator)).status_code in (
        404,
        422,
    )
    r = client.put(
        f"{url}/cells",
        headers=auth(board.facilitator),
        json={"activity_id": huge, "phase_id": 1, "function_id": 1, "letters": "O"},
    )
    assert r.status_code == 404
    r = client.patch(f"{url}/phases/{huge}", headers=auth(board.facilitator), json={"name": "x"})
    assert r.status_code == 404
    r = client.post(f"/api/join/{board.join}", json={"name": "A", "function_id": huge})
    assert r.status_code == 422
    r = client.delete(f"{url}/participants/{huge}", headers=auth(board.facilitator))
    assert r.status_code == 404


def test_token_in_query_string_is_for_reading_only(client):
    board = make_board(client, **SMALL)
    url = f"/api/boards/{board.id}"
    assert client.get(f"{url}?token={board.facilitator}").status_code == 200
    r = client.patch(f"{url}?token={board.facilitator}", json={"title": "Sneaky"})
    assert r.status_code == 401
    assert state(client, board, board.facilitator)["title"] == "Test board"


def test_unclear_requests_are_refused(client):
    board = make_board(client, **SMALL)
    tok, url = board.facilitator, f"/api/boards/{board.id}"
    r = client.post("/api/boards", json={"title": "x", "phases": []})
    assert r.status_code == 422 and "at least one phase" in r.json()["detail"]
    r = client.patch(f"{url}/phases/{board.phase('Build')}", headers=auth(tok), json={})
    assert r.status_code == 422 and "Nothing to change" in r.json()["detail"]
    r = client.patch(
        f"{url}/phases/{board.phase('Build')}", headers=auth(tok), json={"description": "d"}
    )
    assert r.status_code == 422 and "Only activities" in r.json()["detail"]
    for sneaky in ["\u200b\u200b", "\u202e\u200d"]:
        r = client.post(
            f"/api/join/{board.join}", json={"name": sneaky, "function_id": board.function("PM")}
        )
        assert r.status_code == 422 and "empty" in r.json()["detail"]
    r = client.post(
        f"/api/join/{board.join}", json={"name": "Ana\u202e", "function_id": board.function("PM")}
    )
    assert state(client, board, r.json()["token"])["participants"][0]["name"] == "Ana"


def test_duplicate_activities_at_creation_are_refused(client):
    r = client.post(
        "/api/boards",
        json={"title": "x", "activities": [{"name": "Pricing"}, {"name": "pricing "}]},
    )
    assert r.status_code == 422 and "listed twice" in r.json()["detail"]
    r = client.post(
        "/boards",
        data={"title": "x", "catalogue": ["personas"], "extra_activities": "Personas"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422 and "listed twice" in r.text


def test_all_export_formats_download(client):
    import io

    import openpyxl

    board = make_board(client, **SMALL)
    set_cell(client, board, board.facilitator, "Pricing", "Launch", "PMM", "OD")
    base = f"/api/boards/{board.id}"
    r = client.get(f"{base}/export.xlsx", headers=auth(board.facilitator))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    assert openpyxl.load_workbook(io.BytesIO(r.content))["Launch"]["C2"].value == "OD"
    r = client.get(f"{base}/export.md?token={board.facilitator}")
    assert r.status_code == 200 and "| Pricing |   | OD |" in r.text
    r = client.get(f"{base}/export.wide.csv", headers=auth(board.facilitator))
    assert r.status_code == 200 and "Launch · PMM" in r.text
    assert client.get(f"{base}/export.xlsx").status_code == 401
    # A published version exports through its viewer link.
    v = client.post(
        f"{base}/versions", headers=auth(board.facilitator), json={"label": "Q4"}
    ).json()
    token = v["viewer_url"].split("/v/")[1].split("/")[0]
    r = client.get(f"/api/view/{token}/1/export.xlsx")
    assert (
        r.status_code == 200
        and openpyxl.load_workbook(io.BytesIO(r.content))["Launch"]["C2"].value == "OD"
    )
    assert "Q4" in client.get(f"/api/view/{token}/1/export.md").text
    assert client.get(f"/api/view/{token}/1/export.pdfx").status_code == 404
