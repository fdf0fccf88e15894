"""Markdown: a table per phase, ready to paste into a wiki, then the changes, the rationale,
the open items, the parked decisions with who decides them, and the rule findings."""

from __future__ import annotations

import html

from backend.exports.document import Doc, findings_of, label, letters

# Backslash-escaped, so typed text never becomes a link or an image: ``[x](javascript:…)``,
# ``![x](https://tracker/…)`` and ``[x]: url`` definitions render as the text typed.
MARKUP = str.maketrans({ch: "\\" + ch for ch in "\\|[]()!`"})


def cell_text(text: str) -> str:
    """Text safe inside a Markdown table cell (pipes and line breaks would end it), never a
    link or an image (``MARKUP``), and inert where a wiki renders inline HTML (``<``, ``>``
    and ``&`` become entities)."""
    return " ".join(html.escape(text, quote=False).translate(MARKUP).split())


def to_markdown(doc: Doc) -> str:
    out = [f"# {cell_text(doc['title'])}", ""]
    version = doc.get("version") or {}
    when = f", published {version['published_at'][:10]}" if version.get("published_at") else ""
    by = f" by {cell_text(version['published_by'])}" if version.get("published_by") else ""
    out.append(f"{doc['framework'].upper()} · {cell_text(label(doc))}{when}{by}")
    out.append("")
    out.append("Legend: " + ", ".join(f"**{r['letter']}** {r['name']}" for r in doc["roles"]))
    for phase in doc["phases"]:
        out += ["", f"## {cell_text(phase)}", ""]
        out.append("| Activity | " + " | ".join(cell_text(f) for f in doc["functions"]) + " |")
        out.append("|---|" + "---|" * len(doc["functions"]))
        for a in doc["activities"]:
            row = [letters(doc, a, phase, f) or " " for f in doc["functions"]]
            out.append(f"| {cell_text(a['name'])} | " + " | ".join(row) + " |")
    changes = doc.get("changes")
    if changes:
        out += changes_section(changes)
    notes = [a for a in doc["activities"] if a.get("rationale")]
    if notes:
        out += ["", "## Rationale", ""]
        out += [f"- **{cell_text(a['name'])}**: {cell_text(a['rationale'])}" for a in notes]
    out += open_sections(doc)
    return "\n".join(out) + "\n"


def where(activity: str, phase: str | None) -> str:
    return " · ".join(cell_text(x) for x in (activity, phase) if x)


def open_sections(doc: Doc) -> list[str]:
    """Open items, parked decisions (with their deciders) and rule findings; each section is
    there even when empty ("None."), so a reader knows it was looked at."""
    items = doc.get("open_items") or []
    parked = [it for it in items if it.get("reason") == "parked"]
    others = [it for it in items if it.get("reason") != "parked"]
    out = ["", f"## Open items ({len(others)})", ""]
    for it in others:
        decider = f" ({cell_text(it['decider'])} decides)" if it.get("decider") else ""
        out.append(
            f"- **{where(it['activity'], it.get('phase'))}**: {cell_text(it['reason'])}{decider}"
        )
    out += [] if others else ["None."]
    out += ["", f"## Parked decisions ({len(parked)})", ""]
    for it in parked:
        decider = cell_text(it.get("decider") or "") or "nobody named"
        out.append(f"- **{where(it['activity'], it.get('phase'))}**: {decider} decides")
    out += [] if parked else ["None."]
    found = findings_of(doc)
    out += ["", f"## Rule findings ({len(found)})", ""]
    for f in found:
        out.append(
            f"- **{where(f['activity'], f['phase'])}** ({f['level']}): {cell_text(f['message'])}"
        )
    out += [] if found else ["None: every rule passes."]
    return out


def changes_section(changes: dict) -> list[str]:  # type: ignore[type-arg]
    """What changed since the compared version, per phase, in words."""
    out = ["", f"## Changes since {cell_text(changes['from']['name'])}", ""]
    for name in changes["activities_added"]:
        out.append(f"- **{cell_text(name)}**: added")
    for name in changes["activities_removed"]:
        out.append(f"- **{cell_text(name)}**: removed")
    for r in changes.get("activities_renamed", []):
        out.append(f"- **{cell_text(r['to'])}**: renamed from {cell_text(r['from'])}")
    by_phase: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for line in changes["in_words"]:
        by_phase.setdefault(line["phase"], []).append(line)
    for phase, lines in by_phase.items():
        out += ["", f"### {cell_text(phase)}", ""]
        for line in lines:
            mark = " (owner or driver changed)" if line["owner_or_driver"] else ""
            out.append(f"- **{cell_text(line['activity'])}**{mark}: {cell_text(line['change'])}")
    if not (
        changes["in_words"]
        or changes["activities_added"]
        or changes["activities_removed"]
        or changes.get("activities_renamed")
    ):
        out.append("Nothing changed.")
    return out
