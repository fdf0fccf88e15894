"""XLSX, Markdown and wide CSV, written from the shared document shape and read back with
other tools: openpyxl for XLSX, the csv module for CSV, line shapes for Markdown."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from backend.exports import csv_export, markdown_export, xlsx_export
from backend.exports.json_export import to_dict
from tests.unit.test_exports import make_view

EVIL = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]


def doc(
    framework="odci", activities=("Pricing", "Positioning"), functions=("PM", "PMM"), cells=None
):
    view = make_view(
        framework=framework,
        activities=activities,
        functions=functions,
        cells=cells if cells is not None else {(300, 101, 201): "OD", (301, 100, 200): "C"},
    )
    view.activities[0].rationale = "PMM knows | the market"
    return to_dict(view)


def test_xlsx_has_a_summary_and_a_sheet_per_phase():
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_export.to_xlsx(doc())))
    assert wb.sheetnames == ["Summary", "Overview", "Build", "Launch"]
    launch = wb["Launch"]
    assert [c.value for c in launch[1]] == ["Activity", "PM", "PMM", "Rationale"]
    assert launch["A2"].value == "Pricing" and launch["C2"].value == "OD"
    assert launch.freeze_panes == "B2"
    # Colour-coded: an Owner cell has the owner's fill, and the letters are still there.
    assert launch["C2"].fill.fgColor.rgb.endswith("EDE9FE")
    assert wb["Build"]["B3"].value == "C" and wb["Build"]["B3"].fill.fgColor.rgb.endswith("FDECC8")
    assert launch["D2"].value == "PMM knows | the market"
    summary = [c.value for row in wb["Summary"].iter_rows() for c in row if c.value]
    assert "Owner" in summary and "Driver" in summary and "T" in summary


@pytest.mark.parametrize("framework", ["odci", "raci", "daci"])
def test_xlsx_uses_each_framework_letters(framework):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_export.to_xlsx(doc(framework=framework))))
    expected = {"odci": "OD", "raci": "AR", "daci": "AD"}[framework]
    assert wb["Launch"]["C2"].value == expected


def test_xlsx_never_writes_a_formula():
    d = doc(activities=EVIL, functions=("=PM", "@PMM"), cells={})
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_export.to_xlsx(d)))
    ws = wb["Build"]
    values = [c for row in ws.iter_rows() for c in row if c.value]
    assert values, "sheet is empty"
    for c in values:
        assert c.data_type == "s", (c.coordinate, c.value)
        assert not str(c.value).startswith(("=", "+", "-", "@", "\t", "\r")), c.value
    assert ws["A2"].value == "'" + EVIL[0] and ws["B1"].value == "'=PM"


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = {"summary"}
    names = [
        xlsx_export.sheet_name(n, taken)
        for n in ["Launch", "launch", "a/b:c*d?e[f]", "x" * 40, "Summary"]
    ]
    assert len({n.lower() for n in names}) == 5
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_markdown_is_a_table_per_phase():
    text = markdown_export.to_markdown(doc())
    lines = text.splitlines()
    assert lines[0] == "# T"
    assert [line for line in lines if line.startswith("## ")] == [
        "## Build",
        "## Launch",
        "## Rationale",
        "## Open items (0)",
        "## Parked decisions (0)",
        "## Rule findings (2)",
    ]
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 * (2 + 2)  # per phase: header, rule, two activities
    for line in table:
        assert line.endswith("|") and line.replace("\\|", "").count("|") == 4
    assert "| Pricing |   | OD |" in text
    assert "PMM knows \\| the market" in text


def test_wide_csv_has_a_column_per_phase_and_function():
    rows = list(csv.reader(io.StringIO(csv_export.to_csv_wide(doc()).lstrip("\ufeff"))))
    assert rows[0] == [
        "activity",
        "Build · PM",
        "Build · PMM",
        "Launch · PM",
        "Launch · PMM",
        "rationale",
    ]
    assert rows[1] == ["Pricing", "", "", "", "OD", "PMM knows | the market"]
    assert rows[2][:2] == ["Positioning", "C"]
    evil = list(
        csv.reader(
            io.StringIO(csv_export.to_csv_wide(doc(activities=EVIL, cells={})).lstrip("\ufeff"))
        )
    )
    for row in evil[1:]:
        assert row[0].startswith("'")
