from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.diff import Matrix, apply, describe, diff, matrix_of

NAMES = ["Pricing", "Positioning", "Personas", "Messaging"]
keys = st.tuples(
    st.sampled_from(NAMES), st.sampled_from(["Build", "Launch"]), st.sampled_from(["PM", "PMM"])
)


@st.composite
def matrices(draw):  # type: ignore[no-untyped-def]
    activities = draw(st.lists(st.sampled_from(NAMES), unique=True, min_size=1))
    cells = draw(
        st.dictionaries(
            keys.filter(lambda k: k[0] in activities), st.sampled_from(["O", "D", "C", "I", "OD"])
        )
    )
    return Matrix(activities, cells)


@given(matrices())
def test_diff_of_a_matrix_with_itself_is_empty(a):
    assert diff(a, a).empty


@given(matrices(), matrices())
def test_applying_the_diff_of_a_to_b_gives_b(a, b):
    result = apply(a, diff(a, b))
    assert result.cells == b.cells
    assert sorted(result.activities) == sorted(b.activities)


def test_diff_in_words():
    a = matrix_of(
        {"activities": [{"name": "Pricing", "cells": {"Launch": {"PM": "O", "PMM": "D"}}}]}
    )
    b = matrix_of(
        {
            "activities": [
                {"name": "Pricing", "cells": {"Launch": {"PM": "D", "PMM": "O"}}},
                {"name": "Win/loss", "cells": {}},
            ]
        }
    )
    d = diff(a, b)
    assert d.added == ["Win/loss"] and d.removed == []
    words = [describe(c, {"O": "Owner", "D": "Driver"}) for c in d.cells]
    assert words == [
        "Pricing · Launch · PM: Owner → Driver",
        "Pricing · Launch · PMM: Driver → Owner",
    ]
