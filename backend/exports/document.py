"""The one shape every export is written from: a board (or a published version) as a dict.

It is the JSON export (``json_export.to_dict``) — title, framework and its roles, phases,
functions, activities with sources, rationale and cells in the framework's letters — and,
for a published version, its snapshot, which adds the version, notes and open items.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]


def letters(doc: Doc, activity: dict[str, Any], phase: str, function: str) -> str:
    return activity.get("cells", {}).get(phase, {}).get(function, "")


def slot_of(doc: Doc) -> dict[str, str]:
    return {r["letter"]: r["slot"] for r in doc["roles"]}


def label(doc: Doc) -> str:
    version = doc.get("version")
    return f"{version['label']} (version {version['number']})" if version else "live board"
