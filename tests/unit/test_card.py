"""The pure card of one function: which role it holds where, what concerns it, what changed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.card import (
    card,
    find_function,
    function_changes,
    holdings,
    items_for,
    names,
    per_phase,
)
from backend.domain.diff import Matrix, matrix_of

ROLES = [
    {"letter": "A", "name": "Accountable", "slot": "O"},
    {"letter": "R", "name": "Responsible", "slot": "D"},
    {"letter": "C", "name": "Consulted", "slot": "C"},
    {"letter": "I", "name": "Informed", "slot": "I"},
]
TRIPLES = [(r["letter"], r["name"], r["slot"]) for r in ROLES]
PHASES = ["Discover", "Build", "Launch", "Grow"]
DOC = {
    "roles": ROLES,  # RACI: the card speaks in the framework's letters and names
    "phases": PHASES,
    "functions": ["PM", "PMM", "Sales"],
    "activities": [
        {
            "name": "Positioning",
            "rationale": "PMM hears the market first",
            "phase_notes": {"Grow": "Sales joins in"},
            "cells": {
                "Discover": {"PM": "AR", "PMM": "C"},
                "Launch": {"PM": "I", "PMM": "AR"},
                "Grow": {"PMM": "A", "Sales": "R"},
            },
        },
        {
            "name": "Pricing",
            "rationale": "Finance signs off",
            "cells": {"Build": {"PM": "A", "PMM": "R"}, "Launch": {"PMM": "C", "PM": "AR"}},
        },
        {"name": "Personas", "rationale": "", "cells": {"Discover": {"PM": "AR"}}},
    ],
    "open_items": [
        {"activity": "Personas", "phase": None, "reason": "parked", "decider": "PMM lead"},
        {"activity": "Pricing", "phase": "Build", "reason": "not agreed", "decider": ""},
        {"activity": "Pricing", "phase": "Discover", "reason": "not agreed", "decider": ""},
        {"activity": "Positioning", "phase": None, "reason": "parked", "decider": "the CPO"},
        {"activity": "Personas", "phase": "Grow", "reason": "not agreed", "decider": "Ana"},
    ],
}


def test_holdings_are_the_activities_with_a_role_and_their_letters_per_phase():
    held = holdings(DOC, "PMM")
    assert [(h.activity, h.letters) for h in held] == [
        ("Positioning", {"Discover": "C", "Launch": "AR", "Grow": "A"}),
        ("Pricing", {"Build": "R", "Launch": "C"}),
    ]
    assert held[0].phases_with("O") == ["Launch", "Grow"] and held[0].owns and held[0].leads
    assert not held[1].owns and held[1].leads  # it drives Pricing in Build
    assert holdings(DOC, "Nobody") == []


def test_per_phase_lists_each_slot_in_board_order():
    rows = {pr.phase: pr.by_slot for pr in per_phase(DOC, holdings(DOC, "PMM"))}
    assert rows["Discover"] == {"O": (), "D": (), "C": ("Positioning",), "I": ()}
    assert rows["Build"] == {"O": (), "D": ("Pricing",), "C": (), "I": ()}
    assert rows["Launch"] == {
        "O": ("Positioning",),
        "D": ("Positioning",),
        "C": ("Pricing",),
        "I": (),
    }
    assert rows["Grow"]["O"] == ("Positioning",)


def test_card_counts_notes_and_leads():
    c = card(DOC, "PMM")
    assert (c.count("O"), c.count("D"), c.count("C"), c.count("I")) == (2, 2, 2, 0)
    assert (c.letter("O"), c.name("O")) == ("A", "Accountable")
    # Only the rationale of what it owns (not Pricing, which it only drives or is asked on).
    assert [(n.activity, n.rationale, n.phase_notes) for n in c.notes] == [
        ("Positioning", "PMM hears the market first", {"Grow": "Sales joins in"})
    ]
    assert [h.activity for h in c.leads] == ["Positioning", "Pricing"]
    assert [h.activity for h in c.leads_in("Launch")] == ["Positioning"]
    assert c.slot_of("R") == "D" and c.slot_of("X") == ""
    pm = card(DOC, "PM")
    assert [n.activity for n in pm.notes] == ["Positioning", "Pricing"]  # Personas: no text


def test_items_that_name_the_function_or_sit_where_it_holds_a_role():
    got = [
        (i.activity, i.phase, i.named, i.held) for i in items_for(DOC, "PMM", holdings(DOC, "PMM"))
    ]
    assert got == [
        ("Personas", None, "PMM", False),  # "PMM lead" names PMM; PMM holds nothing there
        ("Pricing", "Build", "", True),  # PMM drives Pricing in Build
        ("Positioning", None, "", True),  # no phase: anywhere in the activity
    ]  # Pricing·Discover: PMM holds no role in that phase; Personas·Grow names Ana
    pm = items_for(DOC, "PM", holdings(DOC, "PM"))
    assert ("Personas", None, "", True) in [(i.activity, i.phase, i.named, i.held) for i in pm]
    assert not any(i.activity == "Personas" and i.phase == "Grow" for i in pm)
    # A person of the function (the live board knows them) names it too.
    with_ana = items_for(DOC, "PMM", holdings(DOC, "PMM"), people=["Ana"])
    assert ("Personas", "Grow", "Ana", False) in [
        (i.activity, i.phase, i.named, i.held) for i in with_ana
    ]
    assert with_ana[0].parked and with_ana[0].why("PMM") == "PMM decides"
    ana = next(i for i in with_ana if i.named == "Ana")
    assert not ana.parked and ana.why("PMM") == "Ana (PMM) decides"
    both = next(i for i in with_ana if i.activity == "Pricing")
    assert both.why("PMM") == "PMM holds a role here"


def test_names_are_whole_words_in_any_case():
    assert names("PMM lead", ["pmm"]) == "pmm"
    assert names("PMM lead", ["PM"]) == ""  # PM is not named in PMM
    assert names("PM/PMM pair", ["PMM", "PM"]) == "PMM"
    assert names("", ["PM"]) == "" and names("CPO", [""]) == ""
    assert names("Ask C++ team", ["C++"]) == "C++"  # names with regex characters


def test_find_function_in_any_case():
    assert find_function(DOC, " pmm ") == "PMM"
    assert find_function(DOC, "Finance") is None


def test_changes_for_one_function():
    before = matrix_of(
        {
            "activities": [
                {"name": "Pricing", "cells": {"Launch": {"PM": "AR", "PMM": "C"}}},
                {"name": "Personas", "cells": {"Discover": {"PMM": "I"}}},
                {"name": "Old", "cells": {"Grow": {"PMM": "R"}}},
                {"name": "Gone", "cells": {"Grow": {"PM": "R"}}},
            ]
        }
    )
    after = matrix_of(
        {
            "activities": [
                {"name": "Pricing", "cells": {"Launch": {"PM": "C", "PMM": "AR"}}},
                {"name": "Personas", "cells": {"Discover": {"PMM": "C"}}},
                {"name": "New", "cells": {"Build": {"PMM": "A"}}},
                {"name": "Other new", "cells": {"Build": {"PM": "A"}}},
            ]
        }
    )
    ch = function_changes(before, after, "PMM", roles=TRIPLES, phases=PHASES, since="Q3")
    assert [(c.text, c.major) for c in ch.cells] == [
        ("Pricing · Launch: Consulted → Accountable + Responsible", True),
        ("Personas · Discover: Informed → Consulted", False),
    ]
    assert ch.added == ("New",) and ch.removed == ("Old",)
    assert ch.summary == "2 changes (1 of owner or driver), 1 activity added, 1 activity removed"
    pm = function_changes(before, after, "PM", roles=TRIPLES, phases=PHASES, since="Q3")
    assert [c.text for c in pm.cells] == ["Pricing · Launch: Accountable + Responsible → Consulted"]
    assert pm.added == ("Other new",) and pm.removed == ("Gone",)
    none = function_changes(after, after, "PMM", roles=TRIPLES, phases=PHASES, since="Q4")
    assert none.empty and none.summary == "nothing changed"


def test_reordered_letters_are_no_change():
    a = Matrix(["Pricing"], {("Pricing", "Launch", "PMM"): "AR"})
    b = Matrix(["Pricing"], {("Pricing", "Launch", "PMM"): "RA"})
    assert function_changes(a, b, "PMM", roles=TRIPLES, phases=PHASES, since="Q3").empty


cells = st.dictionaries(
    st.tuples(
        st.sampled_from(["Pricing", "Positioning"]),
        st.sampled_from(PHASES),
        st.sampled_from(["PM", "PMM"]),
    ),
    st.sampled_from(["A", "R", "C", "I", "AR"]),
)


@given(cells, cells)
def test_changes_are_exactly_the_functions_changed_cells(a, b):
    before, after = Matrix(["Pricing", "Positioning"], a), Matrix(["Pricing", "Positioning"], b)
    ch = function_changes(before, after, "PMM", roles=TRIPLES, phases=PHASES, since="x")
    changed = {k[:2] for k in set(a) | set(b) if k[2] == "PMM" and a.get(k, "") != b.get(k, "")}
    assert {(c.activity, c.phase) for c in ch.cells} == changed
    for c in ch.cells:
        assert c.major == (
            ("A" in a.get((c.activity, c.phase, "PMM"), ""))
            != ("A" in b.get((c.activity, c.phase, "PMM"), ""))
            or ("R" in a.get((c.activity, c.phase, "PMM"), ""))
            != ("R" in b.get((c.activity, c.phase, "PMM"), ""))
        )


def test_phase_roles_sum_to_the_counts():
    c = card(DOC, "PM")
    assert sum(len(pr.by_slot["O"]) for pr in c.per_phase) == c.count("O") == 4
    assert c.per_phase[0].by_slot["O"] == ("Positioning", "Personas")
    assert not c.per_phase[0].empty
