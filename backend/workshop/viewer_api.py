"""The viewer link's JSON API: published versions, read-only, for managers (and the shape
of a version that the workshop API lists too)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from backend.boards.models import Board
from backend.clock import TodayDep
from backend.db import SessionDep
from backend.domain import cadence
from backend.domain.handoff import load, strips
from backend.exports.document import with_findings
from backend.history.lineage import lineage
from backend.links import base_url
from backend.openapi import VIEW, files
from backend.workshop import invite
from backend.workshop import schemas as ws
from backend.workshop.models import Version
from backend.workshop.viewer import board_for_viewer, version_of

router = APIRouter(prefix="/api", tags=["viewer"])


def version_out(
    request: Request, board: Board, v: Version, *, latest: int | None, today: date
) -> ws.VersionOut:
    """``latest``: the id of the lineage's newest version (a version older than it is no
    longer due for review)."""
    return ws.VersionOut(
        number=v.number,
        label=v.label,
        published_at=v.published_at,
        published_by=v.published_by,
        open_items=v.open_items,
        viewer_url=f"{base_url(request)}/v/{board.viewer_token}/{v.number}",
        next_review=invite.next_review_of(v),
        review_due=cadence.review_due(
            invite.next_review_of(v), today, newer=latest is not None and latest != v.id
        ),
        review_ics_url=f"{base_url(request)}/api/view/{board.viewer_token}/{v.number}/review.ics",
    )


def latest_id(session: Session, board: Board) -> int | None:
    entries = lineage(session, board)
    return entries[-1].id if entries else None


@router.get(
    "/view/{viewer_token}",
    tags=["viewer"],
    responses=VIEW,
    summary="Published versions, read-only, with the viewer link's token",
)
def view_versions(
    viewer_token: str, request: Request, session: SessionDep, today: TodayDep
) -> list[ws.VersionOut]:
    board = board_for_viewer(session, viewer_token)
    rows = session.exec(
        select(Version).where(Version.board_id == board.id).order_by(col(Version.number))
    ).all()
    latest = latest_id(session, board)
    return [version_out(request, board, v, latest=latest, today=today) for v in rows]


@router.get(
    "/view/{viewer_token}/{number}",
    tags=["viewer"],
    responses=VIEW,
    summary="One published version in full (JSON), read-only",
)
def view_version(viewer_token: str, number: int, session: SessionDep) -> dict[str, Any]:
    board = board_for_viewer(session, viewer_token)
    snapshot: dict[str, Any] = json.loads(version_of(session, board, number).snapshot)
    return with_findings(snapshot)  # the same sections as the version's JSON export


@router.get(
    "/view/{viewer_token}/{number}/pictures",
    tags=["viewer"],
    response_model=ws.PicturesOut,
    responses=VIEW,
    summary="A published version's handoffs per activity and Owner/Driver load with flags",
)
def view_pictures(viewer_token: str, number: int, session: SessionDep) -> ws.PicturesOut:
    board = board_for_viewer(session, viewer_token)
    snap = json.loads(version_of(session, board, number).snapshot)
    ld = load(snap)
    return ws.PicturesOut(
        phases=list(ld.phases),
        functions=list(ld.functions),
        activities=ld.activities,
        strips=[
            ws.StripOut(
                activity=s.activity,
                steps=[
                    ws.StepOut(
                        phase=st.phase,
                        owners=list(st.owners),
                        drivers=list(st.drivers),
                        owner_passes=st.owner_passes,
                        driver_passes=st.driver_passes,
                    )
                    for st in s.steps
                ],
                handoffs=[
                    ws.HandoffOut(
                        phase=h.phase,
                        kind=h.kind,
                        before=list(h.before),
                        after=list(h.after),
                        text=h.text,
                    )
                    for h in s.handoffs
                ],
            )
            for s in strips(snap)
        ],
        load=[
            ws.LoadCellOut(
                function=f,
                phase=p,
                owned=ld.counts[f][p][0],
                driven=ld.counts[f][p][1],
                flags=[fl.kind for fl in ld.flags_for(f, p)],
            )
            for p in ld.phases
            for f in ld.functions
        ],
        flags=[
            ws.FlagOut(phase=fl.phase, function=fl.function, kind=fl.kind, text=fl.text)
            for fl in ld.flags
        ],
    )


@router.get(
    "/view/{viewer_token}/{number}/review.ics",
    tags=["viewer"],
    response_class=Response,
    responses=files("ics", extra=VIEW),
    summary="The calendar invite (RFC 5545) for the version's next review, read-only",
)
def view_review_invite(
    viewer_token: str, number: int, request: Request, session: SessionDep
) -> Response:
    board = board_for_viewer(session, viewer_token)
    version = version_of(session, board, number)
    url = f"{base_url(request)}/v/{viewer_token}/{version.number}"
    return Response(
        invite.review_invite(version, url=url),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="review-{version.number}.ics"'},
    )
