"""The rounds of a facilitated workshop and which moves between them are legal (pure)."""

from __future__ import annotations

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
