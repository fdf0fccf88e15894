"""Read-only access to published versions through a board's viewer link."""

from __future__ import annotations

from sqlmodel import Session, col, select

from backend.boards.models import Board
from backend.errors import NotFound
from backend.validation import MAX_ID, is_token
from backend.workshop.models import Version


def board_for_viewer(session: Session, token: str) -> Board:
    board = (
        session.exec(select(Board).where(Board.viewer_token == token)).first()
        if is_token(token)
        else None
    )
    if board is None:
        raise NotFound("This viewer link is not valid; ask the facilitator for the current one")
    return board


def version_of(session: Session, board: Board, number: int | None) -> Version:
    query = select(Version).where(Version.board_id == board.id)
    if number is None:
        version = session.exec(query.order_by(col(Version.number).desc())).first()
    else:
        version = (
            session.exec(query.where(Version.number == number)).first()
            if 0 < number <= MAX_ID
            else None
        )
    if version is None:
        raise NotFound(
            "No such published version of this board"
            if number
            else "Nothing has been published yet"
        )
    return version
