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
import sys
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import migrate, pg_available, postgres_database, run_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"
from bench.load import bare_throughput, edit_throughput, memory_per_connection  # noqa: E402
from bench.pages import big_board, publish_twice, timed_get  # noqa: E402
from bench.propagation import event_size, floor_propagation, lockstep_propagation  # noqa: E402

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
