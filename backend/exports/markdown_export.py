"""Markdown: a table per phase, ready to paste into a wiki."""

from __future__ import annotations

from backend.exports.document import Doc, label, letters


def cell_text(text: str) -> str:
    """Text safe inside a Markdown table cell (pipes and line breaks would end it)."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def to_markdown(doc: Doc) -> str:
    out = [f"# {cell_text(doc['title'])}", ""]
    out.append(f"{doc['framework'].upper()} · {label(doc)}")
    out.append("")
    out.append("Legend: " + ", ".join(f"**{r['letter']}** {r['name']}" for r in doc["roles"]))
    for phase in doc["phases"]:
        out += ["", f"## {cell_text(phase)}", ""]
        out.append("| Activity | " + " | ".join(cell_text(f) for f in doc["functions"]) + " |")
        out.append("|---|" + "---|" * len(doc["functions"]))
        for a in doc["activities"]:
            row = [letters(doc, a, phase, f) or " " for f in doc["functions"]]
            out.append(f"| {cell_text(a['name'])} | " + " | ".join(row) + " |")
    notes = [a for a in doc["activities"] if a.get("rationale")]
    if notes:
        out += ["", "## Rationale", ""]
        out += [f"- **{cell_text(a['name'])}**: {cell_text(a['rationale'])}" for a in notes]
    return "\n".join(out) + "\n"
