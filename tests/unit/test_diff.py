from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.diff import Matrix, apply, diff, in_words, matrix_of

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
    assert [(c.function, c.before, c.after) for c in d.cells] == [
        ("PM", "O", "D"),
        ("PMM", "D", "O"),
    ]


ODCI = [("O", "Owner", "O"), ("D", "Driver", "D"), ("C", "Consulted", "C"), ("I", "Informed", "I")]


def test_changes_in_words_say_who_held_each_role_before_and_after():
    a = matrix_of(
        {
            "activities": [
                {"name": "Pricing", "cells": {"Launch": {"PM": "O", "PMM": "D", "Sales": "C"}}},
                {"name": "Personas", "cells": {"Build": {"PM": "C"}}},
            ]
        }
    )
    b = matrix_of(
        {
            "activities": [
                {"name": "Pricing", "cells": {"Launch": {"PM": "D", "PMM": "O", "Sales": "C"}}},
                {"name": "Personas", "cells": {"Build": {"PM": "C", "Sales": "C"}}},
            ]
        }
    )
    lines = in_words(a, b, diff(a, b), roles=ODCI, functions=["PM", "PMM", "Sales"])
    texts = [line.text for line in lines]
    assert "Pricing · Launch: Owner PM → PMM; Driver PMM → PM" in texts
    assert "Personas · Build: Consulted PM → PM, Sales" in texts
    major = {line.activity: line.major for line in lines}
    assert major == {"Pricing": True, "Personas": False}


def test_a_role_nobody_held_reads_nobody():
    a = matrix_of({"activities": [{"name": "Pricing", "cells": {}}]})
    b = matrix_of({"activities": [{"name": "Pricing", "cells": {"Launch": {"PMM": "O"}}}]})
    (line,) = in_words(a, b, diff(a, b), roles=ODCI, functions=["PM", "PMM"])
    assert line.text == "Pricing · Launch: Owner nobody → PMM"


@given(matrices(), matrices())
def test_every_changed_cell_is_in_some_line(a, b):
    d = diff(a, b)
    lines = in_words(a, b, d, roles=ODCI, functions=["PM", "PMM"])
    assert {(c.activity, c.phase) for c in d.cells} == {(x.activity, x.phase) for x in lines}
