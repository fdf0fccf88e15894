"""The hub's edge cases: the first screen of a board on a worker, and the database away."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from backend.db import get_engine
from backend.live import hub as hub_module
from backend.live.hub import Hub
from backend.live.render import PING
from tests.helpers import make_board, run_in_thread, set_cell


def test_a_change_announced_while_the_first_screen_subscribes_is_delivered(client):
    board = make_board(client, activities=[{"name": "Pricing"}])
    hub = Hub(lambda: Session(get_engine()))
    read = hub._current_seq

    async def main() -> list[int]:
        loop = asyncio.get_running_loop()

        def read_then_a_change_lands(board_id: int) -> int:
            seq = read(board_id)  # the sequence as it was ...
            # ... and a change committed and announced before the read's answer is used.
            r = set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O")
            assert r.status_code == 200
            loop.call_soon_threadsafe(hub.notify, board_id, r.json()["seq"])
            time.sleep(0.2)  # the announcement is handled while subscribe still waits
            return seq

        hub._current_seq = read_then_a_change_lands  # type: ignore[method-assign]
        sub = await hub.subscribe(board.id)
        event = await asyncio.wait_for(sub.queue.get(), 5)  # no further change is made
        hub.unsubscribe(sub)
        return [event.seq]

    assert run_in_thread(main()) == [board.data["seq"] + 1]


def test_the_database_away_sends_no_refresh_and_the_change_arrives_after(client, monkeypatch):
    """A read of the change log that fails because the database is away is tried again; the
    screens are not told to reload (nothing was lost, and a reload could not load)."""
    board = make_board(client, activities=[{"name": "Pricing"}])
    monkeypatch.setattr(hub_module, "RETRY_SECONDS", 0.2)
    away = [True]

    def sessions() -> Session:
        if away[0]:
            away[0] = False
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return Session(get_engine())

    async def main() -> list[tuple[str, int]]:
        hub = Hub(lambda: Session(get_engine()))
        sub = await hub.subscribe(board.id)
        hub._session_factory = sessions
        r = set_cell(client, board, board.facilitator, "Pricing", "Build", "PM", "O")
        hub.notify(board.id, r.json()["seq"])
        event = await asyncio.wait_for(sub.queue.get(), 5)
        hub.unsubscribe(sub)
        return [(event.name, event.seq)]

    assert run_in_thread(main()) == [("change", board.data["seq"] + 1)]


def test_every_screen_gets_a_keep_alive_and_they_do_not_pile_up():
    async def main() -> tuple[list[str], int]:
        hub = Hub(lambda: None)  # type: ignore[arg-type, return-value]
        hub._current_seq = lambda board_id: 0  # type: ignore[method-assign]
        quiet = await hub.subscribe(1)
        pinger = asyncio.create_task(hub.keep_alive(0.02))
        first = await asyncio.wait_for(quiet.queue.get(), 2)
        await asyncio.sleep(0.2)  # about ten rounds while nobody reads
        pinger.cancel()
        waiting = quiet.queue.qsize()
        hub.unsubscribe(quiet)
        return [first.name], waiting

    names, waiting = run_in_thread(main())
    assert names == [PING] and waiting == 1
