"""Bad input is refused with a 4xx that says what is wrong, never a 500."""

from __future__ import annotations

from tests.helpers import auth, make_board


def test_change_log_after_a_number_past_64_bits_is_refused(client):
    board = make_board(client)
    for after in ("9223372036854775808", "2147483648", "-1"):
        r = client.get(
            f"/api/boards/{board.id}/changes?after={after}", headers=auth(board.facilitator)
        )
        assert r.status_code == 422, (after, r.text)
    r = client.get(
        f"/api/boards/{board.id}/changes?after=2147483647", headers=auth(board.facilitator)
    )
    assert r.status_code == 200 and r.json() == []
