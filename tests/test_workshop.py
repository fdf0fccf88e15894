"""The facilitated workshop's rounds: moving through them, silent proposals that stay
private until the reveal, ready marks and auto-reveal."""

from __future__ import annotations

import re

import pytest

from backend.errors import NotFound
from backend.security import resolve
from backend.workshop import service
from tests.helpers import auth, join, make_board, state, text_of
from tests.workshop_helpers import ACTS, HX, matrix_of, move, propose, start, workshop


def test_rounds_move_forward_and_back_only_step_by_step(client):
    board = make_board(client, **ACTS)
    assert move(client, board, "propose").status_code == 409  # free mode: no rounds
    client.put(
        f"/api/boards/{board.id}/mode", headers=auth(board.facilitator), json={"mode": "workshop"}
    )
    seq = state(client, board, board.facilitator)["seq"]
    for bad in ["reveal", "agreed", "setup"]:
        r = move(client, board, bad)
        assert r.status_code == 409 and "Cannot go from" in r.json()["detail"], bad
    assert move(client, board, "published").status_code == 422
    assert state(client, board, board.facilitator)["seq"] == seq  # refused moves change nothing
    for to in ["propose", "reveal", "agreed", "reveal", "propose", "setup", "propose"]:
        r = move(client, board, to)
        assert r.status_code == 200 and r.json()["round"] == to, (to, r.text)
    r = client.put(
        f"/api/boards/{board.id}/mode", headers=auth(board.facilitator), json={"mode": "free"}
    )
    assert r.status_code == 409 and "set-up" in r.json()["detail"]


def test_nothing_private_reaches_another_participant_before_the_reveal(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana = join(client, board, "Ana", "PM")
    ben = join(client, board, "Ben", "PMM")
    a, p, f = board.activity("Pricing"), board.phase("Launch"), board.function("PMM")
    assert propose(client, board, ana, "Pricing", "Launch", "PMM", "OD").status_code == 200
    assert propose(client, board, ana, "Pricing", "Launch", "PM", "C").status_code == 200
    # Ben, through every door: the workshop API, the board API, the change log, the page,
    # the live fragment, the exports.
    w = workshop(client, board, ben)
    assert w["proposals"] == [] and not w["revealed"]
    assert [(p_["name"], p_["filled"]) for p_ in w["progress"]] == [("Ana", 1), ("Ben", 0)]
    assert state(client, board, ben)["cells"] == []
    log = client.get(f"/api/boards/{board.id}/changes?limit=1000", headers=auth(ben)).json()
    for c in log:
        assert "slots" not in c["data"] and "letters" not in c["data"], c
    page = client.get(f"/j/{board.join}", cookies={f"lockstep_p{board.id}": ben}).text
    fragment = client.get(f"/boards/{board.id}/live", headers=auth(ben)).text
    said = text_of(fragment)
    assert "Ana 1 of 8 · filling…" in said and "Ben 0 of 8 · filling…" in said
    assert "0 of 8 activity·phase pairs filled" in said  # Ben's own line
    exports = client.get(f"/api/boards/{board.id}/export.json", headers=auth(ben)).text
    exports += client.get(f"/api/boards/{board.id}/export.csv", headers=auth(ben)).text
    for body in (page, fragment):
        assert re.search(rf'id="c-{a}-{p}-{f}"[^>]*data-letters=""', body), (
            "Ben must see an empty cell"
        )
        grid = matrix_of(body)
        assert 'class="spread"' not in grid and "role-O" not in grid and "role-D" not in grid
    assert ",OD," not in exports and '"OD"' not in exports and ",C," not in exports
    # The facilitator sees progress, not letters, either.
    fac = workshop(client, board, board.facilitator)
    assert fac["proposals"] == []
    assert "role-O" not in matrix_of(
        client.get(f"/boards/{board.id}/live", headers=auth(board.facilitator)).text
    )
    # Ana sees her own.
    mine = workshop(client, board, ana)["proposals"]
    assert sorted(x["letters"] for x in mine) == ["C", "OD"]
    # After the reveal, everyone sees who proposed what.
    move(client, board, "reveal")
    w = workshop(client, board, ben)
    assert {(x["participant"], x["letters"]) for x in w["proposals"]} == {
        ("Ana", "OD"),
        ("Ana", "C"),
    }
    fragment = client.get(f"/boards/{board.id}/live", headers=auth(ben)).text
    assert 'class="spread"' in fragment and "Ana" in fragment


def test_proposals_only_in_their_round_and_only_by_participants(client):
    board = make_board(client, **ACTS)
    client.put(
        f"/api/boards/{board.id}/mode", headers=auth(board.facilitator), json={"mode": "workshop"}
    )
    ana = join(client, board, "Ana", "PM")
    r = propose(client, board, ana, "Pricing", "Build", "PM", "O")
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    move(client, board, "propose")
    r = propose(client, board, board.facilitator, "Pricing", "Build", "PM", "O")
    assert r.status_code == 403
    r = propose(client, board, ana, "Pricing", "Build", "PM", "Q")
    assert r.status_code == 422
    # In a workshop a participant's cell edit is a proposal, not a change to the agreed matrix.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(ana),
        json={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Build"),
            "function_id": board.function("PM"),
            "letters": "O",
        },
    )
    assert r.status_code == 403 and "participants propose" in r.json()["detail"]
    # The facilitator cannot set agreed values before the reveal.
    r = client.post(
        f"/boards/{board.id}/cells",
        headers={**HX, "X-Lockstep-Token": board.facilitator},
        data={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Build"),
            "function_id": board.function("PM"),
            "letters": "O",
        },
    )
    assert r.status_code == 409 and "after the reveal" in r.text
    # Through the page, a participant's click is their proposal.
    r = client.post(
        f"/boards/{board.id}/cells",
        headers={**HX, "X-Lockstep-Token": ana},
        data={
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Build"),
            "function_id": board.function("PM"),
            "letters": "OD",
        },
    )
    assert r.status_code == 200 and 'data-letters="OD"' in r.text
    assert state(client, board, ana)["cells"] == []
    assert workshop(client, board, ana)["progress"][0]["filled"] == 1


def test_ready_marks_and_auto_reveal(client):
    board = make_board(client, **ACTS)
    start(client, board, auto_reveal=True)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    assert (
        client.put(
            f"/api/boards/{board.id}/ready", headers=auth(board.facilitator), json={"ready": True}
        ).status_code
        == 403
    )
    assert (
        client.put(
            f"/api/boards/{board.id}/ready", headers=auth(ana), json={"ready": True}
        ).status_code
        == 200
    )
    assert workshop(client, board, ben)["round"] == "propose"
    assert [p["ready"] for p in workshop(client, board, ben)["progress"]] == [True, False]
    said = text_of(client.get(f"/boards/{board.id}/live", headers=auth(ben)).text)
    assert "Ana 0 of 8 · ready" in said and "Ben 0 of 8 · filling…" in said
    assert (
        client.put(
            f"/api/boards/{board.id}/ready", headers=auth(ben), json={"ready": True}
        ).status_code
        == 200
    )
    w = workshop(client, board, ben)
    assert w["round"] == "reveal" and w["revealed"]
    log = client.get(f"/api/boards/{board.id}/changes?limit=1000", headers=auth(ben)).json()
    assert log[-1]["kind"] == "round.changed" and log[-1]["data"]["auto"] is True
    # Ready marks belong to the propose round.
    assert (
        client.put(
            f"/api/boards/{board.id}/ready", headers=auth(ana), json={"ready": False}
        ).status_code
        == 409
    )


def test_removing_the_last_unready_participant_auto_reveals(client):
    board = make_board(client, **ACTS)
    start(client, board, auto_reveal=True)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    client.put(f"/api/boards/{board.id}/ready", headers=auth(ana), json={"ready": True})
    ben_id = workshop(client, board, ben)["progress"][1]["participant_id"]
    r = client.delete(
        f"/api/boards/{board.id}/participants/{ben_id}", headers=auth(board.facilitator)
    )
    assert r.status_code == 204
    assert workshop(client, board, ana)["round"] == "reveal"


def test_a_proposing_participant_sees_rule_checks_on_their_own_proposals(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    propose(client, board, ana, "Pricing", "Launch", "PM", "O")
    propose(client, board, ana, "Pricing", "Launch", "PMM", "O")
    mine = client.get(f"/boards/{board.id}/live", headers=auth(ana)).text
    assert "Your proposals" in mine and "2 Owners (PM, PMM)" in mine
    # Nobody else sees Ana's checks, which would give her proposal away.
    for other in (ben, board.facilitator):
        page = client.get(f"/boards/{board.id}/live", headers=auth(other)).text
        assert "2 Owners" not in page


def test_a_ready_mark_from_someone_removed_meanwhile_is_refused_not_a_crash(client, session):
    # Ana's request has read her row when the facilitator removes her; her ready mark then
    # found the row gone and failed with a 500 (mypy: "Participant | None" has no "ready").
    board = make_board(client, **ACTS)
    start(client, board)
    ana = join(client, board, "Ana", "PM")
    join(client, board, "Ben", "PMM")
    access = resolve(session, board_id=board.id, token=ana)
    assert access.participant is not None
    removed = client.delete(
        f"/api/boards/{board.id}/participants/{access.participant.id}",
        headers=auth(board.facilitator),
    )
    assert removed.status_code == 204
    with pytest.raises(NotFound, match="no longer"):
        service.set_ready(session, access=access, ready=True)
