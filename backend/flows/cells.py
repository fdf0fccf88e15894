"""Editing a cell means a free edit, a proposal or an agreement, by the board's mode and who
is editing."""

from __future__ import annotations

from sqlmodel import Session

from backend.boards.service import set_cell
from backend.security import Access
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
