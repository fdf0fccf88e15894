"""All configuration, read from environment variables (prefix-free, see README)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{ROOT / 'lockstep.db'}"
    # Live fan-out: "auto" (SQLite: in-process; PostgreSQL: LISTEN/NOTIFY), "memory", "postgres".
    broker: str = "auto"
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""  # base URL printed in links; defaults to http://host:port
    # Without PUBLIC_URL, links follow a request's Host only when it names this server: HOST,
    # one of these (comma-separated), or localhost when HOST is a loopback address.
    allowed_hosts: str = ""
    create_demo_board: bool = True
    # How many missed changes a reconnecting client is replayed before it gets a full refresh.
    replay_limit: int = 500
    # Per-subscriber queue size; a client that falls further behind gets a full refresh.
    subscriber_queue: int = 256
    sse_ping_seconds: float = 15.0
    # SQLite in WAL mode: NORMAL syncs at checkpoints, not on every commit; a crash of the
    # app loses nothing, a power cut may lose the last moments. FULL syncs every commit.
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    # Server-side PDF export prints the print page with headless Chromium (Debian's
    # ``chromium``); empty: look for it on PATH. Without it, browsers still print to PDF.
    chromium_path: str = ""
    pdf_timeout_seconds: float = 60.0
    # PostgreSQL connections per worker process: kept open, and opened beyond that for a
    # burst. -1: no cap (PostgreSQL's max_connections is the cap). With a cap, a request
    # past it is answered 503 at once, never queued (see backend/db.py).
    db_pool_size: int = 10
    db_max_overflow: int = -1
    # Logs: "json" (one object a line), "text" (for a terminal), or "auto": text when
    # stderr is a terminal, JSON otherwise (containers, files, systemd).
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: str = "INFO"
    # New boards (create or import, no token needed) per client address and process: a
    # token bucket holding NEW_BOARDS_BURST, refilled at NEW_BOARDS_PER_MINUTE.
    new_boards_per_minute: float = 10.0
    new_boards_burst: int = 30

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def broker_kind(self) -> str:
        if self.broker == "auto":
            return "memory" if self.is_sqlite else "postgres"
        if self.broker not in ("memory", "postgres"):
            raise ValueError(f"BROKER must be auto, memory or postgres, not {self.broker!r}")
        return self.broker

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def trusts_host(self, hostname: str) -> bool:
        names = {self.host.lower()} | {
            h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()
        }
        if self.host in LOOPBACK:
            names |= LOOPBACK
        return hostname.lower() in names

    def link_base(self, request_base: str, hostname: str | None) -> str:
        """The base of the links an answer shows: PUBLIC_URL; else the request's own base
        when its Host names this server (``trusts_host``); else http://HOST:PORT. A forged
        Host header never ends up in a link."""
        if self.public_url or not hostname or not self.trusts_host(hostname):
            return self.base_url
        return request_base.rstrip("/")


@cache
def get_settings() -> Settings:
    return Settings()
