"""Edit throughput against the bare endpoint, and memory per idle live connection."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from bench.propagation import make_board, sse_client


async def throughput(base: str, make_request, writers: int, seconds: float) -> dict:  # type: ignore[no-untyped-def]
    done, errors = 0, 0
    deadline = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        nonlocal done, errors
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            i = k
            while time.perf_counter() < deadline:
                r = await make_request(http, i)
                if r.status_code >= 400:
                    errors += 1
                done += 1
                i += writers

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(writers)))
    elapsed = time.perf_counter() - t0
    return {"requests": done, "errors": errors, "per_second": round(done / elapsed, 1)}


async def edit_throughput(base: str, writers: int, seconds: float) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        b = await make_board(http, "writes", activities=[{"name": f"A{j}"} for j in range(50)])
    d = b["data"]
    cells = [
        (a["id"], p["id"], f["id"])
        for a in d["activities"]
        for p in d["phases"]
        for f in d["functions"]
    ]

    async def req(http: httpx.AsyncClient, i: int) -> httpx.Response:
        a, p, f = cells[i % len(cells)]
        return await http.put(
            f"/api/boards/{b['id']}/cells",
            headers={"Authorization": f"Bearer {b['token']}"},
            json={"activity_id": a, "phase_id": p, "function_id": f, "letters": "OD"[i % 2]},
        )

    return await throughput(base, req, writers, seconds)


async def bare_throughput(base: str, writers: int, seconds: float) -> dict:
    async def req(http: httpx.AsyncClient, i: int) -> httpx.Response:
        return await http.get("/ping")

    return await throughput(base, req, writers, seconds)


# --- memory -------------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def memory_per_connection(server, base: str, n: int) -> dict:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        boards = [await make_board(http, f"mem {i}", activities=[{"name": "A"}]) for i in range(50)]
    # Warm up code paths, then measure.
    await _hold(base, boards, 20, lambda: None)
    await asyncio.sleep(0.5)
    before = rss_kb(server.proc.pid)
    after = {}
    await _hold(base, boards, n, lambda: after.setdefault("kb", rss_kb(server.proc.pid)))
    per = (after["kb"] - before) * 1024 / n
    return {
        "connections": n,
        "rss_before_kb": before,
        "rss_with_kb": after["kb"],
        "bytes_per_connection": round(per),
    }


async def _hold(base: str, boards: list[dict], n: int, measure) -> None:  # type: ignore[no-untyped-def]
    arrivals: dict[int, list[float]] = {}
    opened, stop = asyncio.Event(), asyncio.Event()
    counter = [0]
    urls = [
        f"{base}/boards/{boards[i % len(boards)]['id']}/events?token={boards[i % len(boards)]['token']}"
        for i in range(n)
    ]
    tasks = [asyncio.create_task(sse_client(u, arrivals, opened, counter, n, stop)) for u in urls]
    await asyncio.wait_for(opened.wait(), 60)
    await asyncio.sleep(1.0)
    measure()
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
