"""The fan-out seam: services publish "board B has change N"; each process's hub listens.

Payloads are ids only. ``InProcessBroker`` serves one process; a PostgreSQL
LISTEN/NOTIFY broker can take its place behind the same three methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

Listener = Callable[[int, int], None]  # (board_id, seq), called on the event loop


class Broker(Protocol):
    async def start(self, listener: Listener) -> None: ...
    async def stop(self) -> None: ...
    def publish(self, board_id: int, seq: int) -> None:
        """Called after the change is committed, from any thread."""


class InProcessBroker:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: Listener | None = None

    async def start(self, listener: Listener) -> None:
        self._loop = asyncio.get_running_loop()
        self._listener = listener

    async def stop(self) -> None:
        self._loop, self._listener = None, None

    def publish(self, board_id: int, seq: int) -> None:
        loop, listener = self._loop, self._listener
        if loop is None or listener is None or loop.is_closed():
            return  # no live screens in this process (CLI, scripts)
        loop.call_soon_threadsafe(listener, board_id, seq)


_current: Broker | None = None


def set_broker(broker: Broker | None) -> None:
    global _current
    _current = broker


def publish(board_id: int, seq: int) -> None:
    if _current is not None:
        _current.publish(board_id, seq)
