"""The board a participant link opens. Joining and leaving are steps in ``flows/people.py``."""

from __future__ import annotations

from sqlmodel import Session, select

from backend.boards.models import Board
from backend.errors import NotFound
from backend.validation import is_token


def board_for_join_token(session: Session, token: str) -> Board:
    board = None
    if is_token(token):
        board = session.exec(select(Board).where(Board.join_token == token)).first()
    if board is None:
        raise NotFound("This participant link is not valid; ask the facilitator for a new one")
    return board
