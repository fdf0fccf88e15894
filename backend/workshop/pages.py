"""Read-only pages: the viewer link's published versions and summary, and the projector view."""

from __future__ import annotations

import json
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from backend.boards.views import screen_context
from backend.clock import TodayDep
from backend.db import SessionDep
from backend.domain import cadence, summary
from backend.exports.pictures import Pictures
from backend.history.compare import Comparison
from backend.history.documents import entry_doc
from backend.history.lineage import find, lineage, previous, review_states
from backend.security import ROOM, RoomAccessDep
from backend.web import is_htmx, render, templates
from backend.workshop.invite import next_review_of
from backend.workshop.models import Version
from backend.workshop.projector import Wall
from backend.workshop.screen import load_screen
from backend.workshop.viewer import board_for_viewer, version_of

router = APIRouter(include_in_schema=False)


def _version_page(
    request: Request, session: SessionDep, token: str, number: int | None, today: date
) -> HTMLResponse:
    board = board_for_viewer(session, token)
    version = version_of(session, board, number)
    snap = json.loads(version.snapshot)
    versions = session.exec(
        select(Version).where(Version.board_id == board.id).order_by(col(Version.number))
    ).all()
    entries = lineage(session, board)
    entry = find(entries, version.id, what="this version")
    prev = previous(entries, entry)
    c = Comparison(entry_doc(prev), entry_doc(entry)) if prev else None
    newer = entries[-1] if entries[-1].id != entry.id else None
    next_review = next_review_of(version)
    return render(
        request,
        "version.html",
        entry=entry,
        prev=prev,
        newer=newer,
        c=c,
        board=board,
        version=version,
        versions=versions,
        snap=snap,
        slot_of=summary.slot_of(snap),
        owns=summary.ownership_sentences(snap),
        balance=summary.load_balance(snap),
        decisions=summary.decisions(snap),
        pics=Pictures(snap),
        token=token,
        next_review=next_review,
        review_due=cadence.review_due(next_review, today, newer=newer is not None),
        review_state=review_states(session, [entry.id])[entry.id],
    )


@router.get("/v/{token}", response_class=HTMLResponse)
def latest_version(
    token: str, request: Request, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    return _version_page(request, session, token, None, today)


@router.get("/v/{token}/{number}", response_class=HTMLResponse)
def one_version(
    token: str, number: int, request: Request, session: SessionDep, today: TodayDep
) -> HTMLResponse:
    return _version_page(request, session, token, number, today)


@router.get("/boards/{board_id}/projector", response_class=HTMLResponse)
def projector(request: Request, session: SessionDep, access: RoomAccessDep) -> HTMLResponse:
    """The wall: each round's one picture, large. Whoever's link opens it, it shows what
    the whole room may see (never a participant's own proposals)."""
    screen = load_screen(session, access.board, role=ROOM)
    ctx = {**screen_context(request, screen, access), "pj": Wall(screen)}
    if is_htmx(request):
        html = templates.get_template("_projector_partial.html").render(**ctx)
        return HTMLResponse(html, headers={"X-Lockstep-Seq": str(screen.v.seq)})
    return render(request, "projector.html", token=access.token, **ctx)
