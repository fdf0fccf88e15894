"""The measurements, each driving a Side: propagation with a content check, server CPU per
edit, memory per idle connection in a fresh process, throughput and contention with wrk."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import httpx

from bench import wrk
from bench.dbcpu import session_cpu_seconds
from bench.procstat import cpu_seconds, rss_kb
from bench.screens import Screens
from bench.sides import Side, one_cell
from bench.sse import Sent, tally
from bench.stats import latency_summary


async def settle(pid: int, timeout: float = 20) -> None:
    """Wait until a server has finished what it was doing (taking connections on, or what
    an earlier run left queued): its processes under a fifth of a core for 0.2 s."""
    deadline = time.perf_counter() + timeout
    before, calm = cpu_seconds(pid), 0
    while time.perf_counter() < deadline and calm < 2:
        await asyncio.sleep(0.1)
        now = cpu_seconds(pid)
        calm = calm + 1 if now - before < 0.02 else 0
        before = now


async def _delivered(screens: Screens, last: Sent, n: int, timeout: float) -> None:
    """Wait until ``n`` screens have the last edit's event (or the timeout)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if len(screens.arrivals.get((last.key, last.seq), [])) >= n:
            return
        await asyncio.sleep(0.02)


def client_gc_off() -> None:
    """No garbage collection in this (the measuring) process while it times: a full
    collection with hundreds of streams open stops it for 60-120 ms, which lands on
    whichever side happens to be measured then (seen: one edit in a hundred, all its
    screens at once). Collected once first, so nothing is left waiting for it."""
    gc.collect()
    gc.disable()


async def _series(side: Side, screens: int, edits: int, gap: float, *, cpu: bool) -> dict[str, Any]:
    """Open ``screens`` screens, make untimed edits (the first render of a process
    compiles templates and fills caches; and one pass over the side's cells, so that every
    timed edit finds the board in the same state and its event is of the size the floor's
    payload was captured at: ``steady``), then ``edits`` timed ones, ``gap`` apart."""
    scr = Screens(side.screen_urls(screens), side.extract)
    if screens:
        await scr.open()
        await settle(side.screen_pid)
    try:
        async with httpx.AsyncClient(timeout=60) as http:
            for _ in range(max(3, len(side.cells))):
                await side.edit(http)
                await asyncio.sleep(0.05 if screens else 0)
            await asyncio.sleep(0.3)
            puts: list[float] = []
            sent: list[Sent] = []
            client_gc_off()
            db0 = session_cpu_seconds(side.db_url) if side.db_url else 0.0
            cpu0 = cpu_seconds(side.pid)
            for _ in range(edits):
                s = await side.edit(http)
                puts.append((time.perf_counter() - s.at) * 1000)
                sent.append(s)
                if gap:
                    await asyncio.sleep(gap)
            if screens:
                await _delivered(scr, sent[-1], screens, 10)
            cpu1 = cpu_seconds(side.pid)
            db1 = session_cpu_seconds(side.db_url) if side.db_url else 0.0
    finally:
        gc.enable()
        await scr.close()
    t = tally(sent, scr.arrivals, scr.per_key())
    out: dict[str, Any] = {
        "screens": screens,
        "edits": edits,
        **latency_summary(t.delays_ms),
        "correct": t.correct,
        "wrong": t.wrong,
        "missing": t.missing,
        "expected": t.expected,
        "put": latency_summary(puts),
    }
    sizes = [scr.sizes[(s.key, s.seq)] for s in sent if (s.key, s.seq) in scr.sizes]
    if sizes:  # what the timed events' data held, as delivered
        out["event_bytes"] = round(sum(b for b, _ in sizes) / len(sizes))
        out["event_lines"] = round(sum(n for _, n in sizes) / len(sizes))
    if cpu:
        out["cpu_ms_per_edit"] = round((cpu1 - cpu0) * 1000 / edits, 3)
        if side.db_url:
            out["db_cpu_ms_per_edit"] = round((db1 - db0) * 1000 / edits, 3)
    if scr.failed:
        out["screen_failures"] = scr.failed[:5]
    return out


async def propagation(side: Side, screens: int, edits: int, gap: float = 0.05) -> dict[str, Any]:
    """Delay from sending an edit to the checked event at every screen."""
    return await _series(side, screens, edits, gap, cpu=False)


async def cpu_per_edit(side: Side, screens: int, edits: int) -> dict[str, Any]:
    """Server CPU (user + system, all its processes) per edit, edits back to back with
    ``screens`` screens open; with the PUT latency and the content check."""
    return await _series(side, screens, edits, 0.0, cpu=True)


async def memory(side_boards: list[Side], pid: int, n: int) -> dict[str, Any]:
    """RSS growth per idle stream: before (after warm-up) and with ``n`` streams open,
    spread over the given boards, all subscribed."""
    async with httpx.AsyncClient(timeout=30) as http:
        for side in side_boards[:3]:
            await side.edit(http)
    warm = Screens([s.screen_url + s.stream for s in side_boards[:10]], side_boards[0].extract)
    await warm.open()
    await warm.close()
    await asyncio.sleep(1.0)
    before = rss_kb(pid)
    urls = [side_boards[i % len(side_boards)] for i in range(n)]
    scr = Screens([s.screen_url + s.stream for s in urls], side_boards[0].extract)
    await scr.open()
    try:
        await asyncio.sleep(1.5)
        after = rss_kb(pid)
    finally:
        await scr.close()
    return {
        "connections": n,
        "rss_before_kb": before,
        "rss_with_kb": after,
        "kb_per_connection": round((after - before) / n, 2),
    }


def throughput(side: Side, connections: int, seconds: int) -> dict[str, Any]:
    """Edits/s with wrk, each connection sending PUTs back to back over the side's cells."""
    asyncio.run(settle(side.pid))
    return wrk.run(
        side.edit_url,
        connections=connections,
        seconds=seconds,
        method="PUT",
        path=side.path,
        headers=side.wrk_headers(),
        bodies=side.wrk_bodies(),
    )


def bare_get(url: str, path: str, connections: int, seconds: int) -> dict[str, Any]:
    return wrk.run(url, connections=connections, seconds=seconds, path=path)


def contention(side: Side, writers: int, seconds: int) -> dict[str, Any]:
    """PUT latency with ``writers`` connections all editing one cell, and with one."""
    cell = one_cell(side)
    alone = throughput(cell, 1, seconds)
    return {"contended": throughput(cell, writers, seconds), "alone": alone}
