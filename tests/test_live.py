"""Live updates through a real uvicorn process: event ids, replay, refresh."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.helpers import join, make_board, set_cell
from tests.sse import SSEClient

pytestmark = pytest.mark.server


def events_url(server, board, token, since=None):
    url = f"{server.url}/boards/{board.id}/events?token={token}"
    return url if since is None else f"{url}&since={since}"


def current_seq(http, board):
    return http.get(
        f"/api/boards/{board.id}/changes?limit=1000",
        headers={"Authorization": f"Bearer {board.facilitator}"},
    ).json()[-1]["seq"]


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def test_edit_reaches_stream_with_its_sequence_id(server, http):
    board = make_board(http, activities=[{"name": "Pricing"}, {"name": "Messaging"}])
    pm = join(http, board, "Ana", "PM")
    seq = current_seq(http, board)
    stream = SSEClient(events_url(server, board, pm, since=seq))
    try:
        assert stream.status == 200
        sent = time.perf_counter()
        r = set_cell(http, board, board.facilitator, "Pricing", "Launch", "PMM", "OD")
        assert r.status_code == 200
        ev = stream.next()
        assert ev.event == "change" and ev.id == str(seq + 1)
        assert f'id="row-{board.activity("Pricing")}"' in ev.data and "role-O" in ev.data
        print(f"edit -> event: {(ev.received - sent) * 1000:.1f} ms")
        assert stream.drain(0.3) == []
    finally:
        stream.close()


def test_reconnect_with_last_event_id_replays_exactly_the_missed(server, http):
    board = make_board(http, activities=[{"name": "Pricing"}])
    tok = board.facilitator
    seq = current_seq(http, board)
    first = SSEClient(events_url(server, board, tok, since=seq))
    set_cell(http, board, tok, "Pricing", "Build", "PM", "O")
    assert first.next().id == str(seq + 1)
    first.close()
    # Missed while away: three edits and a join.
    set_cell(http, board, tok, "Pricing", "Build", "PMM", "D")
    set_cell(http, board, tok, "Pricing", "Launch", "PM", "OD")
    join(http, board, "Late <i>Lee</i>", "PMM")
    set_cell(http, board, tok, "Pricing", "Launch", "PMM", "C")
    back = SSEClient(events_url(server, board, tok), headers={"Last-Event-ID": str(seq + 1)})
    try:
        replay = back.drain(0.6)
        assert [e.id for e in replay] == [str(seq + i) for i in range(2, 6)]
        assert all(e.event == "change" for e in replay)
        assert "Late &lt;i&gt;Lee&lt;/i&gt;" in replay[2].data and "<i>Lee" not in replay[2].data
        set_cell(http, board, tok, "Pricing", "Grow", "PM", "I")
        live = back.drain(0.6)
        assert [e.id for e in live] == [str(seq + 6)]
    finally:
        back.close()


@pytest.mark.parametrize("bad", ["garbage", "-5", "999999"])
def test_nonsense_last_event_id_gets_a_refresh(server, http, bad):
    board = make_board(http, activities=[{"name": "Pricing"}])
    seq = current_seq(http, board)
    stream = SSEClient(events_url(server, board, board.facilitator), headers={"Last-Event-ID": bad})
    try:
        ev = stream.next()
        assert (ev.event, ev.id) == ("refresh", str(seq))
    finally:
        stream.close()


def test_client_too_far_behind_gets_a_refresh(server, http):
    board = make_board(http, activities=[{"name": "Pricing"}])
    tok = board.facilitator
    start = current_seq(http, board)
    for i in range(25):  # the test server replays at most 20
        set_cell(http, board, tok, "Pricing", "Build", "PM", "OD" if i % 2 else "O")
    stream = SSEClient(events_url(server, board, tok, since=start))
    try:
        events = stream.drain(0.5)
        assert [(e.event, e.id) for e in events] == [("refresh", str(start + 25))]
    finally:
        stream.close()


def test_stream_refuses_bad_tokens(server, http):
    board = make_board(http, activities=[{"name": "Pricing"}])
    other = make_board(http, title="Other", activities=[{"name": "Pricing"}])
    assert httpx.get(events_url(server, board, "nope")).status_code == 401
    assert httpx.get(events_url(server, board, other.facilitator)).status_code == 403
    # A board's own join link may watch (the projector); another board's may not.
    assert httpx.get(events_url(server, board, other.join)).status_code == 401


def test_structure_change_asks_for_refresh_and_delete_says_gone(server, http):
    board = make_board(http, activities=[{"name": "Pricing"}])
    tok = board.facilitator
    seq = current_seq(http, board)
    stream = SSEClient(events_url(server, board, tok, since=seq))
    try:
        r = http.post(
            f"/api/boards/{board.id}/phases",
            json={"name": "Sunset"},
            headers={"Authorization": f"Bearer {tok}"},
        )
        assert r.status_code == 201
        ev = stream.next()
        assert (ev.event, ev.id) == ("refresh", str(seq + 1))
        http.delete(f"/api/boards/{board.id}", headers={"Authorization": f"Bearer {tok}"})
        assert stream.next().event == "gone"
    finally:
        stream.close()


def test_removed_participant_stream_is_told_gone(server, http):
    board = make_board(http, activities=[{"name": "Pricing"}])
    pm = join(http, board, "Ana", "PM")
    other = join(http, board, "Bo", "PMM")
    seq = current_seq(http, board)
    mine = SSEClient(events_url(server, board, pm, since=seq))
    theirs = SSEClient(events_url(server, board, other, since=seq))
    try:
        pid = http.get(f"/api/boards/{board.id}", headers={"Authorization": f"Bearer {pm}"}).json()[
            "you"
        ]["participant_id"]
        r = http.delete(
            f"/api/boards/{board.id}/participants/{pid}",
            headers={"Authorization": f"Bearer {board.facilitator}"},
        )
        assert r.status_code == 204
        assert mine.next().event == "gone"
        set_cell(http, board, board.facilitator, "Pricing", "Build", "PM", "O")
        assert mine.drain(0.4) == []  # nothing more after gone
        assert [e.event for e in theirs.drain(0.6)] == ["change", "change"]
    finally:
        mine.close()
        theirs.close()


def test_stream_before_reveal_carries_progress_not_proposals(server, http):
    board = make_board(http, activities=[{"name": "Pricing"}])
    fac = {"Authorization": f"Bearer {board.facilitator}"}
    http.put(f"/api/boards/{board.id}/mode", headers=fac, json={"mode": "workshop"})
    http.post(f"/api/boards/{board.id}/round", headers=fac, json={"to": "propose"})
    ana, ben = join(http, board, "Ana", "PM"), join(http, board, "Ben", "PMM")
    seq = current_seq(http, board)
    bens = SSEClient(events_url(server, board, ben, since=seq))
    facs = SSEClient(events_url(server, board, board.facilitator, since=seq))
    try:
        r = http.put(
            f"/api/boards/{board.id}/proposals",
            headers={"Authorization": f"Bearer {ana}"},
            json={
                "activity_id": board.activity("Pricing"),
                "phase_id": board.phase("Launch"),
                "function_id": board.function("PMM"),
                "letters": "OD",
            },
        )
        assert r.status_code == 200
        for stream in (bens, facs):
            ev = stream.next()
            assert ev.id == str(seq + 1) and ev.event == "change"
            assert 'id="progress"' in ev.data and "Ana" in ev.data
            assert (
                "role-O" not in ev.data
                and "role-D" not in ev.data
                and 'data-letters="OD"' not in ev.data
            )
        # The reveal reaches everyone as a refresh of their own view.
        http.post(f"/api/boards/{board.id}/round", headers=fac, json={"to": "reveal"})
        assert (bens.next().event, facs.next().event) == ("refresh", "refresh")
    finally:
        bens.close()
        facs.close()


def test_presence_follows_open_streams(server, http):
    import json

    board = make_board(http, activities=[{"name": "Pricing"}])
    ana = join(http, board, "Ana", "PM")
    ana_id = http.get(f"/api/boards/{board.id}", headers={"Authorization": f"Bearer {ana}"}).json()[
        "you"
    ]["participant_id"]
    watcher = SSEClient(events_url(server, board, board.facilitator))
    try:
        assert json.loads(watcher.presence.get(timeout=5).data) == []
        ana_stream = SSEClient(events_url(server, board, ana))
        assert json.loads(watcher.presence.get(timeout=5).data) == [ana_id]
        closed = time.perf_counter()
        ana_stream.close()
        # Closing the stream client-side: the server notices, waits out the grace period.
        gone = json.loads(watcher.presence.get(timeout=15).data)
        assert gone == []
        print(f"presence: gone {time.perf_counter() - closed:.1f} s after the tab closed")
    finally:
        watcher.close()


def test_the_projector_opens_with_the_room_link_not_the_facilitator_link(server, http):
    """The projector is on the shared screen: it runs on the join link everyone in the room
    has, and that link still cannot read the board or change anything."""
    board = make_board(http, activities=[{"name": "Pricing"}])
    page = http.get(f"/f/{board.facilitator}").text
    assert f"/projector?token={board.join}" in page
    assert f"/projector?token={board.facilitator}" not in page
    r = http.get(f"/boards/{board.id}/projector?token={board.join}")
    assert r.status_code == 200 and 'data-role="viewer"' in r.text
    seq = current_seq(http, board)
    stream = SSEClient(events_url(server, board, board.join, since=seq))
    try:
        assert stream.status == 200
        set_cell(http, board, board.facilitator, "Pricing", "Launch", "PM", "O")
        assert stream.next().id == str(seq + 1)
    finally:
        stream.close()
    join_header = {"Authorization": f"Bearer {board.join}"}
    assert http.get(f"/api/boards/{board.id}", headers=join_header).status_code == 403
    assert set_cell(http, board, board.join, "Pricing", "Launch", "PM", "D").status_code == 403
    assert http.get(f"/boards/{board.id}/live?token={board.join}").status_code == 403
