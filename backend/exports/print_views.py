"""The print pages (a published version, the live board); their PDF is in ``views``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from backend.db import SessionDep
from backend.exports.pdf import chromium
from backend.exports.printing import paper_of, print_html
from backend.history.documents import live_document, version_document
from backend.security import AccessDep
from backend.workshop.viewer import board_for_viewer

router = APIRouter(include_in_schema=False)


@router.get("/v/{token}/{number}/print", response_class=HTMLResponse)
def print_version(
    token: str, number: int, session: SessionDep, paper: str | None = None
) -> HTMLResponse:
    board = board_for_viewer(session, token)
    doc, c = version_document(session, board, number)
    paper = paper_of(paper)
    pdf = f"/api/view/{token}/{number}/export.pdf?paper={paper}" if chromium() else None
    return HTMLResponse(
        print_html(doc, c, paper=paper, pdf_url=pdf, back_url=f"/v/{token}/{number}")
    )


@router.get("/boards/{board_id}/print", response_class=HTMLResponse)
def print_board(
    request: Request, session: SessionDep, access: AccessDep, paper: str | None = None
) -> HTMLResponse:
    doc, c = live_document(session, access.board)
    paper = paper_of(paper)
    token = request.query_params.get("token")
    pdf = (
        f"/api/boards/{access.board.id}/export.pdf?paper={paper}&token={token}"
        if chromium() and token
        else None
    )
    return HTMLResponse(print_html(doc, c, paper=paper, pdf_url=pdf, token_q=token))
