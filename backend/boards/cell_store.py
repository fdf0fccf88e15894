"""Where a cell is written: the one create-or-update of cells, used by every service that
sets role letters. Plain SQL built once: this runs on every edit, a cell is three ids and its
letters, and building a statement costs more than running it."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from backend.boards.models import Cell, utcnow

CELLS = Cell.__table__  # type: ignore[attr-defined]
THE_CELL = (
    (CELLS.c.board_id == bindparam("board"))
    & (CELLS.c.activity_id == bindparam("a"))
    & (CELLS.c.phase_id == bindparam("p"))
    & (CELLS.c.function_id == bindparam("f"))
)
CELL_SLOTS = select(CELLS.c.slots).where(THE_CELL)
CELLS_OF_ACTIVITIES = select(
    CELLS.c.activity_id, CELLS.c.phase_id, CELLS.c.function_id, CELLS.c.slots
).where(
    CELLS.c.board_id == bindparam("board"),
    CELLS.c.activity_id.in_(bindparam("acts", expanding=True)),
)
ADD_CELL = insert(CELLS).values(
    board_id=bindparam("board"),
    activity_id=bindparam("a"),
    phase_id=bindparam("p"),
    function_id=bindparam("f"),
    slots=bindparam("slots"),
    updated_at=bindparam("at"),
)
SET_CELL = (
    update(CELLS).where(THE_CELL).values(slots=bindparam("slots"), updated_at=bindparam("at"))
)


def write_cell_run(
    session: Session, board_id: int, edits: list[tuple[int, int, int, str]]
) -> list[str]:
    """Cells set one after another, (activity, phase, function, slot codes) each, empty
    clearing; returns what each one had before its edit (an earlier edit of the run
    included). One read, and one write per cell for its last value, however many edits."""
    conn = session.connection()
    acts = sorted({a for a, _, _, _ in edits})
    stored = {
        (a, p, f): slots
        for a, p, f, slots in conn.execute(CELLS_OF_ACTIVITIES, {"board": board_id, "acts": acts})
    }
    now_ = dict(stored)
    befores = []
    for a, p, f, slots in edits:
        befores.append(now_.get((a, p, f)) or "")
        now_[(a, p, f)] = slots
    added, changed = [], []
    at = utcnow()
    for (a, p, f), slots in now_.items():
        had = stored.get((a, p, f))
        values = {"board": board_id, "a": a, "p": p, "f": f, "slots": slots, "at": at}
        if had is None:
            if slots:
                added.append(values)
        elif had != slots:
            changed.append(values)
    if added:
        conn.execute(ADD_CELL, added)
    if changed:
        conn.execute(SET_CELL, changed)
    return befores


def write_cells(
    session: Session, board_id: int, activity_id: int, phase_id: int, values: dict[int, str]
) -> dict[int, str]:
    """Cells of one activity in one phase (function id -> slot codes); returns each one's
    slots before."""
    functions = list(values)
    befores = write_cell_run(
        session, board_id, [(activity_id, phase_id, f, values[f]) for f in functions]
    )
    return dict(zip(functions, befores, strict=True))
