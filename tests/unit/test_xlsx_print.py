"""The XLSX export as a manager prints it: an Overview of every phase side by side, every
sheet landscape and one page wide with the board title, version label and phase in the page
header and its header rows repeated; read back with openpyxl, and printed to PDF by
LibreOffice (Debian's libreoffice-calc-nogui) and read with pypdf."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from backend.exports.document import findings, with_findings
from backend.exports.xlsx_base import HEADER_MAX, page_header
from backend.exports.xlsx_export import to_xlsx
from tests.unit.test_handoff import DOC as BASE

TITLE = "Payments & Billing roles"


def doc(**extra) -> dict:
    d = {
        **BASE,
        "title": TITLE,
        "framework": "odci",
        "activities": [
            *BASE["activities"],
            {
                "name": "Segmentation of the market by industry, size and buying centre x",
                "cells": {},
            },
        ],
        "version": {"number": 2, "label": "2026-Q4", "published_by": "Ann"},
        "open_items": [
            {"activity": "Pricing", "phase": None, "reason": "parked", "decider": "Dana"},
            {"activity": "Personas", "phase": "Grow", "reason": "not agreed", "decider": ""},
        ],
    }
    d.update(extra)
    return with_findings(d)


def workbook(d: dict) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(d)))


def holders(d: dict, activity: dict, phase: str, letter: str) -> str:
    row = activity["cells"].get(phase, {})
    return " + ".join(f for f in d["functions"] if letter in row.get(f, ""))


def test_overview_sets_every_phase_side_by_side():
    d = doc()
    wb = workbook(d)
    assert wb.sheetnames == ["Summary", "Overview", "Discover", "Build", "Launch", "Grow"]
    ws = wb["Overview"]
    assert [ws.cell(1, 2 + 2 * i).value for i in range(4)] == d["phases"]
    assert [c.value for c in ws[2]][1:9] == ["Owner", "Driver"] * 4
    for r, a in enumerate(d["activities"], start=3):
        assert ws.cell(r, 1).value == a["name"]
        for i, phase in enumerate(d["phases"]):
            for k, letter in enumerate("OD"):
                got = ws.cell(r, 2 + 2 * i + k).value.removeprefix("▶ ")
                assert got == (holders(d, a, phase, letter) or "—"), (a["name"], phase, letter)
    # Positioning: PMM takes over driving in Launch and owning in Grow, marked ▶.
    assert ws["F3"].value == "PM" and ws["G3"].value == "▶ PMM" and ws["H3"].value == "▶ PMM"
    assert ws["B5"].value == "—"  # Personas has no owner in Discover
    assert ws.merged_cells.ranges and "B1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.freeze_panes == "B3"


@pytest.mark.parametrize("name", ["Summary", "Overview", "Discover", "Grow", "Changes"])
def test_every_sheet_prints_landscape_one_page_wide_with_the_header(name):
    changes = {
        "from": {"name": "2026-Q3"},
        "to": {"name": "2026-Q4"},
        "activities_added": [],
        "activities_removed": [],
        "activities_renamed": [],
        "cells": [],
        "in_words": [],
    }
    ws = workbook(doc(changes=changes))[name]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # An absent fitToWidth / fitToHeight means 1 in OOXML (XlsxWriter leaves 1 out).
    setup = ws.page_setup
    assert (1 if setup.fitToWidth is None else setup.fitToWidth) == 1
    assert (1 if setup.fitToHeight is None else setup.fitToHeight) == (
        1 if name == "Overview" else 0
    )
    header = ws.oddHeader
    assert header.left.text == "Payments && Billing roles"  # '&' doubled: printed as itself
    assert header.center.text == "2026-Q4 (version 2)"
    subject = {"Summary": "Summary", "Overview": "All phases", "Changes": "Changes since 2026-Q3"}
    assert header.right.text == subject.get(name, name)
    assert ws.print_title_rows == ("$1:$2" if name == "Overview" else "$1:$1")


def test_page_header_stays_within_excel_limit():
    long = doc(title="R&D " * 30, version={"number": 1, "label": "&" * 40, "published_by": "x"})
    header = page_header(long, "&P " * 30)
    assert len(header) <= HEADER_MAX
    # Every '&' typed is doubled; the only single ones are the three section codes.
    assert header.replace("&&", "").count("&") == 3
    assert header.startswith("&LR&&D R&&D") and "…&C" in header


def test_live_board_header_says_live():
    d = doc()
    del d["version"]
    ws = workbook(d)["Build"]
    assert ws.oddHeader.center.text == "live board"


def column(ws, col: int) -> list[str]:
    return [c.value for c in ws[col] if c.value]


def test_summary_lists_open_items_and_rule_findings():
    d = doc()
    ws = workbook(d)["Summary"]
    a_col, b_col = column(ws, "A"), column(ws, "B")
    assert "Open items (2)" in a_col and "parked — Dana decides" in b_col
    assert "Personas · Grow" in a_col and "not agreed" in b_col
    found = findings(d)
    assert found and f"Rule findings ({len(found)})" in a_col
    errors = [f for f in found if f["level"] == "error"]
    assert any(f["activity"] == "Personas" and "2 Owners" in f["message"] for f in errors)
    for f in found:
        where = " · ".join(x for x in (f["activity"], f["phase"]) if x)
        assert where in a_col
        assert f"{f['level'].capitalize()}: {f['message']}" in b_col
    assert a_col.index("Open items (2)") < a_col.index(f"Rule findings ({len(found)})")


def soffice_pdf(xlsx: bytes, tmp_path: Path) -> PdfReader:
    exe = shutil.which("soffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is missing in CI; .ci/run installs it")
        pytest.skip("no LibreOffice: install Debian's libreoffice-calc-nogui")
    src = tmp_path / "board.xlsx"
    src.write_bytes(xlsx)
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return PdfReader(tmp_path / "board.pdf")


def test_libreoffice_prints_the_overview_on_one_page(tmp_path):
    # Enough activities that the Overview would take two pages at full size.
    extra = [{"name": f"Activity number {n}", "cells": {"Build": {"PM": "OD"}}} for n in range(40)]
    d = doc()
    d["activities"] += extra
    with_findings(d)
    pages = [p.extract_text() for p in soffice_pdf(to_xlsx(d), tmp_path).pages]
    # The page header names each page's sheet, so pages can be told apart.
    overview = [t for t in pages if "All phases" in t]
    assert len(overview) == 1
    assert all(TITLE in t and "2026-Q4 (version 2)" in t for t in pages)  # '&&' printed as '&'
    for a in d["activities"]:
        assert a["name"][:30] in " ".join(overview[0].split())
    # Every phase sheet printed, one page wide (its header rows repeated on each page).
    for phase in d["phases"]:
        sheet = [t for t in pages if t.splitlines()[0].rstrip().endswith(phase)]
        assert sheet and all("Activity" in t.split() and "Rationale" in t.split() for t in sheet)
    summary = " ".join(" ".join(t.split()) for t in pages if "Summary" in t.splitlines()[0])
    # Nothing cut off at the page's edge: the flags column and the rule findings are there.
    assert "Sales holds no role in Discover" in summary
    assert "Dana decides" in summary
    assert all(f["message"] in summary for f in d["findings"])
