"""What changed between two versions of a matrix: pure functions, no I/O.

A matrix here is the export document's shape reduced to what a diff needs: activity names
in order, and (activity, phase, function) -> letters. ``apply`` replays a diff, so that
``apply(a, diff(a, b)) == b`` — the property the tests hold it to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, str, str]  # activity, phase, function


@dataclass(frozen=True)
class CellChange:
    activity: str
    phase: str
    function: str
    before: str
    after: str


@dataclass
class Diff:
    added: list[str] = field(default_factory=list)  # activities
    removed: list[str] = field(default_factory=list)
    cells: list[CellChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.cells)


@dataclass
class Matrix:
    activities: list[str]
    cells: dict[Key, str]


def matrix_of(doc: dict[str, Any]) -> Matrix:
    cells = {
        (a["name"], p, f): letters
        for a in doc["activities"]
        for p, row in a.get("cells", {}).items()
        for f, letters in row.items()
        if letters
    }
    return Matrix([a["name"] for a in doc["activities"]], cells)


def diff(a: Matrix, b: Matrix) -> Diff:
    out = Diff(
        added=[x for x in b.activities if x not in set(a.activities)],
        removed=[x for x in a.activities if x not in set(b.activities)],
    )
    for key in sorted(set(a.cells) | set(b.cells)):
        before, after = a.cells.get(key, ""), b.cells.get(key, "")
        if before != after:
            out.cells.append(CellChange(*key, before, after))
    return out


def apply(a: Matrix, d: Diff) -> Matrix:
    gone = set(d.removed)
    activities = [x for x in a.activities if x not in gone] + list(d.added)
    cells = dict(a.cells)
    for c in d.cells:
        if c.after:
            cells[(c.activity, c.phase, c.function)] = c.after
        else:
            cells.pop((c.activity, c.phase, c.function), None)
    return Matrix(activities, cells)


def describe(change: CellChange, names: dict[str, str]) -> str:
    """In words, e.g. "Pricing · Launch · PM: Owner, Driver → Consulted" (``names`` maps a
    framework letter to its role name)."""
    where = f"{change.activity} · {change.phase}"
    before = ", ".join(names.get(ch, ch) for ch in change.before) or "no role"
    after = ", ".join(names.get(ch, ch) for ch in change.after) or "no role"
    return f"{where} · {change.function}: {before} → {after}"
