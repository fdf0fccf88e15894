"""The edit path's transaction (``cell_edit.quick_set_cells``) in plain DBAPI calls.

It runs on every click in the room. Through the ORM's session its handful of statements
cost several times the database's own work, so here they run on a pooled connection's
DBAPI cursor instead: the same statements, compiled once per dialect from the same tables
(``cell_store``, ``changes.service``), with the same type processing, so what they write
is what the session would have written. On PostgreSQL they go in pipeline mode: one round
trip for the lock and the reads, one for the writes, the NOTIFY and the commit.

A database error comes out as SQLAlchemy's own exception (``IntegrityError``,
``OperationalError``...), as from a session, after a rollback; a dropped connection is
thrown away rather than handed back to the pool.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, cast
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, create_engine, event, func, insert, select
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from backend.boards.cell_store import ADD_CELL, CELLS, SET_CELL
from backend.boards.models import utcnow
from backend.changes import service as changes
from backend.changes.service import CHANGES, NEXT_SEQ, Actor, NewChange
from backend.errors import NotFound
from backend.live import broker

CELL_SLOTS = select(CELLS.c.slots).where(
    CELLS.c.board_id == bindparam("board"),
    CELLS.c.activity_id == bindparam("a"),
    CELLS.c.phase_id == bindparam("p"),
    CELLS.c.function_id == bindparam("f"),
)
ADD_CHANGE_ROW = insert(CHANGES).values(
    board_id=bindparam("board_id"),
    seq=bindparam("seq"),
    kind=bindparam("kind"),
    data=bindparam("data"),
    actor=bindparam("actor"),
    actor_role=bindparam("actor_role"),
    created_at=bindparam("created_at"),
)
# The edit path's own PostgreSQL connections (``_Connections``): a batch takes one for a few
# milliseconds, so a few serve a worker; past them a batch waits (README, "Sizing database
# connections", counts them).
POOL_NAME = "lockstep-edits"  # their application_name
POOL_SIZE = 2  # kept open
POOL_CONNECTIONS = 4  # at most, a worker
POOL_WAIT_SECONDS = 10.0
NOTIFY = select(func.pg_notify(bindparam("channel"), bindparam("payload")))


def other_changes(keeping: frozenset[str]) -> ClauseElement:
    """How many of a board's changes between two sequence numbers are not of these kinds."""
    return (
        select(func.count())
        .select_from(CHANGES)
        .where(
            CHANGES.c.board_id == bindparam("board"),
            CHANGES.c.seq > bindparam("after"),
            CHANGES.c.seq < bindparam("before"),
            CHANGES.c.kind.not_in(
                [bindparam(f"keep{i}", kind) for i, kind in enumerate(sorted(keeping))]
            ),
        )
    )


class Statement:
    """A statement compiled for one dialect: its SQL text, and its parameters as that
    dialect's DBAPI takes them (a tuple in order, or a dict), with the values bound when it
    was built, through the column types' own conversions (SQLite stores a datetime as
    text, for one)."""

    def __init__(self, stmt: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, stmt.compile(dialect=dialect))
        self.sql = compiled.string
        self.order: Sequence[str] | None = compiled.positiontup
        self.convert: dict[str, Callable[[Any], Any]] = {}
        self.fixed = {k: b.value for k, b in compiled.binds.items() if b.value is not None}
        for key, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.convert[key] = process

    def args(self, params: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        params = {**self.fixed, **params}
        for key, process in self.convert.items():
            if key in params:
                params[key] = process(params[key])
        if self.order is None:
            return params
        return tuple([params[k] for k in self.order])


@dataclass(frozen=True)
class Statements:
    next_seq: Statement
    cell: Statement
    add_cell: Statement
    set_cell: Statement
    add_change: Statement
    others: Statement
    notify: Statement
    # PostgreSQL: one change's cell write ("add", "set" or none: "") with its change row and
    # NOTIFY as one statement (data-modifying CTEs), for the usual batch of one click.
    together: dict[str, Statement] | None = None


@cache
def statements(dialect: Dialect, keeping: frozenset[str]) -> Statements:
    change_row = [ADD_CHANGE_ROW.cte("change_row")]
    return Statements(
        next_seq=Statement(NEXT_SEQ, dialect),
        cell=Statement(CELL_SLOTS, dialect),
        add_cell=Statement(ADD_CELL, dialect),
        set_cell=Statement(SET_CELL, dialect),
        add_change=Statement(ADD_CHANGE_ROW, dialect),
        others=Statement(other_changes(keeping), dialect),
        notify=Statement(NOTIFY, dialect),
        together=(
            {
                "add": Statement(NOTIFY.add_cte(ADD_CELL.cte("cell_row"), *change_row), dialect),
                "set": Statement(NOTIFY.add_cte(SET_CELL.cte("cell_row"), *change_row), dialect),
                "": Statement(NOTIFY.add_cte(*change_row), dialect),
            }
            if dialect.name == "postgresql"
            else None
        ),
    )


@dataclass(frozen=True)
class Run:
    """Cell edits of one board to write in one transaction, each its own change."""

    board_id: int
    board_token: str  # the facilitator token of the board the edits were checked against
    known_seq: int  # the sequence the checks hold as of
    keeping: frozenset[str]  # kinds of change after which the checks still hold
    kind: str
    actors: list[Actor]
    cells: list[tuple[int, int, int, str]]  # activity, phase, function, slot codes


def write_run(engine: Engine, run: Run, *, wait: bool = True) -> list[NewChange] | None:
    """Write the run and announce it; its changes, or None (nothing written) when the board
    changed since ``known_seq`` in a way the checks cannot vouch for. Raises NotFound when
    the board is gone or is another board now, and ``changes.WriterBusy`` on SQLite when
    another writer holds the board and ``wait`` is false."""
    sqlite = engine.dialect.name == "sqlite"
    sql = statements(engine.dialect, run.keeping)
    for attempt in (1, 2):
        progress = _Progress()
        try:
            with (
                changes.sqlite_writer(wait=wait) if sqlite else _nothing(),
                _connection(engine, progress) as conn,
            ):
                if sqlite:
                    made = _write(conn, sql, run, progress)
                else:
                    with conn.driver_connection.pipeline():
                        made = _write(conn, sql, run, progress)
        except Disconnected as gone:
            if attempt == 2:
                raise _translated(gone.error, engine.dialect, gone=True) from gone.error
            continue
        if made:
            changes.announce(made)
        return made
    raise AssertionError("unreachable")


def _write(conn: Any, sql: Statements, run: Run, progress: _Progress) -> list[NewChange] | None:
    cur = conn.cursor()
    n = len(run.actors)
    cur.execute(sql.next_seq.sql, sql.next_seq.args({"board": run.board_id, "n": n}))
    # Read before the writes decide anything; on PostgreSQL these go with the lock, after it.
    distinct = list(dict.fromkeys((a, p, f) for a, p, f, _ in run.cells))
    reads = []
    for a, p, f in distinct:
        c = conn.cursor()
        c.execute(sql.cell.sql, sql.cell.args({"board": run.board_id, "a": a, "p": p, "f": f}))
        reads.append(c)
    row = cur.fetchone()
    if row is None:
        raise NotFound("This board no longer exists")
    last, _mode, token = row
    if not secrets.compare_digest(token, run.board_token):
        raise NotFound("This board no longer exists")  # SQLite reuses a deleted board's id
    first = last - n + 1
    if first <= run.known_seq or (first > run.known_seq + 1 and _others(cur, sql, run, first)):
        conn.rollback()
        return None
    stored: dict[tuple[int, int, int], str | None] = {}
    for key, c in zip(distinct, reads, strict=True):
        found = c.fetchone()
        stored[key] = found[0] if found is not None else None
    now = utcnow()
    made = [
        NewChange(run.board_id, first + i, run.kind, actor.name, actor.role, created_at=now)
        for i, actor in enumerate(run.actors)
    ]
    current = dict(stored)
    for change, (a, p, f, slots) in zip(made, run.cells, strict=True):
        before = current[(a, p, f)] or ""
        current[(a, p, f)] = slots
        change.data = json.dumps(
            {"activity_id": a, "phase_id": p, "function_id": f, "slots": slots, "before": before},
            separators=(",", ":"),
        )
    writes: list[tuple[str, dict[str, Any]]] = []  # ("add" | "set", the cell's values)
    for (a, p, f), last in current.items():
        values = {"board": run.board_id, "a": a, "p": p, "f": f, "slots": last, "at": now}
        had = stored[(a, p, f)]
        if had is None:
            if last:
                writes.append(("add", values))
        elif had != last:
            writes.append(("set", values))
    payload = broker.notify_payload(run.board_id, made[-1].seq, changes.notes(made))
    if sql.together is not None and payload is not None and len(made) == 1 and len(writes) <= 1:
        # The usual click: one statement, one round trip with the commit.
        how, values = writes[0] if writes else ("", {})
        both = sql.together[how]
        channel, text = payload
        cur.execute(
            both.sql, both.args({**values, **_row(made[0]), "channel": channel, "payload": text})
        )
    else:
        for how, statement in (("add", sql.add_cell), ("set", sql.set_cell)):
            rows = [statement.args(values) for h, values in writes if h == how]
            if rows:
                cur.executemany(statement.sql, rows)
        cur.executemany(sql.add_change.sql, [sql.add_change.args(_row(ch)) for ch in made])
        if payload is not None:
            channel, text = payload
            cur.execute(sql.notify.sql, sql.notify.args({"channel": channel, "payload": text}))
    progress.committing = True  # from here, a dropped connection may have committed
    conn.commit()
    return made


def _others(cur: Any, sql: Statements, run: Run, first: int) -> bool:
    params = {"board": run.board_id, "after": run.known_seq, "before": first}
    cur.execute(sql.others.sql, sql.others.args(params))
    (count,) = cur.fetchone()
    return bool(count)


def _row(ch: NewChange) -> dict[str, Any]:
    return {
        "board_id": ch.board_id,
        "seq": ch.seq,
        "kind": ch.kind,
        "data": ch.data,
        "actor": ch.actor,
        "actor_role": ch.actor_role,
        "created_at": ch.created_at,
    }


@contextmanager
def _nothing() -> Iterator[None]:
    yield


class _Connections:
    """Where the edit path takes its connections, for one engine of the app.

    SQLite: one connection, kept open: every write holds the process's writer lock, so it
    is never used by two at once, and a checkout per edit costs as much as its statements.
    PostgreSQL: a pool of its own that does not ping the server before every checkout, as
    the app's engine does (a round trip: a third of an edit's database time). A dropped
    connection shows at its first statement instead, before a commit is sent, and the run
    is tried once more on a fresh one (``write_run``). Both go when the engine is disposed.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.held: Any = None
        self.pool: Engine | None = None
        self.lock = threading.Lock()
        event.listen(engine, "engine_disposed", self.close)

    def take(self) -> Any:
        if self.engine.dialect.name == "sqlite":
            if self.held is None:
                held = self.engine.raw_connection()
                held.detach()  # ours until closed: never handed back to the pool
                self.held = held
            return self.held
        with self.lock:
            if self.pool is None:
                self.pool = create_engine(
                    self.engine.url,
                    pool_size=POOL_SIZE,
                    max_overflow=POOL_CONNECTIONS - POOL_SIZE,
                    pool_timeout=POOL_WAIT_SECONDS,
                    pool_pre_ping=False,
                    pool_reset_on_return=None,  # every use ends in a commit or a rollback
                    connect_args={"application_name": POOL_NAME},
                )
            pool = self.pool
        return pool.raw_connection()

    def give_back(self, conn: Any) -> None:
        if conn is not self.held:
            conn.close()  # back to the pool

    def drop(self, conn: Any) -> None:
        """A connection found dropped: closed, and on PostgreSQL every idle one with it
        (they went down together)."""
        if conn is self.held:
            self.held = None
            conn.invalidate()
            conn.close()
            return
        conn.invalidate()
        conn.close()
        if self.pool is not None:
            self.pool.dispose(close=False)

    def close(self, *_: Any) -> None:
        held, self.held = self.held, None
        if held is not None:
            held.close()
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.dispose()


_BY_ENGINE: WeakKeyDictionary[Engine, _Connections] = WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def connections(engine: Engine) -> _Connections:
    found = _BY_ENGINE.get(engine)
    if found is None:
        with _REGISTRY_LOCK:
            found = _BY_ENGINE.get(engine)
            if found is None:
                found = _BY_ENGINE[engine] = _Connections(engine)
    return found


class Disconnected(Exception):
    """The connection was found dropped before the run's commit was sent."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class _Progress:
    committing: bool = False


@contextmanager
def _connection(engine: Engine, progress: _Progress) -> Iterator[Any]:
    """A connection for one transaction: rolled back on any error, which comes out as
    SQLAlchemy's exception for it, or as ``Disconnected`` when the connection was found
    dropped before the commit was sent (nothing was written: the run may go again)."""
    dialect = engine.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    source = connections(engine)
    try:
        conn = source.take()
    except dbapi_error as exc:
        raise _translated(exc, dialect, gone=dialect.is_disconnect(exc, None, None)) from exc
    try:
        yield conn
    except dbapi_error as exc:
        gone = dialect.is_disconnect(exc, conn.dbapi_connection, None)
        if gone:
            source.drop(conn)
            if not progress.committing:
                raise Disconnected(exc) from exc
        else:
            _rollback(source, conn)
        raise _translated(exc, dialect, gone=gone) from exc
    except BaseException:
        _rollback(source, conn)
        raise
    else:
        source.give_back(conn)


def _translated(exc: Exception, dialect: Dialect, *, gone: bool) -> DBAPIError:
    return DBAPIError.instance(  # type: ignore[return-value]  # a DBAPI error in: a DBAPIError out
        None,
        None,
        exc,
        dialect.loaded_dbapi.Error,
        connection_invalidated=gone,
        dialect=dialect,
    )


def _rollback(source: _Connections, conn: Any) -> None:
    try:
        conn.rollback()
    except Exception:  # noqa: BLE001 - the first error is the one to report
        source.drop(conn)
    else:
        source.give_back(conn)
