"""The edit path (backend/boards/cell_edit.py and its queue in backend/flows/cells.py):
edits that arrive together are written together, each with its own change and answer; what
the path's cached facts cannot vouch for goes the general way and changes nothing here."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from backend.boards.cell_edit import FACTS, CellEdit, quick_set_cells
from backend.boards.models import Board as BoardRow
from backend.db import get_engine
from backend.errors import NotFound
from backend.flows import cells as flow
from tests.helpers import auth, join, make_board, run_in_thread, set_cell, state


def log_of(client, board, after: int) -> list[dict]:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/boards/{board.id}/changes?after={after}", headers=auth(board.facilitator))
    assert r.status_code == 200, r.text
    return r.json()


def board_seq(board_id: int) -> int:
    with Session(get_engine()) as s:
        row = s.get(BoardRow, board_id)
        assert row is not None
        return row.last_seq


def test_a_batch_writes_each_edit_it_can_and_no_other(client):
    board = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    pm = join(client, board, "Ada", "PM")
    start = state(client, board, board.facilitator)["seq"]
    pricing, positioning = board.activity("Pricing"), board.activity("Positioning")
    discover, pm_fn = board.phase("Discover"), board.function("PM")
    edits = [
        CellEdit(board.facilitator, pricing, discover, pm_fn, "O"),
        CellEdit(board.facilitator, pricing, discover, pm_fn, "Z"),  # not RACI-style letters
        CellEdit("x" * 32, pricing, discover, pm_fn, "D"),  # nobody's link
        CellEdit(pm, positioning, discover, pm_fn, "D"),
        CellEdit(board.facilitator, pricing, discover, pm_fn, "OD"),
    ]
    results = quick_set_cells(get_engine(), board_id=board.id, edits=edits)
    assert results == [start + 1, None, None, start + 2, start + 3]
    log = log_of(client, board, start)
    assert [(c["seq"], c["kind"], c["actor"]) for c in log] == [
        (start + 1, "cell.set", "Facilitator"),
        (start + 2, "cell.set", "Ada"),
        (start + 3, "cell.set", "Facilitator"),
    ]
    # In one transaction, each later edit still saw the one before it.
    assert log[0]["data"]["before"] == ""
    assert log[2]["data"]["before"] == log[0]["data"]["slots"]
    cells = {
        (c["activity_id"], c["phase_id"], c["function_id"]): c["letters"]
        for c in state(client, board, board.facilitator)["cells"]
    }
    assert cells[(pricing, discover, pm_fn)] == "OD"
    assert cells[(positioning, discover, pm_fn)] == "D"


def test_a_removed_phase_is_not_written_to_from_stale_facts(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O").status_code == 200
    )
    assert FACTS.get(board.id) is not None  # the edit path now knows this board
    r = client.delete(
        f"/api/boards/{board.id}/phases/{board.phase('Build')}", headers=auth(board.facilitator)
    )
    assert r.status_code == 204, r.text
    before = board_seq(board.id)
    edit = CellEdit(
        board.facilitator,
        board.activity("Pricing"),
        board.phase("Build"),
        board.function("PM"),
        "D",
    )
    assert quick_set_cells(get_engine(), board_id=board.id, edits=[edit]) == [None]
    assert board_seq(board.id) == before  # nothing written, not even a sequence number
    assert FACTS.get(board.id) is None  # and read afresh next time
    r = set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "D")
    assert r.status_code == 404
    assert "phase" in r.json()["detail"]


def test_a_switch_to_a_workshop_sends_the_facilitator_the_general_way(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Launch", "PMM", "O").status_code
        == 200
    )
    r = client.put(
        f"/api/boards/{board.id}/mode", json={"mode": "workshop"}, headers=auth(board.facilitator)
    )
    assert r.status_code == 200, r.text
    seq = state(client, board, board.facilitator)["seq"]
    r = set_cell(client, board, board.facilitator, "Pricing", "Launch", "PMM", "D")
    # A workshop's rule, not a free edit: agreed values wait for the reveal.
    assert r.status_code == 409, r.text
    assert "reveal" in r.json()["detail"]
    assert log_of(client, board, seq) == []


def test_someone_who_joined_after_the_facts_were_read_can_edit(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Grow", "PM", "O").status_code == 200
    )
    late = join(client, board, "Late", "PMM")
    assert set_cell(client, board, late, "Pricing", "Grow", "PMM", "D").status_code == 200
    assert set_cell(client, board, late, "Pricing", "Grow", "PMM", "C").status_code == 200
    assert FACTS.get(board.id) is not None and late in FACTS.get(board.id).participants


def run_queue(monkeypatch, write) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(flow, "_write_batch", write)

    async def go() -> list[object]:
        queue = flow.EditQueue()
        edits = [CellEdit("t", 1, 1, 1, x) for x in ("O", "bad", "D")]
        return await asyncio.gather(*(queue.submit(7, e) for e in edits), return_exceptions=True)

    return tuple(run_in_thread(go()))


def test_a_batch_that_fails_on_one_edit_is_answered_one_by_one(monkeypatch):
    writes: list[list[str]] = []

    async def write(board_id: int, edits: list[CellEdit]) -> list[int | None]:
        writes.append([e.letters for e in edits])
        if any(e.letters == "bad" for e in edits):
            raise IntegrityError("UPDATE cell", {}, Exception("its cell is gone"))
        return [len(writes)]

    first, second, third = run_queue(monkeypatch, write)
    assert writes == [["O", "bad", "D"], ["O"], ["bad"], ["D"]]
    assert first == 2 and third == 4
    assert isinstance(second, IntegrityError)


def test_a_batch_the_database_refuses_is_refused_for_all_without_retries(monkeypatch):
    writes: list[list[str]] = []

    async def write(board_id: int, edits: list[CellEdit]) -> list[int | None]:
        writes.append([e.letters for e in edits])
        raise OperationalError("COMMIT", {}, Exception("the server closed the connection"))

    answers = run_queue(monkeypatch, write)
    assert writes == [["O", "bad", "D"]]  # a commit that may have happened is not made again
    assert all(isinstance(a, OperationalError) for a in answers)


def test_a_token_that_cannot_be_one_is_refused_and_does_not_cost_a_read(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O").status_code == 200
    )
    facts = FACTS.get(board.id)
    body = {
        "activity_id": board.activity("Pricing"),
        "phase_id": board.phase("Build"),
        "function_id": board.function("PM"),
        "letters": "D",
    }
    for headers in ({"X-Lockstep-Token": b"caf\xe9"}, {}, {"X-Lockstep-Token": "x" * 300}):
        r = client.put(f"/api/boards/{board.id}/cells", headers=headers, json=body)
        assert r.status_code == 401, (headers, r.text)
    assert FACTS.get(board.id) is facts  # kept: no read of the board for them


def test_facts_of_another_board_under_the_same_id_write_nothing(client):
    """SQLite gives a deleted board's id to the next board made: facts kept for the old one
    (by another process, or any slip) must not let its link edit the new one."""
    old = make_board(client, activities=[{"name": "Pricing"}])
    assert set_cell(client, old, old.facilitator, "Pricing", "Build", "PM", "O").status_code == 200
    kept = FACTS.get(old.id)
    assert kept is not None
    assert client.delete(f"/api/boards/{old.id}", headers=auth(old.facilitator)).status_code == 204
    assert FACTS.get(old.id) is None  # dropped with the board
    new = make_board(client, activities=[{"name": "Pricing"}])
    FACTS.put(new.id, kept)  # as if still held for this id
    before = board_seq(new.id)
    edit = CellEdit(
        old.facilitator, old.activity("Pricing"), old.phase("Build"), old.function("PM"), "D"
    )
    with pytest.raises(NotFound):
        quick_set_cells(get_engine(), board_id=new.id, edits=[edit])
    assert board_seq(new.id) == before  # not even a sequence number taken
    FACTS.put(new.id, kept)
    r = client.put(
        f"/api/boards/{new.id}/cells",
        headers=auth(old.facilitator),
        json={
            "activity_id": old.activity("Pricing"),
            "phase_id": old.phase("Build"),
            "function_id": old.function("PM"),
            "letters": "D",
        },
    )
    assert r.status_code == 404, r.text
    assert board_seq(new.id) == before
    assert FACTS.get(new.id) is None  # and read afresh next time


def test_what_people_typed_is_written_as_typed(client):
    """The edit path writes its values as literals on PostgreSQL (edit_store._literal):
    quotes, backslashes, percent signs, a semicolon and non-ASCII letters in a name come
    back exactly, and nothing else is run."""
    name = "O'Brien \\ 100% ; DROP TABLE cell; -- Zoë"
    board = make_board(client, activities=[{"name": "Pricing"}])
    token = join(client, board, name, "PM")
    start = state(client, board, board.facilitator)["seq"]
    r = set_cell(client, board, token, "Pricing", "Discover", "PM", "OD")
    assert r.status_code == 200, r.text
    (change,) = log_of(client, board, start)
    assert change["actor"] == name
    assert change["data"]["slots"] == "OD"
    assert state(client, board, board.facilitator)["cells"][0]["letters"] == "OD"
