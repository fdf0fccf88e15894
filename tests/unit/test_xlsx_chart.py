"""The XLSX Summary sheet carries a native stacked chart of the Owner/Driver load, read back
with openpyxl: its series point at the cells that hold the balance."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.utils import range_boundaries

from backend.domain.handoff import load
from backend.exports.xlsx_export import to_xlsx
from tests.unit.test_handoff import DOC


def cells(ws, ref: str) -> list:
    ref = ref.split("!")[-1].replace("$", "")
    c1, r1, c2, r2 = range_boundaries(ref)
    return [ws.cell(r, c).value for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def test_summary_has_a_stacked_load_chart_over_the_balance():
    doc = {**DOC, "title": "Board", "framework": "odci"}
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(doc)))
    ws = wb["Summary"]
    (chart,) = ws._charts
    assert chart.tagname == "barChart" and chart.grouping == "stacked"
    assert chart.type == "col"
    owner, driver = chart.series
    assert cells(ws, owner.tx.strRef.f) == ["Owner"]
    assert cells(ws, driver.tx.strRef.f) == ["Driver"]
    ld = load(doc)
    expected = [(p, f, *ld.counts[f][p]) for p in doc["phases"] for f in doc["functions"]]
    o_vals = cells(ws, owner.val.numRef.f)
    d_vals = cells(ws, driver.val.numRef.f)
    assert o_vals == [e[2] for e in expected] and d_vals == [e[3] for e in expected]
    assert sum(o_vals) == 9 and d_vals[-2] == 2  # PMM drives 2 in Grow
    cat = owner.cat
    cats = next(r.f for r in (cat.multiLvlStrRef, cat.strRef, cat.numRef) if r is not None)
    got = cells(ws, cats)
    assert list(zip(got[0::2], got[1::2], strict=True)) == [(e[0], e[1]) for e in expected]
    assert driver.cat.numRef.f == cats
    # flags are written beside the numbers (and hatch the flagged points)
    flag_col = range_boundaries(owner.val.numRef.f.split("!")[-1].replace("$", ""))[0] + 2
    flags = [ws.cell(r, flag_col).value for r in range(7, 7 + len(expected))]
    assert flags[2] == "Sales holds no role in Discover"
    assert flags[0] == "PM owns 2 of 3 in Discover"
    assert len(owner.dPt) == sum(1 for f in flags if f)
