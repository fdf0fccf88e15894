"""The board a participant link opens. Joining and leaving are steps in ``flows/people.py``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from backend.boards.models import Board
from backend.errors import Invalid, NotFound
from backend.validation import is_token

RESERVED_NAMES = {"facilitator", "lockstep"}  # the facilitator's and the system's names


def board_for_join_token(session: Session, token: str) -> Board:
    board = None
    if is_token(token):
        board = session.exec(select(Board).where(Board.join_token == token)).first()
    if board is None:
        raise NotFound("This participant link is not valid; ask the facilitator for a new one")
    return board


def check_name_free(name: str, taken: Sequence[str]) -> None:
    """Everyone on a board goes by a name of their own: not the facilitator's (or the
    system's), nor another participant's (case apart)."""
    if name.casefold() in RESERVED_NAMES:
        raise Invalid(f"“{name}” is kept for the facilitator; please give your own name")
    if name.casefold() in {n.casefold() for n in taken}:
        raise Invalid(
            f"Someone on this board is already called “{name}”; add an initial or a surname"
        )
