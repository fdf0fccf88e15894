"""What the projector shows: one picture per round, read from the back of the room.

Everything here is derived from a ``Screen`` loaded for the whole room (no participant's
own proposals), so the projector can show nothing a participant's screen does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from markupsafe import Markup

from backend.domain.consensus import disagreement
from backend.domain.frameworks import DRIVER, OWNER
from backend.exports.json_export import to_dict
from backend.exports.pictures import LANE_WALL, Pictures
from backend.workshop import rounds as r
from backend.workshop.screen import Screen

MATRIX, PROPOSE, HEAT, SPOTLIGHT, AGREE, PUBLISHED = (
    "matrix",
    "propose",
    "heat",
    "spotlight",
    "agree",
    "published",
)
HOT_SHOWN = 10  # hot list entries that fit beside the heat map
FINDINGS_SHOWN = 9  # rule findings that fit beside the agreed matrix
COMMENTS_SHOWN = 5
PEOPLE_SHOWN = 20  # names that fit in the free-mode people column


@dataclass(frozen=True)
class Chip:
    """A function holding the lead roles (owner, driver) of one cell, as slot codes."""

    function: str
    slots: str


@dataclass(frozen=True)
class Heat:
    state: str  # "agreed", "none" (nobody proposed), "same" (unanimous) or "split"
    percent: int  # share of the room not behind the most common answer
    level: int  # 0..5, for shading


class Wall:
    comments_shown = COMMENTS_SHOWN

    def __init__(self, s: Screen) -> None:
        self.s = s

    @cached_property
    def picture(self) -> str:
        w = self.s.w
        if w.is_workshop and w.round == r.PUBLISHED:
            return PUBLISHED  # the result, even if an activity is still spotlit
        if w.spotlight is not None:
            return SPOTLIGHT
        if not w.is_workshop or w.round == r.SETUP:
            return MATRIX
        return {r.PROPOSE: PROPOSE, r.REVEAL: HEAT, r.AGREED: AGREE}.get(w.round, PUBLISHED)

    @cached_property
    def density(self) -> str:
        """How tightly the activity rows must pack to fit the wall without scrolling."""
        n = len(self.s.v.activities)
        return "roomy" if n <= 12 else "normal" if n <= 22 else "dense"

    def leads(self, a: int, p: int) -> list[Chip]:
        """Who owns and who drives an activity in a phase, owners first."""
        v = self.s.v
        out = []
        for f in v.functions:
            held = "".join(x for x in v.cells.get((a, p, f.id), "") if x in (OWNER, DRIVER))
            if held:
                out.append(Chip(f.name, held))
        return sorted(out, key=lambda c: OWNER not in c.slots)

    def chips(self, slots: str) -> list[tuple[str, str]]:
        """(slot code, framework letter) for each role in a cell value."""
        return [(x, self.s.v.framework.letter(x)) for x in slots]

    @cached_property
    def state_counts(self) -> dict[str, int]:
        v = self.s.v
        out = {"ok": 0, "warning": 0, "error": 0, "open": 0}
        for a in v.activities:
            for p in v.phases:
                out[v.status(a.id, p.id).state] += 1
        return out

    def heat(self, a: int, p: int) -> Heat:
        if self.s.agreed(a, p):
            return Heat("agreed", 0, 0)
        g = self.s.w.groups.get((a, p))
        if g is None:
            return Heat("none", 0, 0)
        score = disagreement([g])
        if score == 0:
            return Heat("same", 0, 0)
        pct = max(1, round(score * 100))
        level = 1 if pct <= 10 else 2 if pct <= 20 else 3 if pct <= 30 else 4 if pct <= 45 else 5
        return Heat("split", pct, level)

    @cached_property
    def hot(self):  # type: ignore[no-untyped-def]
        return self.s.hot

    @cached_property
    def phase_names(self) -> dict[int, str]:
        return {p.id: p.name for p in self.s.v.phases}

    @cached_property
    def ready_count(self) -> int:
        return sum(1 for pr in self.s.w.progress if pr.participant.ready)

    @cached_property
    def owner_load(self) -> list[tuple[str, int, int]]:
        """(function, activity·phase pairs owned, pairs driven), for the published summary."""
        v = self.s.v
        out = []
        for f in v.functions:
            slots = [v.cells.get((a.id, p.id, f.id), "") for a in v.activities for p in v.phases]
            out.append((f.name, sum(OWNER in x for x in slots), sum(DRIVER in x for x in slots)))
        return out

    @cached_property
    def swimlane(self) -> Markup:
        """The board's swimlane (who owns and drives how many activities in each phase),
        large, from the values on the board now: the published picture's "who leads when"."""
        pics = Pictures(to_dict(self.s.v), prefix="pj-lane")
        return pics.swimlane(size=LANE_WALL, caption="Who leads when")

    def comments(self, activity_id: int) -> list:  # type: ignore[type-arg]
        """The newest few comments on an activity, in the order they were made (as on
        every other screen: the newest at the foot)."""
        return self.s.w.comments.get(activity_id, [])[-COMMENTS_SHOWN:]

    @cached_property
    def version(self):  # type: ignore[no-untyped-def]
        return self.s.w.versions[-1] if self.s.w.versions else None

    @property
    def hot_shown(self):  # type: ignore[no-untyped-def]
        return self.hot[:HOT_SHOWN]

    @property
    def hot_more(self) -> int:
        return max(0, len(self.hot) - HOT_SHOWN)

    @cached_property
    def problems(self) -> list[tuple[str, str, str, str]]:
        return self.s.v.problems

    @property
    def problems_shown(self) -> list[tuple[str, str, str, str]]:
        return self.problems[:FINDINGS_SHOWN]

    @property
    def problems_more(self) -> int:
        return max(0, len(self.problems) - FINDINGS_SHOWN)

    @property
    def people_shown(self):  # type: ignore[no-untyped-def]
        return self.s.v.participants[:PEOPLE_SHOWN]

    @property
    def people_more(self) -> int:
        return max(0, len(self.s.v.participants) - PEOPLE_SHOWN)

    def spot_breaks(self, phase_id: int) -> list[str]:
        """Rule breaks (and ties) in the majority view of the spotlit activity, in a phase."""
        spot = self.s.w.spotlight
        item = next((h for h in self.hot if spot and h.activity == spot.id), None)
        return [msg for p, msg in item.rule_breaks if p == phase_id] if item else []

    @property
    def time_left(self) -> str:
        """The timebox as the server sees it now (static/js/spotlight.js counts down from here)."""
        ends = self.s.v.board.timebox_ends_at
        if ends is None:
            return ""
        if ends.tzinfo is None:
            ends = ends.replace(tzinfo=UTC)
        left = max(0, math.ceil((ends - datetime.now(UTC)).total_seconds()))
        return f"{left // 60}:{left % 60:02d}"

    @property
    def deadline_ms(self) -> str:
        ends = self.s.v.board.timebox_ends_at
        if ends is None:
            return ""
        if ends.tzinfo is None:  # SQLite gives back naive datetimes; they are UTC
            ends = ends.replace(tzinfo=UTC)
        return str(int(ends.timestamp() * 1000))
