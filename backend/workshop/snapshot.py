"""What a published version holds: the agreed matrix, rationale, notes and open items."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from backend.boards.queries import MatrixView
from backend.exports.json_export import to_dict
from backend.history.compare import Comparison
from backend.workshop.models import Agreement, PhaseNote, Version


def carried_over(since: Comparison) -> set[tuple[str, str]]:
    """(activity, phase) names of a review (``since.after``) that were agreed in the version
    it started from (``since.before``) and whose cells have not changed since. A pair that
    version listed as not agreed, a new activity or phase, and a changed cell stay open."""
    before, renamed = since.before, since.renamed
    was_open = {
        (renamed.get(i["activity"], i["activity"]), i["phase"])
        for i in before.get("open_items", [])
        if i.get("reason") == "not agreed"
    }
    changed = {(a, p) for a, p, _f in since.changed}
    known, phases = set(since.matrices[0].activities), set(before["phases"])
    return {
        (a["name"], p)
        for a in since.after["activities"]
        if a["name"] in known
        for p in since.after["phases"]
        if p in phases and (a["name"], p) not in changed and (a["name"], p) not in was_open
    }


def settled_pairs(
    view: MatrixView, agreed: set[tuple[int, int]], since: Comparison | None
) -> set[tuple[int, int]]:
    """The (activity, phase) ids that count as agreed: agreed on this board, or, in a
    review (``since``: its starting version against this board's agreed matrix), carried
    over unchanged (``carried_over``) and not being re-voted. What the board counts as
    agreed, the publish confirmation asks about and a version lists as open items."""
    if since is None:
        return set(agreed)
    carried = carried_over(since)
    return set(agreed) | {
        (a.id, p.id)
        for a in view.activities
        if not a.revoting
        for p in view.phases
        if (a.name, p.name) in carried
    }


def parent_doc(session: Session, board) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    """The snapshot of the version a review started from (None for other boards)."""
    version = session.get(Version, board.parent_version_id) if board.parent_version_id else None
    return json.loads(version.snapshot) if version else None


def build_snapshot(
    session: Session,
    view: MatrixView,
    *,
    label: str,
    number: int,
    published_by: str,
    next_review: str | None = None,
) -> dict[str, Any]:
    data = to_dict(view)
    open_items = annotate(session, view, data)
    rule_breaks = [
        {"activity": activity, "phase": phase, "message": message}
        for level, activity, phase, message in view.problems
        if level == "error"
    ]
    data.update(
        version={"number": number, "label": label, "published_by": published_by}
        | ({"next_review": next_review} if next_review else {}),
        mode=view.board.mode,
        open_items=open_items,
        rule_breaks=rule_breaks,
    )
    return data


def annotate(session: Session, view: MatrixView, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Add each activity's phase notes and parked decider to ``data`` (``to_dict(view)``)
    and return the board's open items: parked activities with their deciders, pairs not
    agreed (workshop mode) and rationale carried over unchanged. What a version keeps, and
    what the live board's exports show."""
    board = view.board
    parent = parent_doc(session, board)
    phase_names = {p.id: p.name for p in view.phases}
    notes = session.exec(select(PhaseNote).where(PhaseNote.board_id == board.id)).all()
    by_activity: dict[int, dict[str, str]] = {}
    for n in notes:
        by_activity.setdefault(n.activity_id, {})[phase_names.get(n.phase_id, "")] = n.text
    agreed = settled_pairs(
        view,
        {
            (g.activity_id, g.phase_id)
            for g in session.exec(select(Agreement).where(Agreement.board_id == board.id))
        },
        Comparison(parent, data) if parent else None,
    )
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
    return open_items + stale_rationale(session, board, data)


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
