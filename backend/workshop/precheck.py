"""The "still true?" pre-check: before the session, each participant marks each activity
as still true or as needing discussion, and the facilitator sees where to spend the time.

It belongs to a review that started from a published version (there is something to be
still true). Answers are open from set-up through the silent proposals and close at the
reveal. They are not secret: the agenda (who flagged what) is the same on every screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from backend.boards.lookup import owned
from backend.boards.models import Activity, Board
from backend.changes import service as changes
from backend.errors import Conflict, Forbidden, Invalid
from backend.participants.models import Participant
from backend.security import Access
from backend.validation import clean_text
from backend.workshop import rounds as r
from backend.workshop.models import Precheck
from backend.workshop.service import fresh_board

OK, DISCUSS = "ok", "discuss"
VERDICTS = {OK: "Still true", DISCUSS: "Needs discussion"}
OPEN_ROUNDS = (r.SETUP, r.PROPOSE)


def applies(board: Board) -> bool:
    return board.mode == r.WORKSHOP and board.parent_version_id is not None


def is_open(board: Board) -> bool:
    return applies(board) and board.round in OPEN_ROUNDS


MAX_NOTE = 200


def mark(
    session: Session, *, access: Access, activity_id: int, verdict: str, note: str = ""
) -> int:
    """Set (or, with an empty verdict, clear) the participant's answer for one activity;
    ``note`` says why it needs discussion (kept only with that answer)."""
    if access.participant is None:
        raise Forbidden("Only participants answer the pre-check; the facilitator sees the answers")
    if verdict not in (*VERDICTS, ""):
        raise Invalid("Answer 'ok' (still true), 'discuss' (needs discussion) or '' to clear")
    note = (
        clean_text(note, what="Note", max_len=MAX_NOTE, required=False)
        if verdict == DISCUSS
        else ""
    )
    me = access.participant.id
    activity = owned(session, Activity, access.board.id, activity_id, "activity")
    if _answer(session, me, activity.id) == (verdict, note) and is_open(access.board):
        return access.board.last_seq  # nothing changes: nothing to log or tell
    change = changes.start(
        session, board_id=access.board.id, kind="precheck.set", actor=access.actor
    )
    board = fresh_board(session, access.board.id)
    if not applies(board):
        raise Conflict(
            "The pre-check belongs to a review started from a published version "
            "(Start next review), in workshop mode"
        )
    if not is_open(board):
        raise Conflict("The pre-check closes at the reveal; discuss it in the room now")
    row = session.exec(
        select(Precheck).where(Precheck.participant_id == me, Precheck.activity_id == activity.id)
    ).first()
    if verdict == "" and row is not None:
        session.delete(row)
    elif verdict:
        row = row or Precheck(board_id=board.id, participant_id=me, activity_id=activity.id)
        row.verdict = verdict
        row.note = note
        session.add(row)
    changes.commit(
        session, change, {"participant_id": me, "activity_id": activity.id, "verdict": verdict}
    )
    return change.seq


def _answer(session: Session, participant_id: int, activity_id: int) -> tuple[str, str]:
    row = session.exec(
        select(Precheck.verdict, Precheck.note).where(
            Precheck.participant_id == participant_id, Precheck.activity_id == activity_id
        )
    ).first()
    return (row[0], row[1]) if row else ("", "")


@dataclass
class Tally:
    activity: Activity
    ok: list[str] = field(default_factory=list)  # names
    discuss: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (name, why to discuss)

    @property
    def answered(self) -> int:
        return len(self.ok) + len(self.discuss)


@dataclass
class PrecheckView:
    open: bool
    participants: int
    answered_by: int  # participants who answered at least one activity
    tallies: list[Tally]  # the agenda: most "needs discussion", then fewest "still true"
    mine: dict[int, str] = field(default_factory=dict)  # activity id -> verdict
    my_notes: dict[int, str] = field(default_factory=dict)  # activity id -> own note

    @property
    def any(self) -> bool:
        return any(t.answered for t in self.tallies)

    @property
    def flagged(self) -> int:
        return sum(1 for t in self.tallies if t.discuss)


def load_precheck(
    session: Session,
    board: Board,
    *,
    activities: list[Activity],
    participants: list[Participant],
    viewer: Participant | None = None,
) -> PrecheckView:
    names = {p.id: p.name for p in participants}
    by_activity = {a.id: Tally(a) for a in activities}
    mine: dict[int, str] = {}
    my_notes: dict[int, str] = {}
    who: set[int] = set()
    rows = session.exec(
        select(Precheck).where(Precheck.board_id == board.id).order_by(col(Precheck.id))
    )
    for row in rows:
        tally = by_activity.get(row.activity_id)
        if tally is None or row.participant_id not in names:
            continue
        who.add(row.participant_id)
        (tally.discuss if row.verdict == DISCUSS else tally.ok).append(names[row.participant_id])
        if row.verdict == DISCUSS and row.note:
            tally.notes.append((names[row.participant_id], row.note))
        if viewer is not None and row.participant_id == viewer.id:
            mine[row.activity_id] = row.verdict
            my_notes[row.activity_id] = row.note
    order = {a.id: i for i, a in enumerate(activities)}
    tallies = sorted(
        by_activity.values(),
        key=lambda t: (-len(t.discuss), len(t.ok), order[t.activity.id]),
    )
    return PrecheckView(is_open(board), len(participants), len(who), tallies, mine, my_notes)
