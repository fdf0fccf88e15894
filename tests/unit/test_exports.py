"""CSV and JSON exports, on boards built in memory (no database)."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.boards.models import Activity, Board, Phase, TeamFunction
from backend.boards.queries import MatrixView
from backend.domain.frameworks import FRAMEWORKS, get_framework
from backend.exports import csv_export, json_export
from backend.exports.safe import neutralise


def make_view(
    framework="odci",
    activities=("Pricing", "Positioning"),
    phases=("Build", "Launch"),
    functions=("PM", "PMM"),
    cells=None,
) -> MatrixView:
    board = Board(id=1, title="T", framework=framework, facilitator_token="f", join_token="j")
    ph = [Phase(id=100 + i, board_id=1, name=n, position=i) for i, n in enumerate(phases)]
    fn = [TeamFunction(id=200 + i, board_id=1, name=n, position=i) for i, n in enumerate(functions)]
    ac = [
        Activity(id=300 + i, board_id=1, name=n, position=i, sources="a.txt")
        for i, n in enumerate(activities)
    ]
    return MatrixView(
        board=board,
        seq=7,
        framework=get_framework(framework),
        phases=ph,
        functions=fn,
        activities=ac,
        cells=dict(cells or {}),
    )


def test_csv_long_layout_reads_back():
    view = make_view(cells={(300, 101, 201): "OD", (301, 100, 200): "C"})
    text = csv_export.to_csv(view)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2 * 2 * 2
    assert tuple(rows[0]) == csv_export.LONG_COLUMNS
    set_rows = {
        (r["activity"], r["phase"], r["function"]): (r["letters"], r["roles"])
        for r in rows
        if r["letters"]
    }
    assert set_rows == {
        ("Pricing", "Launch", "PMM"): ("OD", "Owner + Driver"),
        ("Positioning", "Build", "PM"): ("C", "Consulted"),
    }


def test_csv_uses_framework_letters():
    view = make_view(framework="raci", cells={(300, 100, 200): "OD"})
    rows = list(csv.DictReader(io.StringIO(csv_export.to_csv(view).lstrip("\ufeff"))))
    assert rows[0]["letters"] == "AR" and rows[0]["roles"] == "Accountable + Responsible"


def test_csv_neutralises_formulas():
    evil = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]
    view = make_view(activities=evil, functions=["=PM", "PMM"])
    text = csv_export.to_csv(view)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert {r["activity"] for r in rows} == {"'" + e for e in evil}
    assert neutralise("plain") == "plain" and neutralise("") == ""


slots = st.sampled_from(["O", "D", "C", "I", "OD"])


@settings(max_examples=60)
@given(
    fw=st.sampled_from(list(FRAMEWORKS)),
    cells=st.dictionaries(
        st.tuples(
            st.sampled_from([300, 301]), st.sampled_from([100, 101]), st.sampled_from([200, 201])
        ),
        slots,
    ),
)
def test_json_export_parses_back_to_the_same_matrix(fw, cells):
    view = make_view(framework=fw, cells=cells)
    data = json.loads(json.dumps(json_export.to_dict(view)))
    names = {300: "Pricing", 301: "Positioning", 100: "Build", 101: "Launch", 200: "PM", 201: "PMM"}
    expected = {
        (names[a], names[p], names[f]): view.framework.to_letters(s)
        for (a, p, f), s in cells.items()
    }
    assert json_export.matrix_of(data) == expected
    assert data["framework"] == fw and data["phases"] == ["Build", "Launch"]
    assert data["activities"][0]["sources"] == ["a.txt"]


def test_xlsx_long_activity_names_wrap_and_their_rows_grow():
    from openpyxl import load_workbook

    from backend.exports.xlsx_export import to_xlsx

    long = "Competitive win/loss analysis and field feedback loop for sales (EMEA)"
    assert len(long) >= 64
    doc = json_export.to_dict(make_view(activities=(long, "Pricing")))
    wb = load_workbook(io.BytesIO(to_xlsx(doc)))
    for phase in ("Build", "Launch"):
        ws = wb[phase]
        name = ws.cell(row=2, column=1)
        assert name.value == long and name.alignment.wrap_text
        assert ws.row_dimensions[2].height >= 30  # two lines at least: nothing clipped
        assert ws.row_dimensions[3].height in (None, 15)  # a short name keeps one line
