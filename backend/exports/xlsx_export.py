"""XLSX: a summary sheet with the legend, then one sheet per phase, role letters coloured
(and still letters, for printing in black and white), header row and activity column
frozen. Every text is written as text, never as a formula."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import xlsxwriter

from backend.exports.document import Doc, label, letters, slot_of
from backend.exports.safe import neutralise

COLOURS = {  # slot -> (font, fill), as on screen
    "O": ("#5B21B6", "#EDE9FE"),
    "D": ("#0B5FA5", "#DBEAFE"),
    "C": ("#8A4B00", "#FDECC8"),
    "I": ("#3F4752", "#E5E7EB"),
}


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
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 16})
    head = wb.add_format({"bold": True, "bg_color": "#F0F2F5", "border": 1, "align": "center"})
    head_left = wb.add_format({"bold": True, "bg_color": "#F0F2F5", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    role_fmt = {
        slot: wb.add_format(
            {"bold": True, "font_color": fg, "bg_color": bg, "align": "center", "border": 1}
        )
        for slot, (fg, bg) in COLOURS.items()
    }
    empty = wb.add_format({"border": 1})
    slots = slot_of(doc)

    def text(ws, row: int, col: int, value: str, fmt=None) -> None:  # type: ignore[no-untyped-def]
        ws.write_string(row, col, neutralise(value or ""), fmt)

    # Summary
    ws = wb.add_worksheet("Summary")
    taken = {"summary"}
    text(ws, 0, 0, doc["title"], title)
    text(ws, 1, 0, f"{doc['framework'].upper()} · {label(doc)}")
    text(ws, 2, 0, f"Exported {datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC")
    version = doc.get("version")
    if version:
        text(ws, 3, 0, f"Published by {version.get('published_by', '')}")
    text(ws, 5, 0, "Legend", bold)
    for i, r in enumerate(doc["roles"]):
        ws.write_string(6 + i, 0, r["letter"], role_fmt[r["slot"]])
        text(ws, 6 + i, 1, r["name"])
    row = 6 + len(doc["roles"]) + 1
    text(ws, row, 0, "Activity", head_left)
    text(ws, row, 1, "Rationale", head_left)
    for a in doc["activities"]:
        row += 1
        text(ws, row, 0, a["name"])
        text(ws, row, 1, a.get("rationale", ""), wrap)
    open_items = doc.get("open_items") or []
    if open_items:
        row += 2
        text(ws, row, 0, f"Open items ({len(open_items)})", bold)
        for it in open_items:
            row += 1
            where = f"{it['activity']} · {it['phase']}" if it.get("phase") else it["activity"]
            decider = f" — {it['decider']} decides" if it.get("decider") else ""
            text(ws, row, 0, where)
            text(ws, row, 1, f"{it['reason']}{decider}")
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 70)

    # One sheet per phase
    functions = doc["functions"]
    for phase in doc["phases"]:
        ws = wb.add_worksheet(sheet_name(phase, taken))
        text(ws, 0, 0, "Activity", head_left)
        for j, f in enumerate(functions):
            text(ws, 0, 1 + j, f, head)
        text(ws, 0, 1 + len(functions), "Rationale", head_left)
        for i, a in enumerate(doc["activities"], start=1):
            text(ws, i, 0, a["name"], bold)
            for j, f in enumerate(functions):
                value = letters(doc, a, phase, f)
                fmt = role_fmt.get(slots.get(value[:1], ""), empty) if value else empty
                ws.write_string(i, 1 + j, value, fmt)
            note = (a.get("phase_notes") or {}).get(phase) or a.get("rationale", "")
            text(ws, i, 1 + len(functions), note, wrap)
        ws.freeze_panes(1, 1)
        ws.set_column(0, 0, 42)
        ws.set_column(1, len(functions), 9)
        ws.set_column(1 + len(functions), 1 + len(functions), 60)
        ws.set_landscape()
        ws.repeat_rows(0)
        ws.fit_to_pages(1, 0)
    wb.close()
    return buf.getvalue()
