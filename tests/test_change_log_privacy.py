"""The change log says nothing of proposals before the reveal: not who proposed on which
activity, to any reader."""

from __future__ import annotations

from tests.helpers import auth, join, make_board
from tests.workshop_helpers import ACTS, move, propose, start


def changes(client, board, token):
    r = client.get(f"/api/boards/{board.id}/changes", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_change_log_never_says_where_anyone_proposed(client):
    board = make_board(client, **ACTS)
    ana = join(client, board, "Ana", "PM")
    ben = join(client, board, "Ben", "PMM")
    start(client, board)
    assert propose(client, board, ana, "Pricing", "Build", "PM", "O").status_code == 200
    assert propose(client, board, ben, "Positioning", "Launch", "PMM", "D").status_code == 200
    secret = {board.activity("Pricing"), board.activity("Positioning")}
    for reader in (board.facilitator, ana, ben):
        log = changes(client, board, reader)
        proposals = [c for c in log if c["kind"] == "proposal.set"]
        assert [c["actor"] for c in proposals] == ["Ana", "Ben"]
        assert all(c["data"] == {} for c in proposals), proposals
        for c in log:
            assert not secret & {c["data"].get("activity_id")}, c
    # After the reveal the proposals themselves are readable (GET /workshop); the log
    # still says nothing of where (the same for re-votes, which hide proposals again).
    assert move(client, board, "reveal").status_code == 200
    log = changes(client, board, ana)
    assert all(c["data"] == {} for c in log if c["kind"] == "proposal.set")
