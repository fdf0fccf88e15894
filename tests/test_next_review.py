"""Next quarter: a review started from a published version carries its matrix over and
lists what changed since."""

from __future__ import annotations

import html

from tests.helpers import auth, join, make_board, text_of
from tests.workshop_helpers import ACTS, move, propose, start


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


def test_a_review_defaults_to_the_quarter_after_the_one_it_reviews(client):
    board = make_board(client, **ACTS)
    tok = board.facilitator
    for label in ("2026-Q3", "2026-Q4"):
        r = client.post(
            f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": label}
        )
        assert r.status_code == 201, r.text
    # Reviewing 2026-Q3: 2026-Q4 is taken in the lineage already, so the next free quarter.
    nxt = client.post(f"/api/boards/{board.id}/versions/1/next", headers=auth(tok)).json()
    ntok = nxt["facilitator_token"]
    for to in ("propose", "reveal"):
        client.post(f"/api/boards/{nxt['id']}/round", headers=auth(ntok), json={"to": to})
    page = client.get(f"/boards/{nxt['id']}/live", headers=auth(ntok)).text
    assert 'name="label" value="2027-Q1"' in page
    r = client.post(f"/api/boards/{nxt['id']}/versions", headers=auth(ntok), json={})
    assert r.status_code == 201 and r.json()["label"] == "2027-Q1"
    # The review of that one: the quarter after it.
    last = client.post(f"/api/boards/{nxt['id']}/versions/1/next", headers=auth(ntok)).json()
    ltok = last["facilitator_token"]
    for to in ("propose", "reveal"):
        client.post(f"/api/boards/{last['id']}/round", headers=auth(ltok), json={"to": to})
    r = client.post(f"/api/boards/{last['id']}/versions", headers=auth(ltok), json={})
    assert r.status_code == 201 and r.json()["label"] == "2027-Q2"


def test_a_review_counts_pairs_agreed_last_version_and_unchanged_as_agreed(client):
    board = make_board(client, **ACTS)  # 2 activities x 4 phases
    tok = board.facilitator
    start(client, board)
    ana = join(client, board, "Ana", "PM")
    for activity in ("Pricing", "Positioning"):
        for phase in ("Discover", "Build", "Launch", "Grow"):
            if (activity, phase) != ("Positioning", "Grow"):  # nobody proposes this one
                propose(client, board, ana, activity, phase, "PM", "OD")
    move(client, board, "reveal")
    assert (
        client.post(f"/api/boards/{board.id}/accept", headers=auth(tok), json={}).status_code == 200
    )
    v1 = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "2026-Q3"}
    )
    assert v1.json()["open_items"] == 1
    nxt = client.post(f"/api/boards/{board.id}/versions/1/next", headers=auth(tok)).json()
    nid, ntok = nxt["id"], nxt["facilitator_token"]
    ids = {
        x["name"]: x["id"]
        for d in [client.get(f"/api/boards/{nid}", headers=auth(ntok)).json()]
        for x in d["phases"] + d["functions"] + d["activities"]
    }
    for to in ("propose", "reveal"):
        client.post(f"/api/boards/{nid}/round", headers=auth(ntok), json={"to": to})
    page = text_of(client.get(f"/boards/{nid}/live", headers=auth(ntok)).text)
    assert "7 of 8 activity·phase pairs agreed (7 as in 2026-Q3, unchanged)" in page
    # Pricing · Launch changes; its agreement is then undone by a re-vote of Pricing.
    r = client.put(
        f"/api/boards/{nid}/cells",
        headers=auth(ntok),
        json={
            "activity_id": ids["Pricing"],
            "phase_id": ids["Launch"],
            "function_id": ids["PMM"],
            "letters": "C",
        },
    )
    assert r.status_code == 200, r.text
    for action in ("revote", "reveal"):
        r = client.post(
            f"/api/boards/{nid}/activities/{ids['Pricing']}/{action}", headers=auth(ntok)
        )
        assert r.status_code == 200, r.text
    page = text_of(client.get(f"/boards/{nid}/live", headers=auth(ntok)).text)
    assert "6 of 8 activity·phase pairs agreed" in page
    assert "2 activity·phase pairs are not agreed yet" in html.unescape(
        client.get(f"/boards/{nid}/live", headers=auth(ntok)).text
    )
    v2 = client.post(f"/api/boards/{nid}/versions", headers=auth(ntok), json={})
    assert v2.status_code == 201 and v2.json()["open_items"] == 2
    viewer = v2.json()["viewer_url"].split("/v/")[1]
    snap = client.get(f"/api/view/{viewer}").json()
    assert sorted((i["activity"], i["phase"], i["reason"]) for i in snap["open_items"]) == [
        ("Positioning", "Grow", "not agreed"),
        ("Pricing", "Launch", "not agreed"),
    ]
