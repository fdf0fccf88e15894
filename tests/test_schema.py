"""Every JSON export validates against the published JSON Schema (kept in schemas/)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.helpers import auth, join, make_board, set_cell

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "lockstep-board.schema.json").read_text()
)


def test_schema_is_served_and_valid(client):
    served = client.get("/api/schema/board.json")
    assert served.status_code == 200 and served.json() == SCHEMA
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_live_and_published_exports_validate(client):
    board = make_board(
        client, framework="raci", activities=[{"name": "Pricing"}, {"name": "Positioning"}]
    )
    set_cell(client, board, board.facilitator, "Pricing", "Launch", "PM", "AR")
    live = client.get(f"/api/boards/{board.id}/export.json", headers=auth(board.facilitator)).json()
    jsonschema.validate(live, SCHEMA)
    tok = board.facilitator
    client.put(
        f"/api/boards/{board.id}/park",
        headers=auth(tok),
        json={"activity_id": board.activity("Positioning"), "decider": "CPO"},
    )
    join(client, board, "Ana", "PM")
    v = client.post(
        f"/api/boards/{board.id}/versions", headers=auth(tok), json={"label": "Q4"}
    ).json()
    viewer = v["viewer_url"].split("/v/")[1].split("/")[0]
    snap = client.get(f"/api/view/{viewer}/1").json()
    jsonschema.validate(snap, SCHEMA)
    exported = client.get(f"/api/view/{viewer}/1/export.json").json()
    jsonschema.validate(exported, SCHEMA)
    assert exported["version"].pop("published_at").startswith(v["published_at"][:10])
    assert exported == snap
    # The schema is not a rubber stamp.
    snap["activities"][0]["cells"]["Launch"]["PM"] = "arx"
    try:
        jsonschema.validate(snap, SCHEMA)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("a bad letter passed the schema")
