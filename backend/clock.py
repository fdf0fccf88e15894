"""Today's date, as a dependency: routes take ``TodayDep`` so tests can move the clock
(``app.dependency_overrides[today] = lambda: date(...)``) instead of waiting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends


def today() -> date:
    """The current date in UTC (published_at is stored in UTC too)."""
    return datetime.now(UTC).date()


TodayDep = Annotated[date, Depends(today)]
