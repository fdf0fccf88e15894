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


@dataclass(frozen=True)
class RoleChange:
    role: str  # the role's name, e.g. "Owner"
    slot: str  # O, D, C or I
    before: tuple[str, ...]  # functions holding the role before, in board order
    after: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.role} {', '.join(self.before) or 'nobody'} → {', '.join(self.after) or 'nobody'}"


@dataclass(frozen=True)
class Line:
    """One activity in one phase, in words: "Pricing · Launch: Owner PM → PMM"."""

    activity: str
    phase: str
    roles: tuple[RoleChange, ...]

    @property
    def major(self) -> bool:
        """The owner or the driver changed (not only who is consulted or informed)."""
        return any(r.slot in ("O", "D") for r in self.roles)

    @property
    def what(self) -> str:
        return "; ".join(r.text for r in self.roles)

    @property
    def text(self) -> str:
        return f"{self.activity} · {self.phase}: {self.what}"


def in_words(
    a: Matrix,
    b: Matrix,
    d: Diff,
    *,
    roles: list[tuple[str, str, str]],
    functions: list[str],
) -> list[Line]:
    """The cell changes of ``d`` per activity and phase, as who holds each role before and
    after. ``roles`` is (letter, name, slot) in the framework's order; ``functions`` gives
    the order names are listed in (functions only one side has come last)."""
    order = list(functions) + sorted({c.function for c in d.cells} - set(functions))
    pairs = list(dict.fromkeys((c.activity, c.phase) for c in d.cells))
    lines = []
    for activity, phase in pairs:
        changed = []
        for letter, name, slot in roles:
            before = tuple(f for f in order if letter in a.cells.get((activity, phase, f), ""))
            after = tuple(f for f in order if letter in b.cells.get((activity, phase, f), ""))
            if before != after:
                changed.append(RoleChange(name, slot, before, after))
        if changed:
            lines.append(Line(activity, phase, tuple(changed)))
    return lines
