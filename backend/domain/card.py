"""One function's card, "what I own this quarter": which role it holds in each activity and
phase, the rationale of what it owns, the open items and parked decisions that concern it,
and what changed for it since an earlier version. Pure functions of an export or snapshot
document (the shape of ``json_export.to_dict``), no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from backend.domain.diff import Matrix, diff

Doc = dict[str, Any]
SLOTS = ("O", "D", "C", "I")


@dataclass(frozen=True)
class Holding:
    """One activity the function holds a role in: phase -> its letters there (only the
    phases where it holds one)."""

    activity: str
    letters: dict[str, str]
    slots: dict[str, frozenset[str]]

    def phases_with(self, slot: str) -> list[str]:
        return [p for p, held in self.slots.items() if slot in held]

    @property
    def owns(self) -> bool:
        return any("O" in s for s in self.slots.values())

    @property
    def leads(self) -> bool:
        """It owns or drives the activity in some phase."""
        return any(s & {"O", "D"} for s in self.slots.values())


@dataclass(frozen=True)
class PhaseRoles:
    """Per phase, the activities the function holds each slot in (board order)."""

    phase: str
    by_slot: dict[str, tuple[str, ...]]

    @property
    def empty(self) -> bool:
        return not any(self.by_slot.values())


@dataclass(frozen=True)
class Item:
    """An open item or parked decision that concerns the function, and why."""

    activity: str
    phase: str | None
    reason: str
    decider: str
    named: str  # whom of the function (its name, or one of its people) the decider names
    held: bool  # the function holds a role where the item is

    @property
    def parked(self) -> bool:
        return self.reason == "parked"

    def why(self, function: str) -> str:
        """Why it is on ``function``'s card, in words."""
        parts = []
        if self.named:
            who = function if self.named == function else f"{self.named} ({function})"
            parts.append(f"{who} decides")
        if self.held:
            parts.append(f"{function} holds a role here")
        return "; ".join(parts)


@dataclass(frozen=True)
class Change:
    """What the function holds in one activity and phase, before and after (role names)."""

    activity: str
    phase: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    major: bool = False  # it gained or lost Owner or Driver here

    @property
    def what(self) -> str:
        was = " + ".join(self.before) or "no role"
        now = " + ".join(self.after) or "no role"
        return f"{was} → {now}"

    @property
    def text(self) -> str:
        return f"{self.activity} · {self.phase}: {self.what}"


@dataclass(frozen=True)
class Changes:
    """What changed for one function since ``since`` (a version's name)."""

    since: str
    cells: tuple[Change, ...] = ()
    added: tuple[str, ...] = ()  # new activities it holds a role in
    removed: tuple[str, ...] = ()  # activities gone that it held a role in

    @property
    def empty(self) -> bool:
        return not (self.cells or self.added or self.removed)

    @property
    def summary(self) -> str:
        parts = []
        if self.cells:
            major = sum(1 for c in self.cells if c.major)
            n = len(self.cells)
            parts.append(f"{n} change{'s' if n != 1 else ''} ({major} of owner or driver)")
        for names, what in ((self.added, "added"), (self.removed, "removed")):
            if names:
                n = len(names)
                parts.append(f"{n} activit{'ies' if n != 1 else 'y'} {what}")
        return ", ".join(parts) or "nothing changed"


@dataclass(frozen=True)
class Note:
    activity: str
    rationale: str
    phase_notes: dict[str, str]


@dataclass(frozen=True)
class Card:
    function: str
    phases: tuple[str, ...]
    roles: dict[str, tuple[str, str]]  # slot -> (letter, name)
    holdings: tuple[Holding, ...]
    per_phase: tuple[PhaseRoles, ...]
    notes: tuple[Note, ...]
    items: tuple[Item, ...]
    changes: Changes | None = None
    people: tuple[str, ...] = field(default=())

    def letter(self, slot: str) -> str:
        return self.roles[slot][0]

    def name(self, slot: str) -> str:
        return self.roles[slot][1]

    def slot_of(self, letter: str) -> str:
        return next((s for s, (ch, _n) in self.roles.items() if ch == letter), "")

    def leads_in(self, phase: str) -> list[Holding]:
        """The activities it owns or drives in ``phase``, in board order."""
        return [h for h in self.holdings if h.slots.get(phase, frozenset()) & {"O", "D"}]

    def lead_letters(self, h: Holding, phase: str) -> str:
        return h.letters.get(phase, "")

    def count(self, slot: str) -> int:
        """Activity·phase pairs the function holds ``slot`` in."""
        return sum(len(pr.by_slot[slot]) for pr in self.per_phase)

    @property
    def leads(self) -> tuple[Holding, ...]:
        """The activities it owns or drives somewhere, in board order."""
        return tuple(h for h in self.holdings if h.leads)


def slots_of(doc: Doc) -> dict[str, str]:
    """Framework letter -> slot code (O, D, C, I)."""
    return {r["letter"]: r["slot"] for r in doc["roles"]}


def find_function(doc: Doc, name: str) -> str | None:
    """The board's spelling of a function name given in any case (names are unique
    regardless of case), or None."""
    wanted = name.strip().casefold()
    return next((f for f in doc["functions"] if f.casefold() == wanted), None)


def holdings(doc: Doc, function: str) -> list[Holding]:
    slots = slots_of(doc)
    out = []
    for a in doc["activities"]:
        letters = {
            p: a.get("cells", {}).get(p, {}).get(function, "")
            for p in doc["phases"]
            if a.get("cells", {}).get(p, {}).get(function)
        }
        if letters:
            held = {
                p: frozenset(s for ch in ls if (s := slots.get(ch))) for p, ls in letters.items()
            }
            out.append(Holding(a["name"], letters, held))
    return out


def per_phase(doc: Doc, held: Iterable[Holding]) -> list[PhaseRoles]:
    held = list(held)
    return [
        PhaseRoles(
            p, {s: tuple(h.activity for h in held if s in h.slots.get(p, ())) for s in SLOTS}
        )
        for p in doc["phases"]
    ]


def names(text: str, who: Iterable[str]) -> str:
    """The first of ``who`` that ``text`` names as a whole word, in any case ("PM" is not
    named in "PMM lead"), or ""."""
    return next(
        (w for w in who if w and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)),
        "",
    )


def items_for(
    doc: Doc, function: str, held: Iterable[Holding], people: Iterable[str] = ()
) -> list[Item]:
    """The document's open items (parked decisions among them) whose decider names the
    function or one of its ``people``, or that sit where the function holds a role: in the
    item's activity and phase, or anywhere in the activity for an item without a phase."""
    where = {h.activity: set(h.letters) for h in held}
    who = [function, *people]
    out = []
    for it in doc.get("open_items", []):
        decider = it.get("decider") or ""
        phase = it.get("phase")
        phases = where.get(it["activity"], set())
        is_held = bool(phases) if phase is None else phase in phases
        named = names(decider, who)
        if named or is_held:
            out.append(Item(it["activity"], phase, it.get("reason", ""), decider, named, is_held))
    return out


def notes_for(doc: Doc, held: Iterable[Holding]) -> list[Note]:
    """The rationale (and per-phase notes) of the activities the function owns."""
    owned = {h.activity for h in held if h.owns}
    return [
        Note(a["name"], a.get("rationale", ""), dict(a.get("phase_notes") or {}))
        for a in doc["activities"]
        if a["name"] in owned and (a.get("rationale") or a.get("phase_notes"))
    ]


def function_changes(
    before: Matrix,
    after: Matrix,
    function: str,
    *,
    roles: list[tuple[str, str, str]],
    phases: list[str],
    since: str,
) -> Changes:
    """What changed for ``function`` from ``before`` to ``after`` (activities matched by
    name: rename the earlier matrix first). ``roles`` is (letter, name, slot) in the
    framework's order, ``phases`` the later version's order. A cell change is major when
    the function gained or lost Owner or Driver."""
    d = diff(before, after)
    whole = set(d.added) | set(d.removed)
    order = {n: i for i, n in enumerate(after.activities)}
    phase_at = {p: i for i, p in enumerate(phases)}

    def held(letters: str) -> tuple[tuple[str, ...], set[str]]:
        """Role names in the framework's order (not the order the letters were typed)."""
        known = [(name, slot) for letter, name, slot in roles if letter in letters]
        return tuple(n for n, _ in known), {s for _, s in known}

    cells: list[Change] = []
    for c in d.cells:
        if c.function != function or c.activity in whole:
            continue
        (was, was_slots), (now, now_slots) = held(c.before), held(c.after)
        if was == now:
            continue
        major = bool((was_slots ^ now_slots) & {"O", "D"})
        cells.append(Change(c.activity, c.phase, was, now, major))
    cells.sort(key=lambda c: (order.get(c.activity, len(order)), phase_at.get(c.phase, 99)))

    def holds(m: Matrix, activity: str) -> bool:
        return any(a == activity and f == function for a, _p, f in m.cells)

    return Changes(
        since,
        tuple(cells),
        tuple(a for a in d.added if holds(after, a)),
        tuple(a for a in d.removed if holds(before, a)),
    )


def card(
    doc: Doc,
    function: str,
    *,
    changes: Changes | None = None,
    people: Iterable[str] = (),
) -> Card:
    """The card of ``function`` (as the document spells it) in ``doc``; ``people`` are the
    names of the people of that function (the live board knows them; a version does not)."""
    people = tuple(people)
    held = holdings(doc, function)
    return Card(
        function=function,
        phases=tuple(doc["phases"]),
        roles={r["slot"]: (r["letter"], r["name"]) for r in doc["roles"]},
        holdings=tuple(held),
        per_phase=tuple(per_phase(doc, held)),
        notes=tuple(notes_for(doc, held)),
        items=tuple(items_for(doc, function, held, people)),
        changes=changes,
        people=people,
    )
