"""Who is asking: resolve a link token to a role on one board.

Tokens: the board's facilitator token, a participant's personal secret (given when
they join), and the board's join token (which only lets someone join). A token is
read from the ``X-Lockstep-Token`` header, an ``Authorization: Bearer`` header, or
a ``token`` query parameter (for downloads and the event stream, which cannot set
headers). Browsers that joined also carry their secret in a per-board cookie, which
is honoured only for reading pages, never for changes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session, select

from backend.boards.models import Board
from backend.changes.service import Actor
from backend.db import SessionDep
from backend.errors import Forbidden, NotFound, Unauthorized
from backend.participants.models import Participant
from backend.validation import MAX_ID, is_token

FACILITATOR, PARTICIPANT = "facilitator", "participant"
ROOM = "room"  # the join link, where a read-only view for the whole room is allowed


def new_token() -> str:
    return secrets.token_urlsafe(24)


def participant_cookie(board_id: int) -> str:
    return f"lockstep_p{board_id}"


@dataclass
class Access:
    board: Board
    role: str
    token: str
    participant: Participant | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.role == FACILITATOR

    @property
    def actor(self) -> Actor:
        if self.participant is not None:
            return Actor(self.participant.name, PARTICIPANT, self.participant.id)
        if self.role != FACILITATOR:
            raise Forbidden("This link can only watch the board")
        return Actor("Facilitator", FACILITATOR)

    def require_facilitator(self, action: str) -> None:
        if not self.is_facilitator:
            raise Forbidden(f"Only the facilitator link can {action}")


def request_token(request: Request) -> str | None:
    """The token from a header; from ``?token=`` only on reads (downloads, the event stream)."""
    token = request.headers.get("x-lockstep-token")
    auth = request.headers.get("authorization", "")
    if not token and auth.lower().startswith("bearer "):
        token = auth[7:].strip()
    if not token and request.method in ("GET", "HEAD"):
        token = request.query_params.get("token")
    return token or None


def resolve(session: Session, *, board_id: int, token: str | None, room: bool = False) -> Access:
    """The role a token has on a board. With ``room``, the join link (which the whole room
    has) is accepted as a read-only ROOM access, for the projector view and its stream."""
    board = session.get(Board, board_id) if 0 < board_id <= MAX_ID else None
    if board is None:
        raise NotFound("No board with that id; check the link")
    if not token:
        raise Unauthorized("This board needs a link token (facilitator or participant)")
    if not is_token(token):
        raise Unauthorized("This link is not valid (it may have been mistyped or cut short)")
    if secrets.compare_digest(token, board.facilitator_token):
        return Access(board=board, role=FACILITATOR, token=token)
    participant = session.exec(select(Participant).where(Participant.secret == token)).first()
    if participant is not None:
        if participant.board_id != board.id:
            raise Forbidden("This link belongs to a different board")
        return Access(board=board, role=PARTICIPANT, token=token, participant=participant)
    if secrets.compare_digest(token, board.join_token):
        if room:
            return Access(board=board, role=ROOM, token=token)
        raise Forbidden("Join the board with your name and function first")
    if board.viewer_token and secrets.compare_digest(token, board.viewer_token):
        raise Forbidden(
            "The viewer link is read-only: it opens the published versions, not the live board"
        )
    other = session.exec(select(Board.id).where(Board.facilitator_token == token)).first()
    if other is not None:
        raise Forbidden("This link belongs to a different board")
    raise Unauthorized("This link is not valid (it may have been mistyped or removed)")


def get_access(board_id: int, request: Request, session: SessionDep) -> Access:
    return _released(session, resolve(session, board_id=board_id, token=request_token(request)))


def _released(session: Session, access: Access) -> Access:
    """End the read transaction, giving the connection back to the pool: the route runs on
    another worker thread, and a request must not hold a connection while it waits for one
    (with every thread waiting for a connection, nothing would move). Commit, not rollback,
    so the objects read stay loaded."""
    session.commit()
    return access


AccessDep = Annotated[Access, Depends(get_access)]


def get_room_access(board_id: int, request: Request, session: SessionDep) -> Access:
    return _released(
        session, resolve(session, board_id=board_id, token=request_token(request), room=True)
    )


RoomAccessDep = Annotated[Access, Depends(get_room_access)]
