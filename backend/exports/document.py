"""The one shape every export is written from: a board (or a published version) as a dict.

It is the JSON export (``json_export.to_dict``) — title, framework and its roles, phases,
functions, activities with sources, rationale and cells in the framework's letters — and,
for a published version, its snapshot, which adds the version, notes and open items. The
live board and a version both carry ``open_items`` and ``findings`` (``with_findings``).
"""

from __future__ import annotations

from typing import Any

from backend.domain.frameworks import get_framework
from backend.domain.rules import ERROR, check_board

Doc = dict[str, Any]


def letters(doc: Doc, activity: dict[str, Any], phase: str, function: str) -> str:
    return str(activity.get("cells", {}).get(phase, {}).get(function, ""))


def slot_of(doc: Doc) -> dict[str, str]:
    return {r["letter"]: r["slot"] for r in doc["roles"]}


def label(doc: Doc) -> str:
    version = doc.get("version")
    return f"{version['label']} (version {version['number']})" if version else "live board"


def version_label(doc: Doc) -> str:
    """The version's label ("2026-Q4"), or "live" for the live board."""
    version = doc.get("version")
    return str(version["label"]) if version else "live"


def findings(doc: Doc) -> list[dict[str, str]]:
    """Every rule finding on the document's matrix, errors first, as on the board's *Rule
    checks* panel: level, activity (empty for a whole phase), phase and message."""
    fw = get_framework(doc["framework"])
    slots = slot_of(doc)
    cells = {
        (a["name"], phase, function): "".join(sorted({slots.get(ch, "") for ch in value}))
        for a in doc["activities"]
        for phase, row in a.get("cells", {}).items()
        for function, value in row.items()
        if value
    }
    names = {f: f for f in doc["functions"]}
    check = check_board(
        fw, [a["name"] for a in doc["activities"]], doc["phases"], doc["functions"], cells, names
    )
    out = [
        {"level": f.level, "activity": a, "phase": p, "message": f.message}
        for a in (x["name"] for x in doc["activities"])
        for p in doc["phases"]
        for f in check.cells[(a, p)].findings
    ]
    out += [
        {"level": f.level, "activity": "", "phase": p, "message": f.message}
        for p in doc["phases"]
        for f in check.phases[p].findings
    ]
    return sorted(out, key=lambda f: f["level"] != ERROR)


def findings_of(doc: Doc) -> list[dict[str, str]]:
    """The document's ``findings``, worked out when it was made without them."""
    found: list[dict[str, str]] = doc["findings"] if "findings" in doc else findings(doc)
    return found


def with_findings(doc: Doc) -> Doc:
    """``doc`` with its ``findings`` and an ``open_items`` list (empty when it has none)."""
    doc["findings"] = findings(doc)
    doc.setdefault("open_items", [])
    return doc
