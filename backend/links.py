"""The links a board hands out, as absolute URLs: shared by the JSON API and the pages."""

from __future__ import annotations

from fastapi import Request

from backend.boards.models import Board
from backend.config import get_settings


def base_url(request: Request) -> str:
    return get_settings().public_url.rstrip("/") or str(request.base_url).rstrip("/")


def links(request: Request, board: Board) -> dict[str, str]:
    base = base_url(request)
    return {
        "facilitator": f"{base}/f/{board.facilitator_token}",
        "join": f"{base}/j/{board.join_token}",
    }
