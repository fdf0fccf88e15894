"""The floor: the least a FastAPI + SSE stack can do, to measure Lockstep against.

- ``PUT /edit`` ({cell, letters}): a durable edit — one row written in one transaction,
  in the async handler — then one SSE event published to every subscriber (pre-encoded
  once, as Lockstep does). The database is ``FLOOR_DATABASE``: ``sqlite:///path`` (stdlib
  sqlite3, inline, with Lockstep's pragmas) or ``postgresql://...`` (psycopg 3
  AsyncConnection, a pool of four).
- ``PUT /payload``: the event's data, captured from a real Lockstep cell event with a
  placeholder where the edit's marker goes (same size, same number of ``data:`` lines).
- ``GET /events``: an in-memory queue per subscriber, as SSE.
- ``GET /ping``: a bare GET. ``GET /table``: a bare Jinja render of a board-sized table.

Run by bench/run.py; not part of the product.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from jinja2 import Environment
from pydantic import BaseModel

from bench.sse import PLACEHOLDER, mark

TABLE = Environment(autoescape=True).from_string(
    "<table>{% for r in range(rows) %}<tr><th>Activity {{ r }}</th>"
    '{% for c in range(cols) %}<td><button id="c-{{ r }}-{{ c }}">'
    "{{ 'OD' if (r + c) % 3 else '' }}</button></td>"
    "{% endfor %}</tr>{% endfor %}</table>"
)
POOL = 4


class Store:
    async def write(self, cell: str, letters: str) -> int:
        raise RuntimeError("no FLOOR_DATABASE set: the floor has no durable edit")

    async def close(self) -> None:
        return None


class SqliteStore(Store):
    """stdlib sqlite3 on the event loop, with the pragmas of backend/db.py."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        for pragma in (
            "journal_mode=WAL",
            f"synchronous={os.environ.get('SQLITE_SYNCHRONOUS', 'NORMAL')}",
            "foreign_keys=ON",
            "busy_timeout=30000",
        ):
            self.conn.execute(f"PRAGMA {pragma}")
        with self.conn:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS floor_edit (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "cell TEXT NOT NULL, letters TEXT NOT NULL, at REAL NOT NULL)"
            )

    async def write(self, cell: str, letters: str) -> int:
        with self.conn:  # one transaction, committed here
            cur = self.conn.execute(
                "INSERT INTO floor_edit (cell, letters, at) VALUES (?, ?, ?)",
                (cell, letters, time.time()),
            )
        return int(cur.lastrowid or 0)

    async def close(self) -> None:
        self.conn.close()


class PostgresStore(Store):
    """A few persistent psycopg 3 async connections, each used by one edit at a time."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.idle: asyncio.Queue[psycopg.AsyncConnection] = asyncio.Queue()
        self.all: list[psycopg.AsyncConnection] = []

    async def open(self) -> None:
        for _ in range(POOL):
            conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
            self.all.append(conn)
            self.idle.put_nowait(conn)
        await self.all[0].execute(
            "CREATE TABLE IF NOT EXISTS floor_edit (id BIGSERIAL PRIMARY KEY, "
            "cell TEXT NOT NULL, letters TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)"
        )

    async def write(self, cell: str, letters: str) -> int:
        conn = await self.idle.get()
        try:
            async with conn.transaction():  # BEGIN ... COMMIT
                cur = await conn.execute(
                    "INSERT INTO floor_edit (cell, letters, at) VALUES (%s, %s, %s) RETURNING id",
                    (cell, letters, time.time()),
                )
                row = await cur.fetchone()
        finally:
            self.idle.put_nowait(conn)
        return int(row[0]) if row else 0

    async def close(self) -> None:
        for conn in self.all:
            await conn.close()


class State:
    store: Store = Store()
    template: str = PLACEHOLDER
    subscribers: set[asyncio.Queue[bytes]] = set()


state = State()


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # The same garbage-collector settings as Lockstep (backend.app.tune_gc): without them
    # the floor's event loop stalls with many streams open, which would flatter Lockstep.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    url = os.environ.get("FLOOR_DATABASE", "")
    if url.startswith("sqlite:///"):
        state.store = SqliteStore(url.removeprefix("sqlite:///"))
    elif url.startswith("postgresql"):
        pg = PostgresStore(url.replace("postgresql+psycopg://", "postgresql://"))
        await pg.open()
        state.store = pg
    try:
        yield
    finally:
        await state.store.close()


app = FastAPI(lifespan=lifespan)


class EditIn(BaseModel):
    cell: str
    letters: str


class Saved(BaseModel):
    seq: int


def encode(seq: int, data: str) -> bytes:
    lines = [f"id: {seq}", "event: change"] + [f"data: {line}" for line in data.split("\n")]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}


@app.put("/payload")
async def payload(request: Request) -> dict[str, int]:
    text = (await request.body()).decode()
    if PLACEHOLDER not in text:
        return {"bytes": -1, "lines": -1}
    state.template = text
    return {"bytes": len(text.encode()), "lines": text.count("\n") + 1}


@app.put("/edit")
async def edit(body: EditIn) -> Saved:
    seq = await state.store.write(body.cell, body.letters)
    wire = encode(seq, state.template.replace(PLACEHOLDER, mark(body.cell, body.letters), 1))
    for q in list(state.subscribers):
        q.put_nowait(wire)
    return Saved(seq=seq)


@app.get("/events")
async def events() -> StreamingResponse:
    q: asyncio.Queue[bytes] = asyncio.Queue()
    state.subscribers.add(q)

    async def stream() -> AsyncIterator[bytes]:
        try:
            yield b": connected\r\n\r\n"
            while True:
                yield await q.get()
        finally:
            state.subscribers.discard(q)

    return StreamingResponse(stream(), media_type="text/event-stream")


@app.get("/table", response_class=HTMLResponse)
async def table(rows: int = 20, cols: int = 8) -> str:
    return TABLE.render(rows=rows, cols=cols)
