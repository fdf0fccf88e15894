"""The rounds of a facilitated workshop and which moves between them are legal (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

SETUP, PROPOSE, REVEAL, AGREED, PUBLISHED = "setup", "propose", "reveal", "agreed", "published"
ROUNDS = (SETUP, PROPOSE, REVEAL, AGREED, PUBLISHED)
LABELS = {
    SETUP: "Set up",
    PROPOSE: "Silent proposals",
    REVEAL: "Reveal & discuss",
    AGREED: "Agree",
    PUBLISHED: "Published",
}
FREE, WORKSHOP = "free", "workshop"
MODES = (FREE, WORKSHOP)

# Moves the facilitator may make with "next"/"back"; publishing has its own action.
FORWARD = {SETUP: PROPOSE, PROPOSE: REVEAL, REVEAL: AGREED}
BACK = {PROPOSE: SETUP, REVEAL: PROPOSE, AGREED: REVEAL, PUBLISHED: AGREED}
PUBLISHABLE = (REVEAL, AGREED, PUBLISHED)


def can_move(current: str, to: str) -> bool:
    return FORWARD.get(current) == to or BACK.get(current) == to


def proposals_visible(round_: str) -> bool:
    """Whether everyone may see everyone's proposals (after the reveal)."""
    return round_ in (REVEAL, AGREED, PUBLISHED)


def min_voters(participants: int) -> int:
    """ "Everyone agreed" needs at least two people when two or more have joined."""
    return min(2, max(participants, 1))


def quarter_label(today: date | None = None) -> str:
    """The calendar quarter, e.g. 2026-Q4: the default label of a published version."""
    today = today or date.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


QUARTER = re.compile(r"(\d{4})-Q([1-4])")


def _quarter_after(label: str) -> str:
    year, q = (int(x) for x in QUARTER.fullmatch(label).groups())  # type: ignore[union-attr]
    return f"{year + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"


def review_label(reviewed: str | None, taken: Iterable[str] = (), today: date | None = None) -> str:
    """The default label of a review's version: the quarter after the reviewed version's
    label when it reads like ``2026-Q4`` (→ ``2027-Q1``), else the current quarter; moved on
    quarter by quarter past labels the lineage already ``taken``."""
    label = reviewed.strip() if reviewed else ""
    label = _quarter_after(label) if QUARTER.fullmatch(label) else quarter_label(today)
    taken = set(taken)
    for _ in range(400):  # a hundred years of quarters: only a damaged lineage gets here
        if label not in taken:
            break
        label = _quarter_after(label)
    return label
