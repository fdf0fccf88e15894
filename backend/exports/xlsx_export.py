"""XLSX: a summary sheet with the legend, then one sheet per phase, role letters coloured
(and still letters, for printing in black and white), header row and activity column
frozen. Every text is written as text, never as a formula."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import xlsxwriter

from backend.domain.handoff import load
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
    name_fmt = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
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
        when = (version.get("published_at") or "")[:10]
        text(ws, 3, 0, f"Published {when} by {version.get('published_by', '')}".replace("  ", " "))
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
    load_chart(wb, ws, doc, text, head_left)

    changes = doc.get("changes")
    changed: set[tuple[str, str, str]] = set()
    if changes:
        changed = {(c["activity"], c["phase"], c["function"]) for c in changes["cells"]}
        changes_sheet(wb, changes, text, bold, title, head_left, wrap)
        taken.add("changes")
    marked = {
        slot: wb.add_format(
            {"bold": True, "font_color": fg, "bg_color": bg, "align": "center", "border": 5}
        )
        for slot, (fg, bg) in COLOURS.items()
    }
    marked_empty = wb.add_format({"border": 5})

    # One sheet per phase
    functions = doc["functions"]
    for phase in doc["phases"]:
        ws = wb.add_worksheet(sheet_name(phase, taken))
        text(ws, 0, 0, "Activity", head_left)
        for j, f in enumerate(functions):
            text(ws, 0, 1 + j, f, head)
        text(ws, 0, 1 + len(functions), "Rationale", head_left)
        for i, a in enumerate(doc["activities"], start=1):
            # Long names wrap (never clipped by the next column); the row is as tall as the
            # longer of the name and the rationale beside it.
            text(ws, i, 0, a["name"], name_fmt)
            note = (a.get("phase_notes") or {}).get(phase) or a.get("rationale", "")
            lines = max(text_lines(a["name"], NAME_WIDTH), text_lines(note, NOTE_WIDTH))
            if lines > 1:
                ws.set_row(i, 15 * lines)
            for j, f in enumerate(functions):
                value = letters(doc, a, phase, f)
                is_changed = (a["name"], phase, f) in changed
                formats, blank = (marked, marked_empty) if is_changed else (role_fmt, empty)
                fmt = formats.get(slots.get(value[:1], ""), blank) if value else blank
                ws.write_string(i, 1 + j, value, fmt)
            text(ws, i, 1 + len(functions), note, wrap)
        ws.freeze_panes(1, 1)
        ws.set_column(0, 0, NAME_WIDTH)
        ws.set_column(1, len(functions), 9)
        ws.set_column(1 + len(functions), 1 + len(functions), NOTE_WIDTH)
        ws.set_landscape()
        ws.repeat_rows(0)
        ws.fit_to_pages(1, 0)
    wb.close()
    return buf.getvalue()


NAME_WIDTH, NOTE_WIDTH = 42, 60  # phase sheets' activity and rationale columns, in characters


def text_lines(value: str, width: int) -> int:
    """About how many lines a wrapped cell of ``width`` characters needs (bold text is a
    little wider, so a tenth is kept spare)."""
    usable = max(1, int(width * 0.9))
    return max(1, sum(-(-len(part) // usable) or 1 for part in (value or "").split("\n")))


LOAD_COL = 3  # the load table starts in column D of the Summary sheet, the chart below it
FLAG = "#B42318"


def load_chart(wb, ws, doc: Doc, text, head) -> None:  # type: ignore[no-untyped-def]
    """Owner/Driver load per function and phase: a table (one row per phase and function)
    and a native stacked column chart of it; flagged points are hatched and outlined."""
    ld = load(doc)
    roles = {r["slot"]: r for r in doc["roles"]}
    o_name, d_name = roles["O"]["name"], roles["D"]["name"]
    c0, r0 = LOAD_COL, 5
    text(ws, r0 - 1, c0, f"{o_name} / {d_name} load", wb.add_format({"bold": True}))
    for j, h in enumerate(["Phase", "Function", o_name, d_name, "Flags"]):
        text(ws, r0, c0 + j, h, head)
    row = r0
    points: dict[str, list[dict | None]] = {"O": [], "D": []}
    for p in ld.phases:
        for f in ld.functions:
            row += 1
            o, d = ld.counts[f][p]
            flags = ld.flags_for(f, p)
            text(ws, row, c0, p)
            text(ws, row, c0 + 1, f)
            ws.write_number(row, c0 + 2, o)
            ws.write_number(row, c0 + 3, d)
            text(ws, row, c0 + 4, "; ".join(fl.text for fl in flags))
            for slot in ("O", "D"):
                fill = COLOURS[slot][1]
                points[slot].append(
                    {
                        "pattern": {"pattern": "wide_upward_diagonal", "fg_color": FLAG,
                                    "bg_color": fill},
                        "border": {"color": FLAG, "width": 1.5, "dash_type": "dash"},
                    }
                    if flags
                    else None
                )  # fmt: skip
    ws.set_column(c0, c0 + 1, 12)
    ws.set_column(c0 + 2, c0 + 3, 9)
    ws.set_column(c0 + 4, c0 + 4, 34)
    if row == r0:
        return
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    categories = ["Summary", r0 + 1, c0, row, c0 + 1]  # two levels: phase, then function
    for k, slot in enumerate(("O", "D")):
        fg = COLOURS[slot][0]
        chart.add_series(
            {
                "name": ["Summary", r0, c0 + 2 + k],
                "categories": categories,
                "values": ["Summary", r0 + 1, c0 + 2 + k, row, c0 + 2 + k],
                "fill": {"color": fg if slot == "O" else "#60A5FA"},
                "border": {"color": fg},
                "points": points[slot],
                "data_labels": {"value": True},
            }
        )
    chart.set_title({"name": f"{o_name} / {d_name} load per function and phase"})
    chart.set_y_axis({"name": "Activities", "major_unit": 1, "min": 0})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 120 + 46 * (row - r0), "height": 340})
    ws.insert_chart(row + 2, c0, chart)


def changes_sheet(wb, changes: dict, text, bold, title, head, wrap) -> None:  # type: ignore[no-untyped-def]
    """What changed since the compared version: in words per activity and phase, then the
    cells with their letters before and after. Changed cells are outlined on phase sheets."""
    ws = wb.add_worksheet("Changes")
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
