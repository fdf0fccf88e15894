"""Import: a JSON or long-CSV export makes an identical new board; a bad file is refused
whole, saying where the problem is, and creates nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func
from sqlmodel import select

from backend.boards.models import Board
from tests.helpers import auth, make_board, set_cell

FRAMEWORK_LETTERS = {"odci": ("OD", "C", "I"), "raci": ("AR", "C", "I"), "daci": ("AD", "C", "I")}


def upload(client, name: str, body: bytes, title: str = ""):
    return client.post(
        "/api/import", files={"file": (name, body)}, data={"title": title} if title else {}
    )


def board_count(session) -> int:
    return session.exec(select(func.count()).select_from(Board)).one()


def comparable(export: dict) -> dict:
    return {k: v for k, v in export.items() if k not in ("exported_at", "change_seq")}


@pytest.mark.parametrize("framework", ["odci", "raci", "daci"])
def test_json_and_csv_round_trips(client, framework):
    board = make_board(
        client,
        title=f"Round trip {framework}",
        framework=framework,
        phases=["Build", "Launch"],
        functions=["PM", "PMM", "Sales"],
        activities=[{"name": "Pricing", "description": "Price it"}, {"name": "=Formula-ish"}],
    )
    owner_driver, consulted, informed = FRAMEWORK_LETTERS[framework]
    set_cell(client, board, board.facilitator, "Pricing", "Launch", "PM", owner_driver)
    set_cell(client, board, board.facilitator, "Pricing", "Launch", "Sales", consulted)
    set_cell(client, board, board.facilitator, "=Formula-ish", "Build", "PMM", informed)
    original = client.get(f"/api/boards/{board.id}/export.json", headers=auth(board.facilitator))
    # JSON: identical board.
    r = upload(client, "board.json", original.content)
    assert r.status_code == 201, r.text
    again = client.get(
        f"/api/boards/{r.json()['id']}/export.json", headers=auth(r.json()["facilitator_token"])
    )
    assert comparable(again.json()) == comparable(original.json())
    # CSV (long): the same matrix, phases, functions and activities.
    csv_body = client.get(
        f"/api/boards/{board.id}/export.csv", headers=auth(board.facilitator)
    ).content
    r = upload(client, "board.csv", csv_body, title=f"Round trip {framework}")
    assert r.status_code == 201, r.text
    from_csv = client.get(
        f"/api/boards/{r.json()['id']}/export.json", headers=auth(r.json()["facilitator_token"])
    ).json()
    src = original.json()
    for key in ("framework", "phases", "functions", "title"):
        assert from_csv[key] == src[key], key
    assert [a["name"] for a in from_csv["activities"]] == [a["name"] for a in src["activities"]]
    assert [a["cells"] for a in from_csv["activities"]] == [a["cells"] for a in src["activities"]]


def good_json() -> dict:
    return {
        "format": "lockstep.board",
        "title": "T",
        "framework": "odci",
        "phases": ["Build", "Launch"],
        "functions": ["PM", "PMM"],
        "activities": [{"name": "Pricing", "cells": {"Launch": {"PM": "O", "PMM": "D"}}}],
    }


def mutate(change) -> bytes:  # type: ignore[no-untyped-def]
    data = good_json()
    change(data)
    return json.dumps(data).encode()


BAD_FILES = [
    ("x.json", b"{not json", "Not valid JSON"),
    ("x.json", b'{"format": "other"}', "Not a Lockstep board export"),
    (
        "x.json",
        mutate(lambda d: d["activities"][0]["cells"].update({"Sunset": {"PM": "O"}})),
        "activities[0] (Pricing): unknown phase 'Sunset'",
    ),
    (
        "x.json",
        mutate(lambda d: d["activities"][0]["cells"]["Launch"].update({"Legal": "O"})),
        "unknown function 'Legal'",
    ),
    (
        "x.json",
        mutate(lambda d: d["activities"][0]["cells"]["Launch"].update({"PM": "X"})),
        "Pricing) · Launch · PM: ODCI has no role letter X",
    ),
    ("x.json", mutate(lambda d: d.update(framework="rapid")), "Unknown framework"),
    (
        "x.json",
        mutate(
            lambda d: (
                d["activities"][0]["cells"]["Launch"].update({"PMM": "O"}),
                d.update(version={"number": 1, "label": "Q4"}),
            )
        ),
        "Pricing · Launch: 2 Owners (PM, PMM); exactly one allowed — not allowed in a published version",
    ),
    ("x.csv", b"activity,phase\nPricing,Build\n", "Row 1: expected the columns"),
    (
        "x.csv",
        b"activity,phase,function,letters,roles,framework\nPricing,Build,PM,O,Owner,ODCI\nPricing,Build,PMM,Z,,ODCI\n",
        "Row 3: ODCI has no role letter Z",
    ),
    (
        "x.csv",
        b"activity,phase,function,letters,roles,framework\nPricing,Build,PM,O,Owner,ODCI\nPricing,Build,PMM,A,,RACI\n",
        "Row 3: framework RACI differs",
    ),
    (
        "x.csv",
        b"activity,phase,function,letters,roles,framework\nPricing,Build,PM,O,Owner,ODCI\nPricing,Build,PM,D,,ODCI\n",
        "Row 3: Pricing · Build · PM appears twice",
    ),
    ("x.csv", "activity,phase,function\n".encode("utf-16"), "not UTF-8"),
    ("x.json", b"{" + b" " * 2_000_001 + b"}", "too large"),
    (
        "x.json",
        mutate(lambda d: d.update(activities=[{"name": f"A{i}"} for i in range(301)])),
        "At most 300 activities per board",
    ),
    (
        "x.json",
        mutate(lambda d: d["phases"].extend(f"P{i}" for i in range(11))),
        "At most 12",
    ),
]


@pytest.mark.parametrize("name,body,message", BAD_FILES, ids=[m for _, _, m in BAD_FILES])
def test_bad_files_are_refused_whole(client, session, name, body, message):
    before = board_count(session)
    r = upload(client, name, body)
    assert r.status_code == 422, r.text
    assert message in r.json()["detail"], r.json()
    assert board_count(session) == before


def test_import_from_the_home_page(client):
    r = client.post(
        "/boards/import",
        files={"file": ("b.json", json.dumps(good_json()).encode())},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 204 and r.headers["HX-Redirect"].startswith("/f/")
    page = client.get(r.headers["HX-Redirect"]).text
    assert "Pricing" in page and 'data-letters="O"' in page
    r = client.post(
        "/boards/import", files={"file": ("b.json", b"{}")}, headers={"HX-Request": "true"}
    )
    assert (
        r.status_code == 422 and r.headers["HX-Retarget"] == "#flash" and "Not a Lockstep" in r.text
    )
