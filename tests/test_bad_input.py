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


CSV_HEADER = "activity,phase,function,letters,roles,framework\r\n"


def upload(client, name: str, body: bytes):
    return client.post("/api/import", files={"file": (name, body)})


def test_csv_import_with_a_bare_cr_in_an_unquoted_field_is_refused(client):
    body = CSV_HEADER + "Pri\rcing,Build,PM,O,Owner,ODCI\r\n"
    r = upload(client, "b.csv", body.encode())
    assert r.status_code == 422, r.text
    assert "Line 2" in r.json()["detail"] and "line break" in r.json()["detail"]


def test_csv_import_with_a_field_over_the_csv_field_limit_is_refused(client):
    body = CSV_HEADER + "A" * 140_000 + ",Build,PM,O,Owner,ODCI\r\n"
    r = upload(client, "b.csv", body.encode())
    assert r.status_code == 422, r.text
    assert "Line 2" in r.json()["detail"] and "longer than" in r.json()["detail"]
    r = upload(client, "b.csv", ("A" * 140_000 + "\r\n").encode())
    assert r.status_code == 422, r.text
