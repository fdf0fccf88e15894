"""Editing a cell means a free edit, a proposal or an agreement, by the board's mode and who
is editing."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from sqlmodel import Session

from backend.boards.cell_edit import quick_set_cell
from backend.boards.service import set_cell
from backend.changes.service import NO_WAIT, WriterBusy
from backend.db import get_engine
from backend.errors import Forbidden
from backend.security import Access, resolve
from backend.workshop import rounds as r
from backend.workshop.agreeing import agree_cell
from backend.workshop.service import propose


def edit_cell(
    session: Session,
    *,
    access: Access,
    activity_id: int,
    phase_id: int,
    function_id: int,
    letters: str,
) -> int:
    """A click or key on a cell: the shared matrix in free mode; in a workshop, a
    participant's own proposal or the facilitator's agreed value."""
    if access.board.mode != r.WORKSHOP:
        write = set_cell
    elif access.participant is not None:
        write = propose
    else:
        write = agree_cell
    return write(
        session,
        access=access,
        activity_id=activity_id,
        phase_id=phase_id,
        function_id=function_id,
        letters=letters,
    )


async def set_cell_by_token(
    *,
    board_id: int,
    token: str | None,
    activity_id: int,
    phase_id: int,
    function_id: int,
    letters: str,
) -> int:
    """``PUT /api/boards/{id}/cells``: the edit path first (``backend.boards.cell_edit``);
    what it does not take, the general way, with the token resolved afresh.

    On SQLite the edit path runs right here on the event loop, as the database's work is
    the process's own CPU either way and a hop to a worker thread costs more than the write;
    if another request holds the writer lock, it waits on a worker thread instead. On
    PostgreSQL it runs on a worker thread, so the loop never waits for the network."""
    cell = {
        "activity_id": activity_id,
        "phase_id": phase_id,
        "function_id": function_id,
        "letters": letters,
    }
    seq = None
    if get_engine().dialect.name == "sqlite":
        try:
            seq = _quick(board_id, token, cell, wait=False)
        except WriterBusy:
            seq = await to_thread.run_sync(_quick, board_id, token, cell, True)
    else:
        seq = await to_thread.run_sync(_quick, board_id, token, cell, True)
    if seq is None:
        seq = await to_thread.run_sync(_general, board_id, token, cell)
    return seq


def _quick(board_id: int, token: str | None, cell: dict[str, Any], wait: bool) -> int | None:
    with Session(get_engine(), expire_on_commit=False) as session:
        if not wait:
            session.info[NO_WAIT] = True
        return quick_set_cell(session, board_id=board_id, token=token, **cell)


def _general(board_id: int, token: str | None, cell: dict[str, Any]) -> int:
    with Session(get_engine(), expire_on_commit=False) as session:
        access = resolve(session, board_id=board_id, token=token)
        session.commit()  # the read ends; the edit takes the write lock in its own transaction
        if access.board.mode == r.WORKSHOP and access.participant is not None:
            raise Forbidden(
                "In a workshop only the facilitator sets agreed values; participants propose "
                "with PUT /api/boards/{id}/proposals"
            )
        return edit_cell(session, access=access, **cell)
