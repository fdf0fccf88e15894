"""Test harness: throwaway databases (SQLite file or a fresh PostgreSQL database) and
real uvicorn servers on free ports."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get(
    "LOCKSTEP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = bool(os.environ.get("CI"))


def pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect(_plain(PG_ADMIN_URL), connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).strip().splitlines()[0]


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def postgres_database() -> Iterator[str]:
    import psycopg

    reason = pg_available()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but not reachable: {reason}")
        pytest.skip(
            f"PostgreSQL not reachable at {PG_ADMIN_URL} ({reason}); set LOCKSTEP_TEST_PG_URL"
        )
    name = f"lockstep_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(_plain(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(PG_ADMIN_URL, name)
    finally:
        with psycopg.connect(_plain(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    from backend.__main__ import migrate as run_migrations

    run_migrations(url)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.proc = proc
        self.log = log

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@contextmanager
def run_server(
    database_url: str,
    tmp: Path,
    *,
    workers: int = 1,
    env: dict | None = None,
    app: str = "backend.app:app",
    health: str = "/healthz",
) -> Iterator[Server]:
    """Start uvicorn serving ``app`` as a separate process and wait until it answers."""
    port = free_port()
    log = tmp / f"server-{port}.log"
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CREATE_DEMO_BOARD": "false",
        "NEW_BOARDS_BURST": "100000",  # the suite makes many boards from one address
        **(env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--timeout-graceful-shutdown",
        "2",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{log.read_text()}")
            try:
                if httpx.get(server.url + health, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        server.stop()


class TcpProxy:
    """A TCP relay on 127.0.0.1 that can be cut and restored, to take a database away
    from a running server and give it back."""

    def __init__(self, target_port: int, port: int | None = None) -> None:
        import threading

        self.target_port = target_port
        self.port = port or free_port()
        self._thread: threading.Thread | None = None
        self._loop = None
        self._server = None
        self._writers: set = set()

    def start(self) -> None:
        import asyncio
        import threading

        started = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop

            async def pipe(reader, writer) -> None:
                try:
                    while data := await reader.read(65536):
                        writer.write(data)
                        await writer.drain()
                except (ConnectionError, OSError):
                    pass
                finally:
                    writer.close()

            async def handle(client_r, client_w) -> None:
                try:
                    server_r, server_w = await asyncio.open_connection(
                        "127.0.0.1", self.target_port
                    )
                except OSError:
                    client_w.close()
                    return
                self._writers.update({client_w, server_w})
                await asyncio.gather(pipe(client_r, server_w), pipe(server_r, client_w))

            async def main() -> None:
                self._server = await asyncio.start_server(
                    handle, "127.0.0.1", self.port, reuse_address=True
                )
                started.set()
                async with self._server:
                    await self._server.serve_forever()

            try:
                loop.run_until_complete(main())
            except BaseException:  # noqa: BLE001 - stopped
                pass
            finally:
                pending = asyncio.all_tasks(loop)
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        started.wait(5)

    def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a database going away does."""
        loop = self._loop
        if loop is None:
            return

        def cut() -> None:
            self._server.close()
            for w in list(self._writers):
                w.transport.abort()
            self._writers.clear()

        loop.call_soon_threadsafe(cut)
        self._thread.join(5)
        self._loop = None
