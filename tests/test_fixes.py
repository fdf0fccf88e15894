"""Guided fixes through the API and the page: listed per finding, applied in one change,
refused when stale or not allowed (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.helpers import Board, auth, join, letters_of, make_board, set_cell, state, text_of
from tests.workshop_helpers import HX, move, propose, start

ACTS = [{"name": "Pricing"}, {"name": "Positioning"}]


def fixes(client, board, token):
    r = client.get(f"/api/boards/{board.id}/fixes", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def finding(data, code, activity_id=None):
    return next(
        f
        for f in data["findings"]
        if f["code"] == code and (activity_id is None or f["activity_id"] == activity_id)
    )


def apply(client, board, token, fix_id, decider=""):
    return client.post(
        f"/api/boards/{board.id}/fixes",
        headers=auth(token),
        json={"fix": fix_id, "decider": decider},
    )


def changes(client, board):
    r = client.get(f"/api/boards/{board.id}/changes?limit=1000", headers=auth(board.facilitator))
    return r.json()


def cell(board, data, activity, phase, function):
    key = (board.activity(activity), board.phase(phase), board.function(function))
    return letters_of(data).get(key, "")


def two_owners(client, framework="odci"):
    board = make_board(client, activities=ACTS, framework=framework)
    tok = board.facilitator
    owner = "A" if framework != "odci" else "O"
    assert set_cell(client, board, tok, "Pricing", "Launch", "PM", owner).status_code == 200
    assert set_cell(client, board, tok, "Pricing", "Launch", "PMM", owner).status_code == 200
    return board


def test_two_owners_listed_with_a_fix_per_candidate_and_applied_by_a_participant(client):
    board = two_owners(client)
    ana = join(client, board, "Ana", "PM")
    data = fixes(client, board, ana)
    assert data["can_apply"] is True and data["framework"] == "odci"
    f = finding(data, "many-owners")
    assert f["level"] == "error"
    assert (f["activity_id"], f["phase_id"]) == (board.activity("Pricing"), board.phase("Launch"))
    labels = [x["label"] for x in f["fixes"]]
    assert labels == ["Keep PM as Owner (O)", "Keep PMM as Owner (O)"]
    keep_pm = f["fixes"][0]
    assert keep_pm["action"] == "cells"
    assert keep_pm["cells"] == [
        {
            "activity_id": board.activity("Pricing"),
            "phase_id": board.phase("Launch"),
            "function_id": board.function("PMM"),
            "before": "O",
            "after": "D",
        }
    ]
    seq_before = changes(client, board)[-1]["seq"]
    r = apply(client, board, ana, keep_pm["id"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["applied"] == keep_pm["id"] and body["applied_seq"] == seq_before + 1
    assert not [x for x in body["findings"] if x["code"] == "many-owners"]
    after = state(client, board, ana)
    assert cell(board, after, "Pricing", "Launch", "PM") == "O"
    assert cell(board, after, "Pricing", "Launch", "PMM") == "D"
    check = next(
        c
        for c in after["checks"]
        if (c["activity_id"], c["phase_id"]) == (board.activity("Pricing"), board.phase("Launch"))
    )
    assert check["state"] == "ok"
    # One change in the log, from Ana, holding every cell it set.
    log = [c for c in changes(client, board) if c["seq"] > seq_before]
    assert [(c["kind"], c["actor"]) for c in log] == [("cells.fixed", "Ana")]
    assert log[0]["data"]["cells"] == [
        [board.activity("Pricing"), board.phase("Launch"), board.function("PMM"), "O", "D"]
    ]
    # The activity's history says it in words.
    page = client.get(
        f"/boards/{board.id}/activities/{board.activity('Pricing')}/history",
        headers={"X-Lockstep-Token": ana},
    )
    assert page.status_code == 200
    assert "fixed “Keep PM as Owner (O)”: Launch · PMM: Owner → Driver" in text_of(page.text)


def test_raci_words_and_letters(client):
    board = two_owners(client, "raci")
    f = finding(fixes(client, board, board.facilitator), "many-owners")
    assert f["fixes"][1]["label"] == "Keep PMM as Accountable (A)"
    assert f["fixes"][1]["why"] == "PM becomes Responsible"
    assert f["fixes"][1]["cells"][0]["before"] == "A"
    assert f["fixes"][1]["cells"][0]["after"] == "R"


def test_a_stale_fix_changes_nothing_and_says_so(client):
    board = two_owners(client)
    tok = board.facilitator
    fix_id = finding(fixes(client, board, tok), "many-owners")["fixes"][0]["id"]
    # Meanwhile someone makes PMM owner and driver: the fix no longer means the same.
    assert set_cell(client, board, tok, "Pricing", "Launch", "PMM", "OD").status_code == 200
    seq = changes(client, board)[-1]["seq"]
    r = apply(client, board, tok, fix_id)
    assert r.status_code == 409
    assert "no longer applies" in r.json()["detail"]
    assert changes(client, board)[-1]["seq"] == seq
    after = state(client, board, tok)
    assert cell(board, after, "Pricing", "Launch", "PMM") == "OD"
    assert cell(board, after, "Pricing", "Launch", "PM") == "O"
    # Applied twice: the second time it is stale too.
    fresh = finding(fixes(client, board, tok), "many-owners")["fixes"][0]["id"]
    assert apply(client, board, tok, fresh).status_code == 200
    assert apply(client, board, tok, fresh).status_code == 409


@pytest.mark.parametrize("bad", ["", "  ", "x" * 150, "many-owners.1.2;drop", "../etc"])
def test_a_malformed_fix_id_is_a_422(client, bad):
    board = two_owners(client)
    r = apply(client, board, board.facilitator, bad)
    assert r.status_code == 422, r.text
    assert isinstance(r.json()["detail"], str | list)


def test_who_may_apply(client):
    board = two_owners(client)
    other = make_board(client, activities=ACTS)
    fix_id = finding(fixes(client, board, board.facilitator), "many-owners")["fixes"][0]["id"]
    assert client.get(f"/api/boards/{board.id}/fixes").status_code == 401
    assert apply(client, board, other.facilitator, fix_id).status_code == 403
    assert apply(client, board, board.join, fix_id).status_code == 403
    # A workshop: participants do not apply fixes, and before the reveal nothing is agreed.
    ana = join(client, board, "Ana", "PM")
    start(client, board)
    assert fixes(client, board, ana)["can_apply"] is False
    assert apply(client, board, ana, fix_id).status_code == 403
    r = apply(client, board, board.facilitator, fix_id)
    assert r.status_code == 409 and "after the reveal" in r.json()["detail"]
    assert fixes(client, board, board.facilitator)["can_apply"] is False
    assert all(not f["fixes"] for f in fixes(client, board, board.facilitator)["findings"])


def workshop_no_owner(client):
    """A workshop after the reveal: two of three proposed PMM as Pricing's Launch owner;
    the facilitator has agreed only PM as driver, so the agreed matrix has no owner."""
    board = make_board(client, activities=ACTS)
    people = [join(client, board, n, fn) for n, fn in (("Ana", "PM"), ("Bo", "PMM"), ("Cy", "PM"))]
    start(client, board)
    for tok, (pm, pmm) in zip(people, (("D", "O"), ("D", "O"), ("O", "D")), strict=True):
        assert propose(client, board, tok, "Pricing", "Launch", "PM", pm).status_code == 200
        assert propose(client, board, tok, "Pricing", "Launch", "PMM", pmm).status_code == 200
    assert move(client, board, "reveal").status_code == 200
    assert (
        set_cell(client, board, board.facilitator, "Pricing", "Launch", "PM", "D").status_code
        == 200
    )
    return board, people


def test_workshop_no_owner_takes_the_rooms_majority_as_agreed(client):
    board, people = workshop_no_owner(client)
    tok = board.facilitator
    data = fixes(client, board, tok)
    assert data["can_apply"] is True
    f = finding(data, "no-owner")
    majority = f["fixes"][0]
    assert majority["label"] == "Take the room's proposal: PMM as Owner (O)"
    assert majority["why"] == "2 of 3 proposed PMM as Owner"
    assert [x["action"] for x in f["fixes"]][-1] == "park"
    # A participant sees the findings, but may not apply.
    assert fixes(client, board, people[0])["can_apply"] is False
    r = apply(client, board, tok, majority["id"])
    assert r.status_code == 200, r.text
    after = state(client, board, tok)
    assert cell(board, after, "Pricing", "Launch", "PMM") == "O"
    assert cell(board, after, "Pricing", "Launch", "PM") == "D"
    w = client.get(f"/api/boards/{board.id}/workshop", headers=auth(tok)).json()
    assert [board.activity("Pricing"), board.phase("Launch")] in w["agreed"]
    log = changes(client, board)[-1]
    assert log["kind"] == "cells.fixed" and log["data"]["agreed"] is True


def test_park_with_a_named_decider(client):
    board, _ = workshop_no_owner(client)
    tok = board.facilitator
    park = next(
        x for x in finding(fixes(client, board, tok), "no-owner")["fixes"] if x["action"] == "park"
    )
    r = apply(client, board, tok, park["id"], decider="  ")
    assert r.status_code == 422 and "Decider" in r.json()["detail"]
    r = apply(client, board, tok, park["id"], decider="Dana (VP Product)")
    assert r.status_code == 200, r.text
    last = changes(client, board)[-1]
    assert last["kind"] == "activity.parked"
    assert last["data"]["decider"] == "Dana (VP Product)"
    # Parked: the finding stays (still no owner) but parking is no longer offered.
    f = finding(fixes(client, board, tok), "no-owner")
    assert "park" not in [x["action"] for x in f["fixes"]]
    page = client.get(f"/f/{board.facilitator}")
    assert "Dana (VP Product)" in page.text


def test_review_offers_last_versions_owner(client):
    first = make_board(client, activities=ACTS)
    tok = first.facilitator
    assert set_cell(client, first, tok, "Pricing", "Launch", "PMM", "O").status_code == 200
    assert set_cell(client, first, tok, "Pricing", "Launch", "PM", "D").status_code == 200
    r = client.post(
        f"/api/boards/{first.id}/versions", headers=auth(tok), json={"label": "2026-Q3"}
    )
    assert r.status_code == 201, r.text
    created = client.post(f"/api/boards/{first.id}/versions/1/next", headers=auth(tok)).json()
    ntok = created["facilitator_token"]
    data = client.get(f"/api/boards/{created['id']}", headers=auth(ntok)).json()
    review = Board(created["id"], ntok, created["join_token"], data)
    for to in ("propose", "reveal"):
        assert move(client, review, to).status_code == 200
    # The room clears PMM's ownership by mistake: no owner.
    assert set_cell(client, review, ntok, "Pricing", "Launch", "PMM", "").status_code == 200
    f = finding(fixes(client, review, ntok), "no-owner")
    prev = next(x for x in f["fixes"] if x["label"].startswith("Keep last version"))
    assert prev["label"] == "Keep last version's Owner: PMM"
    assert prev["why"] == "PMM was Owner in 2026-Q3"
    assert apply(client, review, ntok, prev["id"]).status_code == 200
    assert cell(review, state(client, review, ntok), "Pricing", "Launch", "PMM") == "O"


def test_idle_function_marked_informed_across_the_phase_or_left(client):
    board = make_board(client, activities=ACTS, functions=["PM", "PMM", "Sales"])
    tok = board.facilitator
    for act in ("Pricing", "Positioning"):
        assert set_cell(client, board, tok, act, "Build", "PM", "O").status_code == 200
        assert set_cell(client, board, tok, act, "Build", "PMM", "D").status_code == 200
    f = finding(fixes(client, board, tok), "idle-function")
    assert (f["phase_id"], f["function_id"]) == (board.phase("Build"), board.function("Sales"))
    inform, leave = f["fixes"]
    assert inform["label"] == "Mark Sales Informed (I) on this phase's activities"
    assert len(inform["cells"]) == 2 and {c["after"] for c in inform["cells"]} == {"I"}
    assert leave["action"] == "leave"
    r = apply(client, board, tok, leave["id"])
    assert r.status_code == 422 and "changes nothing" in r.json()["detail"]
    assert apply(client, board, tok, inform["id"]).status_code == 200
    after = state(client, board, tok)
    for act in ("Pricing", "Positioning"):
        assert cell(board, after, act, "Build", "Sales") == "I"
    build = next(c for c in after["phase_checks"] if c["phase_id"] == board.phase("Build"))
    assert build["findings"] == []


def test_the_page_lists_fixes_and_applies_one_with_htmx(client):
    board = two_owners(client)
    tok = board.facilitator
    page = client.get(f"/f/{tok}")
    assert 'class="fixes editor-only"' in page.text
    # The page lists the finding; its fixes are loaded when its Fix… is opened.
    key = finding(fixes(client, board, tok), "many-owners")["key"]
    assert f'data-fixes-url="/boards/{board.id}/fixes/{key}"' in page.text
    assert "Keep PM as Owner (O)" not in text_of(page.text)
    headers = {**HX, "X-Lockstep-Token": tok}
    listed = client.get(f"/boards/{board.id}/fixes/{key}", headers=headers)
    text = text_of(listed.text)
    assert "Keep PM as Owner (O)" in text and "PMM becomes Driver" in text
    fix_id = finding(fixes(client, board, tok), "many-owners")["fixes"][1]["id"]
    assert f'data-fix="{fix_id}"' in listed.text
    gone = client.get(f"/boards/{board.id}/fixes/many-owners.999.999", headers=headers)
    assert gone.status_code == 200 and "no longer on the board" in gone.text
    assert client.get(f"/boards/{board.id}/fixes/{key}").status_code == 401  # no token
    r = client.post(f"/boards/{board.id}/fixes", data={"fix": fix_id}, headers=headers)
    assert r.status_code == 200 and 'id="live"' in r.text
    assert "Keep PM as Owner" not in text_of(r.text)
    assert cell(board, state(client, board, tok), "Pricing", "Launch", "PM") == "D"
    # Again: stale, answered with the message for the page's flash area.
    r = client.post(f"/boards/{board.id}/fixes", data={"fix": fix_id}, headers=headers)
    assert r.status_code == 409
    assert r.headers["HX-Retarget"] == "#flash" and "no longer applies" in r.text
