"""A server-sent event stream as a plain ASGI response, as lean as the stack allows.

A screen holds its stream open for the whole session, so what one costs while idle is
what a room costs: one coroutine that sends, and one small task that notices the browser
leaving (ASGI 2.3 tells a response only through ``receive``). Keep-alive comments are sent
when nothing else was for ``ping`` seconds. When the server is told to stop, every stream
ends at once (``close_all``), so a shutdown does not wait for screens that never leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from backend.observability.requestid import OUTER_SEND

PING = b": ping\r\n\r\n"
SHUTDOWN_POLL_SECONDS = 0.5

_open: set[asyncio.Task[Any]] = set()  # the sending task of every open stream


class LiveStream(Response):
    """``events`` yields each event already encoded, or None when it has waited long enough
    for one that a keep-alive comment is due."""

    media_type = "text/event-stream"

    def __init__(
        self, events: AsyncIterator[bytes | None], *, headers: dict[str, str] | None = None
    ) -> None:
        self.events = events
        self.status_code = 200
        self.background = None
        self.raw_headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-store"),
            (b"x-accel-buffering", b"no"),
            *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The events go out from a task of their own. A task wakes up through every coroutine
        # it waits in, and the request's task waits below every middleware and the router:
        # woken for each event, it cost a screen twice what the sending itself does.
        sender = asyncio.create_task(self._send_events(scope, send))
        self._watcher = asyncio.create_task(_wait_for_disconnect(receive, sender))
        _open.add(sender)
        try:
            await sender
        finally:
            _open.discard(sender)
            self._watcher.cancel()

    async def _send_events(self, scope: Scope, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            send = scope.get(OUTER_SEND, send)  # the headers went through every middleware
            async for chunk in self.events:
                await send({"type": "http.response.body", "body": chunk or PING, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except asyncio.CancelledError:
            # The browser left, or the server is stopping: end quietly.
            if not (self._watcher.done() or _stopping.is_set()):
                raise  # cancelled for another reason
            me = asyncio.current_task()
            assert me is not None
            me.uncancel()
            if not self._watcher.done():  # the server is stopping: end the response properly
                with contextlib.suppress(Exception):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the connection broke while sending
        finally:
            with contextlib.suppress(Exception):
                await self.events.aclose()  # type: ignore[attr-defined]


async def _wait_for_disconnect(receive: Receive, stream: asyncio.Task[Any]) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            stream.cancel()
            return


_stopping = asyncio.Event()


def close_all() -> None:
    """End every open stream now (the server is stopping)."""
    _stopping.set()
    for task in list(_open):
        task.cancel()


def _uvicorn_should_exit() -> bool:
    """Whether the uvicorn server running this process was told to stop (its signal
    handler is a bound method of the server)."""
    handler = signal.getsignal(signal.SIGTERM)
    server = getattr(handler, "__self__", None)
    return bool(getattr(server, "should_exit", False))


async def close_on_shutdown() -> None:
    """Runs while the app does: uvicorn waits for open responses before it stops, and a
    screen never ends its stream by itself."""
    _stopping.clear()
    while not _uvicorn_should_exit():
        await asyncio.sleep(SHUTDOWN_POLL_SECONDS)
    close_all()
