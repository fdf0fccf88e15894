"""Rule checks on a matrix: pure functions, no I/O.

Per activity and phase: exactly one Owner, at least one Driver (DACI: exactly
one), a warning past three Consulted. Per phase: a warning for a function that
holds no role anywhere in it. Letters in messages follow the board's framework.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.domain.frameworks import CONSULTED, DRIVER, OWNER, Framework

ERROR, WARNING = "error", "warning"
MAX_CONSULTED = 3

Id = Hashable


@dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    code: str
    message: str


@dataclass(frozen=True)
class Status:
    """Outcome of the checks on one activity+phase (or one phase)."""

    findings: tuple[Finding, ...] = ()
    empty: bool = False
    # Worked out once, when made: pages and live updates read it for every pair of a board.
    state: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.empty:
            state = "open"
        elif any(f.level == ERROR for f in self.findings):
            state = ERROR
        elif self.findings:
            state = WARNING
        else:
            state = "ok"
        object.__setattr__(self, "state", state)


@dataclass
class BoardCheck:
    cells: dict[tuple[Id, Id], Status] = field(default_factory=dict)  # (activity, phase)
    phases: dict[Id, Status] = field(default_factory=dict)

    def count(self, state: str) -> int:
        return sum(1 for s in self.cells.values() if s.state == state) + (
            sum(1 for s in self.phases.values() if s.state == state)
            if state in (ERROR, WARNING)
            else 0
        )


def _names(ids: Iterable[Id], names: Mapping[Id, str]) -> str:
    return ", ".join(names.get(i, str(i)) for i in ids)


def check_cell_group(
    framework: Framework, row: Mapping[Id, str], names: Mapping[Id, str]
) -> Status:
    """Check one activity in one phase. ``row`` maps function id -> slot codes."""
    row = {f: s for f, s in row.items() if s}
    if not row:
        return Status(empty=True)
    owner, driver = framework.role_for_slot(OWNER), framework.role_for_slot(DRIVER)
    consulted = framework.role_for_slot(CONSULTED)
    owners = [f for f, s in row.items() if OWNER in s]
    drivers = [f for f, s in row.items() if DRIVER in s]
    n_consulted = sum(1 for s in row.values() if CONSULTED in s)
    out: list[Finding] = []
    if not owners:
        out.append(Finding(ERROR, "no-owner", f"No {owner.name} ({owner.letter})"))
    elif len(owners) > 1:
        out.append(
            Finding(
                ERROR,
                "many-owners",
                f"{len(owners)} {owner.name}s ({_names(owners, names)}); exactly one allowed",
            )
        )
    if not drivers:
        out.append(Finding(ERROR, "no-driver", f"No {driver.name} ({driver.letter})"))
    elif framework.max_drivers is not None and len(drivers) > framework.max_drivers:
        out.append(
            Finding(
                ERROR,
                "many-drivers",
                f"{len(drivers)} {driver.name}s ({_names(drivers, names)}); "
                f"{framework.label} allows {framework.max_drivers}",
            )
        )
    if n_consulted > MAX_CONSULTED:
        out.append(
            Finding(
                WARNING,
                "many-consulted",
                f"{n_consulted} functions {consulted.name}; more than {MAX_CONSULTED} slows decisions",
            )
        )
    return Status(tuple(out))


def check_phase(
    functions: Iterable[Id],
    activities: Iterable[Id],
    phase_cells: Iterable[tuple[Id, Id, str]],
    names: Mapping[Id, str],
) -> Status:
    """Warn for each function holding no role in a whole phase.

    ``phase_cells`` yields (activity id, function id, slots) for the phase's cells. The
    check waits until every activity has at least one role in the phase: before that the
    phase is still being filled in, and the warning would only be noise.
    """
    cells = [(a, f) for a, f, s in phase_cells if s]
    filled = {a for a, _ in cells}
    if not cells or any(a not in filled for a in activities):
        return Status(empty=True)
    holding = {f for _, f in cells}
    idle = [f for f in functions if f not in holding]
    return Status(
        tuple(
            Finding(WARNING, "idle-function", f"{names.get(f, f)} holds no role in this phase")
            for f in idle
        )
    )


def check_board(
    framework: Framework,
    activities: Iterable[Id],
    phases: Iterable[Id],
    functions: Iterable[Id],
    cells: Mapping[tuple[Id, Id, Id], str],
    names: Mapping[Id, str],
) -> BoardCheck:
    """Check every activity+phase and every phase. ``cells`` maps (activity, phase, function)."""
    functions = list(functions)
    phases = list(phases)
    activities = list(activities)
    result = BoardCheck()
    by_group: dict[tuple[Id, Id], dict[Id, str]] = {}
    by_phase: dict[Id, list[tuple[Id, Id, str]]] = {}
    for (a, p, f), slots in cells.items():
        if slots:
            by_group.setdefault((a, p), {})[f] = slots
            by_phase.setdefault(p, []).append((a, f, slots))
    order = {f: i for i, f in enumerate(functions)}
    for a in activities:
        for p in phases:
            group = by_group.get((a, p), {})
            if len(group) > 1:  # in the board's order of functions, as findings name them
                group = dict(sorted(group.items(), key=lambda fs: order.get(fs[0], len(order))))
            result.cells[(a, p)] = check_cell_group(framework, group, names)
    for p in phases:
        result.phases[p] = check_phase(functions, activities, by_phase.get(p, []), names)
    return result


def recheck_groups(
    check: BoardCheck,
    framework: Framework,
    activities: Iterable[Id],
    groups: Iterable[tuple[Id, Id]],
    functions: Iterable[Id],
    cells: Mapping[Any, str],  # (activity, phase, function) -> slots, as check_board
    names: Mapping[Any, str],
) -> BoardCheck:
    """``check`` with the given activity+phase groups, and their phases, checked again
    against ``cells`` (after edits of those groups only); the same as checking the whole
    board, in the same order. Reads only the cells of the phases touched."""
    functions = list(functions)
    activities = list(activities)
    groups = set(groups)
    result = BoardCheck()
    result.cells = dict(check.cells)
    result.phases = dict(check.phases)
    for a, p in groups:
        if (a, p) in result.cells:
            slots = ((f, cells.get((a, p, f))) for f in functions)
            group = {f: s for f, s in slots if s}
            result.cells[(a, p)] = check_cell_group(framework, group, names)
    for p in {p for _, p in groups}:
        if p in result.phases:
            in_phase = [(a, f, cells.get((a, p, f), "")) for a in activities for f in functions]
            result.phases[p] = check_phase(
                functions, activities, [c for c in in_phase if c[2]], names
            )
    return result
