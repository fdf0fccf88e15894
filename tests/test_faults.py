"""Faults: the database down at start, gone while running, and back again."""

from __future__ import annotations

import time

import httpx
import pytest

from backend.live import broker as broker_module
from tests.harness import TcpProxy, free_port, migrate, postgres_database, run_server
from tests.helpers import auth, make_board, set_cell
from tests.sse import SSEClient

pytestmark = pytest.mark.server


def test_database_down_at_start_exits_with_a_clear_message(tmp_path):
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    with pytest.raises(RuntimeError) as info, run_server(dead, tmp_path):
        pass
    text = str(info.value)
    assert "exited early" in text and "cannot reach the database" in text
    assert text.count("cannot reach the database") <= 3  # one message, not a retry loop


def test_database_gone_while_running_gives_503_and_recovers(tmp_path):
    with postgres_database() as url:
        migrate(url)
        proxy = TcpProxy(5432)
        proxy.start()
        via_proxy = url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        with (
            run_server(via_proxy, tmp_path) as server,
            httpx.Client(base_url=server.url, timeout=20) as http,
        ):
            board = make_board(http, activities=[{"name": "Pricing"}])
            stream = SSEClient(
                f"{server.url}/boards/{board.id}/events?token={board.facilitator}&since={board.data['seq']}"
            )
            try:
                stream.presence.get(timeout=5)  # the stream is past its start-up reads
                proxy.stop()
                time.sleep(0.3)
                ready = http.get("/readyz")
                assert ready.status_code == 503 and ready.json()["database"].startswith(
                    "unreachable"
                )
                r = set_cell(http, board, board.facilitator, "Pricing", "Build", "PM", "O")
                assert r.status_code == 503 and "nothing was changed" in r.json()["detail"]
                # The database comes back on the same address; the app recovers by itself.
                proxy = TcpProxy(5432, port=proxy.port)
                proxy.start()
                for _ in range(100):
                    if http.get("/readyz").status_code == 200:
                        break
                    time.sleep(0.1)
                assert http.get("/readyz").status_code == 200
                r = set_cell(http, board, board.facilitator, "Pricing", "Build", "PM", "OD")
                assert r.status_code == 200
                events = stream.drain(2.0)
                assert [e.id for e in events if e.event == "change"][-1:] == [
                    str(board.data["seq"] + 1)
                ]
                # Nothing was lost while the database was away: no screen is told to reload.
                assert [e.event for e in events if e.event == "refresh"] == []
                d = http.get(f"/api/boards/{board.id}", headers=auth(board.facilitator)).json()
                assert [c["letters"] for c in d["cells"]] == [
                    "OD"
                ]  # the refused edit left no trace
            finally:
                stream.close()
                proxy.stop()


def test_readyz_says_degraded_but_200_while_the_listener_reconnects(client):
    """Edits need only the database: a worker whose live listener is reconnecting still
    takes them, so a load balancer must keep it."""

    class Reconnecting:
        healthy = False

    before = broker_module.current()
    broker_module.set_broker(Reconnecting())  # type: ignore[arg-type]
    try:
        r = client.get("/readyz")
    finally:
        broker_module.set_broker(before)
    assert r.status_code == 200
    assert r.json() == {"status": "degraded", "database": "ok", "broker": "reconnecting"}
    assert client.get("/readyz").json()["status"] == "ok"
