"""Running a workshop: mode and rounds, proposals, ready marks, reveal, agreeing cells and
re-votes. Discussion (spotlight, timebox, comments, rationale, parking) is in
``discussion.py``; publishing in ``publishing.py``.

Keyword-only functions; each checks who may act, takes the board's write lock with
``changes.start``, checks the round against the latest state, writes, and commits with
its change record.
"""

from __future__ import annotations

from sqlmodel import Session, select

from backend.boards.lookup import cell_target, parse_letters
from backend.boards.models import Activity, Board
from backend.changes import service as changes
from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.participants.models import Participant
from backend.security import Access
from backend.workshop import rounds as r
from backend.workshop.models import Proposal


def fresh_board(session: Session, board_id: int) -> Board:
    """The board as it is now, read after ``changes.start`` took its lock."""
    board = session.get(Board, board_id)
    if board is None:
        raise NotFound("This board no longer exists")
    session.refresh(board)
    return board


def require_workshop(board: Board) -> None:
    if board.mode != r.WORKSHOP:
        raise Conflict("This board is in free mode; switch it to workshop mode first")


# --- mode and rounds --------------------------------------------------------------------


def set_mode(
    session: Session, *, access: Access, mode: str, auto_reveal: bool | None = None
) -> int:
    access.require_facilitator("change the board's mode")
    if mode not in r.MODES:
        raise Invalid(f"Unknown mode {mode!r}; choose free or workshop")
    change = changes.start(session, board_id=access.board.id, kind="board.mode", actor=access.actor)
    board = fresh_board(session, access.board.id)
    if board.mode != mode and board.round != r.SETUP:
        raise Conflict("The mode can only change during set-up; go back to the set-up round first")
    board.mode = mode
    if auto_reveal is not None:
        board.auto_reveal = auto_reveal
    session.add(board)
    session.flush()
    more = auto_reveal_if_ready(session, board)
    changes.commit(session, change, {"mode": mode, "auto_reveal": board.auto_reveal}, *more)
    return change.seq


def move_round(session: Session, *, access: Access, to: str) -> int:
    access.require_facilitator("move the workshop to another round")
    if to not in r.ROUNDS:
        raise Invalid(f"Unknown round {to!r}")
    if to == r.PUBLISHED:
        raise Invalid("Use publish to publish the agreed matrix")
    change = changes.start(
        session, board_id=access.board.id, kind="round.changed", actor=access.actor
    )
    board = fresh_board(session, access.board.id)
    require_workshop(board)
    if not r.can_move(board.round, to):
        raise Conflict(
            f"Cannot go from {r.LABELS[board.round]} to {r.LABELS[to]}; "
            f"next is {r.LABELS.get(r.FORWARD.get(board.round, ''), 'publish')}"
        )
    before = board.round
    _enter_round(session, board, to, before=before)
    changes.commit(session, change, {"from": before, "to": to})
    return change.seq


def _enter_round(session: Session, board: Board, to: str, *, before: str) -> None:
    if to == r.PROPOSE:
        for p in session.exec(select(Participant).where(Participant.board_id == board.id)):
            if p.ready:
                p.ready = False
                session.add(p)
    if to == r.REVEAL and before == r.PROPOSE:  # a re-vote ends only by its own reveal otherwise
        for a in session.exec(
            select(Activity).where(Activity.board_id == board.id, Activity.revoting)
        ):
            a.revoting = False
            session.add(a)
    board.round = to
    session.add(board)


# --- proposals and ready marks -------------------------------------------------------------


def propose(
    session: Session,
    *,
    access: Access,
    activity_id: int,
    phase_id: int,
    function_id: int,
    letters: str,
) -> int:
    """A participant's own proposal for one cell. Nobody else sees it before the reveal."""
    if access.participant is None:
        raise Forbidden("Only participants propose; the facilitator sets the agreed values")
    slots = parse_letters(access.board, letters)
    change = changes.start(
        session, board_id=access.board.id, kind="proposal.set", actor=access.actor
    )
    board = fresh_board(session, access.board.id)
    require_workshop(board)
    cell_target(session, board.id, activity_id, phase_id, function_id)
    activity = session.get(Activity, activity_id)
    if not (
        board.round == r.PROPOSE or (activity.revoting and board.round in (r.REVEAL, r.AGREED))
    ):
        raise Conflict("Proposals are closed in this round; the facilitator can re-open them")
    me = access.participant.id
    row = session.exec(
        select(Proposal).where(
            Proposal.participant_id == me,
            Proposal.activity_id == activity_id,
            Proposal.phase_id == phase_id,
            Proposal.function_id == function_id,
        )
    ).first()
    if row is None:
        row = Proposal(
            board_id=board.id,
            participant_id=me,
            activity_id=activity_id,
            phase_id=phase_id,
            function_id=function_id,
        )
    row.slots = slots
    session.add(row)
    # The log records that a proposal was made, never where or its letters (they stay private).
    changes.commit(session, change, {"participant_id": me})
    return change.seq


def set_ready(session: Session, *, access: Access, ready: bool) -> int:
    if access.participant is None:
        raise Forbidden("Only participants mark themselves ready")
    change = changes.start(
        session, board_id=access.board.id, kind="participant.ready", actor=access.actor
    )
    board = fresh_board(session, access.board.id)
    if board.mode != r.WORKSHOP or board.round != r.PROPOSE:
        raise Conflict("Ready marks belong to the silent proposal round")
    # Read afresh: the row this request saw may have been removed since.
    me = session.get(Participant, access.participant.id, populate_existing=True)
    if me is None:
        raise NotFound("You are no longer on this board; ask the facilitator to add you again")
    me.ready = ready
    session.add(me)
    more = []
    session.flush()
    if ready and board.auto_reveal and _everyone_ready(session, board.id):
        reveal = changes.start(
            session, board_id=board.id, kind="round.changed", actor=changes.SYSTEM
        )
        _enter_round(session, board, r.REVEAL, before=r.PROPOSE)
        more.append((reveal, {"from": r.PROPOSE, "to": r.REVEAL, "auto": True}))
    changes.commit(session, change, {"participant_id": me.id, "ready": ready}, *more)
    return change.seq


def auto_reveal_if_ready(session: Session, board: Board) -> list[tuple]:  # type: ignore[type-arg]
    """When auto-reveal is on and everyone is ready, reveal; returns the extra change to log."""
    if (
        board.mode == r.WORKSHOP
        and board.round == r.PROPOSE
        and board.auto_reveal
        and _everyone_ready(session, board.id)
    ):
        reveal = changes.start(
            session, board_id=board.id, kind="round.changed", actor=changes.SYSTEM
        )
        _enter_round(session, board, r.REVEAL, before=r.PROPOSE)
        return [(reveal, {"from": r.PROPOSE, "to": r.REVEAL, "auto": True})]
    return []


def _everyone_ready(session: Session, board_id: int) -> bool:
    people = session.exec(select(Participant).where(Participant.board_id == board_id)).all()
    return bool(people) and all(p.ready for p in people)


# --- agreeing ------------------------------------------------------------------------------
