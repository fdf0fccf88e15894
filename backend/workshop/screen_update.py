"""A loaded screen moved forward by cell edits, instead of reading the whole board again.

Most changes in a session are cell edits. Their live fragments and the next page view need
the board as it is after the edit; re-reading a board of thousands of cells for each one
is what made an edit expensive. Each edit's change record holds the cell and its new
letters, so a screen at sequence N plus the edits N+1..M is the screen at M. Anything else
(a round, structure, people, a review's comparison with last version) is read afresh.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from backend.domain.rules import recheck_groups
from backend.workshop.screen import Screen

CELL_EDIT = "cell.set"


def advance(screen: Screen, edits: Sequence[tuple[int, Mapping[str, Any]]]) -> Screen | None:
    """``screen`` after the cell edits ``(seq, change data)``, in sequence order; None when
    it cannot be worked out from them (a gap in the sequence, or a screen that shows more
    than the shared matrix: a participant's own proposals, a review's changes)."""
    if screen.since is not None or screen.own_view:
        return None
    view = screen.v
    edits = [(seq, data) for seq, data in edits if seq > view.seq]
    if not edits:
        return screen
    if edits[0][0] != view.seq + 1 or any(
        b[0] != a[0] + 1 for a, b in zip(edits, edits[1:], strict=False)
    ):
        return None
    activities = {a.id for a in view.activities}
    phase_ids = {p.id for p in view.phases}
    functions = {f.id for f in view.functions}
    cells = dict(view.cells)
    agreed = screen.w.agreed
    touched = set()
    rows = dict(screen.touched)
    for seq, data in edits:
        a, p, f = data["activity_id"], data["phase_id"], data["function_id"]
        if a not in activities or p not in phase_ids or f not in functions:
            return None
        if data["slots"]:
            cells[(a, p, f)] = data["slots"]
        else:
            cells.pop((a, p, f), None)
        if data.get("agreed") and (a, p) not in agreed:
            agreed = agreed | {(a, p)}
        touched.add((a, p))
        rows[a] = seq
    check = recheck_groups(
        view.check,
        view.framework,
        [a.id for a in view.activities],
        touched,
        [f.id for f in view.functions],
        cells,
        view.names,
    )
    w = screen.w if agreed is screen.w.agreed else replace(screen.w, agreed=agreed)
    new_view = replace(view, cells=cells, check=check, seq=edits[-1][0]).with_structure_of(view)
    return Screen(
        new_view,
        w,
        screen.role,
        own_view=False,
        since=None,
        review_label=screen.review_label,
        generation=screen.generation,
        touched=rows,
    )
