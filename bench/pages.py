"""Render and export timings: a big board made directly in the database, two versions."""

from __future__ import annotations

import os
import random
import statistics
import time
from typing import Any

import httpx
from sqlmodel import Session

from backend.boards.models import Cell
from backend.boards.queries import load_matrix
from backend.boards.service import ActivitySpec, create_board
from backend.config import get_settings
from backend.db import get_engine


def big_board(database_url: str, activities: int, phases: int, functions: int) -> tuple[int, str]:
    """A board of the given size with about two thirds of its cells set, made directly."""
    os.environ["DATABASE_URL"] = database_url
    get_settings.cache_clear()
    get_engine.cache_clear()
    with Session(get_engine()) as s:
        board = create_board(
            s,
            title="Big board",
            phases=[f"Phase {i}" for i in range(phases)],
            functions=[f"F{i}" for i in range(functions)],
            activities=[ActivitySpec(f"Activity {i}", "x" * 60) for i in range(activities)],
        )
        v = load_matrix(s, board)
        rnd = random.Random(7)
        assert board.id is not None
        for a in v.activities:
            for p in v.phases:
                for f in v.functions:
                    if rnd.random() < 0.66:
                        s.add(
                            Cell(
                                board_id=board.id,
                                activity_id=a.id or 0,
                                phase_id=p.id or 0,
                                function_id=f.id or 0,
                                slots=rnd.choice(["O", "D", "C", "I", "OD"]),
                            )
                        )
        s.commit()
        get_engine().dispose()
        return board.id, board.facilitator_token


def publish_twice(base: str, board_id: int, token: str, changes: int) -> str:
    """Publish the board, change some cells, publish again; the viewer token."""
    hdr = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=60, headers=hdr) as http:
        data = http.get(f"/api/boards/{board_id}").json()
        http.post(f"/api/boards/{board_id}/versions", json={"label": "before"}).raise_for_status()
        rnd = random.Random(11)
        for _ in range(changes):
            http.put(
                f"/api/boards/{board_id}/cells",
                json={
                    "activity_id": rnd.choice(data["activities"])["id"],
                    "phase_id": rnd.choice(data["phases"])["id"],
                    "function_id": rnd.choice(data["functions"])["id"],
                    "letters": rnd.choice(["O", "D", "C", ""]),
                },
            ).raise_for_status()
        v = http.post(f"/api/boards/{board_id}/versions", json={"label": "after"})
        v.raise_for_status()
        return str(v.json()["viewer_url"].split("/v/")[1].split("/")[0])


async def timed_get(
    base: str,
    path: str,
    n: int,
    headers: dict[str, str] | None = None,
    edit: tuple[int, str] | None = None,
) -> dict[str, Any]:
    """Median time of ``n`` GETs; with ``edit`` (board id, token), each follows a cell edit
    (not timed), so that nothing rendered before can be reused."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        await http.get(path, headers=headers)  # warm
        cell = None
        if edit:
            auth = {"Authorization": f"Bearer {edit[1]}"}
            data = (await http.get(f"/api/boards/{edit[0]}", headers=auth)).json()
            cell = {
                "activity_id": data["activities"][0]["id"],
                "phase_id": data["phases"][0]["id"],
                "function_id": data["functions"][0]["id"],
            }
        times = []
        for i in range(n):
            if edit and cell:
                letters = "OD" if i % 2 else "C"
                r = await http.put(
                    f"/api/boards/{edit[0]}/cells", headers=auth, json={**cell, "letters": letters}
                )
                r.raise_for_status()
            t0 = time.perf_counter()
            r = await http.get(path, headers=headers)
            r.raise_for_status()
            times.append((time.perf_counter() - t0) * 1000)
        return {
            "median_ms": round(statistics.median(times), 2),
            "min_ms": round(min(times), 2),
            "bytes": len(r.content),
        }
