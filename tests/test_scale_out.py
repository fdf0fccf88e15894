"""Two real uvicorn processes on one PostgreSQL: live updates cross processes through
LISTEN/NOTIFY, and survive the listening connection being killed from the database side."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.harness import migrate, postgres_database, run_server
from tests.helpers import auth, join, make_board, set_cell
from tests.sse import SSEClient

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory):
    with postgres_database() as url:
        migrate(url)
        tmp: Path = tmp_path_factory.mktemp("scale")
        with run_server(url, tmp) as a, run_server(url, tmp) as b:
            yield url, a, b


def events(server, board, token, since):
    return SSEClient(f"{server.url}/boards/{board.id}/events?token={token}&since={since}")


def seq_of(http, board):
    return http.get(f"/api/boards/{board.id}", headers=auth(board.facilitator)).json()["seq"]


def test_edit_on_one_process_reaches_a_screen_on_the_other(two_servers):
    _, a, b = two_servers
    assert httpx.get(f"{a.url}/readyz").json() == {"status": "ok", "database": "ok", "broker": "ok"}
    with httpx.Client(base_url=b.url, timeout=10) as http_b:
        board = make_board(http_b, activities=[{"name": "Pricing"}])
        pm = join(http_b, board, "Ana", "PM")
        since = seq_of(http_b, board)
        stream = events(a, board, pm, since)
        try:
            sent = time.perf_counter()
            for letters in ("O", "OD", "C"):
                assert (
                    set_cell(
                        http_b, board, board.facilitator, "Pricing", "Launch", "PM", letters
                    ).status_code
                    == 200
                )
            got = [stream.next(), stream.next(), stream.next()]
            assert [e.id for e in got] == [str(since + i) for i in (1, 2, 3)]
            assert 'data-letters="C"' in got[-1].data
            print(
                f"\ncross-process: 3 edits delivered in {(got[-1].received - sent) * 1000:.0f} ms"
            )
            assert stream.drain(0.4) == []
        finally:
            stream.close()


def test_listener_killed_by_the_database_catches_up_exactly_once(two_servers):
    url, a, b = two_servers
    with httpx.Client(base_url=b.url, timeout=10) as http_b:
        board = make_board(http_b, activities=[{"name": "Pricing"}])
        since = seq_of(http_b, board)
        stream = events(a, board, board.facilitator, since)
        try:
            set_cell(http_b, board, board.facilitator, "Pricing", "Build", "PM", "O")
            assert stream.next().id == str(since + 1)
            plain = url.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(plain, autocommit=True) as conn:
                killed = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'lockstep-listener' AND datname = current_database()"
                ).fetchone()[0]
            assert killed == 2  # one listener per process
            # Edits while the listeners are down: their NOTIFYs reach nobody.
            for letters in ("D", "OD", "I"):
                assert (
                    set_cell(
                        http_b, board, board.facilitator, "Pricing", "Build", "PM", letters
                    ).status_code
                    == 200
                )
            got = []
            deadline = time.monotonic() + 15
            while len(got) < 3 and time.monotonic() < deadline:
                got += stream.drain(0.5)
            got += stream.drain(0.5)
            assert [e.id for e in got] == [str(since + i) for i in (2, 3, 4)], [e.id for e in got]
            # Both processes are listening again.
            for server in (a, b):
                for _ in range(50):
                    if httpx.get(f"{server.url}/readyz").status_code == 200:
                        break
                    time.sleep(0.1)
                assert httpx.get(f"{server.url}/readyz").status_code == 200
            set_cell(http_b, board, board.facilitator, "Pricing", "Build", "PM", "C")
            assert stream.next().id == str(since + 5)
        finally:
            stream.close()


def test_presence_crosses_processes(two_servers):
    """Ana's tab is served by one process, the facilitator's by the other: the facilitator
    still sees her there, arriving and leaving."""
    import json

    _, a, b = two_servers

    def until(stream, want):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 15
        while json.loads(stream.presence.get(timeout=15).data) != want:
            assert time.monotonic() < deadline, f"presence never became {want}"

    with httpx.Client(base_url=b.url, timeout=10) as http_b:
        board = make_board(http_b, activities=[{"name": "Pricing"}])
        ana = join(http_b, board, "Ana", "PM")
        ana_id = http_b.get(f"/api/boards/{board.id}", headers=auth(ana)).json()["you"][
            "participant_id"
        ]
        since = seq_of(http_b, board)
        ana_stream = events(a, board, ana, since)
        time.sleep(0.3)
        # Process B starts watching the board after Ana is there: it asks, A answers.
        watcher = events(b, board, board.facilitator, since)
        try:
            until(watcher, [ana_id])
            ana_stream.close()
            left = time.perf_counter()
            until(watcher, [])
            print(f"\npresence across processes: gone {time.perf_counter() - left:.1f} s after")
            back = time.perf_counter()
            ana_stream = events(a, board, ana, since)
            until(watcher, [ana_id])
            print(
                f"presence across processes: back in {(time.perf_counter() - back) * 1000:.0f} ms"
            )
        finally:
            ana_stream.close()
            watcher.close()
