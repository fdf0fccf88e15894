"""The edit path (backend/boards/cell_edit.py and its queue in backend/flows/cells.py):
edits that arrive together are written together, each with its own change and answer; what
the path's cached facts cannot vouch for goes the general way and changes nothing here."""

from __future__ import annotations

import asyncio

from sqlmodel import Session

from backend.boards.cell_edit import FACTS, CellEdit, quick_set_cells
from backend.boards.models import Board as BoardRow
from backend.db import get_engine
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
    with Session(get_engine(), expire_on_commit=False) as s:
        results = quick_set_cells(s, board_id=board.id, edits=edits)
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
    with Session(get_engine(), expire_on_commit=False) as s:
        assert quick_set_cells(s, board_id=board.id, edits=[edit]) == [None]
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


def test_a_batch_that_fails_together_is_answered_one_by_one(monkeypatch):
    writes: list[list[str]] = []

    async def write(board_id: int, edits: list[CellEdit]) -> list[int | None]:
        writes.append([e.letters for e in edits])
        if len(edits) > 1:
            raise RuntimeError("the batch's transaction failed")
        if edits[0].letters == "bad":
            raise ValueError("this one alone fails")
        return [len(writes)]

    monkeypatch.setattr(flow, "_write_batch", write)

    async def go() -> list[object]:
        queue = flow.EditQueue()
        edits = [CellEdit("t", 1, 1, 1, x) for x in ("O", "bad", "D")]
        return await asyncio.gather(*(queue.submit(7, e) for e in edits), return_exceptions=True)

    first, second, third = run_in_thread(go())
    assert writes == [["O", "bad", "D"], ["O"], ["bad"], ["D"]]
    assert first == 2 and third == 4
    assert isinstance(second, ValueError)
