"""The live stream as a plain ASGI response: events go out as they come, a keep-alive for
each None, and it ends when the browser leaves or the server stops, closing its events."""

from __future__ import annotations

import asyncio
import contextlib

from backend.live import stream as live_stream
from backend.live.stream import PING, LiveStream
from tests.helpers import run_in_thread


class Browser:
    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.leave = asyncio.Event()

    async def receive(self) -> dict:
        await self.leave.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent)


def test_events_and_keep_alives_go_out_in_order_and_the_stream_ends_with_them():
    async def main() -> None:
        async def events():
            yield b"id: 1\r\nevent: change\r\ndata: x\r\n\r\n"
            yield None
            yield b"id: 2\r\nevent: change\r\ndata: y\r\n\r\n"

        browser = Browser()
        await LiveStream(events())({"type": "http"}, browser.receive, browser.send)
        start = browser.sent[0]
        assert start["status"] == 200
        assert (b"content-type", b"text/event-stream; charset=utf-8") in start["headers"]
        assert (b"cache-control", b"no-store") in start["headers"]
        assert browser.body == b"id: 1\r\nevent: change\r\ndata: x\r\n\r\n" + PING + (
            b"id: 2\r\nevent: change\r\ndata: y\r\n\r\n"
        )
        assert browser.sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}

    run_in_thread(main())


def test_the_browser_leaving_ends_the_stream_and_runs_its_cleanup():
    async def main() -> None:
        cleaned = asyncio.Event()

        async def events():
            try:
                yield b": connected\r\n\r\n"
                await asyncio.sleep(3600)  # an idle screen
                yield b"never"
            finally:
                cleaned.set()

        browser = Browser()
        task = asyncio.create_task(
            LiveStream(events())({"type": "http"}, browser.receive, browser.send)
        )
        await asyncio.sleep(0.05)
        browser.leave.set()
        await asyncio.wait_for(task, 2)  # ends by itself, quietly
        assert cleaned.is_set() and b"never" not in browser.body
        assert task.exception() is None and not task.cancelled()

    run_in_thread(main())


def test_close_all_ends_every_open_stream_when_the_server_stops():
    async def main() -> None:
        async def events():
            yield b": connected\r\n\r\n"
            await asyncio.sleep(3600)
            yield b"never"

        browsers = [Browser() for _ in range(5)]
        tasks = [
            asyncio.create_task(LiveStream(events())({"type": "http"}, b.receive, b.send))
            for b in browsers
        ]
        await asyncio.sleep(0.05)
        live_stream.close_all()
        await asyncio.wait_for(asyncio.gather(*tasks), 2)
        assert all(b.body == b": connected\r\n\r\n" for b in browsers)
        assert all(b.sent[-1]["more_body"] is False for b in browsers)  # ended properly
        live_stream._stopping.clear()

    run_in_thread(main())


def test_cancelled_for_another_reason_it_stays_cancelled():
    async def main() -> None:
        async def events():
            yield b": connected\r\n\r\n"
            await asyncio.sleep(3600)

        browser = Browser()
        task = asyncio.create_task(
            LiveStream(events())({"type": "http"}, browser.receive, browser.send)
        )
        await asyncio.sleep(0.05)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert task.cancelled()

    run_in_thread(main())


def test_the_body_goes_out_past_the_middlewares_and_the_scope_keeps_no_send():
    """Headers through every middleware (they add theirs); each event straight out. After
    the request its scope no longer holds the send (that would be a reference cycle, and
    every request's objects would wait for the garbage collector: seen as 60-90 ms stalls)."""
    from backend.observability.requestid import OUTER_SEND, RequestContext

    async def main() -> None:
        async def events():
            yield b"id: 1\r\nevent: change\r\ndata: x\r\n\r\n"

        browser = Browser()
        through: list[str] = []

        async def middleware(scope, receive, send):  # adds a header, sees what passes
            async def wrapped(message):
                through.append(message["type"])
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message["headers"], (b"x-m", b"1")]}
                await send(message)

            await LiveStream(events())(scope, receive, wrapped)

        scope = {"type": "http", "headers": [], "method": "GET", "path": "/boards/1/events"}
        await RequestContext(middleware, lambda scope, status: None)(
            scope, browser.receive, browser.send
        )
        assert through == ["http.response.start"]
        assert (b"x-m", b"1") in browser.sent[0]["headers"]
        assert browser.body == b"id: 1\r\nevent: change\r\ndata: x\r\n\r\n"
        assert OUTER_SEND not in scope

    run_in_thread(main())
