"""The review cadence (pure): when a published version is next reviewed, and where each
quarter's review stands."""

from __future__ import annotations

from datetime import date, timedelta

MAX_AHEAD_YEARS = 2

NOT_STARTED, IN_PROGRESS, PUBLISHED = "not started", "in progress", "published"


def quarter_start(day: date) -> date:
    """The first day of the calendar quarter ``day`` falls in."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def next_quarter_start(day: date) -> date:
    """The first day of the calendar quarter after the one ``day`` falls in."""
    start = quarter_start(day)
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def default_next_review(published: date) -> date:
    """The default next review date of a version published on ``published``: the start of
    the third week of the next calendar quarter.

    Weeks start on Monday. The quarter's *first week* is the first one that starts inside
    the quarter, i.e. it begins on the first Monday on or after the quarter's first day (a
    quarter starting on a Monday begins its first week that day). The *start of the third
    week* is the Monday 14 days after that: always between the 15th and the 21st day of the
    quarter's first month. Example: published 2026-11-20 (Q4) → 2027-Q1 starts on Friday
    2027-01-01, its first Monday is 01-04, so the review is on Monday 2027-01-18.
    """
    start = next_quarter_start(published)
    first_monday = start + timedelta(days=(7 - start.weekday()) % 7)
    return first_monday + timedelta(days=14)


def latest_review_date(today: date) -> date:
    """The last date a next review may be set to: two years from ``today`` (29 February
    counts from 28 February)."""
    try:
        return today.replace(year=today.year + MAX_AHEAD_YEARS)
    except ValueError:
        return today.replace(year=today.year + MAX_AHEAD_YEARS, day=28)


def review_date_problem(day: date, today: date) -> str | None:
    """Why ``day`` cannot be a next review date (None when it can): not in the past, and
    at most two years ahead."""
    if day < today:
        return f"The next review date {day.isoformat()} is in the past"
    if day > latest_review_date(today):
        return f"The next review date {day.isoformat()} is more than two years ahead"
    return None


def review_due(next_review: date | None, today: date, *, newer: bool) -> bool:
    """A version's review is due from its next review date on (the day itself included),
    unless a newer version has been published in its lineage since."""
    return next_review is not None and not newer and today >= next_review


def review_status(started: bool, published: bool) -> str:
    """Where the review of a version stands: not started (no review board started from
    it), in progress (a review board exists, nothing published by it yet) or published."""
    if published:
        return PUBLISHED
    return IN_PROGRESS if started else NOT_STARTED
