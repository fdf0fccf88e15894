"""Joining a board and removing people from it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from backend.boards.models import Board, TeamFunction
from backend.changes import service as changes
from backend.changes.service import Actor
from backend.errors import Invalid, NotFound
from backend.participants.models import Participant
from backend.security import PARTICIPANT, Access, new_token
from backend.validation import (
    MAX_ID,
    MAX_PARTICIPANT_NAME,
    MAX_PARTICIPANTS,
    clean_text,
    is_token,
)


def board_for_join_token(session: Session, token: str) -> Board:
    board = None
    if is_token(token):
        board = session.exec(select(Board).where(Board.join_token == token)).first()
    if board is None:
        raise NotFound("This participant link is not valid; ask the facilitator for a new one")
    return board


RESERVED_NAMES = {"facilitator", "lockstep"}  # the facilitator's and the system's names


def check_name_free(name: str, taken: Sequence[str]) -> None:
    """Everyone on a board goes by a name of their own: not the facilitator's (or the
    system's), nor another participant's (case apart)."""
    if name.casefold() in RESERVED_NAMES:
        raise Invalid(f"“{name}” is kept for the facilitator; please give your own name")
    if name.casefold() in {n.casefold() for n in taken}:
        raise Invalid(
            f"Someone on this board is already called “{name}”; add an initial or a surname"
        )


def join(session: Session, *, board: Board, name: str, function_id: int | None) -> Participant:
    name = clean_text(name, what="Your name", max_len=MAX_PARTICIPANT_NAME)
    if function_id is None:
        raise Invalid("Choose your function")
    change = changes.start(
        session, board_id=board.id, kind="participant.joined", actor=Actor(name, PARTICIPANT)
    )
    function = session.get(TeamFunction, function_id) if 0 < function_id <= MAX_ID else None
    if function is None or function.board_id != board.id:
        raise Invalid("That function is not one of this board's functions")
    names = session.exec(select(Participant.name).where(Participant.board_id == board.id)).all()
    if len(names) >= MAX_PARTICIPANTS:
        raise Invalid(f"This board already has {MAX_PARTICIPANTS} participants")
    check_name_free(name, names)
    participant = Participant(
        board_id=board.id, name=name, function_id=function.id, secret=new_token()
    )
    session.add(participant)
    session.flush()
    from backend.workshop.review import prefill_proposals

    prefilled = prefill_proposals(session, board=board, participant_id=participant.id)
    changes.commit(
        session,
        change,
        {"id": participant.id, "name": name, "function": function.name, "prefilled": prefilled},
    )
    return participant


def remove(session: Session, *, access: Access, participant_id: int) -> None:
    access.require_facilitator("remove people")
    change = changes.start(
        session, board_id=access.board.id, kind="participant.removed", actor=access.actor
    )
    participant = session.get(Participant, participant_id) if 0 < participant_id <= MAX_ID else None
    if participant is None or participant.board_id != access.board.id:
        raise NotFound(f"No participant with id {participant_id} on this board")
    session.delete(participant)
    session.flush()
    from backend.workshop.service import auto_reveal_if_ready

    board = session.get(Board, access.board.id)
    session.refresh(board)
    more = auto_reveal_if_ready(session, board)  # the last one not ready may have left
    changes.commit(session, change, {"id": participant_id, "name": participant.name}, *more)
