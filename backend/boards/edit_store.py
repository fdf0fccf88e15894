"""The edit path's transaction (``cell_edit.quick_set_cells``) in plain DBAPI calls.

It runs on every click in the room. Through the ORM's session its handful of statements
cost several times the database's own work, so here they run on a pooled connection's
DBAPI cursor instead: the same statements, compiled once per dialect from the same tables
(``cell_store``, ``changes.service``), with the same type processing, so what they write
is what the session would have written. On PostgreSQL they go in pipeline mode: one round
trip for the lock and the reads, one for the writes, the NOTIFY and the commit.

Its connections, and what a database error comes out as, are ``edit_connections``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

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
        progress = Progress()
        try:
            with (
                changes.sqlite_writer(wait=wait) if sqlite else nullcontext(),
                connection(engine, progress) as conn,
            ):
                if sqlite:
                    made = _write(conn, sql, run, progress)
                else:
                    with conn.driver_connection.pipeline():
                        made = _write(conn, sql, run, progress)
        except Disconnected as gone:
            if attempt == 2:
                raise translated(gone.error, engine.dialect, gone=True) from gone.error
            continue
        if made:
            changes.announce(made)
        return made
    raise AssertionError("unreachable")


def _write(conn: Any, sql: Statements, run: Run, progress: Progress) -> list[NewChange] | None:
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
            both.sql,
            both.args({**values, **changes.row(made[0]), "channel": channel, "payload": text}),
        )
    else:
        for how, statement in (("add", sql.add_cell), ("set", sql.set_cell)):
            rows = [statement.args(values) for h, values in writes if h == how]
            if rows:
                cur.executemany(statement.sql, rows)
        cur.executemany(sql.add_change.sql, [sql.add_change.args(changes.row(ch)) for ch in made])
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
