"""Turn a change into what live screens need: HTML fragments swapped out of band.

Fragments are rendered from the board's current state, so replaying or re-applying
an event is harmless and every screen converges on the same matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC

from sqlmodel import Session

from backend.boards.models import Board
from backend.changes.models import Change
from backend.changes.service import change_data
from backend.live.broker import Note
from backend.web import render_fragment
from backend.workshop.screen import Screen, load_screen
from backend.workshop.screen_update import CELL_EDIT, advance

CHANGE, REFRESH, GONE, PRESENCE = "change", "refresh", "gone", "presence"
PING = "ping"  # not sent as an event: the stream writes a keep-alive comment


@dataclass(frozen=True)
class LiveEvent:
    seq: int
    name: str  # change | refresh | gone | presence
    data: str
    removed_participant: int | None = None  # that participant's own screens get "gone"
    at: float = 0.0  # the change's timestamp (epoch seconds), for the edit-to-send delay
    _wire: list[bytes] = field(default_factory=list, repr=False, compare=False)

    def encoded(self) -> bytes:
        """The event as it goes on the wire, encoded once however many screens get it."""
        if not self._wire:
            lines = (
                [f"id: {self.seq}", f"event: {self.name}"]
                if self.name != PRESENCE
                else [f"event: {self.name}"]
            )
            lines += [f"data: {line}" for line in self.data.splitlines() or [""]]
            self._wire.append(("\r\n".join(lines) + "\r\n\r\n").encode())
        return self._wire[0]


def cell_fragments(screen: Screen, activity_id: int, *more: int) -> str:
    """The rows of the activities whose cells changed, and what counts them."""
    view = screen.v
    ids = {activity_id, *more}
    ctx = {"v": view, "s": screen, "oob": True}
    # Table rows only parse inside a <template>; htmx swaps out-of-band content from there.
    rows = render_fragment("_phase_head_partial.html", **ctx)
    for activity in view.activities:
        if activity.id in ids:
            rows += render_fragment("_row_partial.html", a=activity, **ctx)
    html = (
        f"<template>{rows}</template>"
        + render_fragment("_summary_partial.html", **ctx)
        + render_fragment("_findings_partial.html", **ctx)
    )
    if screen.since:
        html += render_fragment("_since_partial.html", **ctx)
    spot = screen.w.spotlight
    if spot is not None and spot.id in ids:  # its handoff strip, drawn from the cells now
        html += render_fragment("_spot_strip_partial.html", **ctx)
    return html


def people_fragments(screen: Screen) -> str:
    ctx = {"v": screen.v, "s": screen, "oob": True, "access": None}
    return render_fragment("_participants_partial.html", **ctx) + render_fragment(
        "_progress_partial.html", **ctx
    )


def event_for(screen: Screen, change: Change | Note) -> LiveEvent:
    """One change as a live event, the same for every screen. Changes whose rendering
    depends on who is looking (rounds, structure, spotlight ...) ask screens to refresh."""
    kind = change.kind
    data = change_data(change)
    if kind == CELL_EDIT:
        return LiveEvent(change.seq, CHANGE, cell_fragments(screen, data["activity_id"]))
    if kind == "cells.fixed":  # a guided fix: several cells, perhaps of several activities
        ids = sorted({int(c[0]) for c in data.get("cells", [])})
        if ids:
            return LiveEvent(change.seq, CHANGE, cell_fragments(screen, *ids))
    if kind in ("proposal.set", "participant.ready", "participant.joined"):
        return LiveEvent(change.seq, CHANGE, people_fragments(screen))
    if kind == "participant.removed":
        return LiveEvent(
            change.seq, CHANGE, people_fragments(screen), removed_participant=data["id"]
        )
    if kind == "comment.added":
        spot = screen.activity(data["activity_id"])
        html = (
            render_fragment("_comments_partial.html", v=screen.v, s=screen, spot=spot, oob=True)
            if spot
            else ""
        )
        return LiveEvent(change.seq, CHANGE, html)
    if kind == "precheck.set" and screen.w.precheck is not None:
        html = render_fragment("_precheck_agenda_partial.html", v=screen.v, s=screen, oob=True)
        return LiveEvent(change.seq, CHANGE, html)
    if kind in ("board.renamed", "board.created"):
        return LiveEvent(
            change.seq, CHANGE, render_fragment("_title_partial.html", v=screen.v, oob=True)
        )
    return LiveEvent(change.seq, REFRESH, "")


def render_cell_edits(
    before: Screen, changes: Sequence[Change | Note]
) -> tuple[list[LiveEvent], Screen] | None:
    """A run of cell edits as live events, applied to ``before`` (this board's screen at an
    earlier sequence), and the screen after them; None when they are not all cell edits or
    cannot be applied (``advance``)."""
    if not changes or any(c.kind != CELL_EDIT for c in changes):
        return None
    screen = advance(before, [(c.seq, change_data(c)) for c in changes])
    if screen is None:
        return None
    return [replace(event_for(screen, c), at=_epoch(c)) for c in changes], screen


def render_changes(
    session: Session, board_id: int, changes: list[Change], before: Screen | None = None
) -> tuple[list[LiveEvent], Screen | None]:
    """Each change as a live event, and the screen they were rendered from. With
    ``before`` (this board's screen at an earlier sequence) a run of cell edits is applied
    to it rather than the board read again."""
    if before is not None:
        done = render_cell_edits(before, changes)
        if done is not None:
            return done
    board = session.get(Board, board_id)
    if board is None:
        return [LiveEvent((changes[-1].seq if changes else 0), GONE, "")], None
    # A batch of cell edits (the common case) needs only the matrix, not the people,
    # comments and versions around it.
    cells_only = all(c.kind in (CELL_EDIT, "cells.fixed") for c in changes)
    screen = load_screen(session, board, role=None, cells_only=cells_only)
    return [replace(event_for(screen, c), at=_epoch(c)) for c in changes], screen


def _epoch(change: Change | Note) -> float:
    at = change.created_at
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
