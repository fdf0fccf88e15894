"""Edit-to-screen propagation on one board: N live clients, timed edits.

    .venv/bin/python bench/propagation.py [--clients 50] [--edits 30] [--database-url URL]

Starts Lockstep itself (uvicorn, one worker) on a free port, connects N SSE clients from
this process, makes timed edits over HTTP one after another, and prints p50/p95/p99/max
of the delay from sending the edit to the parsed event at each client, plus
delivered/expected. Not part of the test suite. Writes bench/results/propagation.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness import migrate, run_server  # noqa: E402


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def client(
    url: str,
    ready: asyncio.Event,
    counter: list[int],
    n: int,
    arrivals: dict[int, list[float]],
    done: asyncio.Event,
) -> None:
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as http,
        http.stream("GET", url) as r,
    ):
        counter[0] += 1
        if counter[0] == n:
            ready.set()
        event_id = None
        async for line in r.aiter_lines():
            if line.startswith("id:"):
                event_id = int(line[3:].strip())
            elif line == "" and event_id is not None:
                arrivals.setdefault(event_id, []).append(time.perf_counter())
                event_id = None
            if done.is_set():
                return


async def run(base: str, clients: int, edits: int) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        created = (
            await http.post("/api/boards", json={"title": "bench", "activities": [{"name": "A"}]})
        ).json()
        tok = created["facilitator_token"]
        board = (
            await http.get(
                f"/api/boards/{created['id']}", headers={"Authorization": f"Bearer {tok}"}
            )
        ).json()
        seq = board["seq"]
        a, p, f = (
            board["activities"][0]["id"],
            board["phases"][0]["id"],
            board["functions"][0]["id"],
        )
        url = f"{base}/boards/{created['id']}/events?token={tok}&since={seq}"
        ready, done = asyncio.Event(), asyncio.Event()
        arrivals: dict[int, list[float]] = {}
        counter = [0]
        tasks = [
            asyncio.create_task(client(url, ready, counter, clients, arrivals, done))
            for _ in range(clients)
        ]
        await asyncio.wait_for(ready.wait(), 30)
        await asyncio.sleep(0.5)
        sent: dict[int, float] = {}
        for i in range(edits):
            t0 = time.perf_counter()
            r = await http.put(
                f"/api/boards/{created['id']}/cells",
                headers={"Authorization": f"Bearer {tok}"},
                json={"activity_id": a, "phase_id": p, "function_id": f, "letters": "OD"[i % 2]},
            )
            sent[r.json()["seq"]] = t0
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        done.set()
        for t in tasks:
            t.cancel()
        delays = [(t - sent[s]) * 1000 for s, ts in arrivals.items() if s in sent for t in ts]
        return {
            "clients": clients,
            "edits": edits,
            "delivered": len(delays),
            "expected": clients * edits,
            "p50_ms": round(pct(delays, 50), 1),
            "p95_ms": round(pct(delays, 95), 1),
            "p99_ms": round(pct(delays, 99), 1),
            "max_ms": round(max(delays), 1) if delays else None,
            "mean_ms": round(statistics.fmean(delays), 1) if delays else None,
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 50])
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        migrate(url)
        results = []
        with run_server(url, Path(tmp)) as server:
            for n in args.clients:
                results.append(asyncio.run(run(server.url, n, args.edits)))
    print(
        f"{'clients':>8} {'delivered':>12} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    for r in results:
        print(
            f"{r['clients']:>8} {r['delivered']:>5}/{r['expected']:<6} {r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r['p99_ms']:>8} {r['max_ms']:>8}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "propagation.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
