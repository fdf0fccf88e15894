"""Database engine and the session dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cache
from typing import Annotated

from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import Depends
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from backend.config import get_settings


def make_engine(url: str, *, pre_ping: bool = True, name: str | None = None) -> Engine:
    if url.startswith("sqlite"):
        synchronous = get_settings().sqlite_synchronous
        # A SQLite connection is a file handle: never make a request wait for one. (With a
        # capped pool, a burst of requests can hold every connection while each waits for a
        # worker thread, and every thread wait for a connection: nothing moves.)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=20,
            max_overflow=-1,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # DB_POOL_SIZE kept open (10); beyond that, a connection per request in a burst, closed
    # after. Never a wait for one (for the reason above): uncapped (DB_MAX_OVERFLOW=-1, the
    # default), PostgreSQL's max_connections caps the burst; capped, a request past
    # DB_POOL_SIZE + DB_MAX_OVERFLOW fails its checkout at once (pool_timeout=0). Either way
    # it is answered 503 at once instead of everyone waiting. Sizing: README, "Operations".
    settings = get_settings()
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=0,
        pool_pre_ping=pre_ping,
        connect_args={"application_name": name} if name else {},
    )


@cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


async def get_session() -> AsyncIterator[Session]:
    """A session per request. Making one does no I/O, so it is made on the event loop (a
    sync generator dependency would be entered and left on worker threads: two hops per
    request). A session still holding a connection (a read left its transaction open) is
    closed on a worker thread: handing the connection back may talk to the database."""
    session = Session(get_engine(), expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            # On threads of its own: if closing waited for the request threads, and those
            # all waited for a connection that only a close gives back, nothing would move.
            with CancelScope(shield=True):
                await to_thread.run_sync(session.close, limiter=_closing())
        else:
            session.close()


@cache
def _closing() -> CapacityLimiter:
    return CapacityLimiter(20)


SessionDep = Annotated[Session, Depends(get_session)]
