"""Loading what an activity's history page shows (see ``history.activity``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from backend.boards.lookup import owned
from backend.boards.models import Activity, Board, Phase, TeamFunction
from backend.boards.queries import ordered
from backend.changes.models import Change
from backend.domain.frameworks import get_framework
from backend.history import activity as h
from backend.history.lineage import lineage
from backend.workshop.models import Comment

MAX_SCANNED = 5000  # newest log rows that mention the id; the page shows at most 500 changes


def activity_history(session: Session, board: Board, activity_id: int) -> dict[str, Any]:
    activity = owned(session, Activity, board.id, activity_id, "activity")
    phases = ordered(session, Phase, board.id)
    functions = ordered(session, TeamFunction, board.id)
    comments = session.exec(
        select(Comment).where(Comment.board_id == board.id, Comment.activity_id == activity.id)
    ).all()
    names = h.Names(
        phases={p.id: p.name for p in phases if p.id is not None},
        functions={f.id: f.name for f in functions if f.id is not None},
        comments={c.id: f"“{c.text}”" for c in comments if c.id is not None},
    )
    # Every change about this activity mentions its id; the describer keeps the exact ones.
    rows = session.exec(
        select(Change)
        .where(Change.board_id == board.id, col(Change.data).contains(str(activity.id)))
        .order_by(col(Change.seq).desc())
        .limit(MAX_SCANNED)
    ).all()[::-1]
    versions = [(e.name, e.version.published_at, e.doc()) for e in lineage(session, board)]
    phase_names = [p.name for p in phases]
    return {
        "board": board,
        "activity": activity,
        "events": h.events(rows, activity.id, get_framework(board.framework), names),
        "phases": phase_names,
        "versions": list(
            reversed(h.across_versions(activity.name, activity.lineage_key, versions, phase_names))
        ),
    }
