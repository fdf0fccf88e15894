"""Cross-process fan-out on PostgreSQL: NOTIFY on commit, one LISTEN connection per process.

The announcement is ``pg_notify('lockstep', '<board>:<seq>')`` issued inside the change's
transaction, so PostgreSQL delivers it exactly when (and only if) the change commits, in
commit order. Each worker keeps one listening connection. If it drops, the worker
reconnects with backoff and asks its hub to re-read every watched board from the change
log, so its screens get what was announced meanwhile: no gap, and the hub's sequence
cursor prevents duplicates.

Presence (who has the board open) travels on a second channel, ``lockstep_presence``:
each process says who is connected to it, so every screen sees everyone, whichever
process serves them (see ``Hub.heard_presence``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import text

from backend.live.broker import Listener, Note, PresenceListener, Reconnected, pack, unpack
from backend.observability.metrics import BROKER_RECONNECTS

log = logging.getLogger(__name__)
CHANNEL = "lockstep"
NOTIFY = text("SELECT pg_notify(:channel, :payload)")
MAX_NOTE_BYTES = 4000  # PostgreSQL takes up to 8000; a bigger record is read from the log
PRESENCE_CHANNEL = "lockstep_presence"
APPLICATION_NAME = "lockstep-listener"
PUBLISHER_NAME = "lockstep-presence"


def plain_url(url: str) -> str:
    """A libpq URL from an SQLAlchemy one."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class PostgresBroker:
    def __init__(self, database_url: str, *, keepalive_seconds: float = 5.0) -> None:
        self._url = plain_url(database_url)
        self._keepalive = keepalive_seconds
        self._task: asyncio.Task[None] | None = None
        self._connected = False
        self._stopping = False
        self._presence: PresenceListener | None = None
        self._publisher: psycopg.AsyncConnection[Any] | None = None
        self._publishing = asyncio.Lock()
        self._sends: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: Listener | None = None

    async def start(
        self,
        listener: Listener,
        reconnected: Reconnected,
        presence: PresenceListener | None = None,
    ) -> None:
        self._stopping = False
        self._presence = presence
        self._loop, self._listener = asyncio.get_running_loop(), listener
        ready = asyncio.Event()
        self._task = asyncio.create_task(self._run(listener, reconnected, ready))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), 5)  # serve anyway; it keeps trying

    async def stop(self) -> None:
        self._stopping = True
        self._loop, self._listener = None, None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._task = None
        if self._publisher is not None:
            with contextlib.suppress(Exception):
                await self._publisher.close()
            self._publisher = None

    def publish_presence(self, message: str) -> None:
        """Tell the other processes (fire and forget; a lost one is repeated by the hub's
        heartbeat)."""
        task = asyncio.get_running_loop().create_task(self._send_presence(message))
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def _send_presence(self, message: str) -> None:
        async with self._publishing:
            try:
                if self._publisher is None or self._publisher.closed:
                    self._publisher = await psycopg.AsyncConnection.connect(
                        self._url, autocommit=True, application_name=PUBLISHER_NAME
                    )
                await self._publisher.execute(
                    "SELECT pg_notify(%s, %s)", (PRESENCE_CHANNEL, message)
                )
            except Exception as exc:  # noqa: BLE001 - presence is best effort
                log.info("presence not sent (%s)", exc)
                self._publisher = None

    def before_commit(
        self, session: Any, board_id: int, seq: int, notes: Sequence[Note] = ()
    ) -> None:
        channel, payload = self.notify_payload(board_id, seq, notes)
        session.execute(NOTIFY, {"channel": channel, "payload": payload})

    def notify_payload(
        self, board_id: int, seq: int, notes: Sequence[Note] = ()
    ) -> tuple[str, str]:
        payload = f"{board_id}:{seq}"
        if notes and notes[-1].seq == seq:  # the records ride along when they are small
            with_notes = pack(board_id, notes)
            if len(with_notes.encode()) <= MAX_NOTE_BYTES:
                payload = with_notes
        return CHANNEL, payload

    def after_commit(self, board_id: int, seq: int, notes: Sequence[Note] = ()) -> None:
        """The other processes hear it from PostgreSQL at commit; this one is told at once,
        without waiting for the notification's round trip (the hub takes each change once,
        whichever way it is heard first)."""
        loop, listener = self._loop, self._listener
        if loop is None or listener is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(listener, board_id, seq, notes)

    @property
    def healthy(self) -> bool:
        return self._connected

    @staticmethod
    def _heard(listener: Listener, payload: str) -> None:
        if payload.startswith("["):
            try:
                board_id, notes = unpack(payload)
            except (ValueError, TypeError, KeyError):
                return  # not ours
            if notes:
                listener(board_id, notes[-1].seq, notes)
            return
        board, _, seq = payload.partition(":")
        try:
            board_id, last = int(board), int(seq)
        except ValueError:
            return
        listener(board_id, last, ())

    async def _run(
        self, listener: Listener, reconnected: Reconnected, ready: asyncio.Event
    ) -> None:
        delay, ever_connected = 0.2, False
        while not self._stopping:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._url, autocommit=True, application_name=APPLICATION_NAME, connect_timeout=5
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if self._presence is not None:
                        await conn.execute(f"LISTEN {PRESENCE_CHANNEL}")
                    self._connected, delay = True, 0.2
                    ready.set()
                    if ever_connected:
                        BROKER_RECONNECTS.inc()
                        log.warning("live updates: listener back; catching up from the change log")
                        reconnected()
                    ever_connected = True
                    while not self._stopping:
                        async for note in conn.notifies(timeout=self._keepalive):
                            if note.channel == PRESENCE_CHANNEL:
                                if self._presence is not None:
                                    self._presence(note.payload)
                                continue
                            self._heard(listener, note.payload)
                        await conn.execute("SELECT 1")  # notices a dead connection between notes
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: reconnect with backoff
                if self._connected:
                    log.warning("live updates: listener connection lost (%s); reconnecting", exc)
                self._connected = False
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self._connected = False
