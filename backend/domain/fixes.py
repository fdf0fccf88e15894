"""Guided fixes for a broken rule: pure functions, no I/O.

Given a matrix, its framework and its rule findings, list for each finding the fixes
that resolve it: each a set of cell edits (before -> after, in slot codes) with a label
and a short reason in the board's own role names. Two kinds of fix change no cell:
*park* (leave the activity open with a named decider, in a workshop) and *leave* (keep
a warning as it is). Every cell fix, applied, clears the finding it was offered for.

A fix's id names the finding, the choice and a digest of its edits, so it stops matching
as soon as one of the cells it would touch changes: applying a stale fix finds no match.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backend.domain.frameworks import CONSULTED, DRIVER, INFORMED, OWNER, Framework
from backend.domain.rules import ERROR, MAX_CONSULTED, BoardCheck, Finding

Id = int  # activity, phase and function ids
Key = tuple[Id, Id, Id]  # activity, phase, function

CELLS, PARK, LEAVE = "cells", "park", "leave"
PARKABLE = frozenset({"no-owner", "many-owners", "no-driver", "many-drivers"})


@dataclass(frozen=True)
class CellEdit:
    activity: Id
    phase: Id
    function: Id
    before: str  # slot codes
    after: str


@dataclass(frozen=True)
class Fix:
    id: str
    label: str
    why: str
    edits: tuple[CellEdit, ...] = ()
    action: str = CELLS  # cells | park | leave


@dataclass(frozen=True)
class FindingFixes:
    """One finding where it is (an activity in a phase, or a whole phase) and its fixes."""

    key: str
    finding: Finding
    activity: Id | None
    phase: Id
    function: Id | None  # the idle function of a phase finding
    fixes: tuple[Fix, ...]


@dataclass(frozen=True)
class Context:
    framework: Framework
    activities: Sequence[Id]
    phases: Sequence[Id]
    functions: Sequence[Id]
    cells: Mapping[Key, str]
    names: Mapping[Id, str]  # function names
    # Workshop, after the reveal: per (activity, phase), how many proposed each function as
    # Owner, and how many voted there at all.
    owner_votes: Mapping[tuple[Id, Id], Mapping[Id, int]] = field(default_factory=dict)
    voters: Mapping[tuple[Id, Id], int] = field(default_factory=dict)
    # A review: the owner of each (activity, phase) in the version it started from.
    previous_owners: Mapping[tuple[Id, Id], Id] = field(default_factory=dict)
    previous_label: str = ""
    can_park: bool = False  # a workshop's facilitator may park a pair
    parked: frozenset[Id] = frozenset()  # activities parked already


def _digest(edits: Sequence[CellEdit]) -> str:
    text = ";".join(f"{e.activity},{e.phase},{e.function},{e.before},{e.after}" for e in edits)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _fix(ctx_id: str, label: str, why: str, edits: list[CellEdit]) -> Fix:
    return Fix(f"{ctx_id}.{_digest(edits)}", label, why, tuple(edits))


def _role(fw: Framework, slot: str) -> str:
    return f"{fw.name(slot)} ({fw.letter(slot)})"


def _with_owner(slots: str) -> str:
    return OWNER + DRIVER if DRIVER in slots else OWNER


def _group(ctx: Context, a: Id, p: Id) -> dict[Id, str]:
    return {f: ctx.cells.get((a, p, f), "") for f in ctx.functions}


def _name(ctx: Context, f: Id) -> str:
    return ctx.names.get(f, str(f))


def _edits(a: Id, p: Id, row: Mapping[Id, str], after: Mapping[Id, str]) -> list[CellEdit]:
    return [
        CellEdit(a, p, f, row.get(f, ""), slots)
        for f, slots in after.items()
        if row.get(f, "") != slots
    ]


# --- one activity in one phase ------------------------------------------------------------


def _many_owners(ctx: Context, a: Id, p: Id, row: dict[Id, str]) -> list[Fix]:
    fw = ctx.framework
    owners = [f for f, s in row.items() if OWNER in s]
    out = []
    for keep in owners:
        drivers = {f for f, s in row.items() if DRIVER in s}
        after: dict[Id, str] = {}
        became: dict[str, list[str]] = {}
        for other in owners:
            if other == keep:
                continue
            rest = row[other].replace(OWNER, "")
            if not rest:
                room = fw.max_drivers is None or len(drivers) < fw.max_drivers
                rest = DRIVER if room else CONSULTED
                drivers |= {other} if room else set()
            after[other] = rest
            became.setdefault(rest, []).append(_name(ctx, other))
        why = "; ".join(
            f"{', '.join(who)} {'becomes' if len(who) == 1 else 'become'} "
            f"{' and '.join(fw.name(s) for s in slots)}"
            for slots, who in became.items()
        )
        out.append(
            _fix(
                f"many-owners.{a}.{p}.keep-{keep}",
                f"Keep {_name(ctx, keep)} as {_role(fw, OWNER)}",
                why,
                _edits(a, p, row, after),
            )
        )
    return out


def _no_owner(ctx: Context, a: Id, p: Id, row: dict[Id, str]) -> list[Fix]:
    fw = ctx.framework
    owner = _role(fw, OWNER)
    out: list[Fix] = []
    votes = {f: n for f, n in ctx.owner_votes.get((a, p), {}).items() if n and f in row}
    if votes:
        top = max(votes.values())
        leaders = [f for f in ctx.functions if votes.get(f) == top]
        total = ctx.voters.get((a, p), 0) or sum(votes.values())
        for f in leaders:
            tie = " (a tie)" if len(leaders) > 1 else ""
            out.append(
                _fix(
                    f"no-owner.{a}.{p}.majority-{f}",
                    f"Take the room's proposal: {_name(ctx, f)} as {owner}",
                    f"{top} of {total} proposed {_name(ctx, f)} as {fw.name(OWNER)}{tie}",
                    _edits(a, p, row, {f: _with_owner(row[f])}),
                )
            )
    previous = ctx.previous_owners.get((a, p))
    if previous is not None and previous in row:
        since = f" in {ctx.previous_label}" if ctx.previous_label else ""
        out.append(
            _fix(
                f"no-owner.{a}.{p}.previous-{previous}",
                f"Keep last version's {fw.name(OWNER)}: {_name(ctx, previous)}",
                f"{_name(ctx, previous)} was {fw.name(OWNER)}{since}",
                _edits(a, p, row, {previous: _with_owner(row[previous])}),
            )
        )
    for f, slots in row.items():
        if DRIVER in slots:
            out.append(
                _fix(
                    f"no-owner.{a}.{p}.driver-{f}",
                    f"Make {_name(ctx, f)} also {owner}",
                    f"{_name(ctx, f)} is the {fw.name(DRIVER)} here",
                    _edits(a, p, row, {f: OWNER + DRIVER}),
                )
            )
    return _unique(out)


def _no_driver(ctx: Context, a: Id, p: Id, row: dict[Id, str]) -> list[Fix]:
    fw = ctx.framework
    return [
        _fix(
            f"no-driver.{a}.{p}.owner-{f}",
            f"Make {_name(ctx, f)} also {_role(fw, DRIVER)}",
            f"The {fw.name(OWNER)} does the work too",
            _edits(a, p, row, {f: OWNER + DRIVER}),
        )
        for f, s in row.items()
        if OWNER in s
    ]


def _many_drivers(ctx: Context, a: Id, p: Id, row: dict[Id, str]) -> list[Fix]:
    fw = ctx.framework
    drivers = [f for f, s in row.items() if DRIVER in s]
    out = []
    for keep in drivers:
        after = {f: (row[f].replace(DRIVER, "") or CONSULTED) for f in drivers if f != keep}
        who = [_name(ctx, f) for f in after]
        out.append(
            _fix(
                f"many-drivers.{a}.{p}.keep-{keep}",
                f"Keep {_name(ctx, keep)} as {_role(fw, DRIVER)}",
                f"{fw.label} allows {fw.max_drivers}; {', '.join(who)} "
                f"{'steps' if len(who) == 1 else 'step'} back from {fw.name(DRIVER)}",
                _edits(a, p, row, after),
            )
        )
    return out


def _many_consulted(ctx: Context, a: Id, p: Id, row: dict[Id, str]) -> list[Fix]:
    """Move the least-needed to Informed: the functions consulted on the fewest other
    phases of this activity (on a tie, the one further right on the board first)."""
    fw = ctx.framework
    consulted = [f for f, s in row.items() if CONSULTED in s]
    excess = len(consulted) - MAX_CONSULTED
    if excess <= 0:
        return []
    order = {f: i for i, f in enumerate(ctx.functions)}
    uses = {
        f: sum(1 for q in ctx.phases if q != p and CONSULTED in ctx.cells.get((a, q, f), ""))
        for f in consulted
    }
    ranked = sorted(consulted, key=lambda f: (uses[f], -order.get(f, 0)))
    informed = _role(fw, INFORMED)

    def phases(n: int) -> str:
        return f"{n} other phase{'' if n == 1 else 's'}"

    if excess == 1:
        return [
            _fix(
                f"many-consulted.{a}.{p}.inform-{f}",
                f"Move {_name(ctx, f)} to {informed}"
                + (" (least needed)" if i == 0 and len(ranked) > 1 else ""),
                f"{fw.name(CONSULTED)} on {phases(uses[f])} of this activity",
                _edits(a, p, row, {f: INFORMED}),
            )
            for i, f in enumerate(ranked)
        ]
    chosen = ranked[:excess]
    return [
        _fix(
            f"many-consulted.{a}.{p}.inform-least",
            f"Move {', '.join(_name(ctx, f) for f in chosen)} to {informed}",
            "The least needed: "
            + "; ".join(
                f"{_name(ctx, f)} {fw.name(CONSULTED)} on {phases(uses[f])}" for f in chosen
            ),
            _edits(a, p, row, dict.fromkeys(chosen, INFORMED)),
        )
    ]


GROUP_FIXES = {
    "many-owners": _many_owners,
    "no-owner": _no_owner,
    "no-driver": _no_driver,
    "many-drivers": _many_drivers,
    "many-consulted": _many_consulted,
}


def _unique(fixes: list[Fix]) -> list[Fix]:
    """The first of fixes with the same edits (the room's majority may be last version's)."""
    seen: set[tuple[CellEdit, ...]] = set()
    out = []
    for fx in fixes:
        if fx.edits not in seen:
            seen.add(fx.edits)
            out.append(fx)
    return out


def group_fixes(ctx: Context, a: Id, p: Id, finding: Finding) -> list[Fix]:
    make = GROUP_FIXES.get(finding.code)
    out = make(ctx, a, p, _group(ctx, a, p)) if make else []
    if ctx.can_park and finding.code in PARKABLE and a not in ctx.parked:
        out.append(
            Fix(
                f"park.{a}.{p}.{finding.code}",
                "Park it with a named decider",
                "Leave this activity open; the person you name decides after the session",
                action=PARK,
            )
        )
    return out


# --- a whole phase ----------------------------------------------------------------------------


def idle_functions(ctx: Context) -> dict[Id, list[Id]]:
    """Each phase's functions that hold no role on any activity, in one pass over the cells."""
    holding: dict[Id, set[Id]] = {p: set() for p in ctx.phases}
    for (_a, q, f), s in ctx.cells.items():
        if s and q in holding:
            holding[q].add(f)
    return {p: [f for f in ctx.functions if f not in held] for p, held in holding.items()}


def phase_fixes(ctx: Context, p: Id, f: Id) -> list[Fix]:
    fw = ctx.framework
    edits = [
        CellEdit(a, p, f, ctx.cells.get((a, p, f), ""), INFORMED)
        for a in ctx.activities
        if not ctx.cells.get((a, p, f), "")
    ]
    n = len(edits)
    return [
        _fix(
            f"idle-function.{p}.{f}.inform",
            f"Mark {_name(ctx, f)} {_role(fw, INFORMED)} on this phase's activities",
            f"{n} activit{'y' if n == 1 else 'ies'}: {_name(ctx, f)} is kept up to date",
            edits,
        ),
        Fix(
            f"leave.{p}.{f}",
            "Leave it",
            f"{_name(ctx, f)} rightly has nothing to do in this phase (hides the warning here)",
            action=LEAVE,
        ),
    ]


# --- the board --------------------------------------------------------------------------------


def board_fixes(
    ctx: Context, check: BoardCheck, *, with_fixes: bool = True, limit: int | None = None
) -> list[FindingFixes]:
    """Every finding of ``check`` with its fixes: errors first, then warnings, each in
    board order (activities by phase, then the phases). Without ``with_fixes``, only the
    findings (for listing them; their fixes are worked out when someone opens one). With
    ``limit``, only the first that many (a big board can have thousands)."""
    errors: list[FindingFixes] = []
    warnings: list[FindingFixes] = []

    def room(finding: Finding) -> list[FindingFixes] | None:
        bucket = errors if finding.level == ERROR else warnings
        return bucket if limit is None or len(bucket) < limit else None

    for a in ctx.activities:
        for p in ctx.phases:
            status = check.cells.get((a, p))
            for finding in status.findings if status else ():
                if (bucket := room(finding)) is not None:
                    fixes = tuple(group_fixes(ctx, a, p, finding)) if with_fixes else ()
                    bucket.append(
                        FindingFixes(f"{finding.code}.{a}.{p}", finding, a, p, None, fixes)
                    )
    idle_in = idle_functions(ctx)
    for p in ctx.phases:
        status = check.phases.get(p)
        idle = idle_in[p]
        findings = [f for f in status.findings if f.code == "idle-function"] if status else []
        # check_phase lists one finding per idle function, in board order.
        for finding, f in zip(findings, idle, strict=False):
            if (bucket := room(finding)) is not None:
                fixes = tuple(phase_fixes(ctx, p, f)) if with_fixes else ()
                bucket.append(FindingFixes(f"{finding.code}.{p}.{f}", finding, None, p, f, fixes))
    out = errors + warnings
    return out if limit is None else out[:limit]


def find_fix(findings: Sequence[FindingFixes], fix_id: str) -> tuple[FindingFixes, Fix] | None:
    for entry in findings:
        for fx in entry.fixes:
            if fx.id == fix_id:
                return entry, fx
    return None


def applied(cells: Mapping[Key, str], fix: Fix) -> dict[Key, str]:
    """The cells after ``fix`` (a new mapping; empty cells left out)."""
    out = dict(cells)
    for e in fix.edits:
        out[(e.activity, e.phase, e.function)] = e.after
    return {k: v for k, v in out.items() if v}
