"""The long CSV names the board and the version on every row, so the exports of several
quarters concatenate into one table (and a file of one imports back)."""

from __future__ import annotations

import csv
import io

import pytest

from backend.errors import Invalid
from backend.exports.csv_export import LONG_COLUMNS, OLD_LONG_COLUMNS, to_csv_long
from backend.exports.importer import parse_csv
from backend.exports.json_export import to_dict
from tests.unit.test_exports import make_view


def quarter(label: str | None, title: str = "Roles", cells=None) -> dict:
    doc = to_dict(make_view(cells=cells if cells is not None else {(300, 101, 201): "OD"}))
    doc["title"] = title
    if label:
        doc["version"] = {"number": 1, "label": label, "published_by": "Ann"}
    return doc


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_every_row_names_the_board_and_the_version():
    got = rows(to_csv_long(quarter("2026-Q3")))
    assert tuple(got[0]) == LONG_COLUMNS
    assert len(got) == 2 * 2 * 2
    assert {(r["board"], r["version"]) for r in got} == {("Roles", "2026-Q3")}
    live = rows(to_csv_long(quarter(None)))
    assert {(r["board"], r["version"]) for r in live} == {("Roles", "live")}


def test_quarters_concatenate_into_one_table():
    q3 = to_csv_long(quarter("2026-Q3"))
    q4 = to_csv_long(quarter("2026-Q4", cells={(300, 101, 200): "OD", (300, 101, 201): "C"}))
    # What a manager does: paste the second file under the first, without its header.
    table = q3 + q4.lstrip("\ufeff").split("\r\n", 1)[1]
    got = rows(table)
    assert len(got) == 16
    pricing_launch = {
        (r["version"], r["function"]): r["letters"]
        for r in got
        if r["activity"] == "Pricing" and r["phase"] == "Launch"
    }
    assert pricing_launch == {
        ("2026-Q3", "PM"): "",
        ("2026-Q3", "PMM"): "OD",
        ("2026-Q4", "PM"): "OD",
        ("2026-Q4", "PMM"): "C",
    }


def test_board_and_version_are_formula_safe():
    got = rows(to_csv_long(quarter("+Q4", title="=HYPERLINK(1)")))
    assert {(r["board"], r["version"]) for r in got} == {("'=HYPERLINK(1)", "'+Q4")}


def test_a_quarter_imports_back_with_its_title():
    spec = parse_csv(to_csv_long(quarter("2026-Q3", title="=Roles & co")).encode())
    assert spec.title == "=Roles & co"  # the guard's quote taken off again
    assert spec.cells[("Pricing", "Launch", "PMM")] == "OD"
    assert parse_csv(to_csv_long(quarter("2026-Q3")).encode(), title="Mine").title == "Mine"


def test_concatenated_quarters_are_refused_on_import():
    q3 = to_csv_long(quarter("2026-Q3"))
    q4 = to_csv_long(quarter("2026-Q4"))
    table = q3 + q4.lstrip("\ufeff").split("\r\n", 1)[1]
    with pytest.raises(Invalid, match=r"Row 10: from another board or version \(Roles · 2026-Q4"):
        parse_csv(table.encode())


def test_the_older_long_layout_still_imports():
    text = to_csv_long(quarter("2026-Q3"))
    old = io.StringIO()
    writer = csv.DictWriter(old, fieldnames=OLD_LONG_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for r in rows(text):
        writer.writerow({k: r[k] for k in OLD_LONG_COLUMNS})
    spec = parse_csv(old.getvalue().encode(), fallback="from-file")
    assert spec.title == "from-file" and spec.cells[("Pricing", "Launch", "PMM")] == "OD"
