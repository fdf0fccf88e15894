"""Templates and the small helpers routes share to answer htmx and full-page requests."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

from backend.boards.cell_html import row_cells, status_cell
from backend.boards.findings_html import finding_items
from backend.catalogue.loader import source_titles
from backend.config import ROOT, get_settings
from backend.domain.frameworks import SLOTS

templates = Jinja2Templates(directory=str(ROOT / "templates"))
# Fewer blank lines and indents in every page and live event.
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True
# Templates ship with the code: no stat() of every template file on every render.
templates.env.auto_reload = False
templates.env.globals["SLOTS"] = SLOTS
templates.env.globals["settings"] = get_settings
templates.env.globals["source_title"] = lambda name: source_titles().get(name, name)
templates.env.globals["utcnow"] = lambda: datetime.now(UTC)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch; a naive time (SQLite keeps no zone) is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


templates.env.globals["epoch_ms"] = epoch_ms
templates.env.globals["row_cells"] = row_cells
templates.env.globals["status_cell"] = status_cell
templates.env.globals["finding_items"] = finding_items


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


class Spliced:
    """A page's biggest pieces kept out of its template (a 200-activity matrix is megabytes
    of HTML): the template writes a marker where each goes, and the page's bytes are put
    together around them. Through Jinja each would be copied several times over (autoescape
    wraps a Markup in a new one, the output is joined, the page encoded). The markers carry
    a random token, and what people typed reaches the template escaped, so nothing else in
    a page can look like one."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._opening = f"<!--part-{secrets.token_hex(8)}:"
        self._marker = re.compile(re.escape(self._opening) + r"(\d+)-->")

    def part(self, html: bytes) -> Markup:
        self._parts.append(html)
        return Markup(f"{self._opening}{len(self._parts) - 1}-->")

    def join(self, page: str) -> bytes:
        pieces = self._marker.split(page)
        return b"".join(
            self._parts[int(piece)] if i % 2 else piece.encode() for i, piece in enumerate(pieces)
        )


def render_spliced(
    request: Request, name: str, spliced: Spliced, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """``render`` for a page with ``spliced`` parts."""
    html = templates.get_template(name).render(request=request, **context)
    return HTMLResponse(spliced.join(html), status_code=status_code)


def render_fragment(name: str, **context: Any) -> str:
    """Render a template to a string outside any request (live events)."""
    return templates.get_template(name).render(**context)
