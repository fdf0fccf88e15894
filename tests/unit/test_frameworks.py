from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.frameworks import DACI, FRAMEWORKS, ODCI, RACI, get_framework

VALID_SLOT_SETS = ["O", "D", "C", "I", "OD", ""]


@pytest.mark.parametrize("fw", FRAMEWORKS.values(), ids=lambda f: f.key)
@pytest.mark.parametrize("slots", VALID_SLOT_SETS)
def test_letters_round_trip(fw, slots):
    assert fw.to_slots(fw.to_letters(slots)) == slots


@given(st.sampled_from(list(FRAMEWORKS.values())), st.permutations("ODCI"), st.integers(1, 4))
def test_any_order_and_case_of_owner_driver_is_accepted(fw, order, n):
    letters = fw.to_letters("".join(s for s in order[:n]))
    picked = set(order[:n])
    if len(picked) > 1 and picked != {"O", "D"}:
        with pytest.raises(ValueError, match="only Owner and Driver"):
            fw.to_slots(letters.lower())
    else:
        assert set(fw.to_slots(letters.lower())) == picked


def test_preset_letters():
    assert ODCI.letters == "ODCI"
    assert RACI.letters == "ARCI" and RACI.to_slots("RA") == "OD"
    assert DACI.letters == "ADCI" and DACI.to_slots("D") == "D" and DACI.to_slots("A") == "O"
    assert DACI.name("O") == "Approver" and RACI.name("D") == "Responsible"


@pytest.mark.parametrize(
    "fw,bad", [(ODCI, "A"), (ODCI, "R"), (RACI, "O"), (DACI, "R"), (ODCI, "1")]
)
def test_unknown_letter_is_named(fw, bad):
    with pytest.raises(ValueError, match=f"no role letter {bad};"):
        fw.to_slots(bad)


def test_unknown_framework():
    with pytest.raises(ValueError, match="Unknown framework"):
        get_framework("rapid")
