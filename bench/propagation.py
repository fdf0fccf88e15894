"""Propagation: live clients on raw sockets, timed edits, delays to every client."""

from __future__ import annotations

import asyncio
import time

import httpx


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def summary(values: list[float], delivered: int, expected: int) -> dict:
    return {
        "p50_ms": round(pct(values, 50), 2),
        "p95_ms": round(pct(values, 95), 2),
        "p99_ms": round(pct(values, 99), 2),
        "max_ms": round(max(values), 2) if values else None,
        "delivered": delivered,
        "expected": expected,
    }


# --- a light SSE client on raw sockets (1,000 of them fit in one process) -------------


async def sse_client(
    url: str,
    arrivals: dict[tuple[str, int], list[float]],
    opened: asyncio.Event,
    counter: list[int],
    n: int,
    stop: asyncio.Event,
) -> None:
    u = httpx.URL(url)
    reader, writer = await asyncio.open_connection(u.host, u.port)
    path = u.raw_path.decode()
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {u.host}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    status = await reader.readline()
    assert b" 200 " in status, status
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    counter[0] += 1
    if counter[0] >= n:
        opened.set()
    pending = b""
    event_id = None
    try:
        while not stop.is_set():
            size_line = await reader.readline()
            if not size_line:
                return
            size = int(size_line.strip() or b"0", 16)
            if size == 0:
                return
            pending += (await reader.readexactly(size + 2))[:-2]
            *lines, pending = pending.split(b"\n")
            now = time.perf_counter()
            for raw in lines:
                line = raw.rstrip(b"\r")
                if line.startswith(b"id:"):
                    event_id = int(line[3:].strip())
                elif line == b"" and event_id is not None:
                    arrivals.setdefault((path.split("?")[0], event_id), []).append(now)
                    event_id = None
    finally:
        writer.close()


def settle_path(url: str) -> str:
    """A route that goes through the worker threads and the database, as an edit does
    (the floor app has neither)."""
    return "/ping" if httpx.URL(url).path == "/events" else "/readyz"


async def settle(url: httpx.URL) -> None:
    """Wait until the server has finished taking the connections on: ten quick answers in a
    row on fresh connections (so that, with several workers, every worker is asked)."""
    fast = 0
    for _ in range(400):
        async with httpx.AsyncClient(timeout=30) as http:
            t0 = time.perf_counter()
            await http.get(url)
        fast = fast + 1 if (time.perf_counter() - t0) < 0.03 else 0
        if fast >= 10:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)


async def propagation(urls: list[str], send, edits: int, gap: float = 0.05) -> dict:  # type: ignore[no-untyped-def]
    """Connect one client per url, then make ``edits`` timed edits with ``send(i)`` -> (seq, key)."""
    arrivals: dict[tuple[str, int], list[float]] = {}
    opened, stop = asyncio.Event(), asyncio.Event()
    counter = [0]
    per_key: dict[str, int] = {}
    for u in urls:
        key = httpx.URL(u).path
        per_key[key] = per_key.get(key, 0) + 1
    tasks = [
        asyncio.create_task(sse_client(u, arrivals, opened, counter, len(urls), stop)) for u in urls
    ]
    await asyncio.wait_for(opened.wait(), 60)
    await settle(httpx.URL(urls[0]).copy_with(path=settle_path(urls[0]), query=None))
    # A few untimed edits first (for the floor too): each process's first render compiles
    # templates and fills caches, which is start-up, not the live path.
    for i in range(3):
        await send(edits + i)
        await asyncio.sleep(gap)
    await asyncio.sleep(0.3)
    sent: dict[tuple[str, int], float] = {}
    for i in range(edits):
        t0 = time.perf_counter()
        key, seq = await send(i)
        sent[(key, seq)] = t0
        await asyncio.sleep(gap)
    await asyncio.sleep(1.5)
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    delays, expected = [], 0
    for (key, seq), t0 in sent.items():
        expected += per_key.get(key, 0)
        delays += [(t - t0) * 1000 for t in arrivals.get((key, seq), [])]
    return summary(delays, len(delays), expected)


# --- setting up boards ------------------------------------------------------------------


async def make_board(http: httpx.AsyncClient, title: str, **body) -> dict:  # type: ignore[no-untyped-def]
    r = await http.post("/api/boards", json={"title": title, **body})
    r.raise_for_status()
    created = r.json()
    tok = created["facilitator_token"]
    data = (
        await http.get(f"/api/boards/{created['id']}", headers={"Authorization": f"Bearer {tok}"})
    ).json()
    return {"id": created["id"], "token": tok, "data": data}


def lockstep_sender(http: httpx.AsyncClient, boards: list[dict]):  # type: ignore[no-untyped-def]
    async def send(i: int) -> tuple[str, int]:
        b = boards[i % len(boards)]
        d = b["data"]
        a = d["activities"][i % len(d["activities"])]["id"]
        r = await http.put(
            f"/api/boards/{b['id']}/cells",
            headers={"Authorization": f"Bearer {b['token']}"},
            json={
                "activity_id": a,
                "phase_id": d["phases"][0]["id"],
                "function_id": d["functions"][0]["id"],
                "letters": "OD"[i % 2],
            },
        )
        r.raise_for_status()
        return f"/boards/{b['id']}/events", r.json()["seq"]

    return send


async def lockstep_propagation(base: str, clients: int, boards: int, edits: int) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        made = [
            await make_board(http, f"bench {i}", activities=[{"name": f"A{j}"} for j in range(20)])
            for i in range(boards)
        ]
        urls = [
            f"{base}/boards/{made[i % boards]['id']}/events?token={made[i % boards]['token']}"
            for i in range(clients)
        ]
        return await propagation(urls, lockstep_sender(http, made), edits)


async def floor_propagation(base: str, clients: int, edits: int, size: int) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:

        async def send(i: int) -> tuple[str, int]:
            r = await http.post(f"/publish?size={size}")
            return "/events", r.json()["seq"]

        return await propagation([f"{base}/events"] * clients, send, edits)


async def event_size(base: str) -> int:
    """Bytes of one Lockstep cell event on a 20-activity board (the floor sends as much)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        b = await make_board(http, "size", activities=[{"name": f"A{j}"} for j in range(20)])
        d = b["data"]
        r = await http.post(
            f"/boards/{b['id']}/cells",
            headers={"X-Lockstep-Token": b["token"]},
            data={
                "activity_id": d["activities"][0]["id"],
                "phase_id": d["phases"][0]["id"],
                "function_id": d["functions"][0]["id"],
                "letters": "O",
            },
        )
        return len(r.content)
