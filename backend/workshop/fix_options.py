"""Which guided fixes a board offers now: the pure ``domain.fixes`` fed with what the board
knows (its matrix, the room's proposals after a reveal, the version a review started from).

Fixes act on the shared matrix in free mode and on the agreed matrix in a workshop, after
the reveal (before it there is nothing agreed to fix, and proposals are private). What is
offered never depends on who is looking, so it goes out in live fragments to every screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from backend.boards.queries import MatrixView
from backend.domain import fixes as fx
from backend.domain.frameworks import OWNER
from backend.history.compare import Comparison
from backend.workshop import rounds as r
from backend.workshop.queries import WorkshopView


def fixes_apply(w: WorkshopView) -> bool:
    """Whether fixes can be applied in this mode and round."""
    return not w.is_workshop or w.round in (r.REVEAL, r.AGREED)


def context(v: MatrixView, w: WorkshopView, since: tuple[str, Comparison] | None) -> fx.Context:
    owner_votes: dict[tuple[int, int], dict[int, int]] = {}
    voters: dict[tuple[int, int], int] = {}
    for key, group in w.groups.items():
        voters[key] = len(group.voters)
        owner_votes[key] = {
            int(str(f)): sum(len(names) for slots, names in spread.votes if OWNER in slots)
            for f, spread in group.cells.items()
        }
    label, previous = ("", {}) if since is None else (since[0], previous_owners(v, since[1]))
    return fx.Context(
        framework=v.framework,
        activities=list(v.activity_names),
        phases=list(v.phase_names),
        functions=[f.id for f in v.functions if f.id is not None],
        cells=v.cells,
        names=v.names,
        owner_votes=owner_votes,
        voters=voters,
        previous_owners=previous,
        previous_label=label,
        can_park=w.is_workshop and fixes_apply(w),
        parked=frozenset(a.id for a in v.activities if a.parked_decider and a.id is not None),
    )


def previous_owners(v: MatrixView, since: Comparison) -> dict[tuple[int, int], int]:
    """(activity id, phase id) -> the function that owned it in the version a review
    started from (matched by name; an activity renamed since by its lineage key)."""
    before = since.before
    letter = next((x["letter"] for x in before.get("roles", []) if x.get("slot") == OWNER), "")
    if not letter:
        return {}
    acts = {a.name: a.id for a in v.activities if a.id is not None}
    phases = {p.name: p.id for p in v.phases if p.id is not None}
    functions = {f.name: f.id for f in v.functions if f.id is not None}
    out: dict[tuple[int, int], int] = {}
    for activity in before.get("activities", []):
        a = acts.get(since.renamed.get(activity["name"], activity["name"]))
        for phase, row in activity.get("cells", {}).items():
            owners = [f for f, letters in row.items() if letter in letters]
            if a is not None and phase in phases and len(owners) == 1 and owners[0] in functions:
                out[(a, phases[phase])] = functions[owners[0]]
    return out


@dataclass(frozen=True)
class Offer:
    """The board's findings with their fixes, as one screen shows them."""

    entries: list[fx.FindingFixes]
    applies: bool  # fixes can be applied in this mode and round
    workshop: bool


def offer(
    v: MatrixView,
    w: WorkshopView,
    since: tuple[str, Comparison] | None,
    *,
    with_fixes: bool = True,
    limit: int | None = None,
) -> Offer:
    """Without ``with_fixes``: the findings only (the panel lists them; a finding's fixes
    are worked out when someone opens its *Fix…*). With ``limit``: the first that many."""
    ctx = context(v, w, since)
    entries = fx.board_fixes(ctx, v.check, with_fixes=with_fixes, limit=limit)
    if not fixes_apply(w):
        entries = [replace(e, fixes=()) for e in entries]
    elif w.is_workshop and w.revoting:
        # A row being re-voted has no agreed value to fix until it is revealed again.
        entries = [replace(e, fixes=()) if e.activity in w.revoting else e for e in entries]
    return Offer(entries, fixes_apply(w), w.is_workshop)
