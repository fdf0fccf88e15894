"""Bad input is refused with a 4xx that says what is wrong, never a 500."""

from __future__ import annotations

import json

import pytest

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


def post_json(client, url: str, body: bytes, token: str | None = None):
    headers = {"content-type": "application/json", **(auth(token) if token else {})}
    return client.post(url, content=body, headers=headers)


def test_a_lone_surrogate_in_a_json_string_answers_422(client):
    # Where the 422 names the input (a wrong type beside it) ...
    r = post_json(client, "/api/boards", b'{"title": "\\ud800", "framework": 5}')
    assert r.status_code == 422, r.text
    assert r.json()["detail"]
    # ... and where the string itself would reach the database: the API's models refuse
    # it, an import (parsed by json) is checked like any typed text.
    r = post_json(client, "/api/boards", b'{"title": "a\\ud800b"}')
    assert r.status_code == 422, r.text
    doc = b'{"format": "lockstep.board", "title": "a\\ud800", "framework": "odci", '
    doc += b'"phases": ["Build"], "functions": ["PM"], "activities": [{"name": "\\udc00"}]}'
    r = upload(client, "b.json", doc)
    assert r.status_code == 422, r.text
    assert "not valid text" in r.json()["detail"]
    board = make_board(client)
    r = post_json(
        client, f"/api/boards/{board.id}/phases", b'{"name": "\\udfff"}', board.facilitator
    )
    assert r.status_code == 422, r.text
    r = post_json(
        client, f"/api/boards/{board.id}/cells", b'{"activity_id": 1, "letters": "\\ud800"}'
    )
    assert r.status_code in (401, 405, 422), r.text


def test_422_answers_quote_only_a_short_excerpt_of_the_input(client):
    board = make_board(client)
    long = "X" * 100_000
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(board.facilitator),
        json={"activity_id": 1, "phase_id": 1, "function_id": 1, "letters": long},
    )
    assert r.status_code == 422
    assert len(r.content) < 1000, r.text
    r = client.post("/api/boards", json={"title": {"nested": ["x" * 50_000]}})
    assert r.status_code == 422
    assert len(r.content) < 1000, r.text


def test_deeply_nested_json_import_is_refused(client):
    for body in (b"[" * 50_000, b'{"a":' * 50_000):
        r = upload(client, "b.json", body)
        assert r.status_code == 422, r.text
        assert "nested" in r.json()["detail"]
    r = post_json(client, "/api/boards", b"[" * 50_000)
    assert 400 <= r.status_code < 500


def board_json(**activity) -> bytes:
    doc = {
        "format": "lockstep.board",
        "title": "T",
        "framework": "odci",
        "phases": ["Build"],
        "functions": ["PM"],
        "activities": [{"name": "Pricing", "cells": {}, **activity}],
    }
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("activity", "says"),
    [
        ({"description": "d" * 501}, "description is too long"),
        ({"description": ["not", "text"]}, "description must be text"),
        ({"rationale": "r" * 2001}, "rationale is too long"),
        ({"sources": ["s" * 201]}, "a source must be"),
        ({"sources": ["a\nb"]}, "a source must be"),
        ({"sources": [f"source-{i:03}.md" for i in range(100)]}, "too many sources"),
        ({"key": "k" * 41}, "key must be"),
        ({"key": "bad key!"}, "key must be"),
    ],
)
def test_import_checks_lengths_of_descriptions_sources_and_lineage_keys(client, activity, says):
    r = upload(client, "b.json", board_json(**activity))
    assert r.status_code == 422, r.text
    assert "activities[0] (Pricing)" in r.json()["detail"]
    assert says in r.json()["detail"]


def test_import_keeps_legal_sources_and_keys(client):
    r = upload(client, "b.json", board_json(sources=["a.md", "b.md"], key="k-1", description="d"))
    assert r.status_code == 201, r.text
