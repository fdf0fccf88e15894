"""Where the edit path (``edit_store``) takes its database connections, and what a database
error comes out as: SQLAlchemy's own exception (``IntegrityError``, ``OperationalError``...),
as from a session, after a rollback; a dropped connection is thrown away rather than handed
back to the pool."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError

# The edit path's own PostgreSQL connections (``_Connections``): a batch takes one for a few
# milliseconds, so a few serve a worker; past them a batch waits (README, "Sizing database
# connections", counts them).
POOL_NAME = "lockstep-edits"  # their application_name
POOL_SIZE = 2  # kept open
POOL_CONNECTIONS = 4  # at most, a worker
POOL_WAIT_SECONDS = 10.0


class _Connections:
    """Where the edit path takes its connections, for one engine of the app.

    SQLite: one connection, kept open: every write holds the process's writer lock, so it
    is never used by two at once, and a checkout per edit costs as much as its statements.
    PostgreSQL: a pool of its own, in autocommit mode, that does not ping the server before
    every checkout, as the app's engine does (a round trip: a third of an edit's database
    time). A dropped connection shows at its first statement instead, before a commit is
    sent, and the run is tried once more on a fresh one (``edit_store.write_run``). Both go
    when the engine is disposed.
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
                    # The edit path opens and ends its transactions in its own statements.
                    isolation_level="AUTOCOMMIT",
                    # The edit path quotes text itself (edit_store._literal), as UTF-8.
                    connect_args={"application_name": POOL_NAME, "client_encoding": "utf8"},
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
class Progress:
    committing: bool = False


@contextmanager
def connection(engine: Engine, progress: Progress) -> Iterator[Any]:
    """A connection for one transaction: rolled back on any error, which comes out as
    SQLAlchemy's exception for it, or as ``Disconnected`` when the connection was found
    dropped before the commit was sent (nothing was written: the run may go again)."""
    dialect = engine.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    source = connections(engine)
    try:
        conn = source.take()
    except dbapi_error as exc:
        raise translated(exc, dialect, gone=dialect.is_disconnect(exc, None, None)) from exc
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
        raise translated(exc, dialect, gone=gone) from exc
    except BaseException:
        _rollback(source, conn)
        raise
    else:
        source.give_back(conn)


def translated(exc: Exception, dialect: Dialect, *, gone: bool) -> DBAPIError:
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
