"""Two versions of a matrix side by side: what changed, per phase and in words.

Built from two export documents (a published version's snapshot or the live board), so
the same comparison feeds the page, the XLSX "Changes" sheet, Markdown and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from backend.domain.diff import Diff, Line, Matrix, diff, in_words, matrix_of
from backend.exports.document import Doc


def doc_name(doc: Doc) -> str:
    version = doc.get("version")
    return f"{version['label']} (#{version['number']})" if version else "the live board"


@dataclass
class Comparison:
    before: Doc
    after: Doc

    @cached_property
    def matrices(self) -> tuple[Matrix, Matrix]:
        return matrix_of(self.before), matrix_of(self.after)

    @cached_property
    def diff(self) -> Diff:
        return diff(*self.matrices)

    @cached_property
    def lines(self) -> list[Line]:
        roles = [(r["letter"], r["name"], r["slot"]) for r in self.after["roles"]]
        functions = list(self.after["functions"]) + [
            f for f in self.before["functions"] if f not in self.after["functions"]
        ]
        return in_words(*self.matrices, self.diff, roles=roles, functions=functions)

    @property
    def empty(self) -> bool:
        return self.diff.empty

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
        """(activity, phase, function) -> the letters it had before, for highlighting."""
        return {(c.activity, c.phase, c.function): c.before for c in self.diff.cells}

    @property
    def major_count(self) -> int:
        return sum(1 for line in self.lines if line.major)

    def removed_rows(self) -> list[dict[str, Any]]:
        gone = set(self.diff.removed)
        return [a for a in self.before["activities"] if a["name"] in gone]

    def to_dict(self) -> dict[str, Any]:
        """The comparison as it appears in JSON exports (``changes``)."""
        return {
            "from": _ref(self.before),
            "to": _ref(self.after),
            "activities_added": list(self.diff.added),
            "activities_removed": list(self.diff.removed),
            "cells": [
                {
                    "activity": c.activity,
                    "phase": c.phase,
                    "function": c.function,
                    "before": c.before,
                    "after": c.after,
                }
                for c in self.diff.cells
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
