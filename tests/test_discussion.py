"""Discussing and publishing: spotlight, timebox, comments, rationale, parking, versions
and the viewer link, and the page actions only the facilitator may take."""

from __future__ import annotations

import re

from tests.helpers import auth, join, make_board
from tests.workshop_helpers import ACTS, HX, move, propose, start, workshop


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


def test_a_timebox_belongs_to_its_activity_and_publishing_ends_the_discussion(client):
    board = make_board(client, **ACTS)
    tok = board.facilitator
    pricing, positioning = board.activity("Pricing"), board.activity("Positioning")

    def spot(**body):
        r = client.put(f"/api/boards/{board.id}/spotlight", headers=auth(tok), json=body)
        assert r.status_code == 200, r.text
        return workshop(client, board, tok)

    w = spot(activity_id=pricing, minutes=5)
    assert w["timebox_ends_at"]
    # The same activity again keeps its countdown; another one starts without the old one.
    assert spot(activity_id=pricing)["timebox_ends_at"] == w["timebox_ends_at"]
    w = spot(activity_id=positioning)
    assert w["spotlight_activity_id"] == positioning and w["timebox_ends_at"] is None
    assert spot(activity_id=pricing, minutes=2)["timebox_ends_at"]
    # Publishing ends the countdown; the spotlight stays (drafts in its discussion too),
    # and the wall shows the published result.
    start(client, board)
    assert move(client, board, "reveal").status_code == 200
    r = client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "Q"})
    assert r.status_code == 201, r.text
    w = workshop(client, board, tok)
    assert w["spotlight_activity_id"] == pricing and w["timebox_ends_at"] is None
    wall = client.get(f"/boards/{board.id}/projector?token={board.join}").text
    assert "pj-pic-published" in wall and "pj-pic-spotlight" not in wall
