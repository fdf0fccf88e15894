"""Logs, request ids, quiet shutdown and metrics, on real uvicorn processes."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from httpx_sse import connect_sse
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests.harness import Server, migrate, postgres_database, run_server
from tests.helpers import auth, join, make_board, set_cell
from tests.workshop_helpers import move, propose, start

pytestmark = pytest.mark.server

FAKE_TOKEN = "Zz9_-" + "x" * 27  # token-shaped, belongs to nobody


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'lockstep.db'}"
    migrate(url)
    return url


def log_lines(server: Server, since: int = 0) -> list[dict]:
    text = server.log.read_bytes()[since:].decode()
    lines = [line for line in text.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is one JSON object


def stop(server: Server) -> None:
    """SIGTERM, as a container stop sends; uvicorn shuts down, then re-raises the signal."""
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(20) in (0, -signal.SIGTERM)


class Stream:
    """A live stream read on a thread (httpx-sse); ``open`` is set at its first event."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.events: list[str] = []
        self.open = threading.Event()
        self.ended = threading.Event()
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(5, read=60)) as client,
                connect_sse(client, "GET", self.url) as source,
            ):
                for sse in source.iter_sse():
                    self.events.append(sse.event)
                    self.open.set()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            self.ended.set()

    def wait_for(self, name: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while name not in self.events:
            assert time.monotonic() < deadline, f"no {name!r} event: {self.events}"
            time.sleep(0.02)


# --- logs ------------------------------------------------------------------------------


def test_logs_are_json_lines_with_a_request_id_and_never_a_token(
    sqlite_url: str, tmp_path: Path
) -> None:
    with run_server(sqlite_url, tmp_path, env={"LOG_FORMAT": "json"}) as server:
        http = httpx.Client(base_url=server.url, timeout=10)
        board = make_board(http, activities=[{"name": "Pricing"}])
        fac, room = board.facilitator, board.join
        pm = join(http, board, "Ana", "PM")
        r = http.put(
            f"/api/boards/{board.id}/cells",
            headers={"X-Lockstep-Token": pm, "X-Request-ID": "trace-42"},
            json={
                "activity_id": board.activity("Pricing"),
                "phase_id": board.phase("Launch"),
                "function_id": board.function("PM"),
                "letters": "D",
            },
        )
        assert r.status_code == 200, r.text
        assert r.headers["x-request-id"] == "trace-42"
        weird = http.get("/healthz", headers={"X-Request-ID": "not sane; <b>" + "x" * 80})
        assert len(weird.headers["x-request-id"]) == 16  # replaced by a fresh one
        assert http.get(f"/f/{fac}").status_code == 200
        assert http.get(f"/j/{room}").status_code == 200
        assert http.get(f"/boards/{board.id}/print?token={fac}").status_code == 200
        assert http.get(f"/api/boards/{board.id}/export.csv?token={fac}").status_code == 200
        version = http.post(f"/api/boards/{board.id}/versions", headers=auth(fac), json={})
        viewer = version.json()["viewer_url"].split("/v/")[1].split("/")[0]
        assert http.get(f"/v/{viewer}").status_code == 200
        assert http.get(f"/api/view/{viewer}/1/export.json").status_code == 200
        assert http.get(f"/f/{FAKE_TOKEN}").status_code == 404
        assert http.get(f"/api/boards/{board.id}", headers=auth(FAKE_TOKEN)).status_code in (
            401,
            403,
        )
        stream = Stream(f"{server.url}/boards/{board.id}/events?token={pm}")
        assert stream.open.wait(10)
        stop(server)
        http.close()

        text = server.log.read_text()
        lines = log_lines(server)
    for secret in (fac, room, pm, viewer, FAKE_TOKEN):
        assert secret not in text
    for line in lines:
        assert {"ts", "level", "logger", "message", "request_id"} <= set(line), line
    access = [line for line in lines if line["logger"] == "lockstep.access"]
    assert len(access) >= 14
    for line in access:
        assert line["request_id"] and {"method", "path", "status", "duration_ms"} <= set(line)
    assert any(
        a["request_id"] == "trace-42" and a["method"] == "PUT" and a["status"] == 200
        for a in access
    )
    paths = {a["path"] for a in access}
    assert "/f/[token]" in paths and f"/boards/{board.id}/print?token=[token]" in paths
    assert f"/boards/{board.id}/events?token=[token]" in paths  # written when it ended
    assert not [line for line in lines if line["level"] in ("ERROR", "CRITICAL")]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_shutdown_with_many_open_streams_says_one_line(
    backend: str, sqlite_url: str, tmp_path: Path
) -> None:
    """Each stream still gets its access line (one per request, as always); beyond those,
    a worker says one line, "stopped": no error or warning per stream."""
    workers = 1 if backend == "sqlite" else 2
    with (
        postgres_database() if backend == "postgresql" else _same(sqlite_url) as url,
        run_server(_migrated(url), tmp_path, workers=workers, env={"LOG_FORMAT": "json"}) as srv,
    ):
        http = httpx.Client(base_url=srv.url, timeout=10)
        board = make_board(http, activities=[{"name": "Pricing"}])
        streams = [
            Stream(f"{srv.url}/boards/{board.id}/events?token={board.facilitator}")
            for _ in range(20)
        ]
        for s in streams:
            assert s.open.wait(10), s.error
        http.close()
        time.sleep(0.3)
        mark = srv.log.stat().st_size
        started = time.monotonic()
        stop(srv)
        took = time.monotonic() - started
        after = log_lines(srv, mark)
    for s in streams:
        assert s.ended.wait(5)
        assert s.error is None, s.error  # a clean end of stream, not a cut connection
    said = [line for line in after if line["logger"] != "lockstep.access"]
    assert [line["message"] for line in said] == ["stopped"] * workers, said
    ends = [a for a in after if a["logger"] == "lockstep.access"]
    assert len(ends) == 20 and {a["status"] for a in ends} == {200}
    print(f"{workers} worker(s), 20 streams: stopped in {took:.2f} s, {len(said)} line(s)")


def _same(url: str):  # type: ignore[no-untyped-def]
    from contextlib import nullcontext

    return nullcontext(url)


def _migrated(url: str) -> str:
    if url.startswith("postgresql"):
        migrate(url)
    return url


# --- metrics ---------------------------------------------------------------------------


def scrape(server: Server) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(server.url + "/metrics", timeout=10).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_move_with_an_edit_seen_on_a_live_stream(database_url: str, tmp_path: Path) -> None:
    with run_server(database_url, tmp_path) as server:
        http = httpx.Client(base_url=server.url, timeout=10)
        board = make_board(http, activities=[{"name": "Pricing"}])
        tok = board.facilitator
        before = scrape(server)
        stream = Stream(f"{server.url}/boards/{board.id}/events?token={tok}")
        assert stream.open.wait(10), stream.error
        during = scrape(server)
        assert value(during, "lockstep_live_connections") == 1
        assert set_cell(http, board, tok, "Pricing", "Launch", "PM", "O").status_code == 200
        stream.wait_for("change")
        after = scrape(server)
        http.close()
        text = httpx.get(server.url + "/metrics").text

    assert value(after, "lockstep_edits_total", kind="cell") == (
        value(before, "lockstep_edits_total", kind="cell") + 1
    )
    assert value(after, "lockstep_live_events_fanned_out_total") >= (
        value(before, "lockstep_live_events_fanned_out_total") + 1
    )
    delay = "lockstep_live_send_delay_seconds"
    assert value(after, delay + "_count") == value(before, delay + "_count") + 1
    assert 0 < value(after, delay + "_sum") - value(before, delay + "_sum") < 5
    assert value(after, delay + "_bucket", le="+Inf") == value(after, delay + "_count")
    route = {"method": "PUT", "route": "/api/boards/{board_id}/cells", "status": "200"}
    assert value(after, "lockstep_http_requests_total", **route) == 1
    assert value(after, "lockstep_db_pool_size") > 0
    assert ("lockstep_db_pool_checked_out", ()) in after
    assert ("lockstep_broker_reconnects_total", ()) in after
    assert tok not in text and board.join not in text  # routes are templates


def test_edits_are_counted_by_kind(client: TestClient) -> None:
    def edits(kind: str) -> float:
        return REGISTRY.get_sample_value("lockstep_edits_total", {"kind": kind}) or 0.0

    board = make_board(client, activities=[{"name": "Pricing"}])
    ana = join(client, board, "Ana", "PM")
    counts = {k: edits(k) for k in ("cell", "proposal", "agreement")}
    assert set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O").is_success
    start(client, board)
    assert propose(client, board, ana, "Pricing", "Launch", "PM", "O").is_success
    assert move(client, board, "reveal").is_success
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.is_success, r.text
    assert set_cell(client, board, board.facilitator, "Pricing", "Launch", "PMM", "D").is_success
    assert edits("cell") == counts["cell"] + 1
    assert edits("proposal") == counts["proposal"] + 1
    assert edits("agreement") == counts["agreement"] + 2  # the accept and the agreed cell


# --- the pool cap ----------------------------------------------------------------------


@pytest.fixture
def capped(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL database of its own (the pool cap applies to PostgreSQL only)."""
    from backend import render_cache
    from backend.config import get_settings
    from backend.db import get_engine

    with postgres_database() as url:
        migrate(url)
        render_cache.clear()
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("CREATE_DEMO_BOARD", "false")
        monkeypatch.setenv("DB_POOL_SIZE", "1")
        monkeypatch.setenv("DB_MAX_OVERFLOW", "1")
        get_settings.cache_clear()
        get_engine.cache_clear()
        yield url
        get_engine().dispose()
        get_settings.cache_clear()
        get_engine.cache_clear()


def test_past_the_pool_cap_a_request_is_answered_503_at_once(capped: str) -> None:
    from backend.app import create_app
    from backend.db import get_engine

    with TestClient(create_app()) as client:
        board = make_board(client)
        held = [get_engine().connect(), get_engine().connect()]
        try:
            metrics = client.get("/metrics").text
            assert "lockstep_db_pool_checked_out 2.0" in metrics
            assert "lockstep_db_pool_limit 2.0" in metrics
            started = time.monotonic()
            r = client.get(f"/api/boards/{board.id}", headers=auth(board.facilitator))
            assert r.status_code == 503, r.text
            assert time.monotonic() - started < 1
        finally:
            for conn in held:
                conn.close()
        r = client.get(f"/api/boards/{board.id}", headers=auth(board.facilitator))
        assert r.status_code == 200


def test_the_start_command_logs_each_line_once_and_never_a_token(tmp_path: Path) -> None:
    """``python -m backend serve`` migrates SQLite first: alembic's own logging setup must not
    add a second, unredacted handler (it did: every line twice, tokens in the clear)."""
    import os
    import subprocess
    import sys

    from tests.harness import ROOT, free_port

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",  # serve migrates it
        "CREATE_DEMO_BOARD": "false",
        "LOG_FORMAT": "text",
    }
    out = tmp_path / "serve.log"
    with open(out, "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, out.read_text()
            time.sleep(0.1)
        with httpx.Client(base_url=url) as http:
            board = make_board(http, title="Logged")
            assert http.get(f"/f/{board.facilitator}").status_code == 200
            assert http.get(f"/api/boards/{board.id}", headers=auth(board.facilitator)).is_success
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
    text = out.read_text()
    assert "GET /f/[token] 200" in text  # the access line is there, redacted
    for secret in (board.facilitator, board.join):
        assert secret not in text
    assert text.count("GET /f/[token] 200") == 1, text  # once, not once per handler
