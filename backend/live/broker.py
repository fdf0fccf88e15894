"""The fan-out seam: a committed change is announced as "board B reached change N", and
each process's hub hears it. Payloads are ids and the change's own record, never HTML.

A change whose record is small travels with its announcement (a ``Note``), so the hub can
render a cell edit without reading it back from the change log; anything else, and any
gap, the hub reads from the log as before.

Two implementations behind one small interface:
- ``InProcessBroker``: one process (the SQLite default); announced right after commit.
- ``PostgresBroker`` (``pg_broker.py``): several processes on PostgreSQL; announced with
  NOTIFY inside the committing transaction, so it goes out exactly when the change does.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Note:
    """A committed change's record as announced: what the change log's row holds."""

    seq: int
    kind: str
    data: str  # JSON
    created_at: datetime

    def row(self) -> list[Any]:
        at = self.created_at
        epoch = (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
        return [self.seq, self.kind, self.data, epoch]


def pack(board_id: int, notes: Sequence[Note]) -> str:
    """A board's announced records as one JSON text (a NOTIFY payload)."""
    return json.dumps([board_id, [n.row() for n in notes]])


def unpack(payload: str) -> tuple[int, list[Note]]:
    board_id, rows = json.loads(payload)
    notes = [Note(int(s), k, d, datetime.fromtimestamp(at, UTC)) for s, k, d, at in rows]
    return int(board_id), notes


Listener = Callable[[int, int, Sequence[Note]], None]  # (board, seq, records), on the loop
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
    def before_commit(
        self, session: Any, board_id: int, seq: int, notes: Sequence[Note] = ()
    ) -> None:
        """Inside the change's transaction (PostgreSQL NOTIFY)."""

    def notify_payload(
        self, board_id: int, seq: int, notes: Sequence[Note] = ()
    ) -> tuple[str, str] | None:
        """(channel, payload) of the NOTIFY that ``before_commit`` sends, if any: for a
        writer that runs its own statements (``backend.boards.edit_store``)."""

    def after_commit(self, board_id: int, seq: int, notes: Sequence[Note] = ()) -> None:
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

    def before_commit(
        self, session: Any, board_id: int, seq: int, notes: Sequence[Note] = ()
    ) -> None:
        return None

    def notify_payload(
        self, board_id: int, seq: int, notes: Sequence[Note] = ()
    ) -> tuple[str, str] | None:
        return None

    def after_commit(self, board_id: int, seq: int, notes: Sequence[Note] = ()) -> None:
        loop, listener = self._loop, self._listener
        if loop is None or listener is None or loop.is_closed():
            return  # no live screens in this process (CLI, scripts)
        if _running_loop() is not loop:
            loop.call_soon_threadsafe(listener, board_id, seq, notes)
            return
        # The writer runs on the loop (SQLite's edit path): the hub hears now, so its screens
        # are served before the writer's own answer goes out. Its failure is not the edit's.
        try:
            listener(board_id, seq, notes)
        except Exception:
            log.exception(
                "live updates: the hub failed to take change %s of board %s", seq, board_id
            )

    @property
    def healthy(self) -> bool:
        return True


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


_current: Broker | None = None


def set_broker(broker: Broker | None) -> None:
    global _current
    _current = broker


def current() -> Broker | None:
    return _current


def before_commit(session: Any, board_id: int, seq: int, notes: Sequence[Note] = ()) -> None:
    if _current is not None:
        _current.before_commit(session, board_id, seq, notes)


def notify_payload(board_id: int, seq: int, notes: Sequence[Note] = ()) -> tuple[str, str] | None:
    return None if _current is None else _current.notify_payload(board_id, seq, notes)


def after_commit(board_id: int, seq: int, notes: Sequence[Note] = ()) -> None:
    if _current is not None:
        _current.after_commit(board_id, seq, notes)
