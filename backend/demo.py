"""The demo board created once on first start, so there is something to try."""

from __future__ import annotations

from sqlmodel import Session, select

from backend.boards.models import Board
from backend.boards.service import create_board


def ensure_demo_board(session: Session) -> Board:
    board = session.exec(select(Board).where(Board.is_demo == True)).first()  # noqa: E712
    if board is None:
        board = create_board(session, title="Demo: PM / PMM roles", is_demo=True)
    return board
