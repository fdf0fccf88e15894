"""Who owns and drives each activity phase by phase, where that passes from one function to
another, and the Owner/Driver load per function and phase with its flags: pure functions of
an export or snapshot document (the shape of ``json_export.to_dict``), no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from backend.domain.summary import load_balance, slot_of

Kind = Literal["owner", "driver"]
FlagKind = Literal["owns_most", "idle"]


@dataclass(frozen=True)
class Step:
    """One phase of one activity: who owns and who drives it, and whether either passed
    from other functions in the phase before."""

    phase: str
    owners: tuple[str, ...]
    drivers: tuple[str, ...]
    owner_passes: bool = False
    driver_passes: bool = False


@dataclass(frozen=True)
class Handoff:
    activity: str
    phase: str  # the phase where the new function(s) take over
    kind: Kind
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def text(self) -> str:
        what = "Ownership" if self.kind == "owner" else "Driving"
        return f"{what} passes from {' + '.join(self.before)} to {' + '.join(self.after)} in {self.phase}"


@dataclass(frozen=True)
class Strip:
    activity: str
    steps: tuple[Step, ...]
    handoffs: tuple[Handoff, ...]


@dataclass(frozen=True)
class Flag:
    phase: str
    function: str
    kind: FlagKind
    text: str


@dataclass(frozen=True)
class Load:
    """function -> phase -> (owned, driven), with the activity count per phase and flags."""

    phases: tuple[str, ...]
    functions: tuple[str, ...]
    counts: dict[str, dict[str, tuple[int, int]]]
    activities: int
    flags: tuple[Flag, ...] = field(default=())

    def flags_for(self, function: str, phase: str) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.function == function and f.phase == phase)

    def largest(self) -> int:
        """The largest owned + driven of any function in any phase (at least 1)."""
        return max([o + d for row in self.counts.values() for o, d in row.values()] + [1])


def _holders(
    doc: dict[str, Any], activity: dict[str, Any], phase: str, slot: str
) -> tuple[str, ...]:
    slots = slot_of(doc)
    row = activity.get("cells", {}).get(phase, {})
    return tuple(f for f in doc["functions"] if slot in {slots.get(ch) for ch in row.get(f, "")})


def strip(doc: dict[str, Any], activity: dict[str, Any]) -> Strip:
    """One activity across the phases. Ownership (or driving) passes where both phases have
    holders and they differ; a phase with nobody is a gap, not a handoff."""
    steps: list[Step] = []
    handoffs: list[Handoff] = []
    for phase in doc["phases"]:
        owners = _holders(doc, activity, phase, "O")
        drivers = _holders(doc, activity, phase, "D")
        passes: dict[Kind, bool] = {"owner": False, "driver": False}
        if steps:
            prev = steps[-1]
            pairs: list[tuple[Kind, tuple[str, ...], tuple[str, ...]]] = [
                ("owner", prev.owners, owners),
                ("driver", prev.drivers, drivers),
            ]
            for kind, before, after in pairs:
                if before and after and set(before) != set(after):
                    passes[kind] = True
                    handoffs.append(Handoff(activity["name"], phase, kind, before, after))
        steps.append(Step(phase, owners, drivers, passes["owner"], passes["driver"]))
    return Strip(activity["name"], tuple(steps), tuple(handoffs))


def strips(doc: dict[str, Any]) -> list[Strip]:
    return [strip(doc, a) for a in doc["activities"]]


def load(doc: dict[str, Any]) -> Load:
    """Owner/Driver counts per function and phase (``summary.load_balance``), flagged where a
    function owns more than half the phase's activities or holds no role in the phase."""
    counts = load_balance(doc)
    activities = len(doc["activities"])
    flags: list[Flag] = []
    for phase in doc["phases"]:
        if not activities:
            continue
        for f in doc["functions"]:
            owned = counts[f][phase][0]
            if owned * 2 > activities:
                flags.append(
                    Flag(phase, f, "owns_most", f"{f} owns {owned} of {activities} in {phase}")
                )
            if not any(a.get("cells", {}).get(phase, {}).get(f) for a in doc["activities"]):
                flags.append(Flag(phase, f, "idle", f"{f} holds no role in {phase}"))
    return Load(tuple(doc["phases"]), tuple(doc["functions"]), counts, activities, tuple(flags))
