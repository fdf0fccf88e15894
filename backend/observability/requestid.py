"""A request id per HTTP request, and one access-log line and one metrics count per request.

The id is the incoming ``X-Request-ID`` when it is sane (1–64 characters of letters,
digits, ``.``, ``_``, ``-``, ``:``), else a new random one; it is echoed in the response's
``X-Request-ID`` and carried by every log line written while the request runs (also from
worker threads: anyio copies the context).

A plain ASGI middleware, like ``SecurityHeaders`` in ``app.py``: a live stream's events
pass through one extra ``send`` call each, nothing more. A live stream's access line is
written when the stream ends, with its whole duration.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER = b"x-request-id"
# In a request's scope: the ``send`` outside this app's own middlewares. A long response
# (an event stream) sends its headers through them all, then its body straight out: none of
# them looks at a body, and a screen's stream sends one per change for hours.
OUTER_SEND = "lockstep.outer_send"
SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access_log = logging.getLogger("lockstep.access")


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == HEADER:
            text = value.decode("latin-1")
            if SANE.fullmatch(text):
                return text
            break
    return secrets.token_hex(8)


class RequestContext:
    """Request id, access log and HTTP metrics. ``on_done(scope, status)`` is called once
    per request after the response (the metrics hook, kept out of this module)."""

    def __init__(self, app: ASGIApp, on_done: Callable[[Scope, int], None]) -> None:
        self.app = app
        self.on_done = on_done

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_from(scope["headers"])
        token = _request_id.set(rid)
        started = time.perf_counter()
        status = 500  # unless a response starts (an exception: 500 from Starlette)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((HEADER, rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        scope[OUTER_SEND] = send
        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            if status == 500:
                status = 499  # the client went away before an answer (nginx's number)
            raise
        finally:
            self.on_done(scope, status)
            log_access(scope, status, time.perf_counter() - started)
            _request_id.reset(token)
            # A scope holding its own send is a reference cycle: left in, every request's
            # objects would wait for the garbage collector instead of going at once.
            del scope[OUTER_SEND]


def log_access(scope: Scope, status: int, seconds: float) -> None:
    """``GET /f/[token] 200 3.1 ms``; tokens are hidden by the log formatter (``redact``),
    and headers (``Authorization``, ``X-Lockstep-Token``, cookies) are never logged."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    path = scope.get("path", "")
    query = scope.get("query_string", b"")
    if query:
        path += "?" + query.decode("latin-1")
    method = scope.get("method", "")
    ms = round(seconds * 1000, 1)
    # Made and handled directly: ``info()`` would first look up its caller's file and line,
    # which no line of ours shows, on every request.
    record = access_log.makeRecord(
        access_log.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s %s ms",
        (method, path, status, ms),
        None,
        extra={"fields": {"method": method, "path": path, "status": status, "duration_ms": ms}},
    )
    access_log.handle(record)
