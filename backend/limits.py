"""Limits on what one request may send (``BodyLimit``, a middleware) and on how often one
client may make new boards (``RateLimiter``, a token bucket per client address)."""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass

from fastapi import Depends, Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.config import get_settings
from backend.errors import TooManyRequests
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


@dataclass
class Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per client: ``burst`` requests at once, refilled at ``per_minute``.

    In memory, per process (each worker counts on its own). Thread-safe: sync routes run
    in worker threads.
    """

    def __init__(self, *, per_minute: float, burst: int, max_clients: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """Take one token for ``client``: 0 when allowed, else the seconds until one is back."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= self.max_clients:
                    self._forget_full(now)
                bucket = self._buckets[client] = Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            if self.rate <= 0:
                return float("inf")
            return (1 - bucket.tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled (they are the same as new ones); if every
        client is still limited, drop the oldest half, so memory stays bounded."""
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self.rate >= self.burst
        ]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= self.max_clients:
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for k in oldest[: len(oldest) // 2]:
                del self._buckets[k]


def board_limiter() -> RateLimiter:
    settings = get_settings()
    return RateLimiter(per_minute=settings.new_boards_per_minute, burst=settings.new_boards_burst)


def limit_new_boards(request: Request) -> None:
    """Dependency of the routes that make a board without a token (create, import): one
    token from the client's bucket, or 429 with ``Retry-After``."""
    limiter: RateLimiter = request.app.state.board_limiter
    client = request.client.host if request.client else "unknown"
    wait = limiter.take(client)
    if wait > 0:
        seconds = max(1, math.ceil(min(wait, 3600)))
        raise TooManyRequests(
            f"Too many new boards from your address; try again in {seconds} s", seconds
        )


NEW_BOARD_LIMIT = [Depends(limit_new_boards)]
