"""A board's lineage: the boards that review one another quarter after quarter, and their
published versions in the order they were published.

A next review records the version it started from (``Board.parent_version_id``), so the
lineage is a tree: walk up to the first board, then down to every review started from it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from backend.boards.models import Board
from backend.domain import cadence
from backend.errors import NotFound
from backend.validation import MAX_ID
from backend.workshop.models import Version

MAX_BOARDS = 200  # a lineage is a few boards a year; this only bounds a damaged database


@dataclass(frozen=True)
class Entry:
    """One published version of the lineage, with the board it was published from."""

    version: Version
    board: Board
    name: str = ""  # how the lineage names it: its label, made unique if it needs to be

    @property
    def id(self) -> int:
        return self.version.id  # type: ignore[return-value]

    def doc(self) -> dict[str, Any]:
        return json.loads(self.version.snapshot)


def lineage_boards(session: Session, board: Board) -> list[Board]:
    root, seen = board, {board.id}
    while root.parent_version_id is not None and len(seen) < MAX_BOARDS:
        parent = session.get(Version, root.parent_version_id)
        up = session.get(Board, parent.board_id) if parent else None
        if up is None or up.id in seen:
            break
        root = up
        seen.add(up.id)
    boards, frontier = [root], [root.id]
    while frontier and len(boards) < MAX_BOARDS:
        version_ids = select(Version.id).where(col(Version.board_id).in_(frontier))
        children = session.exec(
            select(Board)
            .where(col(Board.parent_version_id).in_(version_ids))
            .order_by(col(Board.id))
        ).all()
        children = [c for c in children if c.id not in {b.id for b in boards}]
        boards += children
        frontier = [c.id for c in children]
    return boards


def lineage(session: Session, board: Board) -> list[Entry]:
    """Every version published in the board's lineage, oldest first."""
    boards = {b.id: b for b in lineage_boards(session, board)}
    versions = session.exec(
        select(Version)
        .where(col(Version.board_id).in_(list(boards)))
        .order_by(col(Version.published_at), col(Version.id))
    ).all()
    labels = Counter(v.label for v in versions)
    pairs = Counter((v.label, v.number) for v in versions)
    entries = []
    for v in versions:
        name = v.label
        if labels[v.label] > 1:
            name += f" (#{v.number})"
            if pairs[(v.label, v.number)] > 1:
                name += f" · {boards[v.board_id].title}"
        entries.append(Entry(v, boards[v.board_id], name))
    return entries


def find(entries: list[Entry], version_id: int | None, *, what: str) -> Entry:
    for e in entries:
        if e.id == version_id:
            return e
    if version_id is not None and not 0 < version_id <= MAX_ID:
        raise NotFound(f"No such version to compare ({what})")
    raise NotFound(f"That version ({what}) is not one of this board's published versions")


def previous(entries: list[Entry], entry: Entry) -> Entry | None:
    """The version this one follows: the board's previous version, or else the version its
    review started from."""
    same_board = [
        e
        for e in entries
        if e.board.id == entry.board.id and e.version.number < entry.version.number
    ]
    if same_board:
        return max(same_board, key=lambda e: e.version.number)
    parent = entry.board.parent_version_id
    return next((e for e in entries if e.id == parent), None)


def history_token(session: Session, board: Board, *, parent: bool) -> str | None:
    """The viewer token that opens this board's history: its own once it has published,
    else (with ``parent``: for the facilitator, who started the review from there) that of
    the board whose version its review started from."""
    if board.viewer_token or board.parent_version_id is None or not parent:
        return board.viewer_token
    parent = session.get(Version, board.parent_version_id)
    up = session.get(Board, parent.board_id) if parent else None
    return up.viewer_token if up else None


def review_states(session: Session, version_ids: list[int]) -> dict[int, str]:
    """Where the review of each version stands (``domain.cadence``): not started, in
    progress (a review board was started from it) or published (one of those published)."""
    if not version_ids:
        return {}
    started = session.exec(
        select(Board.id, Board.parent_version_id).where(
            col(Board.parent_version_id).in_(version_ids)
        )
    ).all()
    published = set(
        session.exec(
            select(Version.board_id).where(col(Version.board_id).in_([b for b, _ in started]))
        ).all()
    )
    states = {}
    for vid in version_ids:
        reviews = [b for b, parent in started if parent == vid]
        states[vid] = cadence.review_status(bool(reviews), any(b in published for b in reviews))
    return states
