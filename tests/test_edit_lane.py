"""The edit lane (backend/boards/edit_lane.py): the room's cell edits are answered before
FastAPI's routing, exactly as the route would answer them; whatever the lane does not take
gets the route's own answer. And the edit path's own PostgreSQL connections
(backend/boards/edit_store.py), which skip the pre-ping: one found dropped is replaced and
the edit written once."""

from __future__ import annotations

import psycopg
import pytest

from backend.boards.edit_connections import POOL_NAME
from backend.boards.edit_store import _literal
from tests.helpers import auth, make_board, set_cell, state


def cell_body(board, letters: str = "O") -> dict:  # type: ignore[no-untyped-def]
    return {
        "activity_id": board.activity("Pricing"),
        "phase_id": board.phase("Build"),
        "function_id": board.function("PM"),
        "letters": letters,
    }


def test_an_edit_is_answered_with_its_sequence_and_every_usual_header(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    before = state(client, board, board.facilitator)["seq"]
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers={**auth(board.facilitator), "X-Request-ID": "lane-test-1"},
        json=cell_body(board, "OD"),
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"seq": before + 1}
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-request-id"] == "lane-test-1"
    assert r.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    cells = state(client, board, board.facilitator)["cells"]
    assert [c["letters"] for c in cells] == ["OD"]


def test_metrics_count_the_lane_s_edits_under_the_route(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O").status_code == 200
    )
    text = client.get("/metrics").text
    line = next(
        ln
        for ln in text.splitlines()
        if ln.startswith("lockstep_http_requests_total{")
        and 'route="/api/boards/{board_id}/cells"' in ln
        and 'method="PUT"' in ln
    )
    assert float(line.rsplit(" ", 1)[1]) >= 1


@pytest.mark.parametrize(
    ("content", "content_type", "where"),
    [
        (
            b'{"activity_id": 1, "phase_id": 1, "function_id": "x"}',
            "application/json",
            "function_id",
        ),
        (b'{"activity_id": 1, "phase_id": 1}', "application/json", "function_id"),
        (
            b'{"activity_id": 1, "phase_id": 1, "function_id": 1, "letters": "' + b"O" * 21 + b'"}',
            "application/json",
            "letters",
        ),
        (b"[1, 2]", "application/json", "body"),
        (b'{"activity_id": 1,', "application/json", "body"),
        (b"", "application/json", "body"),
    ],
)
def test_a_body_the_route_refuses_gets_the_route_s_answer(client, content, content_type, where):
    board = make_board(client, activities=[{"name": "Pricing"}])
    before = state(client, board, board.facilitator)["seq"]
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers={**auth(board.facilitator), "Content-Type": content_type},
        content=content,
    )
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail
    assert any(where in [str(x) for x in item["loc"]] for item in detail), detail
    assert state(client, board, board.facilitator)["seq"] == before  # nothing changed


def test_a_refusal_while_editing_comes_from_the_app_s_handlers(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    r = client.put(f"/api/boards/{board.id}/cells", json=cell_body(board))
    assert r.status_code == 401
    assert "token" in r.json()["detail"]
    r = client.put(f"/api/boards/{board.id}/cells", headers=auth("x" * 32), json=cell_body(board))
    assert r.status_code in (401, 403), r.text
    assert r.json()["detail"]
    r = client.put(
        "/api/boards/999999/cells", headers=auth(board.facilitator), json=cell_body(board)
    )
    assert r.status_code == 404
    assert "board" in r.json()["detail"].lower()
    assert "x-request-id" in r.headers


def test_what_the_lane_does_not_take_still_reaches_the_route(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    before = state(client, board, board.facilitator)["seq"]
    # Another JSON content type: the route's own parsing, and the edit is made.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers={**auth(board.facilitator), "Content-Type": "application/json; charset=utf-8"},
        content=b'{"activity_id": %d, "phase_id": %d, "function_id": %d, "letters": "D"}'
        % (board.activity("Pricing"), board.phase("Build"), board.function("PM")),
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"seq": before + 1}
    # A body over the limit: refused before it is read, by the app's own 413.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers={**auth(board.facilitator), "Content-Type": "application/json"},
        content=b'{"letters": "' + b"O" * 1_000_100 + b'"}',
    )
    assert r.status_code == 413
    assert "too large" in r.json()["detail"]
    # Not this route at all.
    r = client.patch(f"/api/boards/{board.id}/cells", headers=auth(board.facilitator), json={})
    assert r.status_code == 405
    assert state(client, board, board.facilitator)["seq"] == before + 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # its own pool there
def test_an_edit_connection_the_database_dropped_is_replaced_and_the_edit_made_once(
    client, database_url
):
    board = make_board(client, activities=[{"name": "Pricing"}])
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O").status_code == 200
    )
    before = state(client, board, board.facilitator)["seq"]
    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        killed = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            (POOL_NAME,),
        ).fetchone()[0]
    assert killed >= 1  # the edit path's kept connection, now gone
    r = set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "OD")
    assert r.status_code == 200, r.text
    assert r.json() == {"seq": before + 1}
    log = client.get(
        f"/api/boards/{board.id}/changes?after={before}", headers=auth(board.facilitator)
    ).json()
    assert [c["seq"] for c in log] == [before + 1]  # written once


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # one statement there
def test_a_click_s_cell_change_row_and_announcement_go_together(client, database_url):
    board = make_board(client, activities=[{"name": "Pricing"}])
    start = state(client, board, board.facilitator)["seq"]
    for letters in ("O", "OD", "OD", ""):  # a new cell, a changed one, the same again, cleared
        r = set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", letters)
        assert r.status_code == 200, r.text
    log = client.get(
        f"/api/boards/{board.id}/changes?after={start}", headers=auth(board.facilitator)
    ).json()
    assert [(c["seq"], c["data"]["slots"] != "", c["data"]["before"] != "") for c in log] == [
        (start + 1, True, False),
        (start + 2, True, True),
        (start + 3, True, True),
        (start + 4, False, True),
    ]
    assert state(client, board, board.facilitator)["cells"] in (
        [],
        [
            {
                "activity_id": board.activity("Pricing"),
                "phase_id": board.phase("Build"),
                "function_id": board.function("PM"),
                "letters": "",
            }
        ],
    )


def test_a_nul_character_is_refused_rather_than_cut():
    """The edit path writes text as literals on PostgreSQL; libpq's quoting stops at a NUL,
    so one is refused (the API refuses control characters before this)."""
    with pytest.raises(ValueError, match="NUL"):
        _literal("Ada\x00Lovelace", lambda raw: b"'" + raw + b"'")
    assert (
        _literal("O'Brien", lambda raw: raw.replace(b"'", b"''").join([b"'", b"'"])) == "'O''Brien'"
    )
