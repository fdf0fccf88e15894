"""Review cadence: the next review date set on publishing, the "review due" badge, the
calendar invite (.ics) and where each quarter's review stands."""

from __future__ import annotations

import json
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlmodel import Session, select

from backend.boards.models import Board
from backend.clock import today
from backend.db import get_engine
from backend.workshop.invite import review_invite
from backend.workshop.models import Version
from tests.helpers import auth, make_board, set_cell, text_of
from tests.workshop_helpers import ACTS

TODAY = date(2026, 11, 20)


@pytest.fixture
def clock(client):
    """Set "today" for the app: ``clock(date)``."""

    def set_today(day: date) -> None:
        client.app.dependency_overrides[today] = lambda: day

    set_today(TODAY)
    yield set_today
    client.app.dependency_overrides.pop(today, None)


def publish_review(client, nxt, **body):
    """Publish a review board (workshop mode): through the rounds to the reveal first."""
    tok = nxt["facilitator_token"]
    for to in ("propose", "reveal"):
        r = client.post(f"/api/boards/{nxt['id']}/round", headers=auth(tok), json={"to": to})
        assert r.status_code == 200, r.text
    return client.post(f"/api/boards/{nxt['id']}/versions", headers=auth(tok), json=body)


def publish(client, board, **body):
    return client.post(
        f"/api/boards/{board.id}/versions", headers=auth(board.facilitator), json=body
    )


def test_publish_defaults_the_next_review_and_takes_a_date(client, clock):
    board = make_board(client, **ACTS)
    r = publish(client, board)
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["next_review"] == "2027-01-18"  # Monday of 2027-Q1's third week
    assert v["review_due"] is False
    assert v["review_ics_url"].endswith("/1/review.ics")
    r = publish(client, board, next_review="2027-02-03")
    assert r.status_code == 201, r.text
    assert r.json()["next_review"] == "2027-02-03"
    token = v["viewer_url"].split("/v/")[1].split("/")[0]
    listed = client.get(f"/api/view/{token}").json()
    assert [x["next_review"] for x in listed] == ["2027-01-18", "2027-02-03"]
    snap = client.get(f"/api/view/{token}/2").json()
    assert snap["version"]["next_review"] == "2027-02-03"  # in the JSON export too


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2026-11-19", "past"),
        ("2028-11-21", "two years"),
        ("2027-02-30", "date"),
        ("next week", "date"),
        (20270118, "date"),
    ],
)
def test_bad_next_review_dates_are_refused_and_nothing_is_published(client, clock, value, says):
    board = make_board(client, **ACTS)
    r = publish(client, board, next_review=value)
    assert r.status_code == 422, r.text
    assert says in json.dumps(r.json()["detail"])
    versions = client.get(f"/api/boards/{board.id}/versions", headers=auth(board.facilitator))
    assert versions.json() == []


def test_the_publish_form_takes_a_next_review_date(client, clock):
    board = make_board(client, **ACTS)
    page = client.get(f"/f/{board.facilitator}").text
    assert 'type="date" name="next_review" id="publish-next-review"' in page
    hx = {"HX-Request": "true", "X-Lockstep-Token": board.facilitator}
    r = client.post(f"/boards/{board.id}/publish", headers=hx, data={"next_review": "2026-01-01"})
    assert r.status_code == 422 and "past" in r.text
    r = client.post(f"/boards/{board.id}/publish", headers=hx, data={"next_review": "soon"})
    assert r.status_code == 422
    assert (
        client.get(f"/api/boards/{board.id}/versions", headers=auth(board.facilitator)).json() == []
    )
    r = client.post(f"/boards/{board.id}/publish", headers=hx, data={"next_review": "2027-03-01"})
    assert r.status_code == 200, r.text
    r = client.post(f"/boards/{board.id}/publish", headers=hx, data={"next_review": ""})
    assert r.status_code == 200, r.text
    versions = client.get(f"/api/boards/{board.id}/versions", headers=auth(board.facilitator))
    assert [v["next_review"] for v in versions.json()] == ["2027-03-01", "2027-01-18"]


def test_review_due_badge_only_once_the_date_has_come_and_nothing_newer(client, clock):
    board = make_board(client, **ACTS)
    v = publish(client, board, next_review="2026-12-01").json()
    page_url = urlsplit(v["viewer_url"]).path
    token = page_url.split("/")[2]
    page = client.get(page_url).text
    assert "2026-12-01" in text_of(page) and 'id="review-due"' not in page
    clock(date(2026, 11, 30))
    assert 'id="review-due"' not in client.get(page_url).text
    clock(date(2026, 12, 1))
    assert 'id="review-due"' in client.get(page_url).text
    assert client.get(f"/api/view/{token}").json()[0]["review_due"] is True
    # A newer version in the lineage (here: a review board's) settles it.
    nxt = client.post(
        f"/api/boards/{board.id}/versions/1/next", headers=auth(board.facilitator)
    ).json()
    assert 'id="review-due"' in client.get(page_url).text
    r = publish_review(client, nxt)
    assert r.status_code == 201, r.text
    assert 'id="review-due"' not in client.get(page_url).text
    assert client.get(f"/api/view/{token}").json()[0]["review_due"] is False
    clock(date(2027, 6, 1))  # the review's own version is due in turn
    assert 'id="review-due"' in client.get(urlsplit(r.json()["viewer_url"]).path).text


def test_the_calendar_invite(client, clock):
    board = make_board(client, title="Roles, Q1; PM/PMM", **ACTS)
    set_cell(client, board, board.facilitator, "Pricing", "Launch", "PMM", "OD")
    r = client.put(
        f"/api/boards/{board.id}/park",
        headers=auth(board.facilitator),
        json={"activity_id": board.activity("Positioning"), "decider": "Dana, CPO; EMEA"},
    )
    assert r.status_code == 200, r.text
    v = publish(client, board, next_review="2027-01-20").json()
    token = v["viewer_url"].split("/v/")[1].split("/")[0]
    assert client.get(f"/v/{token}/1").text.count(f"/api/view/{token}/1/review.ics") == 1
    r = client.get(f"/api/view/{token}/1/review.ics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/calendar")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content == client.get(f"/api/view/{token}/1/review.ics").content  # stable
    cal = Calendar.from_ical(r.content)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//Lockstep//")
    (event,) = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2027, 1, 20)
    assert event.decoded("DTEND") == date(2027, 1, 21)  # all day
    assert str(event["SUMMARY"]) == "Quarterly review: Roles, Q1; PM/PMM"
    assert str(event["URL"]) == v["viewer_url"]
    assert (
        str(event["UID"])
        == f"lockstep-review-{_version_id(client, token)}@{urlsplit(v['viewer_url']).hostname}"
    )
    assert isinstance(event.decoded("DTSTAMP"), datetime)
    text = str(event["DESCRIPTION"])
    assert v["viewer_url"] in text
    assert "Parked decisions (1):\n- Positioning — Dana, CPO; EMEA decides" in text
    assert "Open items (0):" in text
    # The raw file escapes the user's text as RFC 5545 says.
    raw = r.content.decode()
    assert "SUMMARY:Quarterly review: Roles\\, Q1\\; PM/PMM" in raw
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    for bad in (f"/api/view/{token}/9/review.ics", "/api/view/nonsense/1/review.ics"):
        r = client.get(bad)
        assert r.status_code == 404 and r.json()["detail"]


def _version_id(client, token):
    with Session(get_engine()) as s:
        board = s.exec(select(Board).where(Board.viewer_token == token)).one()
        return s.exec(select(Version.id).where(Version.board_id == board.id)).one()


def test_invite_round_trips_commas_semicolons_and_newlines():
    name = 'Ana, "PM"; lead\nsecond line \\ backslash'
    snap = {
        "title": name,
        "version": {"number": 3, "label": "2026-Q4"},
        "open_items": [
            {"activity": name, "phase": "Launch", "reason": "not agreed", "decider": None},
            {"activity": "Pricing", "phase": None, "reason": "parked", "decider": name},
        ],
    }
    version = Version(
        id=7,
        board_id=1,
        number=3,
        label="2026-Q4",
        published_by="x",
        published_at=datetime(2026, 11, 20, 10, 0),
        next_review=date(2027, 1, 18),
        snapshot=json.dumps(snap),
    )
    (event,) = Calendar.from_ical(
        review_invite(version, url="https://lockstep.example/v/t/3")
    ).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Quarterly review: {name}"
    text = str(event["DESCRIPTION"])
    assert f"- {name} · Launch: not agreed" in text
    assert f"- Pricing — {name} decides" in text
    assert str(event["UID"]) == "lockstep-review-7@lockstep.example"
    assert event.decoded("DTSTAMP") == datetime(
        2026, 11, 20, 10, 0, tzinfo=event.decoded("DTSTAMP").tzinfo
    )


def test_review_state_on_history_and_on_the_board(client, clock):
    board = make_board(client, **ACTS)
    v = publish(client, board, label="2026-Q4").json()
    token = v["viewer_url"].split("/v/")[1].split("/")[0]

    def state():
        page = text_of(client.get(f"/v/{token}/history").text)
        board_page = text_of(client.get(f"/f/{board.facilitator}").text)
        return page, board_page

    page, board_page = state()
    assert "2027-01-18 · not started" in page
    assert "2026-Q4 → 2027-01-18, review not started" in board_page
    assert "review not started" in text_of(client.get(f"/v/{token}/1").text)
    nxt = client.post(
        f"/api/boards/{board.id}/versions/1/next", headers=auth(board.facilitator)
    ).json()
    page, board_page = state()
    assert "2027-01-18 · in progress" in page
    assert "2026-Q4 → 2027-01-18, review in progress" in board_page
    r = publish_review(client, nxt, next_review="2027-04-19")
    assert r.status_code == 201, r.text
    page, board_page = state()
    assert "2027-01-18 · published" in page and "2027-04-19 · not started" in page
    assert "2026-Q4 → 2027-01-18, review published" in board_page
