"""Finding a board's own items and reading role letters: shared by every service."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, select

from backend.boards.models import Activity, Board, Phase, TeamFunction
from backend.domain.frameworks import get_framework
from backend.errors import Invalid, NotFound
from backend.validation import MAX_ID

T = TypeVar("T", Activity, Phase, TeamFunction)
ACTIVITIES = Activity.__table__  # type: ignore[attr-defined]
PHASES = Phase.__table__  # type: ignore[attr-defined]
FUNCTIONS = TeamFunction.__table__  # type: ignore[attr-defined]


def owned(session: Session, table: type[T], board_id: int, item_id: int | None, label: str) -> T:
    """The item with this id if it belongs to this board; else a 404 naming what was asked."""
    item = session.get(table, item_id) if item_id and 0 < item_id <= MAX_ID else None
    if item is None or item.board_id != board_id:
        raise NotFound(f"No {label} with id {item_id} on this board")
    return item


def cell_target(
    session: Session, board_id: int, activity_id: int, phase_id: int, function_id: int
) -> tuple[int, int, int]:
    """The (activity, phase, function) ids of one cell, all checked to be this board's, in
    one query; when one is not, the slower path names which."""
    ids = (activity_id, phase_id, function_id)
    if all(0 < i <= MAX_ID for i in ids):
        a, p, f = ACTIVITIES.c, PHASES.c, FUNCTIONS.c
        found = (
            session.connection()
            .execute(
                select(a.id)
                .join_from(ACTIVITIES, PHASES, PHASES.c.board_id == a.board_id)
                .join(FUNCTIONS, f.board_id == a.board_id)
                .where(
                    a.board_id == board_id,
                    a.id == activity_id,
                    p.id == phase_id,
                    f.id == function_id,
                )
            )
            .first()
        )
        if found is not None:
            return ids
    owned(session, Activity, board_id, activity_id, "activity")
    owned(session, Phase, board_id, phase_id, "phase")
    owned(session, TeamFunction, board_id, function_id, "function")
    raise NotFound("No such cell on this board")  # not reached: one of the above raised


def parse_letters(board: Board, letters: str | None) -> str:
    """The board framework's letters as slot codes, or a 422 naming the letters it lacks."""
    try:
        return get_framework(board.framework).to_slots(letters or "")
    except ValueError as exc:
        raise Invalid(str(exc)) from None
