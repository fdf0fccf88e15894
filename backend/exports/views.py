"""Download routes for exports (used by the page's buttons and by API clients)."""

from __future__ import annotations

import json
import re

from fastapi import APIRouter
from fastapi.responses import Response

from backend.boards.queries import load_matrix
from backend.db import SessionDep
from backend.exports import csv_export, json_export
from backend.security import AccessDep

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


@router.get("/boards/{board_id}/export.csv", summary="The matrix as CSV (long layout)")
def export_csv(session: SessionDep, access: AccessDep) -> Response:
    view = load_matrix(session, access.board, with_participants=False)
    return download(
        csv_export.to_csv(view), "text/csv; charset=utf-8", filename(view.board.title, "csv")
    )


@router.get("/boards/{board_id}/export.json", summary="The whole board as JSON")
def export_json(session: SessionDep, access: AccessDep) -> Response:
    view = load_matrix(session, access.board, with_participants=False)
    body = json.dumps(json_export.to_dict(view), ensure_ascii=False, indent=2)
    return download(body, "application/json", filename(view.board.title, "json"))
