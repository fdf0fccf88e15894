"""The card pages ("what I own this quarter"): a function's card of a published version
(viewer link) and of the live board (facilitator or participant link), each with a
one-page print page, and its Markdown and PDF downloads. Its JSON is in ``card_api``."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from backend.db import SessionDep
from backend.exports import card_export
from backend.exports.card_export import card_context, print_html
from backend.exports.pdf import chromium
from backend.exports.printing import paper_of
from backend.history.cards import CardPage, live_card, version_card
from backend.openapi import READ, VIEW, errors, files
from backend.security import Access, AccessDep
from backend.web import render
from backend.workshop.viewer import board_for_viewer

router = APIRouter()
FUNCTION = Query(
    default=None,
    description="The function's name, in any case (e.g. PMM); a participant's own function "
    "when left out, the first function for the facilitator",
)
VERSION_FUNCTION = Query(description="The function's name, in any case (e.g. PMM)")
PDF = errors(503)


def fq(name: str) -> str:
    return "function=" + quote(name, safe="")


def version_links(token: str, number: int, page: CardPage) -> dict[str, object]:
    f = fq(page.card.function)
    base = f"/v/{token}/{number}"
    return {
        "print": f"{base}/card/print?{f}",
        "md": f"/api/view/{token}/{number}/card.md?{f}",
        "json": f"/api/view/{token}/{number}/card?{f}",
        "pdf": f"/api/view/{token}/{number}/card.pdf?{f}" if chromium() else None,
        "others": [(n, f"{base}/card?{fq(n)}") for n in page.functions if n != page.card.function],
        "back": base,
        "back_label": "Back to the version",
        "ics": f"/api/view/{token}/{number}/review.ics",
        "next_review": page.next_review,
    }


def live_links(access: Access, page: CardPage) -> dict[str, object]:
    board = access.board
    t = f"token={access.token}"
    f = fq(page.card.function)
    return {
        "print": f"/boards/{board.id}/card/print?{t}&{f}",
        "md": f"/api/boards/{board.id}/card.md?{t}&{f}",
        "json": f"/api/boards/{board.id}/card?{t}&{f}",
        "pdf": f"/api/boards/{board.id}/card.pdf?{t}&{f}" if chromium() else None,
        "others": [
            (n, f"/boards/{board.id}/card?{t}&{fq(n)}")
            for n in page.functions
            if n != page.card.function
        ],
        "back": f"/f/{access.token}" if access.is_facilitator else f"/j/{board.join_token}",
        "back_label": "Back to the board",
        "ics": None,
        "next_review": None,
    }


@router.get("/v/{token}/{number}/card", response_class=HTMLResponse, include_in_schema=False)
def version_card_page(
    token: str, number: int, request: Request, session: SessionDep, function: str | None = None
) -> HTMLResponse:
    board = board_for_viewer(session, token)
    page = version_card(session, board, number, function)
    links = version_links(token, number, page)
    return render(request, "card.html", links=links, **card_context(page))


@router.get("/v/{token}/{number}/card/print", response_class=HTMLResponse, include_in_schema=False)
def version_card_print(
    token: str,
    number: int,
    session: SessionDep,
    function: str | None = None,
    paper: str | None = None,
) -> HTMLResponse:
    board = board_for_viewer(session, token)
    page = version_card(session, board, number, function)
    links = version_links(token, number, page)
    paper = paper_of(paper)
    return HTMLResponse(
        print_html(
            page,
            paper=paper,
            pdf_url=f"{links['pdf']}&paper={paper}" if links["pdf"] else None,
            back_url=f"/v/{token}/{number}/card?{fq(page.card.function)}",
            query=f"&{fq(page.card.function)}",
        )
    )


@router.get("/boards/{board_id}/card", response_class=HTMLResponse, include_in_schema=False)
def live_card_page(
    request: Request, session: SessionDep, access: AccessDep, function: str | None = None
) -> HTMLResponse:
    page = live_card(session, access, function)
    return render(request, "card.html", links=live_links(access, page), **card_context(page))


@router.get("/boards/{board_id}/card/print", response_class=HTMLResponse, include_in_schema=False)
def live_card_print(
    session: SessionDep, access: AccessDep, function: str | None = None, paper: str | None = None
) -> HTMLResponse:
    page = live_card(session, access, function)
    links = live_links(access, page)
    paper = paper_of(paper)
    f = fq(page.card.function)
    return HTMLResponse(
        print_html(
            page,
            paper=paper,
            pdf_url=f"{links['pdf']}&paper={paper}" if links["pdf"] else None,
            back_url=f"/boards/{access.board.id}/card?token={access.token}&{f}",
            query=f"&token={access.token}&{f}",
        )
    )


def attachment(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def markdown(page: CardPage) -> Response:
    return attachment(
        card_export.to_markdown(page).encode("utf-8"),
        "text/markdown; charset=utf-8",
        card_export.file_name(page, "md"),
    )


def pdf(page: CardPage, paper: str) -> Response:
    paper = paper_of(paper)
    return attachment(
        card_export.to_pdf(page, paper=paper),
        "application/pdf",
        card_export.file_name(page, "pdf", paper=paper),
    )


@router.get(
    "/api/view/{viewer_token}/{number}/card.md",
    tags=["viewer", "cards"],
    response_class=Response,
    responses=files("md", extra=VIEW),
    summary="A function's card in a published version, as Markdown for a wiki",
)
def view_card_markdown(
    viewer_token: str, number: int, session: SessionDep, function: str = VERSION_FUNCTION
) -> Response:
    board = board_for_viewer(session, viewer_token)
    return markdown(version_card(session, board, number, function))


@router.get(
    "/api/view/{viewer_token}/{number}/card.pdf",
    tags=["viewer", "cards"],
    response_class=Response,
    responses=files("pdf", extra={**VIEW, **PDF}),
    summary="A function's card in a published version, as a one-page PDF",
)
def view_card_pdf(
    viewer_token: str,
    number: int,
    session: SessionDep,
    function: str = VERSION_FUNCTION,
    paper: str = "a4",
) -> Response:
    board = board_for_viewer(session, viewer_token)
    return pdf(version_card(session, board, number, function), paper)


@router.get(
    "/api/boards/{board_id}/card.md",
    tags=["cards"],
    response_class=Response,
    responses=files("md", extra=READ),
    summary="A function's card on the live board, as Markdown for a wiki",
)
def board_card_markdown(
    session: SessionDep, access: AccessDep, function: str | None = FUNCTION
) -> Response:
    return markdown(live_card(session, access, function))


@router.get(
    "/api/boards/{board_id}/card.pdf",
    tags=["cards"],
    response_class=Response,
    responses=files("pdf", extra={**READ, **PDF}),
    summary="A function's card on the live board, as a one-page PDF",
)
def board_card_pdf(
    session: SessionDep, access: AccessDep, function: str | None = FUNCTION, paper: str = "a4"
) -> Response:
    return pdf(live_card(session, access, function), paper)
