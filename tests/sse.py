"""A minimal server-sent-events client for tests, on a plain socket so that closing it
drops the connection at once, as a closed tab does. Events go to a queue; "presence"
events (no id, not in the change log) go to a queue of their own."""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


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
        self._opened = threading.Event()
        parts = urlsplit(url)
        self._sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
        self._sock.settimeout(None)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: text/event-stream\r\n{extra}\r\n".encode()
        )
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._opened.wait(10):
            raise TimeoutError("event stream did not open")

    def _run(self) -> None:
        reader = self._sock.makefile("rb")
        try:
            status = reader.readline()
            self.status = int(status.split()[1]) if status else None
            chunked = False
            while (line := reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"transfer-encoding:") and b"chunked" in line.lower():
                    chunked = True
            self._opened.set()
            if self.status != 200:
                return
            buffer = b""
            fields: dict[str, str] = {}
            data: list[str] = []
            while True:
                if chunked:
                    size = int(reader.readline().strip() or b"0", 16)
                    if size == 0:
                        return
                    buffer += reader.read(size + 2)[:-2]
                else:
                    chunk = reader.read1(65536)
                    if not chunk:
                        return
                    buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    line = raw.rstrip(b"\r").decode()
                    if line == "":
                        if data:  # as browsers do: no data line, no event
                            ev = Event(
                                fields.get("id"),
                                fields.get("event", "message"),
                                "\n".join(data),
                                time.perf_counter(),
                            )
                            (self.presence if ev.event == "presence" else self.events).put(ev)
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
        except (OSError, ValueError):
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
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._sock.close()
