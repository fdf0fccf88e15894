"""The two sides of every comparison: a Lockstep board (edits by ``PUT
/api/boards/{id}/cells``) and the floor (``PUT /edit``), behind one shape so that every
measurement drives both the same way."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.screens import Screens
from bench.sse import Found, Sent, cell_id, floor_marks, lockstep_cells


@dataclass
class Side:
    name: str
    edit_url: str  # the server that takes the edits
    screen_url: str  # the server the screens listen to (another process: LISTEN/NOTIFY)
    pid: int  # the edit server's process, for its CPU
    screen_pid: int  # the screens' server's process
    path: str  # where an edit is sent (PUT)
    stream: str  # the event stream's path and query
    headers: dict[str, str]
    cells: list[tuple[str, dict[str, Any]]]  # (cell id, the body's fields but the letters)
    letters: tuple[str, str]
    extract: Callable[[str], Found]
    db_url: str | None = None  # a PostgreSQL database: its sessions' CPU is read too
    n: int = 0  # edits made so far: every visit to a cell flips its letters
    board_id: int | None = None
    token: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def body(self, k: int, letters: str) -> dict[str, Any]:
        return {**self.cells[k % len(self.cells)][1], "letters": letters}

    def next_edit(self) -> tuple[str, str, dict[str, Any]]:
        i = self.n
        self.n += 1
        k = i % len(self.cells)
        letters = self.letters[(i // len(self.cells)) % 2]
        return self.cells[k][0], letters, self.body(k, letters)

    async def edit(self, http: httpx.AsyncClient) -> Sent:
        cell, letters, body = self.next_edit()
        at = time.perf_counter()
        r = await http.put(self.edit_url + self.path, json=body, headers=self.headers)
        r.raise_for_status()
        return Sent(httpx.URL(self.stream).path, int(r.json()["seq"]), at, cell, letters)

    def wrk_bodies(self) -> list[tuple[str, str]]:
        """Each cell's body with the first letters and with the second, for wrk."""
        return [
            (json.dumps(self.body(k, self.letters[0])), json.dumps(self.body(k, self.letters[1])))
            for k in range(len(self.cells))
        ]

    def wrk_headers(self) -> dict[str, str]:
        return {**self.headers, "Content-Type": "application/json"}

    def screen_urls(self, n: int) -> list[str]:
        return [self.screen_url + self.stream] * n


async def lockstep_side(
    name: str,
    edit_url: str,
    pid: int,
    *,
    screen_url: str | None = None,
    screen_pid: int | None = None,
    db_url: str | None = None,
    activities: int = 20,
    every_cell: bool = False,
) -> Side:
    """A new board on Lockstep: edits go to one cell per activity (first phase, first
    function), or to every cell of the board with ``every_cell``."""
    async with httpx.AsyncClient(base_url=edit_url, timeout=60) as http:
        r = await http.post(
            "/api/boards",
            json={"title": name, "activities": [{"name": f"A{j}"} for j in range(activities)]},
        )
        r.raise_for_status()
        made = r.json()
        auth = {"Authorization": f"Bearer {made['facilitator_token']}"}
        data = (await http.get(f"/api/boards/{made['id']}", headers=auth)).json()
        frameworks = (await http.get("/api/frameworks")).json()
    roles = next(f for f in frameworks if f["key"] == made["framework"])["roles"]
    phases = data["phases"] if every_cell else data["phases"][:1]
    functions = data["functions"] if every_cell else data["functions"][:1]
    cells = [
        (
            cell_id(a["id"], p["id"], f["id"]),
            {"activity_id": a["id"], "phase_id": p["id"], "function_id": f["id"]},
        )
        for a in data["activities"]
        for p in phases
        for f in functions
    ]
    return Side(
        name=name,
        edit_url=edit_url,
        screen_url=screen_url or edit_url,
        pid=pid,
        screen_pid=screen_pid or pid,
        path=f"/api/boards/{made['id']}/cells",
        stream=f"/boards/{made['id']}/events?token={made['facilitator_token']}",
        headers=auth,
        cells=cells,
        letters=(roles[0]["letter"], roles[1]["letter"]),
        extract=lockstep_cells,
        db_url=db_url,
        board_id=made["id"],
        token=made["facilitator_token"],
        data=data,
    )


def floor_side(
    name: str, url: str, pid: int, *, cells: int = 20, db_url: str | None = None
) -> Side:
    ids = [cell_id(k + 1, 1, 1) for k in range(cells)]
    return Side(
        name=name,
        edit_url=url,
        screen_url=url,
        pid=pid,
        screen_pid=pid,
        path="/edit",
        stream="/events",
        headers={},
        cells=[(c, {"cell": c}) for c in ids],
        letters=("O", "D"),
        extract=floor_marks,
        db_url=db_url,
    )


def one_cell(side: Side) -> Side:
    """The same side with every edit on its first cell (writers contending for it)."""
    return Side(**{**side.__dict__, "cells": side.cells[:1], "n": 0})


async def steady(side: Side) -> Side:
    """The side after one pass of edits over its cells: the board as every timed series
    has it (``measure._series`` makes the same pass first). A cell edit's event carries the
    board's rule findings, so it grows while the board fills and is of one size after."""
    async with httpx.AsyncClient(timeout=30) as http:
        for _ in range(len(side.cells)):
            await side.edit(http)
    return side


async def capture(side: Side) -> str:
    """The data of the event one edit sends to a screen, as it arrived."""
    got: list[str] = []

    def keep(data: str) -> Found:
        got.append(data)
        return ()

    screens = Screens(side.screen_urls(1), keep)
    await screens.open()
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            await side.edit(http)
            for _ in range(100):
                if got:
                    break
                await asyncio.sleep(0.05)
    finally:
        await screens.close()
    if not got:
        raise RuntimeError(f"{side.name}: no event arrived after an edit")
    return got[0]
