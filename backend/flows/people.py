"""Joining a board pre-fills a next review's proposals; a removal may be the last one not
ready, and trigger the auto-reveal."""

from __future__ import annotations

from sqlmodel import Session, select

from backend.boards.models import Board, TeamFunction
from backend.changes import service as changes
from backend.changes.service import Actor
from backend.errors import Invalid, NotFound
from backend.participants.models import Participant
from backend.participants.service import check_name_free
from backend.security import PARTICIPANT, Access, new_token
from backend.validation import MAX_ID, MAX_PARTICIPANT_NAME, MAX_PARTICIPANTS, clean_text
from backend.workshop.review import prefill_proposals
from backend.workshop.service import auto_reveal_if_ready


def join(session: Session, *, board: Board, name: str, function_id: int | None) -> Participant:
    assert board.id is not None  # a stored board has its id
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
    assert participant.id is not None  # flushed, so it has its id
    prefilled = prefill_proposals(session, board=board, participant_id=participant.id)
    changes.commit(
        session,
        change,
        {"id": participant.id, "name": name, "function": function.name, "prefilled": prefilled},
    )
    return participant


def remove(session: Session, *, access: Access, participant_id: int) -> None:
    access.require_facilitator("remove people")
    assert access.board.id is not None  # a stored board has its id
    change = changes.start(
        session, board_id=access.board.id, kind="participant.removed", actor=access.actor
    )
    participant = session.get(Participant, participant_id) if 0 < participant_id <= MAX_ID else None
    if participant is None or participant.board_id != access.board.id:
        raise NotFound(f"No participant with id {participant_id} on this board")
    session.delete(participant)
    session.flush()
    board = access.board  # the same object session.get would return, read afresh
    session.refresh(board)
    more = auto_reveal_if_ready(session, board)  # the last one not ready may have left
    changes.commit(session, change, {"id": participant_id, "name": participant.name}, *more)
