"""Discussing an activity: spotlight and timebox (every screen follows), comments,
the rationale of a decision, and parking an item with the person who will decide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from backend.boards.lookup import owned
from backend.boards.models import Activity, Phase
from backend.changes import service as changes
from backend.errors import Forbidden, Invalid
from backend.security import Access
from backend.validation import MAX_RATIONALE, clean_text
from backend.workshop.models import Comment, PhaseNote
from backend.workshop.service import fresh_board

MAX_COMMENT = 1000
MAX_TIMEBOX_MINUTES = 120


def spotlight(
    session: Session, *, access: Access, activity_id: int | None, minutes: float | None = None
) -> int:
    """Spotlight one activity (None clears), optionally starting a timebox of ``minutes``."""
    access.require_facilitator("spotlight an activity")
    _check_minutes(minutes)
    change = changes.start(session, board_id=access.board.id, kind="spotlight", actor=access.actor)
    board = fresh_board(session, access.board.id)
    if activity_id is not None:
        owned(session, Activity, board.id, activity_id, "activity")
    # A timebox belongs to its activity: another activity (or none) starts without one,
    # unless minutes are given; spotlighting the same activity again keeps it running.
    if minutes is not None or activity_id != board.spotlight_activity_id:
        board.timebox_ends_at = _deadline(minutes)
    board.spotlight_activity_id = activity_id
    return _commit_spotlight(session, change, board)


def set_timebox(session: Session, *, access: Access, minutes: float | None) -> int:
    access.require_facilitator("set a timebox")
    _check_minutes(minutes)
    change = changes.start(session, board_id=access.board.id, kind="spotlight", actor=access.actor)
    board = fresh_board(session, access.board.id)
    board.timebox_ends_at = _deadline(minutes)
    return _commit_spotlight(session, change, board, timebox_only=True)


def _check_minutes(minutes: float | None) -> None:
    if minutes is not None and not (0 < minutes <= MAX_TIMEBOX_MINUTES):
        raise Invalid(f"A timebox is between 0 and {MAX_TIMEBOX_MINUTES} minutes")


def _deadline(minutes: float | None) -> datetime | None:
    """Kept on the server, so late joiners and reloads count down to the same moment."""
    return None if minutes is None else datetime.now(UTC) + timedelta(minutes=minutes)


def _commit_spotlight(session, change, board, timebox_only: bool = False) -> int:  # type: ignore[no-untyped-def]
    session.add(board)
    ends = board.timebox_ends_at.isoformat() if board.timebox_ends_at else None
    data = {"activity_id": board.spotlight_activity_id, "timebox_ends_at": ends}
    if timebox_only:
        data["timebox_only"] = True
    changes.commit(session, change, data)
    return change.seq


def add_comment(session: Session, *, access: Access, activity_id: int, text: str) -> Comment:
    if access.role not in ("facilitator", "participant"):
        raise Forbidden("Viewers cannot comment")
    text = clean_text(text, what="Comment", max_len=MAX_COMMENT, multiline=True)
    change = changes.start(
        session, board_id=access.board.id, kind="comment.added", actor=access.actor
    )
    activity = owned(session, Activity, access.board.id, activity_id, "activity")
    comment = Comment(
        board_id=access.board.id,
        activity_id=activity.id,
        author=access.actor.name,
        author_role=access.role,
        text=text,
    )
    session.add(comment)
    session.flush()
    changes.commit(session, change, {"activity_id": activity.id, "comment_id": comment.id})
    return comment


def set_rationale(
    session: Session, *, access: Access, activity_id: int, text: str, phase_id: int | None = None
) -> int:
    """The decision's rationale for an activity, or for one phase of it where it differs."""
    access.require_facilitator("record a rationale")
    text = clean_text(text, what="Rationale", max_len=MAX_RATIONALE, required=False, multiline=True)
    change = changes.start(
        session, board_id=access.board.id, kind="rationale.set", actor=access.actor
    )
    activity = owned(session, Activity, access.board.id, activity_id, "activity")
    if phase_id is None:
        activity.rationale = text
        session.add(activity)
    else:
        owned(session, Phase, access.board.id, phase_id, "phase")
        note = session.exec(
            select(PhaseNote).where(
                PhaseNote.activity_id == activity.id, PhaseNote.phase_id == phase_id
            )
        ).first()
        if not text:
            if note is not None:
                session.delete(note)
        elif note is None:
            session.add(
                PhaseNote(
                    board_id=access.board.id, activity_id=activity.id, phase_id=phase_id, text=text
                )
            )
        else:
            note.text = text
            session.add(note)
    changes.commit(session, change, {"activity_id": activity.id, "phase_id": phase_id})
    return change.seq


def park(session: Session, *, access: Access, activity_id: int, decider: str) -> int:
    """Park an activity as open, naming who will decide; an empty decider un-parks it."""
    access.require_facilitator("park an item")
    decider = clean_text(decider, what="Decider", max_len=60, required=False)
    change = changes.start(
        session, board_id=access.board.id, kind="activity.parked", actor=access.actor
    )
    activity = owned(session, Activity, access.board.id, activity_id, "activity")
    activity.parked_decider = decider
    session.add(activity)
    changes.commit(session, change, {"activity_id": activity.id, "decider": decider})
    return change.seq


# --- publishing ---------------------------------------------------------------------------------
