"""An event-stream client for tests, on httpx-sse, reading in a thread. Events go to a
queue; "presence" events (no id, not in the change log) go to a queue of their own.
``close`` shuts the socket down, so the server sees the connection drop at once, as when
a tab is closed."""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from dataclasses import dataclass

import httpx
from httpx_sse import connect_sse


@dataclass
class Event:
    id: str | None
    event: str
    data: str
    received: float


class SSEClient:
    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.presence: queue.Queue[Event] = queue.Queue()
        self.status: int | None = None
        self._socket: socket.socket | None = None
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(url, headers or {}), daemon=True)
        self._thread.start()
        if not self._opened.wait(10):
            raise TimeoutError("event stream did not open")

    def _run(self, url: str, headers: dict[str, str]) -> None:
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(10, read=None)) as client,
                connect_sse(client, "GET", url, headers=headers) as source,
            ):
                self.status = source.response.status_code
                stream = source.response.extensions.get("network_stream")
                self._socket = stream.get_extra_info("socket") if stream else None
                self._opened.set()
                if self.status != 200:
                    return
                for sse in source.iter_sse():
                    if sse.event == "message" and not sse.data:
                        continue  # a keep-alive comment: httpx-sse yields it with the last id
                    ev = Event(sse.id or None, sse.event, sse.data, time.perf_counter())
                    (self.presence if ev.event == "presence" else self.events).put(ev)
        except (httpx.HTTPError, OSError, ValueError):
            pass
        finally:
            self._opened.set()

    def next(self, timeout: float = 5.0) -> Event:
        return self.events.get(timeout=timeout)

    def drain(self, quiet: float = 0.5) -> list[Event]:
        out = []
        while True:
            try:
                out.append(self.events.get(timeout=quiet))
            except queue.Empty:
                return out

    def close(self) -> None:
        """Drop the connection now, as a closed tab does."""
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(5)
