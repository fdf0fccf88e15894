"""Applying a guided fix: all its cells in one transaction with one change record
(``cells.fixed``), or parking the activity with a named decider (``activity.parked``).

Who may: anyone with an edit link in free mode; the facilitator in a workshop, after the
reveal (a fix there sets agreed values and marks their pairs agreed, like a click on a
cell would). The fix is looked up again under the board's write lock: if the matrix has
changed so that it no longer applies, nothing is written and the answer says so.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from backend.boards.cell_store import write_cells
from backend.boards.lookup import owned
from backend.boards.models import Activity
from backend.changes import service as changes
from backend.domain import fixes as fx
from backend.errors import Conflict, Invalid
from backend.security import Access
from backend.validation import clean_text
from backend.workshop import rounds as r
from backend.workshop.agreeing import check_agreeable, mark_agreed
from backend.workshop.fix_options import offer
from backend.workshop.screen import load_screen
from backend.workshop.service import fresh_board

MAX_FIX_ID = 120
MAX_DECIDER = 60
STALE = (
    "This fix no longer applies: the board changed since it was offered. "
    "Nothing was changed; the findings now show what still needs fixing."
)


def _check_id(fix_id: str) -> str:
    fix_id = fix_id.strip()
    if (
        not fix_id
        or len(fix_id) > MAX_FIX_ID
        or not all(ch.isalnum() or ch in ".-" for ch in fix_id)
    ):
        raise Invalid("Give the id of a fix, as GET /api/boards/{id}/fixes lists them")
    return fix_id


def apply_fix(session: Session, *, access: Access, fix_id: str, decider: str = "") -> int:
    """Apply the fix ``fix_id`` (parking needs ``decider``); returns the change's sequence."""
    fix_id = _check_id(fix_id)
    actor = access.actor  # a read-only link cannot act at all
    if access.board.mode == r.WORKSHOP:
        access.require_facilitator("apply a fix in a workshop")
    board_id = access.board.id
    assert board_id is not None
    change = changes.start(session, board_id=board_id, kind="cells.fixed", actor=actor)
    board = fresh_board(session, board_id)
    workshop = board.mode == r.WORKSHOP
    if workshop:
        access.require_facilitator("apply a fix in a workshop")
    screen = load_screen(session, board, role=None, cells_only=True)
    shown = offer(screen.v, screen.w, screen.since)
    if not shown.applies:
        raise Conflict("Fixes set agreed values, after the reveal (in Reveal & discuss or Agree)")
    found = fx.find_fix(shown.entries, fix_id)
    if found is None:
        raise Conflict(STALE)
    entry, fix = found
    if fix.action == fx.LEAVE:
        raise Invalid(
            "“Leave it” changes nothing on the board; it only hides the warning on a screen"
        )
    if fix.action == fx.PARK:
        return _park(session, change, board_id, entry, fix, decider)
    activities: dict[int, Activity] = {}
    rows: dict[tuple[int, int], dict[int, str]] = {}
    for e in fix.edits:
        a, p, f = e.activity, e.phase, e.function
        if a not in activities:
            activities[a] = owned(session, Activity, board_id, a, "activity")
            if workshop:
                check_agreeable(board, activities[a])
        rows.setdefault((a, p), {})[f] = e.after
    for (a, p), values in rows.items():
        write_cells(session, board_id, a, p, values)
        if workshop:
            mark_agreed(session, board, a, p)
    data: dict[str, Any] = {
        "fix": fix.id,
        "code": entry.finding.code,
        "label": fix.label,
        "cells": [[e.activity, e.phase, e.function, e.before, e.after] for e in fix.edits],
        "agreed": workshop,
    }
    changes.commit(session, change, data)
    return change.seq


def _park(
    session: Session,
    change: changes.NewChange,
    board_id: int,
    entry: fx.FindingFixes,
    fix: fx.Fix,
    decider: str,
) -> int:
    """Parking, as the discussion panel's *park* does it (same change kind and record)."""
    decider = clean_text(decider, what="Decider", max_len=MAX_DECIDER)
    if entry.activity is None:
        raise Invalid("Only an activity can be parked")
    activity = owned(session, Activity, board_id, entry.activity, "activity")
    activity.parked_decider = decider
    session.add(activity)
    change.kind = "activity.parked"
    changes.commit(
        session,
        change,
        {"activity_id": activity.id, "decider": decider, "fix": fix.id, "phase_id": entry.phase},
    )
    return change.seq
