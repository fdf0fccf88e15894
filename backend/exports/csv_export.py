"""CSV export, long layout: one row per activity, phase and function (empty roles included,
so the file also carries the board's full list of activities, phases and functions). Every
row names the board and the version ("live" for the live board), so the exports of several
quarters concatenate into one table."""

from __future__ import annotations

import csv
import io

from backend.boards.queries import MatrixView
from backend.domain.frameworks import get_framework
from backend.exports.document import Doc, version_label
from backend.exports.json_export import to_dict
from backend.exports.safe import csv_guard

LONG_COLUMNS = (
    "board",
    "version",
    "activity",
    "phase",
    "function",
    "letters",
    "roles",
    "framework",
)
# The long layout before rows named their board and version; still imported.
OLD_LONG_COLUMNS = LONG_COLUMNS[2:]


def long_rows(doc: Doc) -> list[dict[str, str]]:
    label = get_framework(doc["framework"]).label
    board, version = doc["title"], version_label(doc)
    names = {r["letter"]: r["name"] for r in doc["roles"]}
    rows = []
    for a in doc["activities"]:
        for p in doc["phases"]:
            for f in doc["functions"]:
                letters = a.get("cells", {}).get(p, {}).get(f, "")
                rows.append(
                    {
                        "board": board,
                        "version": version,
                        "activity": a["name"],
                        "phase": p,
                        "function": f,
                        "letters": letters,
                        "roles": " + ".join(names.get(ch, ch) for ch in letters),
                        "framework": label,
                    }
                )
    return rows


def to_csv_long(doc: Doc) -> str:
    """UTF-8 text with a byte-order mark so spreadsheet programs pick the right encoding."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=LONG_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in long_rows(doc):
        writer.writerow({k: csv_guard(v) for k, v in row.items()})
    return out.getvalue()


def to_csv(view: MatrixView) -> str:
    """The live board in the long layout."""
    return to_csv_long(to_dict(view))


def to_csv_wide(doc: dict) -> str:  # type: ignore[type-arg]
    """Wide layout: one row per activity, a column per phase × function (UTF-8 with BOM)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = [f"{p} · {f}" for p in doc["phases"] for f in doc["functions"]]
    writer.writerow([csv_guard(x) for x in ("activity", *columns, "rationale")])
    for a in doc["activities"]:
        cells = [
            a.get("cells", {}).get(p, {}).get(f, "")
            for p in doc["phases"]
            for f in doc["functions"]
        ]
        writer.writerow([csv_guard(x) for x in (a["name"], *cells, a.get("rationale", ""))])
    return out.getvalue()
