"""One activity's history: every change to it from the board's change log, in words, and
who held its roles in each published version of the lineage.

``events`` is pure: it reads change rows already loaded and names ids with the board's
current names (a phase or function removed since reads as "a removed phase").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from backend.changes.models import Change
from backend.domain.frameworks import Framework
from backend.exports.document import Doc

MAX_EVENTS = 500  # the newest ones; a page of history, not an audit dump


@dataclass(frozen=True)
class Event:
    seq: int
    when: datetime
    who: str
    role: str
    text: str


@dataclass(frozen=True)
class Names:
    phases: dict[int, str]
    functions: dict[int, str]
    comments: dict[int, str]  # comment id -> text

    def phase(self, pid: object) -> str:
        return self.phases.get(pid, "a removed phase") if isinstance(pid, int) else "all phases"

    def function(self, fid: object) -> str:
        return self.functions.get(fid, "a removed function") if isinstance(fid, int) else "?"


def _letters(framework: Framework, slots: str) -> str:
    if not slots:
        return "empty"
    return ", ".join(framework.name(s) for s in slots)


def describe(
    change: Change, data: dict, activity_id: int, fw: Framework, names: Names
) -> str | None:  # type: ignore[type-arg]
    """This change in words, if it touched the activity; None if it did not."""
    kind = change.kind
    if kind == "cell.set" and data.get("activity_id") == activity_id:
        where = f"{names.phase(data['phase_id'])} · {names.function(data['function_id'])}"
        agreed = " (agreed)" if data.get("agreed") else ""
        return f"{where}: {_letters(fw, data.get('before', ''))} → {_letters(fw, data['slots'])}{agreed}"
    if kind == "cells.fixed":
        mine = [c for c in data.get("cells", []) if c[0] == activity_id]
        if not mine:
            return None
        cells = "; ".join(
            f"{names.phase(p)} · {names.function(f)}: {_letters(fw, before)} → {_letters(fw, after)}"
            for _a, p, f, before, after in mine
        )
        agreed = " (agreed)" if data.get("agreed") else ""
        return f"fixed “{data.get('label', 'a rule finding')}”: {cells}{agreed}"
    if kind == "cells.accepted":
        said = []
        for a, p in data.get("groups", []):
            if a != activity_id:
                continue
            values = data.get("values", {}).get(f"{a}:{p}")
            roles = "; ".join(
                f"{names.function(int(f))}: {_letters(fw, slots)}"
                for f, slots in (values or {}).items()
            )
            said.append(f"{names.phase(p)} ({roles})" if roles else names.phase(p))
        if said and data.get("participant"):
            return f"agreed from {data['participant']}'s proposal: {', '.join(said)}"
        if said:
            return f"agreed from the {data.get('use', '')} proposals: {', '.join(said)}"
        return None
    if kind.startswith("activities.") and data.get("id") == activity_id:
        what = kind.split(".", 1)[1]
        if what == "added":
            return f"added to the board as “{data.get('name', '')}”"
        if what == "updated" and "name" in data:
            return f"renamed from “{data.get('before', '')}” to “{data['name']}”"
        if what == "updated":
            return "description changed"
        if what == "moved":
            to = data.get("to")
            return f"moved to position {to + 1}" if isinstance(to, int) else "moved"
        return None
    if data.get("activity_id") != activity_id:
        return None
    if kind == "activity.parked":
        decider = data.get("decider")
        return f"parked: {decider} decides" if decider else "taken off the parking lot"
    if kind == "activity.revote":
        return "re-vote started"
    if kind == "activity.revealed":
        return "re-vote revealed"
    if kind == "rationale.set":
        where = f" for {names.phase(data['phase_id'])}" if data.get("phase_id") else ""
        return f"rationale updated{where}"
    if kind == "comment.added":
        text = names.comments.get(data.get("comment_id", 0))
        return f"commented: {text}" if text else "commented"
    if kind == "spotlight" and data.get("timebox_only"):
        return "timebox set" if data.get("timebox_ends_at") else "timebox cleared"
    if kind == "spotlight":
        return "spotlighted for discussion"
    # Proposals are left out: who touched which activity before the reveal is private too.
    if kind == "precheck.set":
        verdict = data.get("verdict")
        if not verdict:
            return "withdrew their pre-check answer"
        return "pre-check: still true" if verdict == "ok" else "pre-check: needs discussion"
    return None


def events(changes: Iterable[Change], activity_id: int, fw: Framework, names: Names) -> list[Event]:
    """The activity's history, newest first."""
    out: list[Event] = []
    for ch in changes:
        text = describe(ch, json.loads(ch.data), activity_id, fw, names)
        if text is not None:
            out.append(Event(ch.seq, ch.created_at, ch.actor, ch.actor_role, text))
    return out[::-1][:MAX_EVENTS]


@dataclass(frozen=True)
class VersionRow:
    """Who held the owner and driver roles of the activity, per phase, in one version."""

    label: str
    published_at: datetime
    present: bool
    phases: dict[str, str]  # phase -> e.g. "Owner PMM · Driver PM"
    name: str = ""  # what the activity was called in that version


def across_versions(
    name: str, key: str, versions: list[tuple[str, datetime, Doc]], phases: list[str]
) -> list[VersionRow]:
    """The activity in each version: found by its lineage key (it may have had another
    name then), or by name in versions from before keys were kept."""
    rows = []
    for label, when, doc in versions:
        activity = next((a for a in doc["activities"] if a.get("key") == key), None) or next(
            (a for a in doc["activities"] if a["name"] == name and not a.get("key")), None
        )
        cells: dict[str, str] = {}
        if activity is not None:
            for phase in phases:
                row = activity.get("cells", {}).get(phase, {})
                parts = []
                for role in doc["roles"]:
                    if role["slot"] not in ("O", "D"):
                        continue
                    holders = [f for f in doc["functions"] if role["letter"] in row.get(f, "")]
                    if holders:
                        parts.append(f"{role['name']} {', '.join(holders)}")
                cells[phase] = " · ".join(parts)
        called = activity["name"] if activity else ""
        rows.append(VersionRow(label, when, activity is not None, cells, called))
    return rows
