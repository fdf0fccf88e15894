"""Writing the change log. Every state change goes through ``start`` then ``commit``.

``start`` comes first in a service's transaction: it bumps the board's sequence
number with one UPDATE, which takes the board's write lock (the row lock on
PostgreSQL, the database write lock on SQLite). Writers to one board therefore run
one after another, in sequence order, and what a service reads after ``start`` is
the latest accepted state. ``commit`` adds the change row in the same transaction,
commits, and only then tells the broker, so nothing unaccepted is ever announced.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, event, insert, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from backend.boards.models import Board, utcnow
from backend.changes.models import Change
from backend.errors import Conflict, NotFound
from backend.live import broker
from backend.observability.metrics import count_edit


@dataclass(frozen=True)
class Actor:
    name: str
    role: str  # facilitator | participant | system
    participant_id: int | None = None


SYSTEM = Actor(name="Lockstep", role="system")
BOARDS = Board.__table__  # type: ignore[attr-defined]
CHANGES = Change.__table__  # type: ignore[attr-defined]


MODE_REFUSALS = {
    "free": "This board runs as a workshop: participants propose, the facilitator agrees",
    "workshop": "This board is in free mode; switch it to workshop mode first",
}


@dataclass
class NewChange:
    """A change being made: its row is written by ``commit``, in the same transaction."""

    board_id: int
    seq: int
    kind: str
    actor: str
    actor_role: str
    created_at: datetime = field(default_factory=utcnow)
    data: str = "{}"


# Built once: these run on every edit, and building a statement costs more than running it.
NEXT_SEQ = (
    update(BOARDS)
    .where(BOARDS.c.id == bindparam("board"))
    .values(last_seq=BOARDS.c.last_seq + bindparam("n"))
    .returning(BOARDS.c.last_seq, BOARDS.c.mode, BOARDS.c.facilitator_token)
)
ADD_CHANGE = insert(CHANGES)


def start(
    session: Session, *, board_id: int, kind: str, actor: Actor, mode: str | None = None
) -> NewChange:
    """Take the board's write lock and its next sequence number.

    With ``mode``, also refuse (409) unless the board is in that mode right now; the check
    rides on the same statement, so it costs no extra round trip.
    """
    (change,) = start_run(session, board_id=board_id, kind=kind, actors=[actor], mode=mode)
    return change


def start_run(
    session: Session,
    *,
    board_id: int,
    kind: str,
    actors: list[Actor],
    mode: str | None = None,
    board_token: str | None = None,
) -> list[NewChange]:
    """``start`` for several changes of one kind at once, one per actor: the next
    sequence numbers, in order, taken with one statement. With ``board_token`` (the
    facilitator token of the board the caller means), refuse (404) a board that is not that
    one: SQLite gives a deleted board's id to the next board made."""
    # Plain SQL, not the ORM's bulk update: this runs on every edit. (An ORM Board already
    # loaded in the session keeps its old ``last_seq``; read it fresh after this if needed.)
    conn = session.connection()
    _one_writer_at_a_time(session, conn.dialect.name)
    row = conn.execute(NEXT_SEQ, {"board": board_id, "n": len(actors)}).first()
    if row is None:
        raise NotFound("This board no longer exists")
    last, current_mode, token = row
    if board_token is not None and not secrets.compare_digest(token, board_token):
        raise NotFound("This board no longer exists")
    if mode is not None and current_mode != mode:
        raise Conflict(MODE_REFUSALS[mode])
    first = last - len(actors) + 1
    return [
        NewChange(board_id, first + i, kind, actor.name, actor.role)
        for i, actor in enumerate(actors)
    ]


# SQLite has one writer at a time per file. Left to SQLite, writers that find it busy sleep
# and retry with growing pauses (up to 100 ms each), so 20 writers on one board waited up to
# seconds; queued on a lock in this process (SQLite runs in one process) they go one after
# another. Held from ``start`` to the end of the transaction.
_sqlite_writer = threading.Lock()
WRITER_WAIT_SECONDS = 30.0  # as long as SQLite's own busy timeout (backend/db.py)


class WriterBusy(Exception):
    """Another request is writing, and the writer was told not to wait."""


def _one_writer_at_a_time(session: Session, dialect: str) -> None:
    if dialect != "sqlite" or session.info.get("writing"):
        return
    take_sqlite_writer(wait=True)
    session.info["writing"] = True


def take_sqlite_writer(*, wait: bool) -> None:
    """Take SQLite's writer lock of this process; WriterBusy at once unless ``wait``."""
    if not wait:
        if not _sqlite_writer.acquire(blocking=False):
            raise WriterBusy
    elif not _sqlite_writer.acquire(timeout=WRITER_WAIT_SECONDS):
        # As SQLite itself would answer after its busy timeout: "database is locked" (503).
        raise OperationalError("BEGIN", {}, Exception("database is locked"))


@contextmanager
def sqlite_writer(*, wait: bool) -> Iterator[None]:
    """SQLite's writer lock held around a transaction made without a session."""
    take_sqlite_writer(wait=wait)
    try:
        yield
    finally:
        _sqlite_writer.release()


@event.listens_for(Session, "after_transaction_end")
def _writer_done(session: Session, transaction: Any) -> None:
    if transaction.parent is None and session.info.pop("writing", False):
        _sqlite_writer.release()


def commit(
    session: Session,
    change: NewChange,
    data: dict[str, Any],
    *more: tuple[NewChange, dict[str, Any]],
) -> None:
    """Add the change row(s) with their data, commit, then announce each board's newest
    sequence (``more`` may hold changes of another board, started in this transaction)."""
    made = []
    for ch, d in ((change, data), *more):
        ch.data = json.dumps(d, separators=(",", ":"))
        made.append(ch)
    session.flush()  # what the service changed through the ORM goes first, as before
    session.connection().execute(ADD_CHANGE, [row(ch) for ch in made])
    for board_id, of_board in by_board(made).items():
        broker.before_commit(session, board_id, of_board[-1].seq, notes(of_board))
    session.commit()
    announce(made)


def row(ch: NewChange) -> dict[str, Any]:
    """A change's row in the log."""
    return {
        "board_id": ch.board_id,
        "seq": ch.seq,
        "kind": ch.kind,
        "data": ch.data,
        "actor": ch.actor,
        "actor_role": ch.actor_role,
        "created_at": ch.created_at,
    }


def by_board(made: list[NewChange]) -> dict[int, list[NewChange]]:
    out: dict[int, list[NewChange]] = {}
    for ch in sorted(made, key=lambda c: (c.board_id, c.seq)):
        out.setdefault(ch.board_id, []).append(ch)
    return out


def notes(made: list[NewChange]) -> list[broker.Note]:
    return [broker.Note(ch.seq, ch.kind, ch.data, ch.created_at) for ch in made]


def announce(made: list[NewChange]) -> None:
    """After the commit: each board's newest sequence to the broker, each change counted."""
    for board_id, of_board in by_board(made).items():
        broker.after_commit(board_id, of_board[-1].seq, notes(of_board))
    for ch in made:
        count_edit(ch.kind, ch.data)


def changes_after(session: Session, *, board_id: int, after: int, limit: int) -> list[Change]:
    """The log rows after ``after``, oldest first: plain rows with a Change's attributes (read
    on every edit by every process's hub; the ORM's objects would cost more than the read)."""
    rows = session.connection().execute(
        select(CHANGES)
        .where(CHANGES.c.board_id == board_id, CHANGES.c.seq > after)
        .order_by(CHANGES.c.seq)
        .limit(limit)
    )
    return list(rows)  # type: ignore[arg-type]


def cell_edits(
    session: Session, *, board_id: int, after: int, upto: int, limit: int = 500
) -> list[tuple[int, dict[str, Any]]] | None:
    """The cell edits ``(seq, data)`` after ``after`` up to ``upto``; None when something
    else changed meanwhile (or too much did), which only a fresh read of the board shows."""
    if upto - after > limit:
        return None
    rows = session.exec(
        select(Change.seq, Change.kind, Change.data)
        .where(Change.board_id == board_id, Change.seq > after, Change.seq <= upto)
        .order_by(col(Change.seq))
    ).all()
    if len(rows) != upto - after or any(kind != "cell.set" for _, kind, _ in rows):
        return None
    return [(seq, json.loads(data)) for seq, _, data in rows]


def change_data(change: Change | broker.Note) -> dict[str, Any]:
    return json.loads(change.data)


# What the change log tells its readers (``GET /api/boards/{id}/changes``) of each kind of
# change, where that is less than the row holds. A proposal's row names who proposed on
# which activity; nobody may learn that (the README's promise for silent proposals), so the
# log says only that a proposal was set, and by whom (the progress counts show that too).
PRIVATE_DATA = {"proposal.set"}


def public_data(change: Change) -> dict[str, Any]:
    return {} if change.kind in PRIVATE_DATA else change_data(change)
