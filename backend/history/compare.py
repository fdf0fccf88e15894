"""Two versions of a matrix side by side: what changed, per phase and in words.

Built from two export documents (a published version's snapshot or the live board), so
the same comparison feeds the page, the XLSX "Changes" sheet, Markdown and JSON.

Activities are matched by their lineage ``key`` where both versions have one (so a rename
reads as a rename), else by name. Changes are listed in the later version's board order;
an activity added or removed is said once, not cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from backend.domain.diff import Diff, Line, Matrix, diff, in_words, matrix_of
from backend.exports.document import Doc


def doc_name(doc: Doc) -> str:
    version = doc.get("version")
    return version["label"] if version else "the live board"


def renames(before: Doc, after: Doc) -> dict[str, str]:
    """Earlier name -> later name, for activities with the same key and another name."""
    later = {a["key"]: a["name"] for a in after["activities"] if a.get("key")}
    return {
        a["name"]: later[a["key"]]
        for a in before["activities"]
        if a.get("key") in later and later[a["key"]] != a["name"]
    }


def _renamed(doc: Doc, names: dict[str, str]) -> Doc:
    if not names:
        return doc
    acts = [{**a, "name": names.get(a["name"], a["name"])} for a in doc["activities"]]
    return {**doc, "activities": acts}


@dataclass
class Comparison:
    before: Doc
    after: Doc

    @cached_property
    def renamed(self) -> dict[str, str]:
        return renames(self.before, self.after)

    @property
    def renamed_from(self) -> dict[str, str]:
        return {new: old for old, new in self.renamed.items()}

    @cached_property
    def matrices(self) -> tuple[Matrix, Matrix]:
        return matrix_of(_renamed(self.before, self.renamed)), matrix_of(self.after)

    @cached_property
    def diff(self) -> Diff:
        return diff(*self.matrices)

    @cached_property
    def lines(self) -> list[Line]:
        roles = [(r["letter"], r["name"], r["slot"]) for r in self.after["roles"]]
        functions = list(self.after["functions"]) + [
            f for f in self.before["functions"] if f not in self.after["functions"]
        ]
        whole = set(self.diff.added) | set(self.diff.removed)
        lines = [
            line
            for line in in_words(*self.matrices, self.diff, roles=roles, functions=functions)
            if line.activity not in whole
        ]
        order = {name: i for i, name in enumerate(self.matrices[1].activities)}
        phases = {p: i for i, p in enumerate(self.after["phases"])}
        return sorted(
            lines, key=lambda x: (order.get(x.activity, len(order)), phases.get(x.phase, 99))
        )

    @property
    def empty(self) -> bool:
        return self.diff.empty and not self.renamed

    @cached_property
    def by_phase(self) -> dict[str, list[Line]]:
        """Lines grouped by phase, in the later version's phase order (then any it dropped)."""
        phases = list(self.after["phases"]) + [
            p for p in self.before["phases"] if p not in self.after["phases"]
        ]
        out: dict[str, list[Line]] = {p: [] for p in phases}
        for line in self.lines:
            out.setdefault(line.phase, []).append(line)
        return {p: lines for p, lines in out.items() if lines}

    @cached_property
    def changed(self) -> dict[tuple[str, str, str], str]:
        """(activity, phase, function) -> the letters it had before, for highlighting (the
        cells of an added activity are not: its whole row is new)."""
        whole = set(self.diff.added) | set(self.diff.removed)
        return {
            (c.activity, c.phase, c.function): c.before
            for c in self.diff.cells
            if c.activity not in whole
        }

    @property
    def major_count(self) -> int:
        return sum(1 for line in self.lines if line.major)

    @property
    def summary(self) -> str:
        """E.g. "3 changes (2 of owner or driver), 1 activity added, 1 renamed"."""

        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count == 1 else many}"

        parts = []
        if self.lines:
            parts.append(
                n(len(self.lines), "change", "changes")
                + f" ({self.major_count} of owner or driver)"
            )
        for names, what in (
            (self.diff.added, "added"),
            (self.diff.removed, "removed"),
            (self.renamed, "renamed"),
        ):
            if names:
                parts.append(n(len(names), "activity", "activities") + f" {what}")
        return ", ".join(parts) or "no changes"

    def removed_rows(self) -> list[dict[str, Any]]:
        gone = set(self.diff.removed)
        return [a for a in self.before["activities"] if a["name"] in gone]

    @cached_property
    def _orders(self) -> tuple[dict[str, int], ...]:
        def first_seen(*names: list[str]) -> dict[str, int]:
            return {n: i for i, n in enumerate(dict.fromkeys(x for ns in names for x in ns))}

        return (
            first_seen(self.matrices[1].activities, self.matrices[0].activities),
            first_seen(self.after["phases"], self.before["phases"]),
            first_seen(self.after["functions"], self.before["functions"]),
        )

    def _board_order(self, c: Any) -> tuple[int, int, int]:
        acts, phases, fns = self._orders
        return acts.get(c.activity, 0), phases.get(c.phase, 0), fns.get(c.function, 0)

    def to_dict(self) -> dict[str, Any]:
        """The comparison as it appears in JSON exports (``changes``)."""
        return {
            "from": _ref(self.before),
            "to": _ref(self.after),
            "activities_added": list(self.diff.added),
            "activities_removed": list(self.diff.removed),
            "activities_renamed": [{"from": a, "to": b} for a, b in self.renamed.items()],
            "cells": [
                {
                    "activity": c.activity,
                    "phase": c.phase,
                    "function": c.function,
                    "before": c.before,
                    "after": c.after,
                }
                for c in sorted(self.diff.cells, key=self._board_order)
            ],
            "in_words": [
                {
                    "activity": line.activity,
                    "phase": line.phase,
                    "owner_or_driver": line.major,
                    "change": line.what,
                    "text": line.text,
                }
                for line in self.lines
            ],
        }


def _ref(doc: Doc) -> dict[str, Any]:
    version = doc.get("version")
    ref: dict[str, Any] = {"title": doc["title"], "name": doc_name(doc)}
    if version:
        ref.update(label=version["label"], number=version["number"])
    return ref
