"""The review cadence's date rule and review states (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from backend.domain import cadence


@pytest.mark.parametrize(
    ("published", "review"),
    [
        (date(2026, 11, 20), date(2027, 1, 18)),  # 2027-01-01 is a Friday → Mon 01-04 + 14
        (date(2026, 12, 31), date(2027, 1, 18)),
        (date(2026, 10, 1), date(2027, 1, 18)),
        (date(2027, 1, 1), date(2027, 4, 19)),  # 2027-04-01 Thursday → Mon 04-05 + 14
        (date(2027, 4, 30), date(2027, 7, 19)),  # 2027-07-01 Thursday → Mon 07-05 + 14
        (date(2027, 9, 30), date(2027, 10, 18)),  # 2027-10-01 Friday → Mon 10-04 + 14
        (date(2024, 12, 15), date(2025, 1, 20)),  # 2025-01-01 Wednesday → Mon 01-06 + 14
        (date(2030, 2, 1), date(2030, 4, 15)),  # 2030-04-01 is a Monday: week 1 starts there
    ],
)
def test_default_next_review_is_the_third_monday_of_next_quarter(published, review):
    got = cadence.default_next_review(published)
    assert got == review
    assert got.weekday() == 0 and 15 <= got.day <= 21
    assert cadence.quarter_start(got) == cadence.next_quarter_start(published)


def test_every_day_of_a_year_maps_into_the_next_quarter():
    day = date(2028, 1, 1)  # a leap year
    while day.year == 2028:
        got = cadence.default_next_review(day)
        assert got > day and got.weekday() == 0 and 15 <= got.day <= 21
        assert got.month in (1, 4, 7, 10)
        day = date.fromordinal(day.toordinal() + 1)


def test_review_date_problems():
    today = date(2026, 12, 2)
    assert cadence.review_date_problem(today, today) is None
    assert cadence.review_date_problem(date(2028, 12, 2), today) is None
    assert "past" in cadence.review_date_problem(date(2026, 12, 1), today)
    assert "two years" in cadence.review_date_problem(date(2028, 12, 3), today)
    assert cadence.latest_review_date(date(2028, 2, 29)) == date(2030, 2, 28)


def test_review_due_and_states():
    due = date(2027, 1, 18)
    assert not cadence.review_due(due, date(2027, 1, 17), newer=False)
    assert cadence.review_due(due, due, newer=False)
    assert not cadence.review_due(due, date(2027, 2, 1), newer=True)
    assert not cadence.review_due(None, date(2027, 2, 1), newer=False)
    assert cadence.review_status(False, False) == "not started"
    assert cadence.review_status(True, False) == "in progress"
    assert cadence.review_status(True, True) == "published"
