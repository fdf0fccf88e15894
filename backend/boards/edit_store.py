"""The edit path's transaction (``cell_edit.quick_set_cells``) in plain DBAPI calls.

It runs on every click in the room. Through the ORM's session its handful of statements
cost several times the database's own work, so here they run on a pooled connection's
DBAPI cursor instead: the same statements, compiled once per dialect from the same tables
(``cell_store``, ``changes.service``), with the same type processing, so what they write
is what the session would have written. On PostgreSQL each step's statements go as one
text: one round trip for the lock and the reads, one for the writes, the NOTIFY and the
commit (``_Remote``).

Its connections, and what a database error comes out as, are ``edit_connections``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any, cast

from psycopg import pq
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from backend.boards.cell_store import ADD_CELL, CELL_SLOTS, SET_CELL
from backend.boards.edit_connections import Disconnected, Progress, connection, translated
from backend.boards.models import utcnow
from backend.changes import service as changes
from backend.changes.service import CHANGES, NEXT_SEQ, Actor, NewChange
from backend.errors import NotFound
from backend.live import broker

ADD_CHANGE_ROW = insert(CHANGES).values(
    board_id=bindparam("board_id"),
    seq=bindparam("seq"),
    kind=bindparam("kind"),
    data=bindparam("data"),
    actor=bindparam("actor"),
    actor_role=bindparam("actor_role"),
    created_at=bindparam("created_at"),
)
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


_PARAM = re.compile(r"%\((\w+)\)s")


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
        # PostgreSQL (named parameters): the statement as prepared once per connection and
        # then run by name (``_Remote``), with its parameters in order as $1, $2 ...
        self.slots: list[str] = []
        numbered = _PARAM.sub(self._number, self.sql).replace("%%", "%")
        self.name = "lockstep_edit_" + hashlib.sha1(numbered.encode()).hexdigest()[:16]
        self.prepare = f"PREPARE {self.name} AS {numbered}"

    def _number(self, param: re.Match[str]) -> str:
        if param[1] not in self.slots:
            self.slots.append(param[1])
        return f"${self.slots.index(param[1]) + 1}"

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

    def all(self) -> list[Statement]:
        return [getattr(self, f.name) for f in fields(self)]


@cache
def statements(dialect: Dialect, keeping: frozenset[str]) -> Statements:
    return Statements(
        next_seq=Statement(NEXT_SEQ, dialect),
        cell=Statement(CELL_SLOTS, dialect),
        add_cell=Statement(ADD_CELL, dialect),
        set_cell=Statement(SET_CELL, dialect),
        add_change=Statement(ADD_CHANGE_ROW, dialect),
        others=Statement(other_changes(keeping), dialect),
        notify=Statement(NOTIFY, dialect),
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
        progress = Progress()
        try:
            with (
                changes.sqlite_writer(wait=wait) if sqlite else nullcontext(),
                connection(engine, progress) as conn,
            ):
                made = _write(_Local(conn) if sqlite else _Remote(conn, sql), sql, run, progress)
        except Disconnected as gone:
            if attempt == 2:
                raise translated(gone.error, engine.dialect, gone=True) from gone.error
            continue
        if made:
            changes.announce(made)
        return made
    raise AssertionError("unreachable")


Call = tuple[Statement, dict[str, Any]]


class _Local:
    """SQLite: each statement as it comes (the database is in this process: no round trips
    to save), in the transaction the driver opens at the first write."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.cur = conn.cursor()

    def read(self, calls: list[Call], *, begin: bool = False) -> list[list[Any]]:
        out = []
        for stmt, params in calls:
            self.cur.execute(stmt.sql, stmt.args(params))
            out.append(self.cur.fetchall())
        return out

    def commit(self, calls: list[Call]) -> None:
        for stmt, params in calls:
            self.cur.execute(stmt.sql, stmt.args(params))
        self.conn.commit()


PREPARED = "lockstep_edit_prepared"  # in a pooled connection's info: the Statements it holds


class _Remote:
    """PostgreSQL: each step's statements in one text, sent with the simple query protocol:
    one round trip opens the transaction and reads, one writes, notifies and commits. The
    statements are prepared once per connection (``Statement.prepare``) and run by name,
    their values written in as literals (``_literal``: libpq's own quoting for text). The
    connection is in autocommit mode (``edit_connections``), so the transaction is the one
    these texts open; a rollback still ends it."""

    def __init__(self, conn: Any, sql: Statements) -> None:
        self.conn = conn
        driver = conn.driver_connection
        self.cur = driver.cursor()
        self.escape = pq.Escaping(driver.pgconn).escape_literal
        if conn.info.get(PREPARED) is not sql:
            # A prepared statement outlives a rollback: start clean, in case an earlier
            # attempt on this connection stopped half way.
            self.cur.execute(";".join(["DEALLOCATE ALL", *(s.prepare for s in sql.all())]))
            conn.info[PREPARED] = sql

    def _text(self, calls: list[Call]) -> list[str]:
        out = []
        for stmt, params in calls:
            values = cast(dict[str, Any], stmt.args(params))
            literals = ", ".join(_literal(values[k], self.escape) for k in stmt.slots)
            out.append(f"EXECUTE {stmt.name}({literals})")
        return out

    def read(self, calls: list[Call], *, begin: bool = False) -> list[list[Any]]:
        cur = self.cur
        cur.execute(";".join((["BEGIN"] if begin else []) + self._text(calls)))
        if begin:
            cur.nextset()  # past BEGIN's result
        out = [cur.fetchall()]
        while cur.nextset():
            out.append(cur.fetchall())
        return out

    def commit(self, calls: list[Call]) -> None:
        self.cur.execute(";".join([*self._text(calls), "COMMIT"]))


def _literal(value: Any, escape: Callable[[bytes], bytes]) -> str:
    """A value as a PostgreSQL literal; the statements cast each to its column's type."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        if "\x00" in value:  # libpq's quoting would cut the text there
            raise ValueError("a NUL character cannot be written")
        return escape(value.encode()).decode()
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'"
    raise TypeError(f"no literal for {type(value).__name__}")


def _write(
    db: _Local | _Remote, sql: Statements, run: Run, progress: Progress
) -> list[NewChange] | None:
    n = len(run.actors)
    board = run.board_id
    distinct = list(dict.fromkeys((a, p, f) for a, p, f, _ in run.cells))
    # The lock and its sequence numbers first, then the cells as they are under it.
    seq_rows, *cell_rows = db.read(
        [(sql.next_seq, {"board": board, "n": n})]
        + [(sql.cell, {"board": board, "a": a, "p": p, "f": f}) for a, p, f in distinct],
        begin=True,
    )
    if not seq_rows:
        raise NotFound("This board no longer exists")
    last, _mode, token = seq_rows[0]
    if not secrets.compare_digest(token, run.board_token):
        raise NotFound("This board no longer exists")  # SQLite reuses a deleted board's id
    first = last - n + 1
    if first <= run.known_seq or (first > run.known_seq + 1 and _others(db, sql, run, first)):
        db.conn.rollback()
        return None
    stored = {
        key: (rows[0][0] if rows else None) for key, rows in zip(distinct, cell_rows, strict=True)
    }
    now = utcnow()
    made = [
        NewChange(board, first + i, run.kind, actor.name, actor.role, created_at=now)
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
    writes: list[Call] = []
    for (a, p, f), last_slots in current.items():
        values = {"board": board, "a": a, "p": p, "f": f, "slots": last_slots, "at": now}
        had = stored[(a, p, f)]
        if had is None:
            if last_slots:
                writes.append((sql.add_cell, values))
        elif had != last_slots:
            writes.append((sql.set_cell, values))
    writes += [(sql.add_change, changes.row(ch)) for ch in made]
    payload = broker.notify_payload(board, made[-1].seq, changes.notes(made))
    if payload is not None:
        channel, text = payload
        writes.append((sql.notify, {"channel": channel, "payload": text}))
    progress.committing = True  # from here, a dropped connection may have committed
    db.commit(writes)
    return made


def _others(db: _Local | _Remote, sql: Statements, run: Run, first: int) -> bool:
    params = {"board": run.board_id, "after": run.known_seq, "before": first}
    ((count,),) = db.read([(sql.others, params)])[0]
    return bool(count)
