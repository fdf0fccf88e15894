"""Publishing: the agreed matrix, rationale and open items frozen as an immutable version."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from backend.boards.models import Board
from backend.boards.queries import load_matrix
from backend.changes import service as changes
from backend.domain import cadence
from backend.errors import Conflict, Invalid
from backend.history.lineage import lineage
from backend.security import Access, new_token
from backend.validation import MAX_PARTICIPANT_NAME, clean_text
from backend.workshop import rounds as r
from backend.workshop.models import Version
from backend.workshop.service import fresh_board
from backend.workshop.snapshot import build_snapshot

MAX_LABEL = 40


def default_label(session: Session, board: Board) -> str:
    """The label a new version gets unless it is given one: the calendar quarter, or in a
    review the quarter after the reviewed version's, never one its lineage already has."""
    if board.parent_version_id is None:
        return r.quarter_label()
    reviewed = session.get(Version, board.parent_version_id)
    taken = [e.version.label for e in lineage(session, board)]
    return r.review_label(reviewed.label if reviewed else None, taken)


def publish(
    session: Session,
    *,
    access: Access,
    label: str | None = None,
    published_by: str | None = None,
    next_review: date | None = None,
    today: date | None = None,
) -> Version:
    """Freeze the agreed matrix, rationale and open items as a new immutable version.

    ``published_by`` is the name the version shows (the facilitator link has no name of
    its own); by default, the person publishing. ``next_review`` is when the version is to
    be reviewed (not before ``today``, at most two years ahead); by default the start of
    the next quarter's third week (``domain.cadence.default_next_review``)."""
    access.require_facilitator("publish")
    today = today or date.today()
    if next_review is None:
        next_review = cadence.default_next_review(today)
    elif problem := cadence.review_date_problem(next_review, today):
        raise Invalid(problem)
    label = clean_text(
        label or default_label(session, access.board), what="Version label", max_len=MAX_LABEL
    )
    by = clean_text(
        (published_by or "").strip() or access.actor.name,
        what="Published by",
        max_len=MAX_PARTICIPANT_NAME,
    )
    change = changes.start(
        session, board_id=access.board.id, kind="version.published", actor=access.actor
    )
    board = fresh_board(session, access.board.id)
    if board.mode == r.WORKSHOP and board.round not in r.PUBLISHABLE:
        raise Conflict("Publish after the reveal: there is no agreed matrix yet")
    number = (
        session.exec(select(func.max(Version.number)).where(Version.board_id == board.id)).one()
        or 0
    ) + 1
    snapshot = build_snapshot(
        session,
        load_matrix(session, board),
        label=label,
        number=number,
        published_by=by,
        next_review=next_review.isoformat(),
    )
    version = Version(
        board_id=board.id,
        number=number,
        label=label,
        published_by=by,
        open_items=len(snapshot["open_items"]),
        next_review=next_review,
        snapshot=snapshot_json(snapshot),
    )
    session.add(version)
    if board.viewer_token is None:
        board.viewer_token = new_token()
    if board.mode == r.WORKSHOP:
        board.round = r.PUBLISHED
    # The countdown is over; the spotlight stays (with whatever someone is still typing in
    # its discussion), but the projector shows the published result.
    board.timebox_ends_at = None
    session.add(board)
    session.flush()
    changes.commit(session, change, {"version": number, "label": label})
    return version


def snapshot_json(snapshot: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
