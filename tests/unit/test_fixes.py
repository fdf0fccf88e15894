"""Guided fixes (backend.domain.fixes): each fix, applied, clears the finding it was
offered for, checked with the rule checker itself."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.fixes import (
    LEAVE,
    PARK,
    Context,
    applied,
    board_fixes,
    find_fix,
    group_fixes,
)
from backend.domain.frameworks import DACI, FRAMEWORKS, ODCI, RACI, Framework
from backend.domain.rules import Finding, check_board

NAMES = {1: "PM", 2: "PMM", 3: "Sales", 4: "Design", 5: "Eng"}
FUNCS = [1, 2, 3, 4, 5]
ACTS = [10, 11]
PHASES = [100, 101, 102]


def ctx(fw: Framework = ODCI, cells=None, **kw) -> Context:
    return Context(
        framework=fw,
        activities=kw.pop("activities", ACTS),
        phases=kw.pop("phases", PHASES),
        functions=kw.pop("functions", FUNCS),
        cells=cells or {},
        names=NAMES,
        **kw,
    )


def check(c: Context, cells=None):
    return check_board(c.framework, c.activities, c.phases, c.functions, cells or c.cells, c.names)


def group(a: int, p: int, row: dict[int, str]) -> dict[tuple[int, int, int], str]:
    return {(a, p, f): s for f, s in row.items() if s}


def findings_at(c: Context, cells, a, p) -> list[str]:
    return [f.code for f in check(c, cells).cells[(a, p)].findings]


def fixes_for(c: Context, code: str, a=10, p=100):
    entry = next(e for e in board_fixes(c, check(c)) if e.finding.code == code and e.activity == a)
    return entry.fixes


def clears(c: Context, code: str, a=10, p=100):
    """Every cell fix of the finding ``code`` at (a, p) clears it; returns the fixes."""
    fixes = [f for f in fixes_for(c, code, a, p) if f.action == "cells"]
    assert fixes, f"no fix offered for {code}"
    for fx in fixes:
        after = applied(c.cells, fx)
        assert code not in findings_at(c, after, a, p), (fx.label, after)
    return fixes


def after_row(c: Context, fx, a=10, p=100) -> dict[int, str]:
    cells = applied(c.cells, fx)
    return {f: cells.get((a, p, f), "") for f in c.functions if cells.get((a, p, f))}


# --- two owners -------------------------------------------------------------------------


@pytest.mark.parametrize("fw", [ODCI, RACI], ids=lambda f: f.key)
def test_two_owners_keep_one_each_candidate_others_become_driver(fw):
    c = ctx(fw, group(10, 100, {1: "O", 2: "O", 3: "C"}))
    fixes = clears(c, "many-owners")
    assert [fx.label for fx in fixes] == [
        f"Keep PM as {fw.name('O')} ({fw.letter('O')})",
        f"Keep PMM as {fw.name('O')} ({fw.letter('O')})",
    ]
    assert after_row(c, fixes[0]) == {1: "O", 2: "D", 3: "C"}
    assert after_row(c, fixes[1]) == {1: "D", 2: "O", 3: "C"}
    assert fixes[0].why == f"PMM becomes {fw.name('D')}"
    # The result passes every rule: one owner and a driver.
    assert check(c, applied(c.cells, fixes[0])).cells[(10, 100)].state == "ok"
    # The preview: exactly the cells that change, before and after.
    assert [(e.function, e.before, e.after) for e in fixes[0].edits] == [(2, "O", "D")]


def test_three_owners_owner_driver_keeps_driving():
    c = ctx(ODCI, group(10, 100, {1: "OD", 2: "O", 3: "O"}))
    fixes = clears(c, "many-owners")
    assert len(fixes) == 3
    keep_pmm = fixes[1]
    assert after_row(c, keep_pmm) == {1: "D", 2: "O", 3: "D"}
    assert keep_pmm.why == "PM, Sales become Driver"


def test_daci_second_approver_becomes_contributor_when_a_driver_exists():
    c = ctx(DACI, group(10, 100, {1: "O", 2: "O", 3: "D"}))
    fixes = clears(c, "many-owners")
    assert after_row(c, fixes[0]) == {1: "O", 2: "C", 3: "D"}
    assert fixes[0].why == "PMM becomes Contributor"
    assert fixes[0].label == "Keep PM as Approver (A)"
    # Nothing new breaks: DACI's single driver is kept.
    assert check(c, applied(c.cells, fixes[0])).cells[(10, 100)].state == "ok"


# --- no owner -------------------------------------------------------------------------------


def test_no_owner_majority_proposal():
    c = ctx(
        ODCI,
        group(10, 100, {1: "D", 2: "C"}),
        owner_votes={(10, 100): {2: 3, 1: 1}},
        voters={(10, 100): 4},
    )
    fixes = clears(c, "no-owner")
    assert fixes[0].label == "Take the room's proposal: PMM as Owner (O)"
    assert fixes[0].why == "3 of 4 proposed PMM as Owner"
    assert after_row(c, fixes[0]) == {1: "D", 2: "O"}
    # Also offered: the driver takes ownership too.
    assert fixes[-1].label == "Make PM also Owner (O)"
    assert after_row(c, fixes[-1]) == {1: "OD", 2: "C"}


def test_no_owner_tie_offers_each_leader():
    c = ctx(ODCI, group(10, 100, {1: "D"}), owner_votes={(10, 100): {1: 2, 2: 2}})
    fixes = clears(c, "no-owner")
    labels = [f.label for f in fixes]
    assert "Take the room's proposal: PM as Owner (O)" in labels
    assert "Take the room's proposal: PMM as Owner (O)" in labels
    assert all("a tie" in f.why for f in fixes if f.label.startswith("Take"))
    # PM as owner from the vote and "make the driver also owner" are the same edit: one fix.
    assert len(fixes) == 2


def test_no_owner_last_versions_owner_in_racis_words():
    c = ctx(
        RACI,
        group(10, 100, {1: "C", 2: "D"}),
        previous_owners={(10, 100): 1},
        previous_label="2026-Q3",
    )
    fixes = clears(c, "no-owner")
    assert fixes[0].label == "Keep last version's Accountable: PM"
    assert fixes[0].why == "PM was Accountable in 2026-Q3"
    assert after_row(c, fixes[0]) == {1: "O", 2: "D"}


def test_no_owner_without_any_hint_offers_nothing_but_parking():
    c = ctx(ODCI, group(10, 100, {1: "C"}))
    entry = next(e for e in board_fixes(c, check(c)) if e.finding.code == "no-owner")
    assert entry.fixes == ()
    c = ctx(ODCI, group(10, 100, {1: "C"}), can_park=True)
    entry = next(e for e in board_fixes(c, check(c)) if e.finding.code == "no-owner")
    assert [f.action for f in entry.fixes] == [PARK]
    assert entry.fixes[0].id == "park.10.100.no-owner"


def test_parked_activity_is_not_offered_parking_again():
    c = ctx(ODCI, group(10, 100, {1: "C"}), can_park=True, parked=frozenset({10}))
    assert group_fixes(c, 10, 100, Finding("error", "no-owner", "")) == []


# --- no driver -------------------------------------------------------------------------------


@pytest.mark.parametrize("fw", [ODCI, RACI, DACI], ids=lambda f: f.key)
def test_no_driver_owner_also_drives(fw):
    c = ctx(fw, group(10, 100, {1: "C", 2: "O"}))
    fixes = clears(c, "no-driver")
    assert [f.label for f in fixes] == [f"Make PMM also {fw.name('D')} ({fw.letter('D')})"]
    assert after_row(c, fixes[0]) == {1: "C", 2: "OD"}


def test_daci_two_drivers_keep_one():
    c = ctx(DACI, group(10, 100, {1: "OD", 2: "D"}))
    fixes = clears(c, "many-drivers")
    assert [f.label for f in fixes] == ["Keep PM as Driver (D)", "Keep PMM as Driver (D)"]
    assert after_row(c, fixes[0]) == {1: "OD", 2: "C"}
    assert after_row(c, fixes[1]) == {1: "O", 2: "D"}
    assert fixes[0].why == "DACI allows 1; PMM steps back from Driver"


# --- more than three consulted -----------------------------------------------------------


def test_four_consulted_least_needed_first():
    cells = group(10, 100, {1: "O", 2: "C", 3: "C", 4: "C", 5: "C"})
    # PMM and Design are consulted on Build too; Sales on nothing else; Eng neither.
    cells |= group(10, 101, {1: "OD", 2: "C", 4: "C"})
    cells |= group(10, 102, {2: "C"})
    c = ctx(ODCI, cells)
    fixes = clears(c, "many-consulted")
    # One fix per consulted function, least needed first; a tie goes to the rightmost.
    assert [f.label for f in fixes] == [
        "Move Eng to Informed (I) (least needed)",
        "Move Sales to Informed (I)",
        "Move Design to Informed (I)",
        "Move PMM to Informed (I)",
    ]
    assert fixes[0].why == "Consulted on 0 other phases of this activity"
    assert fixes[3].why == "Consulted on 2 other phases of this activity"
    assert after_row(c, fixes[0])[5] == "I"


def test_five_consulted_moves_two_at_once():
    fns = [1, 2, 3, 4, 5, 6]
    names = {**NAMES, 6: "Legal"}
    cells = group(10, 100, {1: "OD", 2: "C", 3: "C", 4: "C", 5: "C", 6: "C"})
    cells |= group(10, 101, {3: "C", 4: "C", 5: "C"})
    c = Context(
        framework=RACI, activities=[10], phases=[100, 101], functions=fns, cells=cells, names=names
    )
    fixes = clears(c, "many-consulted")
    assert [f.label for f in fixes] == ["Move Legal, PMM to Informed (I)"]
    assert after_row(c, fixes[0]) == {1: "OD", 2: "I", 3: "C", 4: "C", 5: "C", 6: "I"}


# --- a function idle in a whole phase -------------------------------------------------------


def test_idle_function_mark_informed_or_leave():
    cells = {}
    for a in ACTS:
        cells |= group(a, 100, {1: "O", 2: "D"})
    c = ctx(ODCI, cells, functions=[1, 2, 3], phases=[100])
    entries = [e for e in board_fixes(c, check(c)) if e.finding.code == "idle-function"]
    assert [(e.phase, e.function) for e in entries] == [(100, 3)]
    inform, leave = entries[0].fixes
    assert inform.label == "Mark Sales Informed (I) on this phase's activities"
    assert [(e.activity, e.function, e.before, e.after) for e in inform.edits] == [
        (10, 3, "", "I"),
        (11, 3, "", "I"),
    ]
    after = applied(c.cells, inform)
    assert check(c, after).phases[100].findings == ()
    assert leave.action == LEAVE and leave.edits == ()


# --- the whole board, ids and staleness ------------------------------------------------------


def test_board_fixes_errors_first_and_ids_find_them():
    cells = group(10, 100, {1: "O", 2: "O"}) | group(11, 100, {1: "O", 2: "C", 3: "C", 4: "C"})
    cells |= group(11, 100, {5: "C"})
    c = ctx(ODCI, cells, phases=[100])
    entries = board_fixes(c, check(c))
    levels = [e.finding.level for e in entries]
    assert levels == sorted(levels, key=lambda x: x != "error")
    first = entries[0].fixes[0]
    found = find_fix(entries, first.id)
    assert found is not None and found[1] == first
    assert find_fix(entries, "many-owners.10.100.keep-1.0000000000") is None


def test_a_fix_id_goes_stale_when_its_cells_change():
    c = ctx(ODCI, group(10, 100, {1: "O", 2: "O", 3: "C"}))
    fix_id = fixes_for(c, "many-owners")[0].id
    # Someone sets PMM to Owner+Driver: the same choice now edits other cells.
    changed = ctx(ODCI, group(10, 100, {1: "O", 2: "OD", 3: "C"}))
    assert find_fix(board_fixes(changed, check(changed)), fix_id) is None
    # An unrelated cell elsewhere leaves it valid.
    moved = ctx(ODCI, c.cells | group(11, 101, {4: "I"}))
    assert find_fix(board_fixes(moved, check(moved)), fix_id) is not None


# --- every finding of any matrix: each cell fix clears it ----------------------------------

SLOTS = st.sampled_from(["", "", "O", "D", "OD", "C", "C", "I"])


@settings(max_examples=150, deadline=None)
@given(
    fw=st.sampled_from(list(FRAMEWORKS.values())),
    values=st.lists(SLOTS, min_size=2 * 2 * 5, max_size=2 * 2 * 5),
    votes=st.dictionaries(st.sampled_from(FUNCS), st.integers(0, 4), max_size=3),
    previous=st.one_of(st.none(), st.sampled_from(FUNCS)),
)
def test_any_matrix_every_cell_fix_clears_its_finding(fw, values, votes, previous):
    keys = [(a, p, f) for a in ACTS for p in (100, 101) for f in FUNCS]
    cells = {k: v for k, v in zip(keys, values, strict=True) if v}
    c = ctx(
        fw,
        cells,
        phases=[100, 101],
        owner_votes={(a, p): votes for a in ACTS for p in (100, 101)},
        previous_owners={(a, p): previous for a in ACTS for p in (100, 101)} if previous else {},
        can_park=True,
    )
    for entry in board_fixes(c, check(c)):
        for fx in entry.fixes:
            if fx.action != "cells":
                continue
            assert fx.edits, fx
            after = check(c, applied(c.cells, fx))
            if entry.activity is None:
                remaining = [f.message for f in after.phases[entry.phase].findings]
                assert entry.finding.message not in remaining, fx
            else:
                codes = [f.code for f in after.cells[(entry.activity, entry.phase)].findings]
                assert entry.finding.code not in codes, (entry.finding, fx, cells)
            # A fix changes only the cells it previews, and each one really changes.
            changed = {
                k
                for k in set(cells) | set(applied(cells, fx))
                if cells.get(k, "") != applied(cells, fx).get(k, "")
            }
            assert changed == {(e.activity, e.phase, e.function) for e in fx.edits}


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(ACTS), st.sampled_from(PHASES), st.sampled_from(FUNCS)),
        st.sampled_from(["O", "D", "OD", "C", "I"]),
        max_size=20,
    ),
    st.integers(min_value=0, max_value=12),
)
def test_a_limited_list_is_the_start_of_the_whole_one(cells, limit):
    """The findings panel asks for its first entries only (a big board has thousands):
    they are the whole list's first ones, errors first, each in board order."""
    c = ctx(cells=cells)
    whole = board_fixes(c, check(c), with_fixes=False)
    assert board_fixes(c, check(c), with_fixes=False, limit=limit) == whole[:limit]
    levels = [e.finding.level for e in whole]
    assert levels == sorted(levels, key=lambda level: level != "error")
