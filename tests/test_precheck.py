"""The "still true?" pre-check: participants mark each activity before the session, the
facilitator sees what to spend time on; open until the reveal; live on every screen."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import Board, auth, join, make_board
from tests.sse import SSEClient

HX = {"HX-Request": "true"}


def workshop_board(client):
    """The next review of a published board: a workshop with last quarter to check."""
    first = make_board(client, activities=[{"name": "Pricing"}, {"name": "Positioning"}])
    tok = first.facilitator
    r = client.post(f"/api/boards/{first.id}/versions", headers=auth(tok), json={"label": "Q3"})
    assert r.status_code == 201, r.text
    r = client.post(f"/api/boards/{first.id}/versions/1/next", headers=auth(tok))
    assert r.status_code == 201, r.text
    created = r.json()
    ntok = created["facilitator_token"]
    data = client.get(f"/api/boards/{created['id']}", headers=auth(ntok)).json()
    return Board(created["id"], ntok, created["join_token"], data)


def mark(client, board, token, activity, verdict):
    return client.put(
        f"/api/boards/{board.id}/precheck",
        headers=auth(token),
        json={"activity_id": board.activity(activity), "verdict": verdict},
    )


def agenda(client, board, token):
    r = client.get(f"/api/boards/{board.id}/precheck", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def last_seq(client, board):
    return client.get(
        f"/api/boards/{board.id}/changes?limit=1000", headers=auth(board.facilitator)
    ).json()[-1]["seq"]


def test_answers_make_an_agenda_for_the_facilitator(client):
    board = workshop_board(client)
    ana = join(client, board, "Ana", "PM")
    bo = join(client, board, "Bo", "PMM")
    join(client, board, "Cy", "PM")
    assert mark(client, board, ana, "Positioning", "ok").status_code == 200
    assert mark(client, board, ana, "Pricing", "discuss").status_code == 200
    assert mark(client, board, bo, "Pricing", "discuss").status_code == 200
    got = agenda(client, board, board.facilitator)
    assert got["open"] and got["participants"] == 3 and got["answered_by"] == 2
    assert [(a["activity"], a["needs_discussion"], a["still_true"]) for a in got["agenda"]] == [
        ("Pricing", ["Ana", "Bo"], []),
        ("Positioning", [], ["Ana"]),
    ]
    mine = agenda(client, board, ana)["mine"]
    assert mine == {
        str(board.activity("Pricing")): "discuss",
        str(board.activity("Positioning")): "ok",
    }
    # The same answer again changes nothing and logs nothing.
    seq = last_seq(client, board)
    assert mark(client, board, bo, "Pricing", "discuss").status_code == 200
    assert last_seq(client, board) == seq
    # Changing one's mind, and clearing an answer.
    assert mark(client, board, ana, "Pricing", "ok").status_code == 200
    assert mark(client, board, ana, "Positioning", "").status_code == 200
    got = agenda(client, board, board.facilitator)["agenda"]
    assert [(a["activity"], a["needs_discussion"], a["still_true"]) for a in got] == [
        ("Pricing", ["Bo"], ["Ana"]),
        ("Positioning", [], []),
    ]

    page = client.get(f"/f/{board.facilitator}").text
    assert "What to spend time on" in page and "1 needs discussion" in page
    assert "Your answers" not in page  # the facilitator does not answer
    mine_page = client.get(f"/boards/{board.id}/live", headers=auth(ana)).text
    assert "Your answers" in mine_page and 'class="small pc-ok" aria-pressed="true"' in mine_page


def test_pre_check_refusals_change_nothing(client):
    board = workshop_board(client)
    ana = join(client, board, "Ana", "PM")
    other = make_board(client, activities=[{"name": "Elsewhere"}])
    before = last_seq(client, board)
    assert mark(client, board, board.facilitator, "Pricing", "ok").status_code == 403
    r = mark(client, board, ana, "Pricing", "maybe")
    assert r.status_code == 422 and "discuss" in r.json()["detail"]
    r = client.put(
        f"/api/boards/{board.id}/precheck",
        headers=auth(ana),
        json={"activity_id": other.activity("Elsewhere"), "verdict": "ok"},
    )
    assert r.status_code == 404
    r = client.post(
        f"/boards/{board.id}/precheck",
        headers={**HX, "X-Lockstep-Token": ana},
        data={"activity_id": "x", "verdict": "ok"},
    )
    assert r.status_code == 422 and "whole number" in r.text
    assert last_seq(client, board) == before
    assert agenda(client, board, ana)["mine"] == {}
    # Closed at the reveal; the answers stay visible for the discussion.
    assert mark(client, board, ana, "Pricing", "discuss").status_code == 200
    for to in ("propose", "reveal"):
        client.post(
            f"/api/boards/{board.id}/round", headers=auth(board.facilitator), json={"to": to}
        )
    r = mark(client, board, ana, "Pricing", "ok")
    assert r.status_code == 409 and "reveal" in r.json()["detail"]
    page = client.get(f"/f/{board.facilitator}").text
    assert "the pre-check's answers" in page and "1 needs discussion" in page
    # Free mode, and a first workshop with no version before it, have no pre-check.
    free = make_board(client, activities=[{"name": "Pricing"}])
    bo = join(client, free, "Bo", "PM")
    assert mark(client, free, bo, "Pricing", "ok").status_code == 409
    client.put(
        f"/api/boards/{free.id}/mode", headers=auth(free.facilitator), json={"mode": "workshop"}
    )
    r = mark(client, free, bo, "Pricing", "ok")
    assert r.status_code == 409 and "Start next review" in r.json()["detail"]
    assert "Still true?" not in client.get(f"/f/{free.facilitator}").text


@pytest.mark.server
def test_an_answer_reaches_the_facilitator_live(server):
    with httpx.Client(base_url=server.url, timeout=10) as http:
        board = workshop_board(http)
        ana = join(http, board, "Ana", "PM")
        seq = last_seq(http, board)
        stream = SSEClient(
            f"{server.url}/boards/{board.id}/events?token={board.facilitator}&since={seq}"
        )
        try:
            r = http.post(
                f"/boards/{board.id}/precheck",
                headers={**HX, "X-Lockstep-Token": ana},
                data={"activity_id": str(board.activity("Pricing")), "verdict": "discuss"},
            )
            assert r.status_code == 200, r.text
            ev = stream.next()
            assert ev.event == "change" and ev.id == str(seq + 1)
            assert 'id="pc-agenda"' in ev.data and "1 needs discussion" in ev.data
            assert "Ana" in ev.data
        finally:
            stream.close()


def test_a_participant_can_say_why_an_activity_needs_discussion(client):
    board = workshop_board(client)
    ana = join(client, board, "Ana", "PM")
    r = client.put(
        f"/api/boards/{board.id}/precheck",
        headers=auth(ana),
        json={
            "activity_id": board.activity("Pricing"),
            "verdict": "discuss",
            "note": "Sales now <b>sets</b> discounts",
        },
    )
    assert r.status_code == 200, r.text
    (pricing,) = [a for a in agenda(client, board, board.facilitator)["agenda"] if a["notes"]]
    assert pricing["notes"] == [{"name": "Ana", "note": "Sales now <b>sets</b> discounts"}]
    page = client.get(f"/f/{board.facilitator}").text
    assert "Sales now &lt;b&gt;sets&lt;/b&gt; discounts" in page and "<b>sets" not in page
    too_long = client.put(
        f"/api/boards/{board.id}/precheck",
        headers=auth(ana),
        json={"activity_id": board.activity("Pricing"), "verdict": "discuss", "note": "x" * 201},
    )
    assert too_long.status_code == 422 and "Note" in too_long.json()["detail"]
    # A note belongs to "needs discussion": answering "still true" drops it.
    assert mark(client, board, ana, "Pricing", "ok").status_code == 200
    assert all(not a["notes"] for a in agenda(client, board, board.facilitator)["agenda"])
