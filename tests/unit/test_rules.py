from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.frameworks import DACI, FRAMEWORKS, ODCI, RACI
from backend.domain.rules import check_board, check_cell_group, check_phase

NAMES = {1: "PM", 2: "PMM", 3: "Sales", 4: "Design", 5: "Eng"}


def codes(status):
    return [f.code for f in status.findings]


def test_empty_is_open_not_failing():
    s = check_cell_group(ODCI, {}, NAMES)
    assert s.state == "open" and s.findings == ()


@pytest.mark.parametrize("fw", [ODCI, RACI, DACI], ids=lambda f: f.key)
def test_one_owner_and_one_driver_passes(fw):
    assert check_cell_group(fw, {1: "O", 2: "D"}, NAMES).state == "ok"
    assert check_cell_group(fw, {1: "OD", 2: "C"}, NAMES).state == "ok"


@pytest.mark.parametrize("fw", [ODCI, RACI, DACI], ids=lambda f: f.key)
def test_owner_rules(fw):
    s = check_cell_group(fw, {1: "D"}, NAMES)
    assert codes(s) == ["no-owner"] and s.state == "error"
    assert f"No {fw.name('O')} ({fw.letter('O')})" == s.findings[0].message
    s = check_cell_group(fw, {1: "OD", 2: "O"}, NAMES)
    assert codes(s) == ["many-owners"] and "PM, PMM" in s.findings[0].message


@pytest.mark.parametrize("fw", [ODCI, RACI, DACI], ids=lambda f: f.key)
def test_driver_rules(fw):
    assert codes(check_cell_group(fw, {1: "O", 2: "C"}, NAMES)) == ["no-driver"]
    many = check_cell_group(fw, {1: "OD", 2: "D"}, NAMES)
    assert codes(many) == (["many-drivers"] if fw is DACI else [])


def test_consulted_warning_past_three():
    row = {1: "OD", 2: "C", 3: "C", 4: "C"}
    assert check_cell_group(ODCI, row, NAMES).state == "ok"
    s = check_cell_group(ODCI, {**row, 5: "C"}, NAMES)
    assert s.state == "warning" and codes(s) == ["many-consulted"]


def test_idle_function_in_phase():
    assert check_phase([1, 2, 3], [10], [], NAMES).state == "open"
    s = check_phase([1, 2, 3], [10], [(10, 1, "OD"), (10, 2, "I")], NAMES)
    assert codes(s) == ["idle-function"] and "Sales holds no role" in s.findings[0].message
    # Not while some activity of the phase has nothing set yet.
    assert check_phase([1, 2, 3], [10, 11], [(10, 1, "OD"), (10, 2, "I")], NAMES).state == "open"
    full = check_phase([1, 2, 3], [10, 11], [(10, 1, "OD"), (11, 2, "C"), (11, 3, "I")], NAMES)
    assert full.state == "ok"


slot_values = st.sampled_from(["", "O", "D", "C", "I", "OD"])


@given(
    st.sampled_from(list(FRAMEWORKS.values())),
    st.dictionaries(st.sampled_from([1, 2, 3, 4, 5]), slot_values),
)
def test_rule_engine_properties(fw, row):
    s = check_cell_group(fw, row, NAMES)
    set_ = {f: v for f, v in row.items() if v}
    owners = sum("O" in v for v in set_.values())
    drivers = sum("D" in v for v in set_.values())
    consulted = sum("C" in v for v in set_.values())
    if not set_:
        assert s.state == "open"
        return
    c = codes(s)
    assert ("no-owner" in c) == (owners == 0)
    assert ("many-owners" in c) == (owners > 1)
    assert ("no-driver" in c) == (drivers == 0)
    assert ("many-drivers" in c) == (fw.max_drivers is not None and drivers > fw.max_drivers)
    assert ("many-consulted" in c) == (consulted > 3)
    assert (s.state == "ok") == (not c)


def test_check_board_covers_every_pair():
    cells = {(10, 100, 1): "OD", (10, 101, 1): "C", (11, 100, 1): "O"}
    result = check_board(ODCI, [10, 11], [100, 101], [1, 2], cells, NAMES)
    assert result.cells[(10, 100)].state == "ok"
    assert codes(result.cells[(10, 101)]) == ["no-owner", "no-driver"]
    assert result.cells[(11, 101)].state == "open"
    assert codes(result.phases[100]) == ["idle-function"]  # PMM idle in a filled phase
    assert result.phases[101].state == "open"  # activity 11 has nothing in phase 101 yet
