"""The facilitated workshop over the API and pages: rounds, privacy before the reveal,
agreeing, re-votes, spotlight, discussion and publishing — and every refusal."""

from __future__ import annotations

import re

from tests.helpers import auth, join, make_board, state

ACTS = {"activities": [{"name": "Pricing"}, {"name": "Positioning"}]}
HX = {"HX-Request": "true"}


def matrix_of(html: str) -> str:
    start = html.index('<table id="matrix"')
    return html[start : html.index("</table>", start)]


def workshop(client, board, token):
    r = client.get(f"/api/boards/{board.id}/workshop", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def start(client, board, *, auto_reveal=False):
    tok = board.facilitator
    r = client.put(
        f"/api/boards/{board.id}/mode",
        headers=auth(tok),
        json={"mode": "workshop", "auto_reveal": auto_reveal},
    )
    assert r.status_code == 200, r.text
    r = client.post(f"/api/boards/{board.id}/round", headers=auth(tok), json={"to": "propose"})
    assert r.status_code == 200, r.text


def propose(client, board, token, activity, phase, function, letters):
    return client.put(
        f"/api/boards/{board.id}/proposals",
        headers=auth(token),
        json={
            "activity_id": board.activity(activity),
            "phase_id": board.phase(phase),
            "function_id": board.function(function),
            "letters": letters,
        },
    )


def move(client, board, to, token=None):
    return client.post(
        f"/api/boards/{board.id}/round", headers=auth(token or board.facilitator), json={"to": to}
    )


def test_rounds_move_forward_and_back_only_step_by_step(client):
    board = make_board(client, **ACTS)
    assert move(client, board, "propose").status_code == 409  # free mode: no rounds
    client.put(
        f"/api/boards/{board.id}/mode", headers=auth(board.facilitator), json={"mode": "workshop"}
    )
    seq = state(client, board, board.facilitator)["seq"]
    for bad in ["reveal", "agreed", "setup"]:
        r = move(client, board, bad)
        assert r.status_code == 409 and "Cannot go from" in r.json()["detail"], bad
    assert move(client, board, "published").status_code == 422
    assert state(client, board, board.facilitator)["seq"] == seq  # refused moves change nothing
    for to in ["propose", "reveal", "agreed", "reveal", "propose", "setup", "propose"]:
        r = move(client, board, to)
        assert r.status_code == 200 and r.json()["round"] == to, (to, r.text)
    r = client.put(
        f"/api/boards/{board.id}/mode", headers=auth(board.facilitator), json={"mode": "free"}
    )
    assert r.status_code == 409 and "set-up" in r.json()["detail"]


def test_nothing_private_reaches_another_participant_before_the_reveal(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana = join(client, board, "Ana", "PM")
    ben = join(client, board, "Ben", "PMM")
    a, p, f = board.activity("Pricing"), board.phase("Launch"), board.function("PMM")
    assert propose(client, board, ana, "Pricing", "Launch", "PMM", "OD").status_code == 200
    assert propose(client, board, ana, "Pricing", "Launch", "PM", "C").status_code == 200
    # Ben, through every door: the workshop API, the board API, the change log, the page,
    # the live fragment, the exports.
    w = workshop(client, board, ben)
    assert w["proposals"] == [] and not w["revealed"]
    assert [(p_["name"], p_["filled"]) for p_ in w["progress"]] == [("Ana", 2), ("Ben", 0)]
    assert state(client, board, ben)["cells"] == []
    log = client.get(f"/api/boards/{board.id}/changes?limit=1000", headers=auth(ben)).json()
    for c in log:
        assert "slots" not in c["data"] and "letters" not in c["data"], c
    page = client.get(f"/j/{board.join}", cookies={f"lockstep_p{board.id}": ben}).text
    fragment = client.get(f"/boards/{board.id}/live", headers=auth(ben)).text
    exports = client.get(f"/api/boards/{board.id}/export.json", headers=auth(ben)).text
    exports += client.get(f"/api/boards/{board.id}/export.csv", headers=auth(ben)).text
    for body in (page, fragment):
        assert re.search(rf'id="c-{a}-{p}-{f}"[^>]*data-letters=""', body), (
            "Ben must see an empty cell"
        )
        grid = matrix_of(body)
        assert 'class="spread"' not in grid and "role-O" not in grid and "role-D" not in grid
    assert ",OD," not in exports and '"OD"' not in exports and ",C," not in exports
    # The facilitator sees progress, not letters, either.
    fac = workshop(client, board, board.facilitator)
    assert fac["proposals"] == []
    assert "role-O" not in matrix_of(
        client.get(f"/boards/{board.id}/live", headers=auth(board.facilitator)).text
    )
    # Ana sees her own.
    mine = workshop(client, board, ana)["proposals"]
    assert sorted(x["letters"] for x in mine) == ["C", "OD"]
    # After the reveal, everyone sees who proposed what.
    move(client, board, "reveal")
    w = workshop(client, board, ben)
    assert {(x["participant"], x["letters"]) for x in w["proposals"]} == {
        ("Ana", "OD"),
        ("Ana", "C"),
    }
    fragment = client.get(f"/boards/{board.id}/live", headers=auth(ben)).text
    assert 'class="spread"' in fragment and "Ana" in fragment


def test_proposals_only_in_their_round_and_only_by_participants(client):
    board = make_board(client, **ACTS)
    client.put(
        f"/api/boards/{board.id}/mode", headers=auth(board.facilitator), json={"mode": "workshop"}
    )
    ana = join(client, board, "Ana", "PM")
    r = propose(client, board, ana, "Pricing", "Build", "PM", "O")
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    move(client, board, "propose")
    r = propose(client, board, board.facilitator, "Pricing", "Build", "PM", "O")
    assert r.status_code == 403
    r = propose(client, board, ana, "Pricing", "Build", "PM", "Q")
    assert r.status_code == 422
    # In a workshop a participant's cell edit is a proposal, not a change to the agreed matrix.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(ana),
        json={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Build"),
            "function_id": board.function("PM"),
            "letters": "O",
        },
    )
    assert r.status_code == 403 and "participants propose" in r.json()["detail"]
    # The facilitator cannot set agreed values before the reveal.
    r = client.post(
        f"/boards/{board.id}/cells",
        headers={**HX, "X-Lockstep-Token": board.facilitator},
        data={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Build"),
            "function_id": board.function("PM"),
            "letters": "O",
        },
    )
    assert r.status_code == 409 and "after the reveal" in r.text
    # Through the page, a participant's click is their proposal.
    r = client.post(
        f"/boards/{board.id}/cells",
        headers={**HX, "X-Lockstep-Token": ana},
        data={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Build"),
            "function_id": board.function("PM"),
            "letters": "OD",
        },
    )
    assert r.status_code == 200 and 'data-letters="OD"' in r.text
    assert state(client, board, ana)["cells"] == []
    assert workshop(client, board, ana)["progress"][0]["filled"] == 1


def test_ready_marks_and_auto_reveal(client):
    board = make_board(client, **ACTS)
    start(client, board, auto_reveal=True)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    assert (
        client.put(
            f"/api/boards/{board.id}/ready", headers=auth(board.facilitator), json={"ready": True}
        ).status_code
        == 403
    )
    assert (
        client.put(
            f"/api/boards/{board.id}/ready", headers=auth(ana), json={"ready": True}
        ).status_code
        == 200
    )
    assert workshop(client, board, ben)["round"] == "propose"
    assert [p["ready"] for p in workshop(client, board, ben)["progress"]] == [True, False]
    assert (
        client.put(
            f"/api/boards/{board.id}/ready", headers=auth(ben), json={"ready": True}
        ).status_code
        == 200
    )
    w = workshop(client, board, ben)
    assert w["round"] == "reveal" and w["revealed"]
    log = client.get(f"/api/boards/{board.id}/changes?limit=1000", headers=auth(ben)).json()
    assert log[-1]["kind"] == "round.changed" and log[-1]["data"]["auto"] is True
    # Ready marks belong to the propose round.
    assert (
        client.put(
            f"/api/boards/{board.id}/ready", headers=auth(ana), json={"ready": False}
        ).status_code
        == 409
    )


def test_accept_unanimous_majority_and_agree_cells(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    for tok in (ana, ben):
        propose(client, board, tok, "Pricing", "Launch", "PM", "OD")
        propose(client, board, tok, "Pricing", "Launch", "PMM", "C")
    propose(client, board, ana, "Positioning", "Launch", "PMM", "OD")
    propose(client, board, ben, "Positioning", "Launch", "PMM", "D")
    propose(client, board, ben, "Positioning", "Launch", "PM", "O")
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 409  # not revealed yet
    move(client, board, "reveal")
    w = workshop(client, board, board.facilitator)
    assert [h["activity_id"] for h in w["hot_list"]] == [board.activity("Positioning")]
    assert (
        client.post(f"/api/boards/{board.id}/accept", headers=auth(ana), json={}).status_code == 403
    )
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 200
    d = state(client, board, board.facilitator)
    cells = {(c["activity_id"], c["function_id"]): c["letters"] for c in d["cells"]}
    assert cells == {
        (board.activity("Pricing"), board.function("PM")): "OD",
        (board.activity("Pricing"), board.function("PMM")): "C",
    }
    assert workshop(client, board, ana)["agreed"] == [
        [board.activity("Pricing"), board.phase("Launch")]
    ]
    # Nothing unanimous left.
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 409 and "Nothing to accept" in r.json()["detail"]
    # The facilitator decides the disputed one cell by cell.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(board.facilitator),
        json={
            "activity_id": board.activity("Positioning"),
            "phase_id": board.phase("Launch"),
            "function_id": board.function("PMM"),
            "letters": "OD",
        },
    )
    assert r.status_code == 200
    agreed = workshop(client, board, ana)["agreed"]
    assert [board.activity("Positioning"), board.phase("Launch")] in agreed
    # Participants cannot set agreed values.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(ana),
        json={
            "activity_id": board.activity("Positioning"),
            "phase_id": board.phase("Launch"),
            "function_id": board.function("PMM"),
            "letters": "I",
        },
    )
    assert r.status_code in (403, 409)


def test_revote_clears_one_activity_and_hides_it_again(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    propose(client, board, ana, "Pricing", "Build", "PM", "O")
    propose(client, board, ben, "Pricing", "Build", "PM", "D")
    propose(client, board, ben, "Positioning", "Build", "PM", "C")
    move(client, board, "reveal")
    pricing = board.activity("Pricing")
    assert (
        client.post(
            f"/api/boards/{board.id}/activities/{pricing}/revote", headers=auth(ana)
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/boards/{board.id}/activities/{pricing}/revote", headers=auth(board.facilitator)
        ).status_code
        == 200
    )
    # Pricing's proposals are gone; Positioning's stay visible.
    w = workshop(client, board, ana)
    assert {x["activity_id"] for x in w["proposals"]} == {board.activity("Positioning")}
    # People propose Pricing again, silently, while the rest stays revealed.
    assert propose(client, board, ana, "Pricing", "Build", "PM", "OD").status_code == 200
    assert propose(client, board, ana, "Positioning", "Build", "PM", "O").status_code == 409
    assert all(x["activity_id"] != pricing for x in workshop(client, board, ben)["proposals"])
    r = client.post(
        f"/api/boards/{board.id}/accept",
        headers=auth(board.facilitator),
        json={"activity_id": pricing, "use": "majority"},
    )
    assert r.status_code == 409 and "re-voted" in r.json()["detail"]
    assert (
        client.post(
            f"/api/boards/{board.id}/activities/{pricing}/reveal", headers=auth(board.facilitator)
        ).status_code
        == 200
    )
    assert any(x["activity_id"] == pricing for x in workshop(client, board, ben)["proposals"])
    assert (
        client.post(
            f"/api/boards/{board.id}/activities/{pricing}/reveal", headers=auth(board.facilitator)
        ).status_code
        == 409
    )


def test_spotlight_timebox_comments_rationale_park(client):
    board = make_board(client, **ACTS)
    tok = board.facilitator
    ana = join(client, board, "Ana", "PM")
    pricing = board.activity("Pricing")
    assert (
        client.put(
            f"/api/boards/{board.id}/spotlight", headers=auth(ana), json={"activity_id": pricing}
        ).status_code
        == 403
    )
    for bad in (0, -1, 121):
        r = client.put(
            f"/api/boards/{board.id}/spotlight",
            headers=auth(tok),
            json={"activity_id": pricing, "minutes": bad},
        )
        assert r.status_code == 422
    r = client.put(
        f"/api/boards/{board.id}/spotlight",
        headers=auth(tok),
        json={"activity_id": pricing, "minutes": 5},
    )
    assert r.status_code == 200
    w1 = workshop(client, board, ana)
    assert w1["spotlight_activity_id"] == pricing and w1["timebox_ends_at"]
    # A late joiner sees the same deadline: it lives on the server.
    late = join(client, board, "Late", "PMM")
    assert workshop(client, board, late)["timebox_ends_at"] == w1["timebox_ends_at"]
    page = client.get(f"/j/{board.join}", cookies={f"lockstep_p{board.id}": late}).text
    assert 'data-deadline="' in page and "In the spotlight" in page
    r = client.put(
        f"/api/boards/{board.id}/spotlight", headers=auth(tok), json={"activity_id": 987654}
    )
    assert r.status_code == 404
    # Comments from participants and the facilitator, shown as text.
    r = client.post(
        f"/api/boards/{board.id}/comments",
        headers=auth(ana),
        json={"activity_id": pricing, "text": "<b>PMM</b> should own it"},
    )
    assert r.status_code == 201
    assert (
        client.post(
            f"/api/boards/{board.id}/comments",
            headers=auth(ana),
            json={"activity_id": pricing, "text": "  "},
        ).status_code
        == 422
    )
    assert (
        "&lt;b&gt;PMM&lt;/b&gt;" in client.get(f"/boards/{board.id}/live", headers=auth(ana)).text
    )
    # Rationale and parking are the facilitator's.
    assert (
        client.put(
            f"/api/boards/{board.id}/rationale",
            headers=auth(ana),
            json={"activity_id": pricing, "text": "x"},
        ).status_code
        == 403
    )
    assert (
        client.put(
            f"/api/boards/{board.id}/rationale",
            headers=auth(tok),
            json={"activity_id": pricing, "text": "PMM knows the market"},
        ).status_code
        == 200
    )
    assert (
        client.put(
            f"/api/boards/{board.id}/rationale",
            headers=auth(tok),
            json={"activity_id": pricing, "phase_id": board.phase("Grow"), "text": "PM in Grow"},
        ).status_code
        == 200
    )
    assert (
        client.put(
            f"/api/boards/{board.id}/park",
            headers=auth(ana),
            json={"activity_id": pricing, "decider": "CPO"},
        ).status_code
        == 403
    )
    assert (
        client.put(
            f"/api/boards/{board.id}/park",
            headers=auth(tok),
            json={"activity_id": pricing, "decider": "Dana (CPO)"},
        ).status_code
        == 200
    )
    assert "parked · Dana (CPO)" in client.get(f"/boards/{board.id}/live", headers=auth(ana)).text


def test_publish_versions_and_viewer_link(client):
    board = make_board(client, **ACTS)
    tok = board.facilitator
    start(client, board)
    ana = join(client, board, "Ana", "PM")
    r = client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={})
    assert r.status_code == 409  # nothing agreed before the reveal
    propose(client, board, ana, "Pricing", "Launch", "PMM", "OD")
    move(client, board, "reveal")
    client.post(f"/api/boards/{board.id}/accept", headers=auth(tok), json={})
    client.put(
        f"/api/boards/{board.id}/park",
        headers=auth(tok),
        json={"activity_id": board.activity("Positioning"), "decider": "CPO"},
    )
    assert (
        client.post(f"/api/boards/{board.id}/versions", headers=auth(ana), json={}).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": ""}
        ).status_code
        == 201
    )  # default label
    r = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "2026-Q4 final"}
    )
    assert r.status_code == 201
    v2 = r.json()
    assert v2["number"] == 2 and v2["open_items"] > 0
    versions = client.get(f"/api/boards/{board.id}/versions", headers=auth(ana)).json()
    assert [v["number"] for v in versions] == [1, 2] and re.fullmatch(
        r"\d{4}-Q[1-4]", versions[0]["label"]
    )
    viewer = v2["viewer_url"].split("/v/")[1].split("/")[0]
    assert workshop(client, board, tok)["round"] == "published"
    # The viewer link: read-only pages and JSON; it opens nothing else.
    page = client.get(f"/v/{viewer}")
    assert page.status_code == 200 and "2026-Q4 final" in page.text
    for text in [
        "PMM</strong> owns Pricing in Launch",
        "Open items",
        "CPO decides",
        "Owner / Driver load",
    ]:
        assert text in page.text, text
    assert client.get(f"/v/{viewer}/1").status_code == 200
    assert client.get(f"/v/{viewer}/99").status_code == 404
    assert client.get("/v/not-a-real-token-at-all").status_code == 404
    snap = client.get(f"/api/view/{viewer}/2").json()
    assert snap["version"]["label"] == "2026-Q4 final" and snap["activities"][0]["cells"] == {
        "Launch": {"PMM": "OD"}
    }
    r = client.get(f"/api/boards/{board.id}", headers=auth(viewer))
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    assert (
        client.put(
            f"/api/boards/{board.id}/cells",
            headers=auth(viewer),
            json={"activity_id": 1, "phase_id": 1, "function_id": 1, "letters": "O"},
        ).status_code
        == 403
    )
    # Old versions stay as they were when the board moves on.
    move(client, board, "agreed")
    client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(tok),
        json={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Launch"),
            "function_id": board.function("PMM"),
            "letters": "I",
        },
    )
    assert client.get(f"/api/view/{viewer}/2").json()["activities"][0]["cells"] == {
        "Launch": {"PMM": "OD"}
    }


def test_free_mode_publishes_too(client):
    board = make_board(client, **ACTS)
    r = client.post(
        f"/boards/{board.id}/publish",
        headers={**HX, "X-Lockstep-Token": board.facilitator},
        data={"label": "Q3"},
    )
    assert r.status_code == 200
    assert [
        v["label"]
        for v in client.get(
            f"/api/boards/{board.id}/versions", headers=auth(board.facilitator)
        ).json()
    ] == ["Q3"]


def test_page_actions_refuse_participants(client):
    board = make_board(client, **ACTS)
    ana = join(client, board, "Ana", "PM")
    h = {**HX, "X-Lockstep-Token": ana}
    pricing = board.activity("Pricing")
    for path, data in [
        ("mode", {"mode": "workshop"}),
        ("round", {"to": "propose"}),
        ("accept", {}),
        (f"activities/{pricing}/revote", {}),
        (f"activities/{pricing}/reveal", {}),
        ("spotlight", {"activity_id": pricing}),
        ("timebox", {"minutes": "5"}),
        ("rationale", {"activity_id": pricing, "text": "x"}),
        ("park", {"activity_id": pricing, "decider": "x"}),
        ("publish", {"label": "x"}),
    ]:
        r = client.post(f"/boards/{board.id}/{path}", headers=h, data=data)
        assert r.status_code == 403 and "Only the facilitator" in r.text, (path, r.text)
    r = client.post(
        f"/boards/{board.id}/timebox",
        headers={**HX, "X-Lockstep-Token": board.facilitator},
        data={"minutes": "soon"},
    )
    assert r.status_code == 422 and "number" in r.text
    assert client.get(f"/boards/{board.id}/projector?token={ana}").status_code == 200


def test_going_back_to_reveal_keeps_a_revote_hidden(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    propose(client, board, ana, "Pricing", "Build", "PM", "O")
    move(client, board, "reveal")
    pricing = board.activity("Pricing")
    client.post(
        f"/api/boards/{board.id}/activities/{pricing}/revote", headers=auth(board.facilitator)
    )
    propose(client, board, ana, "Pricing", "Build", "PM", "OD")
    move(client, board, "agreed")
    move(client, board, "reveal")
    assert all(x["activity_id"] != pricing for x in workshop(client, board, ben)["proposals"])
    assert propose(client, board, ben, "Pricing", "Build", "PM", "D").status_code == 200


def test_majority_ties_are_left_for_people(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    propose(client, board, ana, "Pricing", "Launch", "PM", "O")
    propose(client, board, ana, "Pricing", "Launch", "PMM", "D")
    propose(client, board, ben, "Pricing", "Launch", "PM", "D")
    propose(client, board, ben, "Pricing", "Launch", "PMM", "O")
    propose(client, board, ana, "Positioning", "Launch", "PMM", "OD")  # only one voter
    move(client, board, "reveal")
    r = client.post(
        f"/api/boards/{board.id}/accept",
        headers=auth(board.facilitator),
        json={"activity_id": board.activity("Pricing"), "use": "majority"},
    )
    assert r.status_code == 409 and "tie" in r.json()["detail"] and "PM" in r.json()["detail"]
    # One voter out of two is not "everyone agreed".
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 409
    assert state(client, board, board.facilitator)["cells"] == []
    assert workshop(client, board, ana)["agreed"] == []


def test_removing_the_last_unready_participant_auto_reveals(client):
    board = make_board(client, **ACTS)
    start(client, board, auto_reveal=True)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    client.put(f"/api/boards/{board.id}/ready", headers=auth(ana), json={"ready": True})
    ben_id = workshop(client, board, ben)["progress"][1]["participant_id"]
    r = client.delete(
        f"/api/boards/{board.id}/participants/{ben_id}", headers=auth(board.facilitator)
    )
    assert r.status_code == 204
    assert workshop(client, board, ana)["round"] == "reveal"


def test_each_comment_is_shown_once(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana = join(client, board, "Ana", "PM")
    pricing = board.activity("Pricing")
    client.put(
        f"/api/boards/{board.id}/spotlight",
        headers=auth(board.facilitator),
        json={"activity_id": pricing},
    )
    client.post(
        f"/api/boards/{board.id}/comments",
        headers=auth(ana),
        json={"activity_id": pricing, "text": "only once please"},
    )
    assert (
        client.get(f"/boards/{board.id}/live", headers=auth(ana)).text.count("only once please")
        == 1
    )


def test_a_proposing_participant_sees_rule_checks_on_their_own_proposals(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    propose(client, board, ana, "Pricing", "Launch", "PM", "O")
    propose(client, board, ana, "Pricing", "Launch", "PMM", "O")
    mine = client.get(f"/boards/{board.id}/live", headers=auth(ana)).text
    assert "Your proposals" in mine and "2 Owners (PM, PMM)" in mine
    # Nobody else sees Ana's checks, which would give her proposal away.
    for other in (ben, board.facilitator):
        page = client.get(f"/boards/{board.id}/live", headers=auth(other)).text
        assert "2 Owners" not in page


def test_next_review_starts_from_what_was_agreed(client):
    board = make_board(client, **ACTS)
    tok = board.facilitator
    client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(tok),
        json={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Launch"),
            "function_id": board.function("PMM"),
            "letters": "OD",
        },
    )
    client.put(
        f"/api/boards/{board.id}/rationale",
        headers=auth(tok),
        json={"activity_id": board.activity("Pricing"), "text": "Market facing"},
    )
    client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "2026-Q3"})
    ana = join(client, board, "Ana", "PM")
    assert (
        client.post(f"/api/boards/{board.id}/versions/1/next", headers=auth(ana)).status_code == 403
    )
    assert (
        client.post(f"/api/boards/{board.id}/versions/9/next", headers=auth(tok)).status_code == 404
    )
    r = client.post(f"/api/boards/{board.id}/versions/1/next", headers=auth(tok))
    assert r.status_code == 201, r.text
    nxt = r.json()
    ntok = nxt["facilitator_token"]
    d = client.get(f"/api/boards/{nxt['id']}", headers=auth(ntok)).json()
    assert d["title"] == board.data["title"]  # the same title; each version has its label
    assert [a["name"] for a in d["activities"]] == ["Pricing", "Positioning"]
    assert [c["letters"] for c in d["cells"]] == ["OD"]  # the agreed matrix carries over
    w = client.get(f"/api/boards/{nxt['id']}/workshop", headers=auth(ntok)).json()
    assert w["mode"] == "workshop" and w["round"] == "setup"
    # A participant joining the next review starts with last quarter's values as proposals.
    joined = client.post(
        f"/api/join/{nxt['join_token']}",
        json={"name": "Bo", "function_id": d["functions"][0]["id"]},
    ).json()
    mine = client.get(f"/api/boards/{nxt['id']}/workshop", headers=auth(joined["token"])).json()[
        "proposals"
    ]
    assert [(p["letters"]) for p in mine] == ["OD"]
    export = client.get(f"/api/boards/{nxt['id']}/export.json", headers=auth(ntok)).json()
    assert export["activities"][0]["rationale"] == "Market facing"


def test_next_review_shows_what_changed_since_last_quarter(client):
    board = make_board(client, **ACTS)
    tok = board.facilitator
    client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(tok),
        json={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Launch"),
            "function_id": board.function("PMM"),
            "letters": "OD",
        },
    )
    client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "2026-Q3"})
    nxt = client.post(f"/api/boards/{board.id}/versions/1/next", headers=auth(tok)).json()
    ntok = nxt["facilitator_token"]
    page = client.get(f"/boards/{nxt['id']}/live", headers=auth(ntok)).text
    assert "Changes since 2026-Q3" in page and "none yet" in page
    d = client.get(f"/api/boards/{nxt['id']}", headers=auth(ntok)).json()
    ids = {x["name"]: x["id"] for x in d["phases"] + d["functions"] + d["activities"]}
    # Changing the agreed matrix needs the workshop past its reveal.
    for to in ("propose", "reveal"):
        client.post(f"/api/boards/{nxt['id']}/round", headers=auth(ntok), json={"to": to})
    r = client.post(
        f"/boards/{nxt['id']}/cells",
        headers={"HX-Request": "true", "X-Lockstep-Token": ntok},
        data={
            "activity_id": ids["Pricing"],
            "phase_id": ids["Launch"],
            "function_id": ids["PMM"],
            "letters": "C",
        },
    )
    assert (
        r.status_code == 200
        and "Pricing · Launch: Owner PMM → nobody; Driver PMM → nobody; Consulted nobody → PMM"
        in r.text
    )
    page = client.get(f"/boards/{nxt['id']}/live", headers=auth(ntok)).text
    assert (
        "Pricing · Launch: Owner PMM → nobody; Driver PMM → nobody; Consulted nobody → PMM" in page
    )
