"""A guided fix reaches every other open screen as one live event (a real server)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.helpers import auth, join, make_board, set_cell
from tests.sse import SSEClient
from tests.test_live import current_seq, events_url

pytestmark = pytest.mark.server


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def row_html(data: str, activity_id: int) -> str:
    match = re.search(rf'<tr id="row-{activity_id}".*?</tr>', data, re.S)
    assert match, f"row {activity_id} not in the event"
    return match.group(0)


def test_a_fix_reaches_another_screen_as_one_change_event(server, http):
    board = make_board(
        http,
        activities=[{"name": "Pricing"}, {"name": "Messaging"}],
        functions=["PM", "PMM", "Sales"],
    )
    tok = board.facilitator
    for act in ("Pricing", "Messaging"):
        assert set_cell(http, board, tok, act, "Grow", "PM", "O").status_code == 200
        assert set_cell(http, board, tok, act, "Grow", "PMM", "D").status_code == 200
    ana = join(http, board, "Ana", "PM")
    listed = http.get(f"/api/boards/{board.id}/fixes", headers=auth(ana)).json()
    idle = next(f for f in listed["findings"] if f["code"] == "idle-function")
    fix_id = idle["fixes"][0]["id"]
    seq = current_seq(http, board)
    stream = SSEClient(events_url(server, board, ana, since=seq))
    try:
        assert stream.status == 200
        r = http.post(f"/api/boards/{board.id}/fixes", headers=auth(tok), json={"fix": fix_id})
        assert r.status_code == 200, r.text
        ev = stream.next()
        assert ev.event == "change" and ev.id == str(seq + 1)
        # Both activities' rows, each with Sales informed in Grow, in the one event.
        sales = board.function("Sales")
        grow = board.phase("Grow")
        for act in ("Pricing", "Messaging"):
            row = row_html(ev.data, board.activity(act))
            cid = f"c-{board.activity(act)}-{grow}-{sales}"
            assert re.search(rf'id="{cid}" data-letters="I"', row), row
        # And the findings panel without the warning it fixed.
        assert 'id="findings"' in ev.data
        assert f'data-finding="idle-function.{grow}.{sales}"' not in ev.data
        assert stream.drain(0.3) == []
    finally:
        stream.close()
