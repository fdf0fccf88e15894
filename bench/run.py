"""Lockstep's benchmark: the live path measured against the stack's floor.

    .venv/bin/python bench/run.py            # full run (a few minutes)
    .venv/bin/python bench/run.py --quick    # smaller counts, for a smoke check

Starts the servers itself on 127.0.0.1 — Lockstep on SQLite (1 worker) and on
PostgreSQL (2 workers), and the floor app (bench/floor_app.py) — and drives them from
this process with bounded loops. Prints a table and writes bench/results/latest.json.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import migrate, pg_available, postgres_database, run_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"


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


# --- throughput -------------------------------------------------------------------------


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


# --- render and export --------------------------------------------------------------------


def big_board(database_url: str, activities: int, phases: int, functions: int) -> tuple[int, str]:
    """A board of the given size with about two thirds of its cells set, made directly."""
    os.environ["DATABASE_URL"] = database_url
    from backend.config import get_settings
    from backend.db import get_engine

    get_settings.cache_clear()
    get_engine.cache_clear()
    from sqlmodel import Session

    from backend.boards.models import Cell
    from backend.boards.service import ActivitySpec, create_board

    with Session(get_engine()) as s:
        board = create_board(
            s,
            title="Big board",
            phases=[f"Phase {i}" for i in range(phases)],
            functions=[f"F{i}" for i in range(functions)],
            activities=[ActivitySpec(f"Activity {i}", "x" * 60) for i in range(activities)],
        )
        from backend.boards.queries import load_matrix

        v = load_matrix(s, board)
        rnd = random.Random(7)
        for a in v.activities:
            for p in v.phases:
                for f in v.functions:
                    if rnd.random() < 0.66:
                        s.add(
                            Cell(
                                board_id=board.id,
                                activity_id=a.id,
                                phase_id=p.id,
                                function_id=f.id,
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
        return v.json()["viewer_url"].split("/v/")[1].split("/")[0]


async def timed_get(
    base: str, path: str, n: int, headers: dict | None = None, edit: tuple | None = None
) -> dict:
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


# --- the run --------------------------------------------------------------------------------


def main() -> None:
    # The driver's own garbage collections would show up as delivery delays: keep them
    # small, as the server does (backend.app.tune_gc).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    args = ap.parse_args()
    q = args.quick
    edits = 10 if q else 30
    seconds = 2.0 if q else 5.0
    sizes = [50] if q else [50, 200]
    wide = (200, 10) if q else (1000, 50)
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "quick": q,
    }
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmpd = Path(tmp)
        sqlite_url = f"sqlite:///{tmpd / 'bench.db'}"
        migrate(sqlite_url)
        floor = stack.enter_context(
            run_server("sqlite://", tmpd, app="bench.floor_app:app", health="/ping")
        )
        lock = stack.enter_context(run_server(sqlite_url, tmpd))
        pg = None
        if pg_available() is None:
            pg_url = stack.enter_context(postgres_database())
            migrate(pg_url)
            pg = stack.enter_context(run_server(pg_url, tmpd, workers=2))
        else:
            print("PostgreSQL not reachable: skipping the two-worker runs")

        size = asyncio.run(event_size(lock.url))
        results["event_bytes"] = size
        prop = results.setdefault("propagation", {})
        for n in sizes:
            prop[f"floor_{n}"] = asyncio.run(floor_propagation(floor.url, n, edits, size))
            prop[f"sqlite_{n}"] = asyncio.run(lockstep_propagation(lock.url, n, 1, edits))
            if pg:
                prop[f"pg2_{n}"] = asyncio.run(lockstep_propagation(pg.url, n, 1, edits))
        clients, boards = wide
        prop[f"sqlite_{clients}_over_{boards}"] = asyncio.run(
            lockstep_propagation(lock.url, clients, boards, edits * 2)
        )
        if pg:
            prop[f"pg2_{clients}_over_{boards}"] = asyncio.run(
                lockstep_propagation(pg.url, clients, boards, edits * 2)
            )

        thr = results.setdefault("throughput", {})
        thr["floor_get"] = asyncio.run(bare_throughput(floor.url, 50, seconds))
        thr["sqlite_edits"] = asyncio.run(edit_throughput(lock.url, 50, seconds))
        if pg:
            thr["pg2_edits"] = asyncio.run(edit_throughput(pg.url, 50, seconds))

        results["memory"] = asyncio.run(memory_per_connection(lock, lock.url, 200 if q else 1000))

        render = results.setdefault("render", {})
        bid, btok = big_board(sqlite_url, *((50, 6, 8) if q else (200, 6, 8)))
        with httpx.Client(base_url=lock.url) as http:
            seeded = http.post("/api/boards", json={"title": "seeded"}).json()
        render["seeded_board_page"] = asyncio.run(
            timed_get(lock.url, f"/f/{seeded['facilitator_token']}", 30)
        )
        render["big_board_page"] = asyncio.run(timed_get(lock.url, f"/f/{btok}", 5 if q else 10))
        # The first view after a change renders everything again (no cached screen).
        render["big_board_page_after_edit"] = asyncio.run(
            timed_get(lock.url, f"/f/{btok}", 5 if q else 10, edit=(bid, btok))
        )
        render["seeded_board_page_after_edit"] = asyncio.run(
            timed_get(
                lock.url,
                f"/f/{seeded['facilitator_token']}",
                30,
                edit=(seeded["id"], seeded["facilitator_token"]),
            )
        )
        render["bare_jinja_big_table"] = asyncio.run(
            timed_get(floor.url, "/table?rows=200&cols=48", 10)
        )
        render["bare_jinja_seeded_table"] = asyncio.run(
            timed_get(floor.url, "/table?rows=20&cols=8", 30)
        )
        hdr = {"Authorization": f"Bearer {btok}"}
        for fmt in ("csv", "json", "xlsx", "md"):
            render[f"big_export_{fmt}"] = asyncio.run(
                timed_get(lock.url, f"/api/boards/{bid}/export.{fmt}", 5, hdr)
            )
        # Two published versions of the big board, 100 cells apart: the exports and the
        # comparison page carry the changes.
        viewer = publish_twice(lock.url, bid, btok, changes=100)
        render["big_version_xlsx_with_changes"] = asyncio.run(
            timed_get(lock.url, f"/api/view/{viewer}/2/export.xlsx", 5)
        )
        render["big_compare_page"] = asyncio.run(timed_get(lock.url, f"/v/{viewer}/compare", 5))
        render["big_print_page"] = asyncio.run(timed_get(lock.url, f"/v/{viewer}/2/print", 5))
        from backend.exports.pdf import chromium

        if chromium():
            render["big_version_pdf"] = asyncio.run(
                timed_get(lock.url, f"/api/view/{viewer}/2/export.pdf", 1)
            )

    report(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2))
    print(f"\nwrote {RESULTS / 'latest.json'}")


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


def report(r: dict) -> None:
    prop, thr, render, mem = r["propagation"], r["throughput"], r["render"], r["memory"]
    print(f"\nLockstep benchmark · {r['date']} · {r['machine']}{' · QUICK' if r['quick'] else ''}")
    print(f"event size: {r['event_bytes']} bytes (the floor sends the same)\n")
    print(
        f"{'propagation':<28}{'delivered':>14}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'p99/floor':>11}"
    )
    for key, v in prop.items():
        n = key.split("_")[1]
        floor = prop.get(f"floor_{n}", {}).get("p99_ms")
        rel = ratio(v["p99_ms"], floor) if not key.startswith("floor") and "over" not in key else ""
        print(
            f"{key:<28}{v['delivered']:>7}/{v['expected']:<6}{v['p50_ms']:>9}{v['p95_ms']:>9}{v['p99_ms']:>9}{v['max_ms']:>9}{rel:>11}"
        )
    print(
        f"\n{'throughput (50 concurrent)':<28}{'requests':>10}{'errors':>8}{'per s':>10}{'vs bare GET':>13}"
    )
    bare = thr["floor_get"]["per_second"]
    for key, v in thr.items():
        print(
            f"{key:<28}{v['requests']:>10}{v['errors']:>8}{v['per_second']:>10}{ratio(v['per_second'], bare):>13}"
        )
    print(
        f"\nmemory: {mem['bytes_per_connection']} bytes per idle live connection ({mem['connections']} connections)"
    )
    print(f"\n{'render / export':<32}{'median ms':>11}{'bytes':>10}")
    for key, v in render.items():
        print(f"{key:<32}{v['median_ms']:>11}{v['bytes']:>10}")
    big, bare_big = (
        render["big_board_page"]["median_ms"],
        render["bare_jinja_big_table"]["median_ms"],
    )
    after = render["big_board_page_after_edit"]["median_ms"]
    print(f"\nbig board page vs bare render: {ratio(big, bare_big)} unchanged board, ", end="")
    print(f"{ratio(after, bare_big)} first view after an edit")


if __name__ == "__main__":
    main()
