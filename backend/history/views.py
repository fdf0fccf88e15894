"""Read-only history pages behind the viewer link: the lineage of versions over time and
the comparison of any two of them (highlighted matrix and the changes in words)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from backend.db import SessionDep
from backend.errors import NotFound
from backend.exports.views import document_download
from backend.history.activity_queries import activity_history
from backend.history.compare import Comparison
from backend.history.documents import compare_document, entry_doc
from backend.history.lineage import find, lineage, previous, review_states
from backend.openapi import VIEW, errors, files
from backend.security import AccessDep
from backend.web import is_htmx, render, render_fragment
from backend.workshop.invite import next_review_of
from backend.workshop.viewer import board_for_viewer

router = APIRouter()
FromQuery = Annotated[str | None, Query(alias="from")]


def _id(value: str | None, what: str) -> int | None:
    """A version id from the query string; a clear 404 rather than a 422 for nonsense."""
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        raise NotFound(f"No such version to compare ({what})")
    return int(value)


@router.get("/v/{token}/history", response_class=HTMLResponse, include_in_schema=False)
def history_page(token: str, request: Request, session: SessionDep) -> HTMLResponse:
    board = board_for_viewer(session, token)
    entries = lineage(session, board)
    rows = []
    for e in entries:
        prev = previous(entries, e)
        rows.append((e, prev, Comparison(entry_doc(prev), e.doc()) if prev else None))
    return render(
        request,
        "history.html",
        board=board,
        token=token,
        rows=rows[::-1],
        states=review_states(session, [e.id for e in entries]),
        next_review_of=next_review_of,
    )


@router.get("/v/{token}/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(
    token: str,
    request: Request,
    session: SessionDep,
    from_: FromQuery = None,
    to: str | None = None,
) -> HTMLResponse:
    board = board_for_viewer(session, token)
    entries = lineage(session, board)
    after = find(entries, _id(to, "to"), what="to") if to else (entries[-1] if entries else None)
    before = (
        find(entries, _id(from_, "from"), what="from")
        if from_
        else (previous(entries, after) if after else None)
    )
    if before is None and after is not None and len(entries) > 1:
        # The first version has nothing before it: compare it with what came next.
        later = [e for e in entries if e.id != after.id]
        before, after = after, later[0] if entries.index(after) == 0 else later[-1]
    comparison = Comparison(entry_doc(before), entry_doc(after)) if before and after else None
    return render(
        request,
        "compare.html",
        board=board,
        token=token,
        entries=entries,
        before=before,
        after=after,
        c=comparison,
    )


@router.get(
    "/api/view/{token}/compare.{fmt}",
    tags=["viewer"],
    response_class=Response,
    responses=files("xlsx", "md", "csv", "json", "pdf", extra={**VIEW, **errors(503)}),
    summary="One version with the changes since another, as xlsx, md, wide.csv or json",
    description="`from` and `to` are version ids of the board's lineage (as listed by "
    "`/api/view/{token}/history`); by default the latest version and the one before it.",
)
def compare_export(
    token: str, fmt: str, session: SessionDep, from_: FromQuery = None, to: str | None = None
) -> Response:
    board = board_for_viewer(session, token)
    doc = compare_document(session, board, before=_id(from_, "from"), after=_id(to, "to"))
    return document_download(doc, fmt)


@router.get(
    "/api/view/{token}/history",
    tags=["viewer"],
    summary="Every version of the lineage",
    responses=VIEW,
)
def history_api(token: str, session: SessionDep) -> list[dict]:  # type: ignore[type-arg]
    board = board_for_viewer(session, token)
    entries = lineage(session, board)
    return [
        {
            "id": e.id,
            "board_title": e.board.title,
            "number": e.version.number,
            "label": e.version.label,
            "published_at": entry_doc(e)["version"]["published_at"],
            "published_by": e.version.published_by,
            "open_items": e.version.open_items,
            "previous_id": p.id if (p := previous(entries, e)) else None,
        }
        for e in entries
    ]


@router.get(
    "/boards/{board_id}/activities/{activity_id}/history",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def activity_history_page(
    activity_id: int, request: Request, session: SessionDep, access: AccessDep
) -> HTMLResponse:
    """Every change to one activity with who and when, and its roles in each version.
    A fragment for the board page's drawer; the full page when opened directly."""
    ctx = activity_history(session, access.board, activity_id)
    if is_htmx(request):
        return HTMLResponse(render_fragment("_activity_history_partial.html", **ctx))
    return render(request, "activity_history.html", token=access.token, **ctx)
