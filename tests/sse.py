"""A minimal server-sent-events client for tests: reads a stream on a thread into a queue."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from dataclasses import dataclass

import httpx


@dataclass
class Event:
    id: str | None
    event: str
    data: str
    received: float


class SSEClient:
    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.presence: queue.Queue[Event] = queue.Queue()  # "presence" events, kept apart
        self._stop = threading.Event()
        self._opened = threading.Event()
        self.status: int | None = None
        self._response: httpx.Response | None = None
        self._thread = threading.Thread(target=self._run, args=(url, headers or {}), daemon=True)
        self._thread.start()
        if not self._opened.wait(10):
            raise TimeoutError("event stream did not open")

    def _run(self, url: str, headers: dict[str, str]) -> None:
        try:
            with httpx.stream(
                "GET", url, headers=headers, timeout=httpx.Timeout(5, read=None)
            ) as r:
                self.status = r.status_code
                self._opened.set()
                if r.status_code != 200:
                    return
                fields: dict[str, str] = {}
                data: list[str] = []
                for line in r.iter_lines():
                    if self._stop.is_set():
                        return
                    if line == "":
                        if fields.get("event") == "presence":
                            self.presence.put(
                                Event(None, "presence", "\n".join(data), time.perf_counter())
                            )
                        elif data:  # as browsers do: no data line, no event
                            self.events.put(
                                Event(
                                    fields.get("id"),
                                    fields.get("event", "message"),
                                    "\n".join(data),
                                    time.perf_counter(),
                                )
                            )
                        fields, data = {}, []
                    elif line.startswith(":"):
                        continue
                    else:
                        name, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if name == "data":
                            data.append(value)
                        else:
                            fields[name] = value
        except httpx.HTTPError:
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
        self._stop.set()
        if self._response is not None:
            # Closing from another thread may race the reader; either way the socket goes.
            with contextlib.suppress(Exception):
                self._response.close()
