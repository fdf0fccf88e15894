"""Re-checking only the activity+phase groups an edit touched (and their phases) gives what
checking the whole board gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.frameworks import get_framework
from backend.domain.rules import check_board, recheck_groups

ACTS, PHASES, FUNCS = [1, 2, 3], [10, 20], [7, 8, 9]
NAMES = {7: "PM", 8: "PMM", 9: "Sales"}
FW = get_framework("odci")
cells_st = st.dictionaries(
    st.tuples(st.sampled_from(ACTS), st.sampled_from(PHASES), st.sampled_from(FUNCS)),
    st.sampled_from(["", "O", "D", "C", "I", "OD"]),
)


@settings(max_examples=200, deadline=None)
@given(before=cells_st, edits=cells_st)
def test_rechecking_touched_groups_equals_a_full_check(before, edits):
    slots = {k: FW.to_slots(v) for k, v in before.items()}
    check = check_board(FW, ACTS, PHASES, FUNCS, slots, NAMES)
    after = {**slots, **{k: FW.to_slots(v) for k, v in edits.items()}}
    touched = {(a, p) for a, p, _ in edits}
    again = recheck_groups(check, FW, ACTS, touched, FUNCS, after, NAMES)
    full = check_board(FW, ACTS, PHASES, FUNCS, after, NAMES)
    assert list(again.cells.items()) == list(full.cells.items())  # same values, same order
    assert list(again.phases.items()) == list(full.phases.items())


def test_an_untouched_phase_keeps_its_old_result():
    slots = {(1, 10, 7): FW.to_slots("O")}
    check = check_board(FW, ACTS, PHASES, FUNCS, slots, NAMES)
    # Phase 20 changes but is not named as touched: its old result stays (the caller's
    # promise is that only the named groups changed).
    again = recheck_groups(check, FW, ACTS, {(1, 10)}, FUNCS, {**slots, (1, 20, 7): "x"}, NAMES)
    assert again.cells[(1, 20)] == check.cells[(1, 20)]
    assert again.phases[20] == check.phases[20]
