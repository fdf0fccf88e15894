"""Helpers shared by the workshop tests."""

from __future__ import annotations

from tests.helpers import auth

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
