"""Consensus over proposals: pure functions, no I/O.

A participant *voted* on an activity in a phase when they set at least one cell of it;
for every function of that group, their vote is what they set there, or "no role".
Someone who set nothing in a group abstains from it.
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from backend.domain.frameworks import Framework
from backend.domain.rules import ERROR, check_cell_group

Id = Hashable


@dataclass(frozen=True)
class Spread:
    """Who proposed what for one cell: slot codes ("" = no role) -> voter names."""

    votes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def total(self) -> int:
        return sum(len(names) for _, names in self.votes)

    @property
    def unanimous(self) -> bool:
        return len(self.votes) == 1

    @property
    def majority(self) -> str | None:
        """The value with strictly the most votes; None on a tie or with no votes."""
        if not self.votes:
            return None
        counts = sorted((len(n) for _, n in self.votes), reverse=True)
        if len(counts) > 1 and counts[0] == counts[1]:
            return None
        return self.votes[0][0]

    @property
    def share(self) -> float:
        """Share of voters behind the most common value (1.0 = everyone agrees)."""
        return max(len(n) for _, n in self.votes) / self.total if self.votes else 1.0


@dataclass
class GroupView:
    """One activity in one phase: the spread for each function and who voted."""

    voters: tuple[str, ...]
    cells: dict[Id, Spread] = field(default_factory=dict)  # function -> spread

    @property
    def unanimous(self) -> bool:
        return bool(self.voters) and all(s.unanimous for s in self.cells.values())

    def consensus(self) -> dict[Id, str] | None:
        """The agreed slots per function when everyone who voted agrees, else None."""
        if not self.unanimous:
            return None
        return {f: s.votes[0][0] for f, s in self.cells.items()}

    def majority_row(self) -> dict[Id, str]:
        return {f: s.majority for f, s in self.cells.items() if s.majority}


@dataclass(frozen=True)
class RowOption:
    """One whole row voters proposed for an activity in a phase, and who proposed it."""

    voters: tuple[str, ...]
    row: tuple[tuple[Id, str], ...]  # (function, slots) in the group's function order


def tied(group: GroupView) -> bool:
    """Some function has votes but no value with strictly the most of them."""
    return any(s.votes and s.majority is None for s in group.cells.values())


def row_options(group: GroupView) -> list[RowOption]:
    """The distinct whole rows the voters proposed, most backed first: what a tie can be
    settled with in one click. A row that names no Owner (someone who only set another
    function's cell, say) settles nothing: it is left out while some row names one."""
    rows: dict[str, dict[Id, str]] = {name: {} for name in group.voters}
    for f, spread in group.cells.items():
        for value, names in spread.votes:
            for name in names:
                rows.setdefault(name, {})[f] = value
    by_row: dict[tuple[tuple[Id, str], ...], list[str]] = {}
    for name in group.voters:
        row = tuple((f, rows[name].get(f, "")) for f in group.cells)
        by_row.setdefault(row, []).append(name)
    options = [RowOption(tuple(names), row) for row, names in by_row.items()]
    owned = [o for o in options if any("O" in slots for _, slots in o.row)]
    return sorted(owned or options, key=lambda o: -len(o.voters))


def group_views(
    proposals: Mapping[tuple[Id, Id, Id, Id], str],
    functions: Iterable[Id],
    names: Mapping[Id, str],
) -> dict[tuple[Id, Id], GroupView]:
    """``proposals`` maps (participant, activity, phase, function) -> slots.

    Returns (activity, phase) -> GroupView for every group someone voted on.
    """
    functions = list(functions)
    by_group: dict[tuple[Id, Id], dict[Id, dict[Id, str]]] = {}
    for (person, a, p, f), slots in proposals.items():
        if slots:
            by_group.setdefault((a, p), {}).setdefault(person, {})[f] = slots
    out: dict[tuple[Id, Id], GroupView] = {}
    for key, people in by_group.items():
        voter_ids = sorted(people, key=lambda pid: names.get(pid, str(pid)))
        view = GroupView(voters=tuple(names.get(pid, str(pid)) for pid in voter_ids))
        for f in functions:
            tally: dict[str, list[str]] = {}
            for pid in voter_ids:
                tally.setdefault(people[pid].get(f, ""), []).append(names.get(pid, str(pid)))
            ordered = sorted(tally.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            view.cells[f] = Spread(tuple((v, tuple(n)) for v, n in ordered))
        out[key] = view
    return out


def acceptable_unanimous(
    groups: Mapping[tuple[Id, Id], GroupView],
    agreed: Container[tuple[Id, Id]],
    revoting: Container[Id],
    min_voters: int = 1,
) -> list[tuple[Id, Id]]:
    """The (activity, phase) pairs "Accept all unanimous" takes: everyone who voted agrees,
    at least ``min_voters`` voted, not agreed yet and not being re-voted. The button's count
    and the accept itself both use this, so the count is what accepting accepts."""
    return [
        (a, p)
        for (a, p), g in groups.items()
        if g.unanimous
        and len(g.voters) >= min_voters
        and (a, p) not in agreed
        and a not in revoting
    ]


def disagreement(groups: Iterable[GroupView], *, settled: Iterable[GroupView] = ()) -> float:
    """How disputed an activity still is: 0 (nothing disputed) .. <1.

    Every voted cell (a function in a group someone voted on) counts once in the
    denominator, in open and ``settled`` (agreed) groups alike. Each voted cell of an open
    group adds the share of its voters not behind its most common value (0 when unanimous);
    a settled group adds nothing. So agreeing a pair can only lower the score, never raise
    it, and with nothing settled this is the mean share not behind the top value.
    """
    open_ = [s.share for g in groups for s in g.cells.values() if s.total]
    done = sum(1 for g in settled for s in g.cells.values() if s.total)
    cells = len(open_) + done
    return round(sum(1 - x for x in open_) / cells, 4) if cells else 0.0


@dataclass(frozen=True)
class HotItem:
    activity: Id
    score: float
    rule_breaks: tuple[tuple[Id, str], ...]  # (phase, message) in the majority view
    proposed_changes: int = 0  # cells whose majority differs from the current value


def hot_list(
    framework: Framework,
    activities: Iterable[Id],
    phases: Iterable[Id],
    groups: Mapping[tuple[Id, Id], GroupView],
    function_names: Mapping[Id, str],
    *,
    agreed: Container[tuple[Id, Id]] = (),
    current: Mapping[tuple[Id, Id, Id], str] | None = None,
) -> list[HotItem]:
    """Activities still to settle, hottest first: disagreement, ties, rule breaks in the
    majority view and (with ``current``, e.g. last quarter's values in a review) cells the
    room proposes to change. Agreed activity·phase pairs are settled: they add no ties,
    breaks or changes, and count as undisputed cells in the score (``disagreement``)."""
    phases = list(phases)
    items = []
    for a in activities:
        voted = [(p, g) for p in phases if (g := groups.get((a, p)))]
        mine = [g for p, g in voted if (a, p) not in agreed]
        settled = [g for p, g in voted if (a, p) in agreed]
        breaks: list[tuple[Id, str]] = []
        changes = 0
        for p in phases:
            g = groups.get((a, p))
            if g is None or (a, p) in agreed:
                continue
            tied = [
                function_names.get(f, str(f))
                for f, s in g.cells.items()
                if s.votes and s.majority is None
            ]
            if tied:  # the majority view has holes there; a tie is the thing to say
                breaks.append((p, f"tie for {', '.join(tied)}"))
            else:
                status = check_cell_group(framework, g.majority_row(), function_names)
                breaks += [(p, f.message) for f in status.findings if f.level == ERROR]
            if current is not None:
                changes += sum(
                    1
                    for f, s in g.cells.items()
                    if s.majority is not None and s.majority != current.get((a, p, f), "")
                )
        score = disagreement(mine, settled=settled)
        if score > 0 or breaks or changes:
            items.append(HotItem(a, score, tuple(breaks), changes))
    return sorted(items, key=lambda h: (-h.score, -len(h.rule_breaks), -h.proposed_changes))
