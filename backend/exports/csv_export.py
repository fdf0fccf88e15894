"""CSV export, long layout: one row per activity, phase and function (empty roles included,
so the file also carries the board's full list of activities, phases and functions)."""

from __future__ import annotations

import csv
import io

from backend.boards.queries import MatrixView
from backend.exports.safe import neutralise

LONG_COLUMNS = ("activity", "phase", "function", "letters", "roles", "framework")


def long_rows(view: MatrixView) -> list[dict[str, str]]:
    fw = view.framework
    rows = []
    for a in view.activities:
        for p in view.phases:
            for f in view.functions:
                slots = view.cells.get((a.id, p.id, f.id), "")
                rows.append(
                    {
                        "activity": a.name,
                        "phase": p.name,
                        "function": f.name,
                        "letters": fw.to_letters(slots),
                        "roles": " + ".join(fw.name(s) for s in slots),
                        "framework": fw.label,
                    }
                )
    return rows


def to_csv(view: MatrixView) -> str:
    """UTF-8 text with a byte-order mark so spreadsheet programs pick the right encoding."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=LONG_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in long_rows(view):
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return out.getvalue()


def to_csv_wide(doc: dict) -> str:  # type: ignore[type-arg]
    """Wide layout: one row per activity, a column per phase × function (UTF-8 with BOM)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = [f"{p} · {f}" for p in doc["phases"] for f in doc["functions"]]
    writer.writerow([neutralise(x) for x in ("activity", *columns, "rationale")])
    for a in doc["activities"]:
        cells = [
            a.get("cells", {}).get(p, {}).get(f, "")
            for p in doc["phases"]
            for f in doc["functions"]
        ]
        writer.writerow([neutralise(x) for x in (a["name"], *cells, a.get("rationale", ""))])
    return out.getvalue()
