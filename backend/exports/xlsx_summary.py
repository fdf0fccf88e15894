"""The XLSX Summary sheet: title, version, legend, the rationale per activity, the open items
(parked decisions with their deciders) and the rule findings in columns A–B; beside them the
Owner/Driver load per function and phase and a native stacked chart of it. Printed
landscape, one page wide, so nothing is cut off at the page's edge."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backend.domain.handoff import load
from backend.exports.document import Doc, findings_of, label
from backend.exports.xlsx_base import (
    COLOURS,
    FLAG,
    Sheet,
    Styles,
    fit_row,
    print_setup,
    text,
)

NAME_WIDTH, NOTE_WIDTH = 36, 60  # columns A and B, in characters
LOAD_COL = 3  # the load table starts in column D, the chart below it
LOAD_WIDTHS = (11, 11, 8, 8, 32)  # Phase, Function, Owner, Driver, Flags
SUBJECT = "Summary"


def summary_sheet(wb: Any, ws: Sheet, doc: Doc, st: Styles) -> None:
    text(ws, 0, 0, doc["title"], st.title)
    text(ws, 1, 0, f"{doc['framework'].upper()} · {label(doc)}")
    text(ws, 2, 0, f"Exported {datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC")
    version = doc.get("version")
    if version:
        when = (version.get("published_at") or "")[:10]
        text(ws, 3, 0, f"Published {when} by {version.get('published_by', '')}".replace("  ", " "))
    text(ws, 5, 0, "Legend", st.bold)
    for i, r in enumerate(doc["roles"]):
        ws.write_string(6 + i, 0, r["letter"], st.role[r["slot"]])
        text(ws, 6 + i, 1, r["name"])
    row = 6 + len(doc["roles"]) + 1
    text(ws, row, 0, "Activity", st.head_left)
    text(ws, row, 1, "Rationale", st.head_left)
    for a in doc["activities"]:
        row += 1
        text(ws, row, 0, a["name"], st.name)
        text(ws, row, 1, a.get("rationale", ""), st.wrap)
        fit_row(ws, row, (a["name"], NAME_WIDTH), (a.get("rationale", ""), NOTE_WIDTH))
    row = open_items(ws, doc, st, row + 2)
    row = findings(ws, doc, st, row + 2)
    ws.set_column(0, 0, NAME_WIDTH)
    ws.set_column(1, 1, NOTE_WIDTH)
    ws.set_column(2, 2, 2)
    load_chart(wb, ws, doc, st)
    print_setup(ws, doc, SUBJECT, repeat=(0, 0))


def open_items(ws: Sheet, doc: Doc, st: Styles, row: int) -> int:
    """The open items: where, why, and who decides a parked one. Returns the last row."""
    items = doc.get("open_items") or []
    text(ws, row, 0, f"Open items ({len(items)})", st.bold)
    if not items:
        text(ws, row + 1, 0, "None: nothing is parked or left open.")
        return row + 1
    for it in items:
        row += 1
        where = f"{it['activity']} · {it['phase']}" if it.get("phase") else it["activity"]
        decider = f" — {it['decider']} decides" if it.get("decider") else ""
        text(ws, row, 0, where, st.wrap)
        text(ws, row, 1, f"{it['reason']}{decider}", st.wrap)
        fit_row(ws, row, (where, NAME_WIDTH), (f"{it['reason']}{decider}", NOTE_WIDTH))
    return row


def findings(ws: Sheet, doc: Doc, st: Styles, row: int) -> int:
    """The rule findings, errors first, as the board's *Rule checks* panel words them."""
    found = findings_of(doc)
    text(ws, row, 0, f"Rule findings ({len(found)})", st.bold)
    if not found:
        text(ws, row + 1, 0, "None: every rule passes.")
        return row + 1
    for f in found:
        row += 1
        where = " · ".join(x for x in (f["activity"], f["phase"]) if x)
        what = f"{'Error' if f['level'] == 'error' else 'Warning'}: {f['message']}"
        text(ws, row, 0, where, st.wrap)
        text(ws, row, 1, what, st.flag if f["level"] == "error" else st.wrap)
        fit_row(ws, row, (where, NAME_WIDTH), (what, NOTE_WIDTH))
    return row


def load_chart(wb: Any, ws: Sheet, doc: Doc, st: Styles) -> None:
    """Owner/Driver load per function and phase: a table (one row per phase and function)
    and a native stacked column chart of it; flagged points are hatched and outlined."""
    ld = load(doc)
    roles = {r["slot"]: r for r in doc["roles"]}
    o_name, d_name = roles["O"]["name"], roles["D"]["name"]
    c0, r0 = LOAD_COL, 5
    text(ws, r0 - 1, c0, f"{o_name} / {d_name} load", st.bold)
    for j, h in enumerate(["Phase", "Function", o_name, d_name, "Flags"]):
        text(ws, r0, c0 + j, h, st.head_left)
    row = r0
    points: dict[str, list[dict[str, Any] | None]] = {"O": [], "D": []}
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
    for j, width in enumerate(LOAD_WIDTHS):
        ws.set_column(c0 + j, c0 + j, width)
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
    step = max(1, -(-ld.largest() // 6))  # about six gridlines, whole activities
    chart.set_y_axis({"name": "Activities", "major_unit": step, "min": 0})
    chart.set_legend({"position": "bottom"})
    # As wide as the load table (about 7 pixels a character), so printing it one page wide
    # does not shrink the page further.
    chart.set_size({"width": int(sum(LOAD_WIDTHS) * 7.2), "height": 340})
    ws.insert_chart(row + 2, c0, chart)
