"""JSON export of a board: structure, sources, rationale and every set cell, in the board's
framework letters. ``matrix_of`` reads an export back into (activity, phase, function) ->
letters, which is what a round trip must preserve."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.boards.queries import MatrixView

FORMAT = "lockstep.board"
FORMAT_VERSION = 1


def to_dict(view: MatrixView) -> dict[str, Any]:
    fw = view.framework
    activities = []
    for a in view.activities:
        cells: dict[str, dict[str, str]] = {}
        for p in view.phases:
            row = {
                f.name: fw.to_letters(view.cells[(a.id, p.id, f.id)])
                for f in view.functions
                if view.cells.get((a.id, p.id, f.id))
            }
            if row:
                cells[p.name] = row
        activities.append(
            {
                "name": a.name,
                "description": a.description,
                "sources": [s for s in a.sources.split("\n") if s],
                "rationale": a.rationale,
                "key": a.lineage_key,
                "cells": cells,
            }
        )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": view.board.title,
        "framework": fw.key,
        "roles": [{"letter": r.letter, "name": r.name, "slot": r.slot} for r in fw.roles],
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "change_seq": view.seq,
        "phases": [p.name for p in view.phases],
        "functions": [f.name for f in view.functions],
        "activities": activities,
    }


def matrix_of(data: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    return {
        (a["name"], phase, function): letters
        for a in data["activities"]
        for phase, row in a.get("cells", {}).items()
        for function, letters in row.items()
        if letters
    }
