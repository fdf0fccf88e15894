"""Summaries of a published version (a snapshot dict): pure functions, no I/O."""

from __future__ import annotations

from typing import Any


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def slot_of(snapshot: dict[str, Any]) -> dict[str, str]:
    """Framework letter -> slot code (O, D, C, I)."""
    return {r["letter"]: r["slot"] for r in snapshot["roles"]}


def ownership_sentences(snapshot: dict[str, Any]) -> dict[str, list[str]]:
    """Per function, what it owns: {"PMM": ["Positioning in Launch and Grow", ...]}."""
    slots = slot_of(snapshot)
    out: dict[str, list[str]] = {f: [] for f in snapshot["functions"]}
    for a in snapshot["activities"]:
        for f in snapshot["functions"]:
            phases = [p for p in snapshot["phases"]
                      if "O" in {slots.get(ch) for ch in a["cells"].get(p, {}).get(f, "")}]  # fmt: skip
            if phases:
                everywhere = len(phases) == len(snapshot["phases"]) and len(phases) > 1
                out[f].append(f"{a['name']} in {'every phase' if everywhere else _join(phases)}")
    return out


def load_balance(snapshot: dict[str, Any]) -> dict[str, dict[str, tuple[int, int]]]:
    """function -> phase -> (activities owned, activities driven)."""
    slots = slot_of(snapshot)
    table = {f: {p: (0, 0) for p in snapshot["phases"]} for f in snapshot["functions"]}
    for a in snapshot["activities"]:
        for p, row in a["cells"].items():
            for f, letters in row.items():
                if f not in table or p not in table[f]:
                    continue
                held = {slots.get(ch) for ch in letters}
                o, d = table[f][p]
                table[f][p] = (o + ("O" in held), d + ("D" in held))
    return table


def decisions(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Activities with a recorded rationale (overall and per phase)."""
    return [
        {
            "activity": a["name"],
            "rationale": a.get("rationale", ""),
            "phase_notes": a.get("phase_notes", {}),
        }
        for a in snapshot["activities"]
        if a.get("rationale") or a.get("phase_notes")
    ]
