"""The floor: the least a FastAPI + SSE stack can do, to measure Lockstep against.

An in-memory queue per subscriber, a publish endpoint, a bare GET, and a bare Jinja
render of a table the size of a board. Run by bench/run.py; not part of the product.
"""

from __future__ import annotations

import asyncio
import itertools

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from jinja2 import Environment

app = FastAPI()
subscribers: set[asyncio.Queue[tuple[int, str]]] = set()
counter = itertools.count(1)
TABLE = Environment(autoescape=True).from_string(
    "<table>{% for r in range(rows) %}<tr><th>Activity {{ r }}</th>"
    "{% for c in range(cols) %}<td><button id=\"c-{{ r }}-{{ c }}\">{{ 'OD' if (r + c) % 3 else '' }}</button></td>"
    "{% endfor %}</tr>{% endfor %}</table>"
)


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}


@app.post("/publish")
async def publish(size: int = 200) -> dict[str, int]:
    n = next(counter)
    data = "x" * size
    for q in list(subscribers):
        q.put_nowait((n, data))
    return {"seq": n}


@app.get("/events")
async def events(request: Request) -> StreamingResponse:
    q: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    subscribers.add(q)

    async def stream():  # type: ignore[no-untyped-def]
        try:
            yield ": hi\n\n"
            while True:
                n, data = await q.get()
                yield f"id: {n}\nevent: change\ndata: {data}\n\n"
        finally:
            subscribers.discard(q)

    return StreamingResponse(stream(), media_type="text/event-stream")


@app.get("/table", response_class=HTMLResponse)
async def table(rows: int = 20, cols: int = 8) -> str:
    return TABLE.render(rows=rows, cols=cols)
