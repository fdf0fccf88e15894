"""XLSX: a Summary sheet (legend, rationale, open items, rule findings and the Owner/Driver
load chart), an Overview with every phase side by side, the changes since the previous
version, then one sheet per phase, role letters coloured (and still letters, for printing
in black and white), header row and activity column frozen. Every sheet prints landscape,
one page wide, with the board title, version label and phase in the page header. Every
text is written as text, never as a formula."""

from __future__ import annotations

import io
import re

import xlsxwriter

from backend.exports.document import Doc, letters, slot_of
from backend.exports.xlsx_base import (
    COLOURS,
    Sheet,
    Styles,
    fit_row,
    print_setup,
    styles,
    text,
    text_lines,
)
from backend.exports.xlsx_overview import overview_sheet
from backend.exports.xlsx_summary import summary_sheet

__all__ = ["COLOURS", "NAME_WIDTH", "NOTE_WIDTH", "sheet_name", "text_lines", "to_xlsx"]


def sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", " ", name).strip()[:28] or "Phase"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base[:25]} ({n})", n + 1
    taken.add(candidate.lower())
    return candidate


def to_xlsx(doc: Doc) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    st = styles(wb)
    summary_sheet(wb, wb.add_worksheet("Summary"), doc, st)
    overview_sheet(wb.add_worksheet("Overview"), doc, st)
    taken = {"summary", "overview"}
    changes = doc.get("changes")
    changed: set[tuple[str, str, str]] = set()
    if changes:
        changed = {(c["activity"], c["phase"], c["function"]) for c in changes["cells"]}
        changes_sheet(wb.add_worksheet("Changes"), doc, changes, st)
        taken.add("changes")
    for phase in doc["phases"]:
        phase_sheet(wb.add_worksheet(sheet_name(phase, taken)), doc, phase, st, changed)
    wb.close()
    return buf.getvalue()


NAME_WIDTH, NOTE_WIDTH = 42, 60  # phase sheets' activity and rationale columns, in characters


def phase_sheet(
    ws: Sheet, doc: Doc, phase: str, st: Styles, changed: set[tuple[str, str, str]]
) -> None:
    """One phase: a row per activity, a column per function, then the rationale. Cells
    that changed since the compared version are outlined."""
    slots = slot_of(doc)
    functions = doc["functions"]
    text(ws, 0, 0, "Activity", st.head_left)
    for j, f in enumerate(functions):
        text(ws, 0, 1 + j, f, st.head)
    text(ws, 0, 1 + len(functions), "Rationale", st.head_left)
    for i, a in enumerate(doc["activities"], start=1):
        # Long names wrap (never clipped by the next column); the row is as tall as the
        # longer of the name and the rationale beside it.
        text(ws, i, 0, a["name"], st.name)
        note = (a.get("phase_notes") or {}).get(phase) or a.get("rationale", "")
        fit_row(ws, i, (a["name"], NAME_WIDTH), (note, NOTE_WIDTH))
        for j, f in enumerate(functions):
            value = letters(doc, a, phase, f)
            is_changed = (a["name"], phase, f) in changed
            formats, blank = (st.marked, st.marked_empty) if is_changed else (st.role, st.empty)
            fmt = formats.get(slots.get(value[:1], ""), blank) if value else blank
            ws.write_string(i, 1 + j, value, fmt)
        text(ws, i, 1 + len(functions), note, st.wrap)
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, NAME_WIDTH)
    ws.set_column(1, len(functions), 9)
    ws.set_column(1 + len(functions), 1 + len(functions), NOTE_WIDTH)
    print_setup(ws, doc, phase, repeat=(0, 0))


def changes_sheet(ws, doc: Doc, changes: dict, st: Styles) -> None:  # type: ignore[no-untyped-def]
    """What changed since the compared version: in words per activity and phase, then the
    cells with their letters before and after. Changed cells are outlined on phase sheets."""
    bold, title, head, wrap = st.bold, st.title, st.head_left, st.wrap
    text(ws, 0, 0, f"Changes since {changes['from']['name']}", title)
    text(ws, 1, 0, f"From {changes['from']['name']} to {changes['to']['name']}")
    row = 3
    for what, names in (
        ("Added", changes["activities_added"]),
        ("Removed", changes["activities_removed"]),
    ):
        for name in names:
            text(ws, row, 0, name, bold)
            text(ws, row, 1, f"{what} activity")
            row += 1
    for r in changes.get("activities_renamed", []):
        text(ws, row, 0, r["to"], bold)
        text(ws, row, 1, f"Renamed from {r['from']}")
        row += 1
    if not (
        changes["cells"]
        or changes["activities_added"]
        or changes["activities_removed"]
        or changes.get("activities_renamed")
    ):
        text(ws, row, 0, "Nothing changed.")
        row += 1
    row += 1
    for j, h in enumerate(("Phase", "Activity", "What changed", "Owner or driver")):
        text(ws, row, j, h, head)
    for line in changes["in_words"]:
        row += 1
        text(ws, row, 0, line["phase"])
        text(ws, row, 1, line["activity"], bold)
        text(ws, row, 2, line["change"], wrap)
        text(ws, row, 3, "yes" if line["owner_or_driver"] else "")
    row += 2
    for j, h in enumerate(("Activity", "Phase", "Function", "Before", "After")):
        text(ws, row, j, h, head)
    for c in changes["cells"]:
        row += 1
        for j, key in enumerate(("activity", "phase", "function", "before", "after")):
            text(ws, row, j, c[key])
    ws.set_column(0, 1, 30)
    ws.set_column(2, 2, 60)
    ws.set_column(3, 4, 14)
    print_setup(ws, doc, f"Changes since {changes['from']['name']}", repeat=(0, 0))
