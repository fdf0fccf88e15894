"""Turn a change into what live screens need: HTML fragments swapped out of band.

Fragments are rendered from the board's current state, so replaying or re-applying
an event is harmless and every screen converges on the same matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from backend.boards.models import Board
from backend.boards.queries import MatrixView, load_matrix
from backend.changes.models import Change
from backend.changes.service import change_data
from backend.web import render_fragment

CHANGE, REFRESH, GONE = "change", "refresh", "gone"


@dataclass(frozen=True)
class LiveEvent:
    seq: int
    name: str  # change | refresh | gone
    data: str
    removed_participant: int | None = None  # that participant's own screens get "gone"


def cell_fragments(view: MatrixView, activity_id: int) -> str:
    activity = next((a for a in view.activities if a.id == activity_id), None)
    # Table rows only parse inside a <template>; htmx swaps out-of-band content from there.
    rows = render_fragment("_phase_head_partial.html", v=view, oob=True)
    if activity is not None:
        rows += render_fragment("_row_partial.html", v=view, a=activity, oob=True)
    return f"<template>{rows}</template>" + render_fragment(
        "_summary_partial.html", v=view, oob=True
    )


def event_for(view: MatrixView, change: Change) -> LiveEvent:
    """One change as a live event. Structure changes ask screens for a full refresh."""
    kind = change.kind
    if kind == "cell.set":
        html = cell_fragments(view, change_data(change)["activity_id"])
        return LiveEvent(change.seq, CHANGE, html)
    if kind.startswith("participant."):
        html = render_fragment("_participants_partial.html", v=view, oob=True, access=None)
        removed = change_data(change)["id"] if kind == "participant.removed" else None
        return LiveEvent(change.seq, CHANGE, html, removed_participant=removed)
    if kind in ("board.renamed", "board.created"):
        return LiveEvent(
            change.seq, CHANGE, render_fragment("_title_partial.html", v=view, oob=True)
        )
    return LiveEvent(change.seq, REFRESH, "")


def render_changes(session: Session, board_id: int, changes: list[Change]) -> list[LiveEvent]:
    board = session.get(Board, board_id)
    if board is None:
        return [LiveEvent((changes[-1].seq if changes else 0), GONE, "")]
    view = load_matrix(session, board)
    return [event_for(view, c) for c in changes]
