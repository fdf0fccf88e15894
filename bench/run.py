"""Lockstep's benchmark: the live path measured against the stack's floor.

    .venv/bin/python bench/run.py            # full run (≤ ~10 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # smaller counts, for a smoke check (≤ 2 min)

Starts the servers itself on 127.0.0.1 — Lockstep on SQLite (1 worker) and on PostgreSQL
(process A, and process B on the same database: edits to A, screens on B), the floor app
(bench/floor_app.py) on SQLite and on PostgreSQL, and fresh processes of each for memory —
and drives them from this process (live screens on raw sockets) and from wrk (every
throughput figure). Prints one table, each Lockstep figure beside the floor's with the
ratio and the issue's target, and writes bench/results/latest.json. Not part of the suite.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.exports.pdf import chromium  # noqa: E402
from bench import measure  # noqa: E402
from bench.pages import big_board, publish_twice, timed_get  # noqa: E402
from bench.report import report  # noqa: E402
from bench.sides import Side, capture, floor_side, lockstep_side, steady  # noqa: E402
from bench.sse import floor_template  # noqa: E402
from bench.stats import fit_cpu  # noqa: E402
from bench.wrk import ensure_wrk  # noqa: E402
from tests.harness import Server, migrate, pg_available, postgres_database, run_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def floor_server(tmp: Path, database: str) -> AbstractContextManager[Server]:
    return run_server(
        "sqlite://",
        tmp,
        app="bench.floor_app:app",
        health="/ping",
        env={"FLOOR_DATABASE": database},
    )


def start_all(
    stack: ExitStack, servers: list[Callable[[], AbstractContextManager[Server]]]
) -> list[Server]:
    """Start the servers two at a time (each waits for its own health check); one that
    does not come up in time on a busy machine is given a second try."""

    def start(make: Callable[[], AbstractContextManager[Server]]) -> Server:
        for attempt in (1, 2):
            cm = make()
            try:
                server = cm.__enter__()
            except RuntimeError:
                if attempt == 2:
                    raise
                continue
            stack.push(cm.__exit__)
            return server
        raise AssertionError("unreachable")

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(start, servers))


def pid(server: Server) -> int:
    return server.proc.pid


STARTED = time.perf_counter()


def step(text: str) -> None:
    print(f"· {time.perf_counter() - STARTED:5.0f} s  {text}", flush=True)


def run_memory(tmp: Path, sqlite_url: str, n: int, boards: int) -> dict[str, Any]:
    """Memory per idle connection, each side in a process of its own started for it."""
    out: dict[str, Any] = {}
    with run_server(sqlite_url, tmp) as lock:
        sides = [
            asyncio.run(lockstep_side(f"mem {i}", lock.url, pid(lock), activities=5))
            for i in range(boards)
        ]
        step("  Lockstep: boards made")
        out["lockstep"] = asyncio.run(measure.memory(sides, pid(lock), n))
    with floor_server(tmp, f"sqlite:///{tmp / 'floor-mem.db'}") as floor:
        step("  floor: started")
        side = floor_side("floor mem", floor.url, pid(floor))
        out["floor"] = asyncio.run(measure.memory([side], pid(floor), n))
    return out


def cpu_fit(series: list[dict[str, Any]]) -> dict[str, Any]:
    fit = fit_cpu([(s["screens"], s["cpu_ms_per_edit"]) for s in series])
    out = {
        "fixed_ms": round(fit.fixed_ms, 3),
        "per_screen_us": round(fit.per_screen_us, 2),
        "series": series,
    }
    if all("db_cpu_ms_per_edit" in s for s in series):
        db = fit_cpu([(s["screens"], s["db_cpu_ms_per_edit"]) for s in series])
        out["db_fixed_ms"] = round(db.fixed_ms, 3)
    return out


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
    ensure_wrk()
    if pg_available() is not None:
        sys.exit(f"PostgreSQL is not reachable ({pg_available()}): set LOCKSTEP_TEST_PG_URL")
    edits = 10 if q else 30
    seconds = 2 if q else 5
    screens = [50, 200] if q else [50, 200, 1000]
    cpu_screens = [0, 100] if q else [0, 200]
    cpu_edits = (30, 100) if q else (120, 400)  # Lockstep, the floor
    r: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "quick": q,
        "screens": screens,
        "method": {
            "wrk": f"1 thread, 50 connections, {seconds} s a figure; 20 vs 1 on one cell",
            "propagation": f"{edits} timed edits 50 ms apart after 3 untimed ones",
            "cpu": f"screens {cpu_screens}; edits back to back: Lockstep {cpu_edits[0]}, "
            f"floor {cpu_edits[1]}",
        },
    }
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmpd = Path(tmp)
        sqlite_url = f"sqlite:///{tmpd / 'bench.db'}"
        migrate(sqlite_url)
        pg_url = stack.enter_context(postgres_database())
        migrate(pg_url)
        floor_pg_url = stack.enter_context(postgres_database())

        step("databases ready; memory per idle connection (fresh processes)")
        r["memory"] = run_memory(tmpd, sqlite_url, *((200, 10) if q else (1000, 20)))

        step("starting the servers")
        floor_sq, floor_pg, lock, pg_a, pg_b = start_all(
            stack,
            [
                lambda: floor_server(tmpd, f"sqlite:///{tmpd / 'floor.db'}"),
                lambda: floor_server(tmpd, floor_pg_url),
                lambda: run_server(sqlite_url, tmpd),
                lambda: run_server(pg_url, tmpd),
                lambda: run_server(pg_url, tmpd),
            ],
        )

        def lock_sq(name: str, **kw: Any) -> Side:
            return asyncio.run(lockstep_side(name, lock.url, pid(lock), **kw))

        def lock_pg(name: str, **kw: Any) -> Side:
            return asyncio.run(lockstep_side(name, pg_a.url, pid(pg_a), db_url=pg_url, **kw))

        def lock_ab(name: str) -> Side:
            return asyncio.run(
                lockstep_side(name, pg_a.url, pid(pg_a), screen_url=pg_b.url, screen_pid=pid(pg_b))
            )

        def fl_sq() -> Side:
            return floor_side("floor sqlite", floor_sq.url, pid(floor_sq))

        def fl_pg() -> Side:
            return floor_side("floor pg", floor_pg.url, pid(floor_pg), db_url=floor_pg_url)

        step("capturing a Lockstep cell event for the floor's payload")
        # At the board's steady state: the events every timed series sends (see
        # sides.steady); the series report the sizes they delivered, both sides.
        lockstep_data = asyncio.run(capture(asyncio.run(steady(lock_sq("capture")))))
        template = floor_template(lockstep_data)
        for f in (floor_sq, floor_pg):
            httpx.put(f"{f.url}/payload", content=template.encode()).raise_for_status()
        floor_data = asyncio.run(capture(fl_sq()))
        r["event"] = {
            "lockstep": {
                "bytes": len(lockstep_data.encode()),
                "lines": len(lockstep_data.split("\n")),
            },
            "floor": {"bytes": len(floor_data.encode()), "lines": len(floor_data.split("\n"))},
        }

        step("throughput (wrk, 50 connections)")
        thr = r.setdefault("throughput", {})
        thr["floor_get"] = measure.bare_get(floor_sq.url, "/ping", 50, seconds)
        thr["floor_sqlite"] = measure.throughput(fl_sq(), 50, seconds)
        thr["lockstep_sqlite"] = measure.throughput(
            lock_sq("wrk", activities=50, every_cell=True), 50, seconds
        )
        thr["floor_pg"] = measure.throughput(fl_pg(), 50, seconds)
        thr["lockstep_pg"] = measure.throughput(
            lock_pg("wrk", activities=50, every_cell=True), 50, seconds
        )

        step("20 writers on one cell (wrk) against one")
        con = r.setdefault("contention", {})
        con["lockstep_sqlite"] = measure.contention(lock_sq("one cell"), 20, seconds)
        con["lockstep_pg"] = measure.contention(lock_pg("one cell"), 20, seconds)
        con["floor_sqlite"] = measure.contention(fl_sq(), 20, seconds)
        con["floor_pg"] = measure.contention(fl_pg(), 20, seconds)

        step("server CPU per edit")
        cpu = r.setdefault("cpu", {})
        makers: list[tuple[str, Callable[[], Side], int]] = [
            ("lockstep_sqlite", lambda: lock_sq("cpu"), cpu_edits[0]),
            ("lockstep_pg", lambda: lock_pg("cpu"), cpu_edits[0]),
            ("floor_sqlite", fl_sq, cpu_edits[1]),
            ("floor_pg", fl_pg, cpu_edits[1]),
        ]
        for key, make, n in makers:
            cpu[key] = cpu_fit(
                [asyncio.run(measure.cpu_per_edit(make(), s, n)) for s in cpu_screens]
            )

        step("propagation")
        prop = r.setdefault("propagation", {})
        for n in screens:
            prop[f"floor_sqlite_{n}"] = asyncio.run(measure.propagation(fl_sq(), n, edits))
            prop[f"lockstep_sqlite_{n}"] = asyncio.run(
                measure.propagation(lock_sq(f"prop {n}"), n, edits)
            )
            if n >= 200:
                prop[f"floor_pg_{n}"] = asyncio.run(measure.propagation(fl_pg(), n, edits))
                prop[f"lockstep_pg_{n}"] = asyncio.run(
                    measure.propagation(lock_pg(f"prop {n}"), n, edits)
                )
                prop[f"lockstep_pg_ab_{n}"] = asyncio.run(
                    measure.propagation(lock_ab(f"prop ab {n}"), n, edits)
                )
            step(f"  {n} screens done")

        step("pages")
        r["render"] = pages(lock, floor_sq, sqlite_url, q)

    step("done")
    report(r)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(r, indent=2))
    print(f"\nwrote {RESULTS / 'latest.json'}")


def pages(lock: Server, floor: Server, sqlite_url: str, q: bool) -> dict[str, Any]:
    render: dict[str, Any] = {}
    size = (50, 6, 8) if q else (200, 6, 8)
    render["big_board_size"] = "×".join(map(str, size))
    bid, btok = big_board(sqlite_url, *size)
    with httpx.Client(base_url=lock.url) as http:
        seeded = http.post("/api/boards", json={"title": "seeded"}).json()
    stok = seeded["facilitator_token"]
    render["seeded_board_page"] = asyncio.run(timed_get(lock.url, f"/f/{stok}", 30))
    render["seeded_board_page_after_edit"] = asyncio.run(
        timed_get(lock.url, f"/f/{stok}", 30, edit=(seeded["id"], stok))
    )
    render["bare_jinja_seeded_table"] = asyncio.run(
        timed_get(floor.url, "/table?rows=20&cols=8", 30)
    )
    n = 5 if q else 10
    render["big_board_page"] = asyncio.run(timed_get(lock.url, f"/f/{btok}", n))
    # The first view after a change: nothing rendered before can be reused.
    render["big_board_page_after_edit"] = asyncio.run(
        timed_get(lock.url, f"/f/{btok}", n, edit=(bid, btok))
    )
    render["bare_jinja_big_table"] = asyncio.run(
        timed_get(floor.url, f"/table?rows={size[0]}&cols={size[1] * size[2]}", n)
    )
    hdr = {"Authorization": f"Bearer {btok}"}
    for fmt in ("csv", "json", "xlsx", "md"):
        render[f"big_export_{fmt}"] = asyncio.run(
            timed_get(lock.url, f"/api/boards/{bid}/export.{fmt}", 3 if q else 5, hdr)
        )
    if not q:
        # Two published versions of the big board, 100 cells apart: the exports and the
        # comparison page carry the changes.
        viewer = publish_twice(lock.url, bid, btok, changes=100)
        render["big_version_xlsx_with_changes"] = asyncio.run(
            timed_get(lock.url, f"/api/view/{viewer}/2/export.xlsx", 5)
        )
        render["big_compare_page"] = asyncio.run(timed_get(lock.url, f"/v/{viewer}/compare", 5))
        render["big_print_page"] = asyncio.run(timed_get(lock.url, f"/v/{viewer}/2/print", 5))
        if chromium():
            render["big_version_pdf"] = asyncio.run(
                timed_get(lock.url, f"/api/view/{viewer}/2/export.pdf", 1)
            )
    return render


if __name__ == "__main__":
    main()
