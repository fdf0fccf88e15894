"""Download routes for exports (used by the page's buttons and by API clients)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from backend.db import SessionDep
from backend.errors import NotFound
from backend.exports import csv_export, markdown_export, xlsx_export
from backend.exports.pdf import html_to_pdf
from backend.exports.printing import print_html
from backend.history.documents import Documented, live_document, version_document
from backend.openapi import READ, VIEW, errors, files
from backend.security import AccessDep
from backend.workshop.viewer import board_for_viewer

router = APIRouter(prefix="/api", tags=["exports"])


def filename(title: str, ext: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60] or "board"
    return f"lockstep-{slug}.{ext}"


def download(body: str, media_type: str, name: str) -> Response:
    return Response(
        body.encode("utf-8"),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/boards/{board_id}/export.csv",
    summary="The matrix as CSV (long layout)",
    description="One row per activity, phase and function, each naming the board and the "
    "version (`live` for the live board), so several quarters' files concatenate.",
    response_class=Response,
    responses=files("csv", extra=READ),
)
def export_csv(session: SessionDep, access: AccessDep) -> Response:
    return document_download(live_document(session, access.board), "csv")


@router.get(
    "/boards/{board_id}/export.json",
    summary="The whole board as JSON",
    description="With its open items (parked activities with their deciders, pairs not "
    "agreed), rule findings and, in a review, the changes since the version it started from.",
    response_class=Response,
    responses=files("json", extra=READ),
)
def export_json(session: SessionDep, access: AccessDep) -> Response:
    return document_download(live_document(session, access.board), "json")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def document_download(documented: Documented, fmt: str, *, paper: str = "a4") -> Response:
    """One document in one of the formats made from the shared document shape."""
    doc, comparison = documented
    name = doc["title"] + (f" {doc['version']['label']}" if doc.get("version") else "")
    if fmt == "pdf":
        html = print_html(doc, comparison, for_pdf=True, paper=paper)
        return Response(
            html_to_pdf(html),
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{filename(f"{name} {paper}", "pdf")}"'
            },
        )
    if fmt == "xlsx":
        return Response(
            xlsx_export.to_xlsx(doc),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{filename(name, "xlsx")}"'},
        )
    if fmt == "md":
        return download(
            markdown_export.to_markdown(doc), "text/markdown; charset=utf-8", filename(name, "md")
        )
    if fmt == "csv":
        return download(
            csv_export.to_csv_long(doc), "text/csv; charset=utf-8", filename(name, "csv")
        )
    if fmt == "wide.csv":
        return download(
            csv_export.to_csv_wide(doc), "text/csv; charset=utf-8", filename(name + " wide", "csv")
        )
    if fmt == "json":
        return download(
            json.dumps(doc, ensure_ascii=False, indent=2),
            "application/json",
            filename(name, "json"),
        )

    raise NotFound(f"Unknown export format {fmt!r}; use xlsx, md, csv, wide.csv, json or pdf")


@router.get(
    "/boards/{board_id}/export.xlsx",
    summary="The matrix as XLSX (a sheet per phase)",
    description="A Summary (rationale, open items, rule findings, load chart), an Overview of "
    "every phase side by side on one landscape page, then a sheet per phase; every sheet "
    "prints landscape, one page wide, with the title, version and phase in its page header.",
    response_class=Response,
    responses=files("xlsx", extra=READ),
)
def export_xlsx(session: SessionDep, access: AccessDep) -> Response:
    return document_download(live_document(session, access.board), "xlsx")


@router.get(
    "/boards/{board_id}/export.md",
    summary="The matrix as Markdown (a table per phase)",
    description="Then the rationale, open items, parked decisions with their deciders and the "
    "rule findings.",
    response_class=Response,
    responses=files("md", extra=READ),
)
def export_markdown(session: SessionDep, access: AccessDep) -> Response:
    return document_download(live_document(session, access.board), "md")


@router.get(
    "/boards/{board_id}/export.pdf",
    summary="The matrix as PDF (a page per phase)",
    description="Then the swimlane and load chart, the handoff strips, the rule findings and "
    "the open items.",
    response_class=Response,
    responses=files("pdf", extra={**READ, **errors(503)}),
)
def export_pdf(session: SessionDep, access: AccessDep, paper: str = "a4") -> Response:
    return document_download(live_document(session, access.board), "pdf", paper=paper)


@router.get(
    "/boards/{board_id}/export.wide.csv",
    summary="The matrix as CSV, one row per activity",
    response_class=Response,
    responses=files("wide.csv", extra=READ),
)
def export_wide_csv(session: SessionDep, access: AccessDep) -> Response:
    return document_download(live_document(session, access.board), "wide.csv")


@router.get(
    "/view/{viewer_token}/{number}/export.{fmt}",
    tags=["viewer"],
    summary="A published version as xlsx, md, csv (long), wide.csv, json or pdf",
    response_class=Response,
    responses=files("xlsx", "md", "csv", "json", "pdf", extra={**VIEW, **errors(503)}),
    description="With the changes since the previous version of the lineage, or since the "
    "version whose id is given as `against`.",
)
def export_version(
    viewer_token: str,
    number: int,
    fmt: str,
    session: SessionDep,
    against: int | None = None,
    paper: str = "a4",
) -> Response:
    board = board_for_viewer(session, viewer_token)
    documented = version_document(session, board, number, against=against)
    return document_download(documented, fmt, paper=paper)


SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "lockstep-board.schema.json"


@router.get(
    "/schema/board.json",
    summary="JSON Schema of the board and version exports",
    response_class=Response,
    responses={200: {"description": "JSON Schema", "content": {"application/schema+json": {}}}},
)
def board_schema() -> Response:
    return Response(SCHEMA_FILE.read_bytes(), media_type="application/schema+json")
