"""What the OpenAPI says routes answer: their error statuses and their download media types."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

ERROR_TEXT = {
    400: "The body could not be read (not a form or not a file)",
    401: "Missing or invalid token",
    403: "Not allowed with this token",
    404: "Unknown board, item or link",
    409: "Not possible in this mode or round, or clashed with another change just made",
    413: "The request body is too large",
    422: "Invalid input",
    429: "Too many new boards from this address; see Retry-After",
    503: "No PDF maker (Chromium) on the server, or it is busy",
}


class ErrorOut(BaseModel):
    detail: str | list[dict[str, Any]]


Responses = dict[int | str, dict[str, Any]]


def errors(*codes: int) -> Responses:
    return {code: {"model": ErrorOut, "description": ERROR_TEXT[code]} for code in codes}


# Reads with a token; reads by a viewer link (no token header); writes with a body.
READ = errors(401, 403, 404, 422)
VIEW = errors(404, 422)
WRITE = errors(400, 401, 403, 404, 409, 413, 422)
CREATE = errors(400, 413, 422, 429)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {
    "csv": "text/csv",
    "wide.csv": "text/csv",
    "xlsx": XLSX,
    "md": "text/markdown",
    "json": "application/json",
    "pdf": "application/pdf",
    "ics": "text/calendar",
}


def files(*formats: str, extra: Responses | None = None) -> Responses:
    """A 200 that is a file in one of ``formats`` (the export routes), plus ``extra``."""
    content: dict[str, Any] = {}
    for fmt in formats:
        media = MEDIA[fmt]
        if fmt in ("xlsx", "pdf"):
            content[media] = {"schema": {"type": "string", "format": "binary"}}
        elif fmt == "json":
            content[media] = {"schema": {"type": "object"}}
        else:
            content[media] = {"schema": {"type": "string"}}
    return {200: {"description": "The file", "content": content}, **(extra or {})}
