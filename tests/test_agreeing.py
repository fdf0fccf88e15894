"""After the reveal: accepting unanimous and majority proposals, setting agreed cells,
re-votes, and ties left for people."""

from __future__ import annotations

import html
import re

from tests.helpers import auth, join, make_board, state, text_of
from tests.workshop_helpers import ACTS, HX, move, propose, start, workshop


def test_accept_unanimous_majority_and_agree_cells(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    for tok in (ana, ben):
        propose(client, board, tok, "Pricing", "Launch", "PM", "OD")
        propose(client, board, tok, "Pricing", "Launch", "PMM", "C")
    propose(client, board, ana, "Positioning", "Launch", "PMM", "OD")
    propose(client, board, ben, "Positioning", "Launch", "PMM", "D")
    propose(client, board, ben, "Positioning", "Launch", "PM", "O")
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 409  # not revealed yet
    move(client, board, "reveal")
    w = workshop(client, board, board.facilitator)
    assert [h["activity_id"] for h in w["hot_list"]] == [board.activity("Positioning")]
    page = text_of(client.get(f"/boards/{board.id}/live", headers=auth(ana)).text)
    assert "% disagreement: the share of this activity's voted cells not behind" in page
    assert (
        client.post(f"/api/boards/{board.id}/accept", headers=auth(ana), json={}).status_code == 403
    )
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 200
    d = state(client, board, board.facilitator)
    cells = {(c["activity_id"], c["function_id"]): c["letters"] for c in d["cells"]}
    assert cells == {
        (board.activity("Pricing"), board.function("PM")): "OD",
        (board.activity("Pricing"), board.function("PMM")): "C",
    }
    assert workshop(client, board, ana)["agreed"] == [
        [board.activity("Pricing"), board.phase("Launch")]
    ]
    # Nothing unanimous left.
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 409 and "Nothing to accept" in r.json()["detail"]
    # The facilitator decides the disputed one cell by cell.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(board.facilitator),
        json={
            "activity_id": board.activity("Positioning"),
            "phase_id": board.phase("Launch"),
            "function_id": board.function("PMM"),
            "letters": "OD",
        },
    )
    assert r.status_code == 200
    agreed = workshop(client, board, ana)["agreed"]
    assert [board.activity("Positioning"), board.phase("Launch")] in agreed
    # Participants cannot set agreed values.
    r = client.put(
        f"/api/boards/{board.id}/cells",
        headers=auth(ana),
        json={
            "activity_id": board.activity("Positioning"),
            "phase_id": board.phase("Launch"),
            "function_id": board.function("PMM"),
            "letters": "I",
        },
    )
    assert r.status_code in (403, 409)


def test_revote_clears_one_activity_and_hides_it_again(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    propose(client, board, ana, "Pricing", "Build", "PM", "O")
    propose(client, board, ben, "Pricing", "Build", "PM", "D")
    propose(client, board, ben, "Positioning", "Build", "PM", "C")
    move(client, board, "reveal")
    pricing = board.activity("Pricing")
    assert (
        client.post(
            f"/api/boards/{board.id}/activities/{pricing}/revote", headers=auth(ana)
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/boards/{board.id}/activities/{pricing}/revote", headers=auth(board.facilitator)
        ).status_code
        == 200
    )
    # Pricing's proposals are gone; Positioning's stay visible.
    w = workshop(client, board, ana)
    assert {x["activity_id"] for x in w["proposals"]} == {board.activity("Positioning")}
    # People propose Pricing again, silently, while the rest stays revealed.
    assert propose(client, board, ana, "Pricing", "Build", "PM", "OD").status_code == 200
    assert propose(client, board, ana, "Positioning", "Build", "PM", "O").status_code == 409
    assert all(x["activity_id"] != pricing for x in workshop(client, board, ben)["proposals"])
    r = client.post(
        f"/api/boards/{board.id}/accept",
        headers=auth(board.facilitator),
        json={"activity_id": pricing, "use": "majority"},
    )
    assert r.status_code == 409 and "re-voted" in r.json()["detail"]
    assert (
        client.post(
            f"/api/boards/{board.id}/activities/{pricing}/reveal", headers=auth(board.facilitator)
        ).status_code
        == 200
    )
    assert any(x["activity_id"] == pricing for x in workshop(client, board, ben)["proposals"])
    assert (
        client.post(
            f"/api/boards/{board.id}/activities/{pricing}/reveal", headers=auth(board.facilitator)
        ).status_code
        == 409
    )


def test_going_back_to_reveal_keeps_a_revote_hidden(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    propose(client, board, ana, "Pricing", "Build", "PM", "O")
    move(client, board, "reveal")
    pricing = board.activity("Pricing")
    client.post(
        f"/api/boards/{board.id}/activities/{pricing}/revote", headers=auth(board.facilitator)
    )
    propose(client, board, ana, "Pricing", "Build", "PM", "OD")
    move(client, board, "agreed")
    move(client, board, "reveal")
    assert all(x["activity_id"] != pricing for x in workshop(client, board, ben)["proposals"])
    assert propose(client, board, ben, "Pricing", "Build", "PM", "D").status_code == 200


def test_majority_ties_are_left_for_people(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    propose(client, board, ana, "Pricing", "Launch", "PM", "O")
    propose(client, board, ana, "Pricing", "Launch", "PMM", "D")
    propose(client, board, ben, "Pricing", "Launch", "PM", "D")
    propose(client, board, ben, "Pricing", "Launch", "PMM", "O")
    propose(client, board, ana, "Positioning", "Launch", "PMM", "OD")  # only one voter
    move(client, board, "reveal")
    r = client.post(
        f"/api/boards/{board.id}/accept",
        headers=auth(board.facilitator),
        json={"activity_id": board.activity("Pricing"), "use": "majority"},
    )
    assert r.status_code == 409 and "tie" in r.json()["detail"] and "PM" in r.json()["detail"]
    # One voter out of two is not "everyone agreed".
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 409
    assert state(client, board, board.facilitator)["cells"] == []
    assert workshop(client, board, ana)["agreed"] == []


def unanimous_button(client, board) -> int:
    page = client.get(f"/boards/{board.id}/live", headers=auth(board.facilitator)).text
    return int(re.search(r"Accept all unanimous \((\d+)\)", page).group(1))


def test_unanimous_count_is_what_accepting_accepts(client):
    board = make_board(
        client, activities=[{"name": "Pricing"}, {"name": "Positioning"}, {"name": "Naming"}]
    )
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    for tok in (ana, ben):
        for phase in ("Build", "Launch"):
            propose(client, board, tok, "Pricing", phase, "PM", "OD")
        propose(client, board, tok, "Naming", "Launch", "PMM", "OD")
    propose(client, board, ana, "Positioning", "Launch", "PMM", "OD")  # one voter of two
    move(client, board, "reveal")
    naming = board.activity("Naming")
    r = client.post(
        f"/api/boards/{board.id}/activities/{naming}/revote", headers=auth(board.facilitator)
    )
    assert r.status_code == 200
    for tok in (ana, ben):  # unanimous again, but still hidden in its re-vote
        propose(client, board, tok, "Naming", "Launch", "PMM", "OD")
    before = unanimous_button(client, board)
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 200, r.text
    agreed = workshop(client, board, ana)["agreed"]
    assert before == len(agreed) == 2
    assert {a for a, _ in agreed} == {board.activity("Pricing")}
    assert unanimous_button(client, board) == 0
    r = client.post(f"/api/boards/{board.id}/accept", headers=auth(board.facilitator), json={})
    assert r.status_code == 409


def test_a_tie_is_settled_by_taking_one_sides_whole_row(client):
    board = make_board(client, **ACTS)
    start(client, board)
    ana, ben = join(client, board, "Ana", "PM"), join(client, board, "Ben", "PMM")
    cy = join(client, board, "Cy", "PM")  # proposes nothing
    for tok, pm, pmm in ((ana, "O", "D"), (ben, "D", "O")):
        propose(client, board, tok, "Pricing", "Launch", "PM", pm)
        propose(client, board, tok, "Pricing", "Launch", "PMM", pmm)
        propose(client, board, tok, "Pricing", "Build", "PM", pm)
    move(client, board, "reveal")
    fac = auth(board.facilitator)
    ids = {p["name"]: p["participant_id"] for p in workshop(client, board, ana)["progress"]}
    pricing, launch, build = board.activity("Pricing"), board.phase("Launch"), board.phase("Build")
    pm, pmm = str(board.function("PM")), str(board.function("PMM"))
    ties = workshop(client, board, ana)["ties"]
    assert [(t["activity_id"], t["phase_id"]) for t in ties] == [
        (pricing, build),
        (pricing, launch),
    ]
    assert ties[1]["options"] == [
        {"participant_ids": [ids["Ana"]], "participants": ["Ana"], "letters": {pm: "O", pmm: "D"}},
        {"participant_ids": [ids["Ben"]], "participants": ["Ben"], "letters": {pm: "D", pmm: "O"}},
    ]
    # The facilitator's discussion panel offers each side in one click.
    client.put(f"/api/boards/{board.id}/spotlight", headers=fac, json={"activity_id": pricing})
    raw = client.get(f"/boards/{board.id}/live", headers=fac).text
    assert "Tie in Launch: Take PM: O, PMM: D (Ana) Take PM: D, PMM: O (Ben)" in text_of(raw)
    # A tied pair's cell offers to spotlight it rather than a majority that does not exist.
    assert 'aria-label="A tie for Pricing in Build: spotlight it to pick a side"' in raw
    # Bad input: 422 with a detail, nothing changed.
    take = {"activity_id": pricing, "phase_id": launch, "use": "votes_of"}
    for body in (
        take,
        {**take, "participant_id": 999999},
        {**take, "participant_id": ids["Cy"]},  # proposed nothing here
        {**take, "participant_id": "Ben"},
        {"activity_id": pricing, "use": "votes_of", "participant_id": ids["Ben"]},
    ):
        r = client.post(f"/api/boards/{board.id}/accept", headers=fac, json=body)
        assert r.status_code == 422 and r.json()["detail"], (body, r.text)
    assert (
        client.post(
            f"/api/boards/{board.id}/accept",
            headers=auth(cy),
            json={**take, "participant_id": ids["Ben"]},
        ).status_code
        == 403
    )
    assert state(client, board, board.facilitator)["cells"] == []
    assert workshop(client, board, ana)["agreed"] == []
    # Taking Ben's side agrees his whole row, logged like any agreement.
    r = client.post(
        f"/api/boards/{board.id}/accept", headers=fac, json={**take, "participant_id": ids["Ben"]}
    )
    assert r.status_code == 200, r.text
    cells = {
        (c["phase_id"], c["function_id"]): c["letters"] for c in state(client, board, ana)["cells"]
    }
    assert cells == {(launch, int(pm)): "D", (launch, int(pmm)): "O"}
    assert workshop(client, board, ana)["agreed"] == [[pricing, launch]]
    log = client.get(f"/api/boards/{board.id}/changes?limit=1000", headers=fac).json()
    assert log[-1]["kind"] == "cells.accepted"
    assert log[-1]["data"]["use"] == "votes_of" and log[-1]["data"]["participant"] == "Ben"
    history = client.get(f"/boards/{board.id}/activities/{pricing}/history", headers=fac).text
    assert "agreed from Ben's proposal: Launch (PM: Driver; PMM: Owner)" in html.unescape(history)
    assert [(t["activity_id"], t["phase_id"]) for t in workshop(client, board, ana)["ties"]] == [
        (pricing, build)
    ]
    # The page's route: an error fragment for bad input, the refreshed board otherwise.
    h = {**HX, "X-Lockstep-Token": board.facilitator}
    form = {"activity_id": pricing, "phase_id": build, "use": "votes_of"}
    for bad in ("", "x", str(ids["Cy"])):
        r = client.post(
            f"/boards/{board.id}/accept", headers=h, data={**form, "participant_id": bad}
        )
        assert r.status_code == 422 and r.headers["HX-Retarget"] == "#flash"
        assert 'class="flash flash-error"' in r.text
    assert workshop(client, board, ana)["agreed"] == [[pricing, launch]]
    r = client.post(
        f"/boards/{board.id}/accept", headers=h, data={**form, "participant_id": ids["Ana"]}
    )
    assert r.status_code == 200 and "Tie in" not in text_of(r.text)
    assert sorted(workshop(client, board, ana)["agreed"]) == sorted(
        [[pricing, launch], [pricing, build]]
    )
