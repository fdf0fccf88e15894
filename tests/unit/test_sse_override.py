"""The live stream overrides one private method of sse-starlette (``_send_with_timeout``, to
skip a cancel scope per send when no send timeout is set). This pins the behaviour relied on,
so an upgrade that renames or bypasses it fails here instead of silently costing speed."""

from __future__ import annotations

import asyncio
import inspect
import threading

from sse_starlette import EventSourceResponse

from backend.live.views import LiveStream


def test_sse_starlette_still_sends_every_message_through_send_with_timeout():
    method = EventSourceResponse._send_with_timeout
    assert list(inspect.signature(method).parameters) == ["self", "send", "message"]
    source = inspect.getsource(inspect.getmodule(EventSourceResponse))
    assert source.count("self._send_with_timeout(") >= 2  # the events and the pings


def run(coro) -> None:  # type: ignore[no-untyped-def]
    """On a thread of its own: a browser test may have left an event loop on this one."""
    worker = threading.Thread(target=asyncio.run, args=(coro,))
    worker.start()
    worker.join()


def test_the_override_sends_directly_without_a_timeout_and_defers_with_one():
    sent: list[dict] = []

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    async def events():  # type: ignore[no-untyped-def]
        yield {"data": "x"}

    stream = LiveStream(events())
    assert stream.send_timeout is None
    run(stream._send_with_timeout(send, {"type": "http.response.body", "body": b"a"}))
    timed = LiveStream(events(), send_timeout=5)
    run(timed._send_with_timeout(send, {"type": "http.response.body", "body": b"b"}))
    assert [m["body"] for m in sent] == [b"a", b"b"]
