"""Live screens on raw sockets (1,000 of them fit in the driver's process): each records
when every event arrived and what it says about the edited cells."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bench.sse import Found, SseParser


@dataclass
class Screens:
    """A set of open event streams. ``arrivals[(path, id)]`` lists (arrival time, cells
    found) once per screen that got that event."""

    urls: list[str]
    extract: Callable[[str], Found]
    arrivals: dict[tuple[str, int], list[tuple[float, Found]]] = field(default_factory=dict)
    subscribed: int = 0
    failed: list[str] = field(default_factory=list)
    all_in: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    events_seen: int = 0
    # (path, id) -> (bytes, lines) of the event's data as the first screen got it
    sizes: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)

    def per_key(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for u in self.urls:
            key = httpx.URL(u).path
            out[key] = out.get(key, 0) + 1
        return out

    async def open(self, timeout: float = 120) -> None:
        """Connect every screen and wait until the server has subscribed each (its first
        bytes of body come after the subscription)."""
        self.tasks = [asyncio.create_task(self._screen(u)) for u in self.urls]
        try:
            await asyncio.wait_for(self.all_in.wait(), timeout)
        except TimeoutError as exc:
            raise RuntimeError(
                f"only {self.subscribed}/{len(self.urls)} screens subscribed; {self.failed[:3]}"
            ) from exc

    async def close(self) -> None:
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def _in(self) -> None:
        self.subscribed += 1
        if self.subscribed >= len(self.urls):
            self.all_in.set()

    async def _screen(self, url: str) -> None:
        u = httpx.URL(url)
        key = u.path
        try:
            reader, writer = await asyncio.open_connection(u.host, u.port)
        except OSError as exc:
            self.failed.append(str(exc))
            return
        try:
            writer.write(
                f"GET {u.raw_path.decode()} HTTP/1.1\r\nHost: {u.host}\r\n"
                "Accept: text/event-stream\r\n\r\n".encode()
            )
            await writer.drain()
            status = await reader.readline()
            if b" 200 " not in status:
                self.failed.append(status.decode(errors="replace"))
                return
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
            parser = SseParser()
            seen: set[int] = set()
            first = True
            while True:
                size_line = await reader.readline()
                if not size_line:
                    return
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    return
                chunk = (await reader.readexactly(size + 2))[:-2]
                now = time.perf_counter()
                if first:
                    first = False
                    self._in()
                for ev in parser.feed(chunk):
                    if ev.id is None or not ev.id.isdigit() or ev.event == "presence":
                        continue
                    seq = int(ev.id)
                    if seq in seen:
                        continue
                    seen.add(seq)
                    self.events_seen += 1
                    self.arrivals.setdefault((key, seq), []).append((now, self.extract(ev.data)))
                    if (key, seq) not in self.sizes:
                        self.sizes[(key, seq)] = (len(ev.data.encode()), ev.data.count("\n") + 1)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.failed.append(repr(exc))
        finally:
            with contextlib.suppress(Exception):
                writer.close()
