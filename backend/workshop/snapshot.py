"""What a published version holds: the agreed matrix, rationale, notes and open items."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from backend.boards.queries import MatrixView
from backend.exports.json_export import to_dict
from backend.history.compare import Comparison
from backend.workshop.models import Agreement, PhaseNote, Version


def build_snapshot(
    session: Session, view: MatrixView, *, label: str, number: int, published_by: str
) -> dict[str, Any]:
    board = view.board
    data = to_dict(view)
    phase_names = {p.id: p.name for p in view.phases}
    notes = session.exec(select(PhaseNote).where(PhaseNote.board_id == board.id)).all()
    by_activity: dict[int, dict[str, str]] = {}
    for n in notes:
        by_activity.setdefault(n.activity_id, {})[phase_names.get(n.phase_id, "")] = n.text
    agreed = {
        (g.activity_id, g.phase_id)
        for g in session.exec(select(Agreement).where(Agreement.board_id == board.id))
    }
    open_items = []
    for a, item in zip(view.activities, data["activities"], strict=True):
        item["phase_notes"] = by_activity.get(a.id, {})
        item["parked_decider"] = a.parked_decider
        if a.parked_decider:
            open_items.append(
                {"activity": a.name, "phase": None, "reason": "parked", "decider": a.parked_decider}
            )
        if board.mode == "workshop":
            for p in view.phases:
                if (a.id, p.id) not in agreed:
                    open_items.append(
                        {
                            "activity": a.name,
                            "phase": p.name,
                            "reason": "not agreed",
                            "decider": a.parked_decider,
                        }
                    )
    rule_breaks = [
        {"activity": activity, "phase": phase, "message": message}
        for level, activity, phase, message in view.problems
        if level == "error"
    ]
    open_items += stale_rationale(session, board, data)
    data.update(
        version={"number": number, "label": label, "published_by": published_by},
        mode=board.mode,
        open_items=open_items,
        rule_breaks=rule_breaks,
    )
    return data


def stale_rationale(session: Session, board, doc: dict[str, Any]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """In a review: activities whose owner or driver changed since the version it started
    from while their rationale is still that version's word for word. Listed as open items,
    so nobody exports last quarter's reasons for this quarter's decisions unnoticed."""
    if board.parent_version_id is None:
        return []
    version = session.get(Version, board.parent_version_id)
    if version is None:
        return []
    before = json.loads(version.snapshot)
    c = Comparison(before, doc)
    moved = {line.activity for line in c.lines if line.major}
    earlier = {
        c.renamed.get(a["name"], a["name"]): a.get("rationale", "") for a in before["activities"]
    }
    return [
        {
            "activity": a["name"],
            "phase": None,
            "reason": f"rationale carried over from {version.label} although its owner or driver changed",
        }
        for a in doc["activities"]
        if a["name"] in moved
        and a.get("rationale")
        and a.get("rationale") == earlier.get(a["name"])
    ]
