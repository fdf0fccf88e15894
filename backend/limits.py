"""Limits on what one request may send."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.exports.importer import MAX_IMPORT_BYTES

MAX_BODY_BYTES = 1_000_000  # any JSON or form body (a 300-activity board is ~200 kB)
# Imports carry a file of up to MAX_IMPORT_BYTES in a multipart body; the margin lets the
# importer itself say how large a slightly oversized file is.
MAX_IMPORT_BODY_BYTES = MAX_IMPORT_BYTES + 100_000
IMPORT_PATHS = ("/api/import", "/boards/import")


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413, f"The request is too large (at most {limit:,} bytes); nothing was changed"
        )


def body_limit(path: str) -> int:
    return MAX_IMPORT_BODY_BYTES if path in IMPORT_PATHS else MAX_BODY_BYTES


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """Refuse a request body over its limit with 413 before anything reads it.

    A declared ``Content-Length`` over the limit fails the first read; a body sent without
    one (chunked) is counted as it arrives and fails as soon as it passes the limit. The
    failure is an ``HTTPException(413)``, so the app's error handlers word the answer (JSON
    for the API, a flash message for htmx). A route that never reads its body is not
    refused: nothing is parsed there.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = declared_length(scope)
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:  # read outside a route's error handling
            if started:
                raise
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            body = json.dumps({"detail": exc.detail}).encode()
            await send({"type": "http.response.body", "body": body})
