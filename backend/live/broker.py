"""The fan-out seam: a committed change is announced as "board B reached change N", and
each process's hub hears it. Payloads are ids, never HTML.

Two implementations behind one small interface:
- ``InProcessBroker``: one process (the SQLite default); announced right after commit.
- ``PostgresBroker`` (``pg_broker.py``): several processes on PostgreSQL; announced with
  NOTIFY inside the committing transaction, so it goes out exactly when the change does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol

Listener = Callable[[int, int], None]  # (board_id, seq), called on the event loop
Reconnected = Callable[[], None]  # the broker may have missed announcements: re-read
PresenceListener = Callable[[str], None]  # another process's presence message (see Hub)


class Broker(Protocol):
    async def start(
        self,
        listener: Listener,
        reconnected: Reconnected,
        presence: PresenceListener | None = None,
    ) -> None: ...
    async def stop(self) -> None: ...
    def before_commit(self, session: Any, board_id: int, seq: int) -> None:
        """Inside the change's transaction (PostgreSQL NOTIFY)."""

    def after_commit(self, board_id: int, seq: int) -> None:
        """After the change is committed, from any thread."""

    @property
    def healthy(self) -> bool: ...


class InProcessBroker:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: Listener | None = None

    async def start(
        self,
        listener: Listener,
        reconnected: Reconnected,
        presence: PresenceListener | None = None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._listener = listener

    async def stop(self) -> None:
        self._loop, self._listener = None, None

    def before_commit(self, session: Any, board_id: int, seq: int) -> None:
        return None

    def after_commit(self, board_id: int, seq: int) -> None:
        loop, listener = self._loop, self._listener
        if loop is None or listener is None or loop.is_closed():
            return  # no live screens in this process (CLI, scripts)
        loop.call_soon_threadsafe(listener, board_id, seq)

    @property
    def healthy(self) -> bool:
        return True


_current: Broker | None = None


def set_broker(broker: Broker | None) -> None:
    global _current
    _current = broker


def current() -> Broker | None:
    return _current


def before_commit(session: Any, board_id: int, seq: int) -> None:
    if _current is not None:
        _current.before_commit(session, board_id, seq)


def after_commit(board_id: int, seq: int) -> None:
    if _current is not None:
        _current.after_commit(board_id, seq)
