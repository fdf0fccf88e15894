"""An activity's history: every change to it with who and when, from the change log, and
who held its roles in each published version."""

from __future__ import annotations

from tests.helpers import auth, join, make_board, set_cell, text_of

HX = {"HX-Request": "true"}


def test_an_activity_history_lists_its_changes_and_its_roles_per_version(client):
    board = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    tok = board.facilitator
    ana = join(client, board, "Ana", "PM")
    assert set_cell(client, board, tok, "Pricing", "Launch", "PMM", "O").status_code == 200
    assert set_cell(client, board, ana, "Pricing", "Launch", "PM", "D").status_code == 200
    assert set_cell(client, board, ana, "Positioning", "Build", "PM", "C").status_code == 200
    pricing = board.activity("Pricing")
    r = client.patch(
        f"/api/boards/{board.id}/activities/{pricing}",
        headers=auth(tok),
        json={"name": "Pricing & packaging"},
    )
    assert r.status_code == 200, r.text
    r = client.put(
        f"/api/boards/{board.id}/park",
        headers=auth(tok),
        json={"activity_id": pricing, "decider": "CPO"},
    )
    assert r.status_code == 200, r.text
    client.post(f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "2026-Q3"})
    assert set_cell(client, board, tok, "Pricing", "Launch", "PMM", "").status_code == 200

    url = f"/boards/{board.id}/activities/{pricing}/history"
    fragment = client.get(url, headers={**HX, **auth(ana)})  # a participant may read it
    assert fragment.status_code == 200 and "<html" not in fragment.text
    text = text_of(fragment.text)
    assert "History · Pricing & packaging" in text
    events = [
        "Facilitator : Launch · PMM: Owner → empty",
        "Facilitator : parked: CPO decides",
        "Facilitator : renamed from “Pricing” to “Pricing & packaging”",
        "Ana : Launch · PM: empty → Driver",
        "Facilitator : Launch · PMM: empty → Owner",
    ]
    positions = [text.find(e) for e in events]
    assert -1 not in positions, (events, text)
    assert positions == sorted(positions)  # newest first
    assert "Positioning" not in text and "Consulted" not in text  # only this activity
    # Its roles in the published version: PMM owned it and PM drove it at launch.
    assert "2026-Q3" in text and "Owner PMM · Driver PM" in text

    full = client.get(f"{url}?token={tok}")
    assert full.status_code == 200 and "<html" in full.text and "Owner PMM" in full.text
    # The board page offers it on every row.
    page = client.get(f"/f/{tok}").text
    assert f'hx-get="{url}"' in page and 'id="drawer"' in page


def test_activity_history_refusals(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    other = make_board(client, activities=[{"name": "Pricing"}])
    url = f"/boards/{board.id}/activities/{board.activity('Pricing')}/history"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth(other.facilitator)).status_code == 403
    theirs = f"/boards/{board.id}/activities/{other.activity('Pricing')}/history"
    r = client.get(theirs, headers={**HX, **auth(board.facilitator)})
    assert r.status_code == 404 and "No activity" in r.text
    r = client.get(
        f"/boards/{board.id}/activities/99999999999/history", headers=auth(board.facilitator)
    )
    assert r.status_code == 404 and "No activity" in r.text
