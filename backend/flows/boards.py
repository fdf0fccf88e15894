"""Deleting a board un-links the next reviews started from its versions."""

from __future__ import annotations

from sqlalchemy import update as sa_update
from sqlmodel import Session, col, select

from backend.boards.cell_edit import FACTS
from backend.boards.models import Board
from backend.changes import service as changes
from backend.security import Access
from backend.workshop.models import Version


def delete_board(session: Session, *, access: Access) -> None:
    access.require_facilitator("delete the board")
    board_id = access.board.id
    assert board_id is not None  # a stored board has its id
    # Take the board's write lock and the next sequence number, then delete everything;
    # live screens hear of that number, find no board and are told it is gone.
    change = changes.start(session, board_id=board_id, kind="board.deleted", actor=access.actor)
    # Reviews started from this board's versions no longer have a version to point at.
    session.execute(
        sa_update(Board)
        .where(
            col(Board.parent_version_id).in_(select(Version.id).where(Version.board_id == board_id))
        )
        .values(parent_version_id=None)
    )
    session.delete(access.board)
    changes.broker.before_commit(session, board_id, change.seq)
    session.commit()
    FACTS.drop(board_id)  # SQLite may give its id to the next board made
    changes.broker.after_commit(board_id, change.seq)
