"""Agreeing after the reveal: the facilitator sets agreed cells, accepts unanimous or
majority proposals, and re-opens one activity for a re-vote."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, select

from backend.boards.cell_store import write_cells
from backend.boards.lookup import cell_target, owned, parse_letters
from backend.boards.models import Activity, Board, Phase, TeamFunction
from backend.changes import service as changes
from backend.domain.consensus import acceptable_unanimous
from backend.errors import Conflict, Invalid
from backend.participants.models import Participant
from backend.security import Access
from backend.validation import MAX_ID
from backend.workshop import rounds as r
from backend.workshop.models import Agreement, Proposal
from backend.workshop.queries import consensus_groups
from backend.workshop.service import fresh_board, require_workshop


def _agree(session: Session, board: Board, activity_id: int, phase_id: int) -> None:
    exists = session.exec(
        select(Agreement).where(
            Agreement.activity_id == activity_id, Agreement.phase_id == phase_id
        )
    ).first()
    if exists is None:
        session.add(Agreement(board_id=board.id, activity_id=activity_id, phase_id=phase_id))


def mark_agreed(session: Session, board: Board, activity_id: int, phase_id: int) -> None:
    """Count one activity+phase as agreed (the facilitator set or fixed its cells)."""
    _agree(session, board, activity_id, phase_id)


def check_agreeable(board: Board, activity: Activity) -> None:
    require_workshop(board)
    if board.round not in (r.REVEAL, r.AGREED):
        raise Conflict("Agreed values are set after the reveal (in Reveal & discuss or Agree)")
    if activity.revoting:
        raise Conflict(f"{activity.name} is being re-voted; reveal its proposals first")


def agree_cell(
    session: Session,
    *,
    access: Access,
    activity_id: int,
    phase_id: int,
    function_id: int,
    letters: str,
) -> int:
    """The facilitator sets one agreed cell; its activity+phase counts as agreed."""
    access.require_facilitator("set agreed values")
    slots = parse_letters(access.board, letters)
    change = changes.start(session, board_id=access.board.id, kind="cell.set", actor=access.actor)
    board = fresh_board(session, access.board.id)
    cell_target(session, board.id, activity_id, phase_id, function_id)
    activity = session.get(Activity, activity_id)
    check_agreeable(board, activity)
    before = write_cells(session, board.id, activity_id, phase_id, {function_id: slots})
    _agree(session, board, activity_id, phase_id)
    data = {
        "activity_id": activity_id,
        "phase_id": phase_id,
        "function_id": function_id,
        "slots": slots,
        "before": before[function_id],
        "agreed": True,
    }
    changes.commit(session, change, data)
    return change.seq


def accept(
    session: Session,
    *,
    access: Access,
    activity_id: int | None = None,
    phase_id: int | None = None,
    use: str = "unanimous",
    participant_id: int | None = None,
) -> int:
    """Accept proposals as agreed values.

    With no activity: every unanimous activity+phase not yet agreed. With an activity (and
    optionally a phase): its groups, taking the unanimous value, or with ``use="majority"``
    the majority per function. ``use="votes_of"`` takes one participant's whole row for one
    activity and phase (one side of a tie).
    """
    access.require_facilitator("accept proposals")
    if use not in ("unanimous", "majority", "votes_of"):
        raise Invalid("use must be unanimous, majority or votes_of")
    if use == "votes_of" and None in (activity_id, phase_id, participant_id):
        raise Invalid("Taking one person's proposal needs activity_id, phase_id and participant_id")
    change = changes.start(
        session, board_id=access.board.id, kind="cells.accepted", actor=access.actor
    )
    board = fresh_board(session, access.board.id)
    require_workshop(board)
    if board.round not in (r.REVEAL, r.AGREED):
        raise Conflict("Proposals are accepted after the reveal")

    groups = consensus_groups(session, board)
    agreed = {
        (g.activity_id, g.phase_id)
        for g in session.exec(select(Agreement).where(Agreement.board_id == board.id))
    }
    revoting = {
        a.id
        for a in session.exec(
            select(Activity).where(Activity.board_id == board.id, Activity.revoting)
        )
    }
    if activity_id is not None:
        activity = owned(session, Activity, board.id, activity_id, "activity")
        check_agreeable(board, activity)
    if phase_id is not None:
        owned(session, Phase, board.id, phase_id, "phase")
    voter = None
    if use == "votes_of":
        voter, row = _votes_of(session, board, activity_id, phase_id, participant_id)  # type: ignore[arg-type]
    people = session.exec(
        select(func.count()).select_from(Participant).where(Participant.board_id == board.id)
    ).one()
    # One rule for "everyone agrees", shared with the button's count.
    unanimous = set(
        acceptable_unanimous(
            groups, agreed if activity_id is None else (), revoting, r.min_voters(people)
        )
    )
    taken, tied = [], []
    accepted: dict[str, dict[str, str]] = {}  # "activity:phase" -> function -> slots
    names = {
        f.id: f.name
        for f in session.exec(select(TeamFunction).where(TeamFunction.board_id == board.id))
    }
    for (a, p), g in groups.items():
        if a in revoting or (activity_id is not None and a != activity_id):
            continue
        if phase_id is not None and p != phase_id:
            continue
        if activity_id is None and (a, p) in agreed:
            continue
        if use == "unanimous":
            values = g.consensus() if (a, p) in unanimous else None
        elif voter is not None:
            values = {f: row.get(f, "") for f in g.cells}
        elif any(s.majority is None for s in g.cells.values()):
            tied += [names.get(f, str(f)) for f, s in g.cells.items() if s.majority is None]
            values = None  # a tie is for people to settle, not for arithmetic
        else:
            values = {f: s.majority or "" for f, s in g.cells.items()}
        if values is None:
            continue
        write_cells(session, board.id, a, p, values)
        _agree(session, board, a, p)
        taken.append([a, p])
        accepted[f"{a}:{p}"] = {str(f): slots for f, slots in values.items() if slots}
    if not taken:
        if tied:
            raise Conflict(
                f"No majority for {', '.join(sorted(set(tied)))}: it is a tie; set those cells by hand"
            )
        raise Conflict(
            "Nothing to accept: no proposals that everyone agrees on"
            if use == "unanimous"
            else "Nothing to accept: nobody proposed anything here"
        )
    data = {"groups": taken, "use": use, "tied": sorted(set(tied)), "values": accepted}
    if voter is not None:
        data |= {"participant_id": voter.id, "participant": voter.name}
    changes.commit(session, change, data)
    return change.seq


def _votes_of(
    session: Session, board: Board, activity_id: int, phase_id: int, participant_id: int
) -> tuple[Participant, dict[int, str]]:
    """A participant of this board and their proposals for one activity in one phase."""
    voter = session.get(Participant, participant_id) if 0 < participant_id <= MAX_ID else None
    if voter is None or voter.board_id != board.id:
        raise Invalid(f"No participant with id {participant_id} on this board")
    row = {
        p.function_id: p.slots
        for p in session.exec(
            select(Proposal).where(
                Proposal.participant_id == voter.id,
                Proposal.activity_id == activity_id,
                Proposal.phase_id == phase_id,
            )
        )
        if p.slots
    }
    if not row:
        raise Invalid(f"{voter.name} proposed nothing for this activity in this phase")
    return voter, row


def revote(session: Session, *, access: Access, activity_id: int) -> int:
    """Clear one activity's proposals and agreement for another silent round on it."""
    access.require_facilitator("start a re-vote")
    change = changes.start(
        session, board_id=access.board.id, kind="activity.revote", actor=access.actor
    )
    board = fresh_board(session, access.board.id)
    require_workshop(board)
    if board.round not in (r.REVEAL, r.AGREED):
        raise Conflict("A re-vote happens after the reveal")
    activity = owned(session, Activity, board.id, activity_id, "activity")
    cleared = session.execute(delete(Proposal).where(Proposal.activity_id == activity.id)).rowcount
    session.execute(delete(Agreement).where(Agreement.activity_id == activity.id))
    activity.revoting = True
    session.add(activity)
    changes.commit(session, change, {"activity_id": activity.id, "cleared": cleared})
    return change.seq


def reveal_activity(session: Session, *, access: Access, activity_id: int) -> int:
    access.require_facilitator("reveal a re-vote")
    change = changes.start(
        session, board_id=access.board.id, kind="activity.revealed", actor=access.actor
    )
    board = fresh_board(session, access.board.id)
    require_workshop(board)
    activity = owned(session, Activity, board.id, activity_id, "activity")
    if not activity.revoting:
        raise Conflict(f"{activity.name} is not being re-voted")
    activity.revoting = False
    session.add(activity)
    changes.commit(session, change, {"activity_id": activity.id})
    return change.seq
