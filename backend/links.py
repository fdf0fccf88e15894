"""The links a board hands out, as absolute URLs: shared by the JSON API and the pages."""

from __future__ import annotations

from fastapi import Request

from backend.boards.models import Board
from backend.config import get_settings


def base_url(request: Request) -> str:
    """PUBLIC_URL if set; else the request's own address only when its host is one this
    server answers to (config.Settings.link_base), never an arbitrary Host header."""
    return get_settings().link_base(str(request.base_url), request.url.hostname)


def links(request: Request, board: Board) -> dict[str, str]:
    base = base_url(request)
    return {
        "facilitator": f"{base}/f/{board.facilitator_token}",
        "join": f"{base}/j/{board.join_token}",
    }
