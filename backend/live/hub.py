"""Per-process fan-out of live events to the screens connected to this process.

The broker tells the hub "board B reached change N", most often with the change's record.
The hub renders each change once and puts the result on every local subscriber's bounded
queue, in sequence order. A run of cell edits that came with their records is applied to
the board's screen held here, with no read at all; anything else (or a gap) is read from
the change log. A subscriber whose queue is full is switched to a full refresh instead of
slowing the others.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from anyio import to_thread
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, select

from backend.boards.models import Board
from backend.changes.service import changes_after
from backend.live.broker import Note
from backend.live.render import (
    GONE,
    PING,
    PRESENCE,
    REFRESH,
    LiveEvent,
    render_cell_edits,
    render_changes,
)
from backend.observability.metrics import EVENTS_FANNED_OUT, LIVE_CONNECTIONS
from backend.workshop.screen import Screen

PRESENCE_GRACE_SECONDS = 2.0  # a reload should not blink someone out of the list
# With several processes, each tells the others who is connected to it; a process that
# stops telling (it died) drops out of the list after PRESENCE_TTL_SECONDS.
PRESENCE_HEARTBEAT_SECONDS = 10.0
PRESENCE_TTL_SECONDS = 25.0
RETRY_SECONDS = 1.0  # reading the change log again after the database was away
# What the database being away (or every connection busy) looks like to a reader.
DATABASE_AWAY = (OperationalError, InterfaceError, PoolTimeout)

log = logging.getLogger(__name__)


class Mailbox:
    """A bounded queue of one reader, smaller than ``asyncio.Queue`` (which keeps four
    deques: a kilobyte or so each, times every open screen)."""

    __slots__ = ("_items", "_waiter", "maxsize")

    def __init__(self, maxsize: int) -> None:
        self._items: list[LiveEvent] = []
        self._waiter: asyncio.Future[None] | None = None
        self.maxsize = maxsize

    def put_nowait(self, event: LiveEvent) -> None:
        if len(self._items) >= self.maxsize:
            raise asyncio.QueueFull
        self._items.append(event)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def get_nowait(self) -> LiveEvent:
        if not self._items:
            raise asyncio.QueueEmpty
        return self._items.pop(0)

    async def get(self) -> LiveEvent:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)

    def empty(self) -> bool:
        return not self._items

    def clear(self) -> None:
        self._items.clear()

    def qsize(self) -> int:
        return len(self._items)


@dataclass(eq=False, slots=True)
class Subscription:
    board_id: int
    queue: Mailbox
    participant_id: int | None = None
    overflowed: bool = False

    def offer(self, event: LiveEvent) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            self.queue.clear()
            self.queue.put_nowait(LiveEvent(event.seq, REFRESH, ""))


@dataclass(eq=False)
class Channel:
    board_id: int
    last_seq: int = 0
    subscribers: set[Subscription] = field(default_factory=set)
    pumping: bool = False
    dirty: bool = False
    online: Counter[int] = field(default_factory=Counter)  # participant id -> open streams
    # Set once ``last_seq`` is read; announcements heard before then are kept in ``heard``.
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    heard: int = 0
    screen: Screen | None = None  # the board as of ``last_seq``, to apply cell edits to
    notes: dict[int, Note] = field(default_factory=dict)  # records announced, by sequence
    wanted: int = 0  # the newest sequence announced


class Hub:
    def __init__(
        self, session_factory: Callable[[], Session], *, queue_size: int = 256, batch: int = 200
    ) -> None:
        self._session_factory = session_factory
        self._queue_size = queue_size
        self._batch = batch
        self._channels: dict[int, Channel] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # Presence across processes: this process's name, what the others said (board ->
        # process -> (participant ids, when it expires)), and how to tell them (set by the
        # app when the broker carries presence; see ``heard_presence``).
        self.worker = secrets.token_hex(4)
        self._remote: dict[int, dict[str, tuple[frozenset[int], float]]] = {}
        self.publish_presence: Callable[[str], None] | None = None

    # --- subscribers ------------------------------------------------------------
    async def subscribe(self, board_id: int, participant_id: int | None = None) -> Subscription:
        channel = self._channels.get(board_id)
        if channel is None:
            # The channel exists before the board's sequence is read, so a change announced
            # while it is being read is heard (``notify``) and delivered after it.
            channel = self._channels[board_id] = Channel(board_id)
            try:
                channel.last_seq = await to_thread.run_sync(self._current_seq, board_id)
            except BaseException:
                self._channels.pop(board_id, None)
                channel.ready.set()
                raise
            channel.ready.set()
            self._publish(f"{board_id}:?")  # who is connected elsewhere?
            if channel.heard > channel.last_seq:
                self.notify(board_id, channel.heard)
        else:
            await channel.ready.wait()
            if self._channels.get(board_id) is not channel:
                return await self.subscribe(board_id, participant_id)  # its first read failed
        sub = Subscription(board_id, Mailbox(self._queue_size), participant_id)
        channel.subscribers.add(sub)
        LIVE_CONNECTIONS.inc()
        if participant_id is not None:
            channel.online[participant_id] += 1
            if channel.online[participant_id] == 1:
                self._announce_presence(channel)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        LIVE_CONNECTIONS.dec()
        channel = self._channels.get(sub.board_id)
        if channel is None:
            return
        channel.subscribers.discard(sub)
        if sub.participant_id is not None:
            channel.online[sub.participant_id] -= 1
            if channel.online[sub.participant_id] <= 0:
                del channel.online[sub.participant_id]
                loop = asyncio.get_running_loop()
                loop.call_later(PRESENCE_GRACE_SECONDS, self._announce_presence, channel)
        if not channel.subscribers and not channel.pumping:
            self._channels.pop(sub.board_id, None)

    def presence(self, board_id: int) -> LiveEvent:
        """Who is connected to this board, here and in the other processes."""
        channel = self._channels.get(board_id)
        ids = set(channel.online) if channel else set()
        now = time.monotonic()
        for others, expires in self._remote.get(board_id, {}).values():
            if expires > now:
                ids |= others
        return LiveEvent(0, PRESENCE, json.dumps(sorted(ids)))

    def _announce_presence(self, channel: Channel) -> None:
        """Tell this board's screens, here and in the other processes, who is connected."""
        self._tell_screens(channel.board_id)
        self._publish(f"{channel.board_id}:{','.join(map(str, sorted(channel.online)))}")

    def _tell_screens(self, board_id: int) -> None:
        channel = self._channels.get(board_id)
        if channel is None:
            return
        event = self.presence(board_id)
        for sub in list(channel.subscribers):
            sub.offer(event)

    def _publish(self, message: str) -> None:
        if self.publish_presence is not None:
            self.publish_presence(f"{self.worker}:{message}")

    def heard_presence(self, payload: str) -> None:
        """Another process said who is connected to it ("worker:board:1,2") or asked
        ("worker:board:?")."""
        worker, _, rest = payload.partition(":")
        board, _, ids = rest.partition(":")
        if worker == self.worker or not board.isdigit():
            return
        board_id = int(board)
        channel = self._channels.get(board_id)
        if ids == "?":
            if channel is not None:
                self._publish(f"{board_id}:{','.join(map(str, sorted(channel.online)))}")
            return
        try:
            online = frozenset(int(x) for x in ids.split(",") if x)
        except ValueError:
            return
        seen = self._remote.setdefault(board_id, {})
        if online:
            seen[worker] = (online, time.monotonic() + PRESENCE_TTL_SECONDS)
        else:
            seen.pop(worker, None)
        self._tell_screens(board_id)

    async def keep_alive(self, every: float) -> None:
        """Runs while the app does: a keep-alive for every screen every ``every`` seconds
        (one timer for the process, not one per screen and event)."""
        while True:
            await asyncio.sleep(every)
            ping = LiveEvent(0, PING, "")
            for channel in list(self._channels.values()):
                for sub in list(channel.subscribers):
                    if sub.queue.empty():  # one waiting is enough
                        sub.offer(ping)

    async def presence_heartbeat(self) -> None:
        """Runs while the app does: repeat this process's presence, forget silent ones."""
        while True:
            await asyncio.sleep(PRESENCE_HEARTBEAT_SECONDS)
            for channel in list(self._channels.values()):
                if channel.online:
                    self._publish(
                        f"{channel.board_id}:{','.join(map(str, sorted(channel.online)))}"
                    )
            self.forget_silent(time.monotonic())

    def forget_silent(self, now: float) -> None:
        """Drop what processes that stopped repeating themselves said (they died)."""
        for board_id, seen in list(self._remote.items()):
            gone = [w for w, (_, expires) in seen.items() if expires <= now]
            for w in gone:
                del seen[w]
            if gone:
                self._tell_screens(board_id)
            if not seen:
                del self._remote[board_id]

    def last_seq(self, board_id: int) -> int:
        """The newest change handed to this board's subscribers; later ones are on their way."""
        channel = self._channels.get(board_id)
        return channel.last_seq if channel else 0

    def subscriber_count(self, board_id: int | None = None) -> int:
        if board_id is not None:
            ch = self._channels.get(board_id)
            return len(ch.subscribers) if ch else 0
        return sum(len(c.subscribers) for c in self._channels.values())

    # --- notifications from the broker -------------------------------------------
    def notify(self, board_id: int, seq: int, notes: Sequence[Note] = ()) -> None:
        channel = self._channels.get(board_id)
        if channel is None:
            return
        if not channel.ready.is_set():
            channel.heard = max(channel.heard, seq)
            return
        if seq <= channel.last_seq:
            return
        channel.wanted = max(channel.wanted, seq)
        if len(channel.notes) < self._batch:
            channel.notes.update((n.seq, n) for n in notes if n.seq > channel.last_seq)
        if channel.pumping:
            channel.dirty = True
            return
        channel.pumping = True
        task = asyncio.get_running_loop().create_task(self._pump(channel))
        self._tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(self._tasks.discard)

    def notify_all(self) -> None:
        """Re-read every watched board (after a broker reconnect)."""
        for board_id, channel in list(self._channels.items()):
            self.notify(board_id, channel.last_seq + 1)

    async def _pump(self, channel: Channel) -> None:
        try:
            while True:
                channel.dirty = False
                announced = self._announced(channel)
                if announced is not None:
                    events, channel.screen = announced
                else:
                    events, channel.screen = await to_thread.run_sync(
                        self._load, channel.board_id, channel.last_seq, channel.screen
                    )
                for event in events:
                    if event.name == GONE:
                        for sub in list(channel.subscribers):
                            sub.offer(event)
                        return
                    channel.last_seq = max(channel.last_seq, event.seq)
                    EVENTS_FANNED_OUT.inc(len(channel.subscribers))
                    for sub in list(channel.subscribers):
                        sub.offer(event)
                if len(events) >= self._batch or (events and channel.last_seq < channel.wanted):
                    continue  # more waiting
                if not channel.dirty:
                    return
        except DATABASE_AWAY as exc:
            # Nothing is lost and the screens are still right: read again when it is back
            # (a refresh now would only make every screen reload a page that cannot load).
            log.warning(
                "live updates for board %s wait for the database (%s)", channel.board_id, exc
            )
            asyncio.get_running_loop().call_later(
                RETRY_SECONDS, self.notify, channel.board_id, channel.last_seq + 1
            )
        except Exception:  # a broken render must not kill live updates for the board
            log.exception("live update failed for board %s", channel.board_id)
            channel.screen = None
            for sub in list(channel.subscribers):
                sub.offer(LiveEvent(channel.last_seq, REFRESH, ""))
        finally:
            channel.pumping = False
            if not channel.subscribers:
                self._channels.pop(channel.board_id, None)

    @staticmethod
    def _announced(channel: Channel) -> tuple[list[LiveEvent], Screen] | None:
        """The cell edits announced with their records, next in sequence, applied to the
        screen held here: no read, no worker thread. None when anything else is next."""
        run, seq = [], channel.last_seq + 1
        while seq in channel.notes:
            run.append(channel.notes.pop(seq))
            seq += 1
        for old in [s for s in channel.notes if s < seq]:
            del channel.notes[old]
        if channel.screen is None or not run:
            return None
        return render_cell_edits(channel.screen, run)

    # --- database work (runs in a worker thread) ------------------------------------
    def _current_seq(self, board_id: int) -> int:
        with self._session_factory() as session:
            return session.exec(select(Board.last_seq).where(Board.id == board_id)).first() or 0

    def _load(
        self, board_id: int, after: int, before: Screen | None
    ) -> tuple[list[LiveEvent], Screen | None]:
        with self._session_factory() as session:
            changes = changes_after(session, board_id=board_id, after=after, limit=self._batch)
            if not changes:
                exists = session.get(Board, board_id) is not None
                return ([] if exists else [LiveEvent(after + 1, GONE, "")]), before
            return render_changes(session, board_id, changes, before)
