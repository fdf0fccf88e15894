from __future__ import annotations

from backend.domain.handoff import Handoff, load, strip, strips

ROLES = [
    {"letter": "O", "name": "Owner", "slot": "O"},
    {"letter": "D", "name": "Driver", "slot": "D"},
    {"letter": "C", "name": "Consulted", "slot": "C"},
    {"letter": "I", "name": "Informed", "slot": "I"},
]
DOC = {
    "roles": ROLES,
    "phases": ["Discover", "Build", "Launch", "Grow"],
    "functions": ["PM", "PMM", "Sales"],
    "activities": [
        {
            "name": "Positioning",
            "cells": {
                "Discover": {"PM": "OD", "PMM": "C"},
                "Build": {"PM": "OD", "PMM": "C"},
                "Launch": {"PM": "O", "PMM": "D"},
                "Grow": {"PMM": "OD", "PM": "I"},
            },
        },
        {
            "name": "Pricing",
            "cells": {
                "Discover": {"PM": "O"},
                "Launch": {"PM": "O", "PMM": "D", "Sales": "C"},
                "Grow": {"PM": "O", "PMM": "D"},
            },
        },
        {"name": "Personas", "cells": {"Grow": {"PMM": "O", "PM": "O"}}},
    ],
}


def test_strip_shows_owner_and_driver_per_phase_and_where_they_pass():
    s = strip(DOC, DOC["activities"][0])
    assert [(st.phase, st.owners, st.drivers) for st in s.steps] == [
        ("Discover", ("PM",), ("PM",)),
        ("Build", ("PM",), ("PM",)),
        ("Launch", ("PM",), ("PMM",)),
        ("Grow", ("PMM",), ("PMM",)),
    ]
    assert [(st.owner_passes, st.driver_passes) for st in s.steps] == [
        (False, False),
        (False, False),
        (False, True),
        (True, False),
    ]
    assert s.handoffs == (
        Handoff("Positioning", "Launch", "driver", ("PM",), ("PMM",)),
        Handoff("Positioning", "Grow", "owner", ("PM",), ("PMM",)),
    )
    assert s.handoffs[0].text == "Driving passes from PM to PMM in Launch"


def test_a_gap_is_not_a_handoff_and_a_second_owner_is():
    pricing, personas = strips(DOC)[1:]
    assert pricing.handoffs == ()  # Build has no owner: PM before and after, no pass
    assert pricing.steps[1].owners == ()
    assert personas.handoffs == ()
    assert personas.steps[3].owners == ("PM", "PMM")


def test_load_reuses_the_balance_and_flags_majority_owners_and_idle_functions():
    ld = load(DOC)
    assert ld.counts["PM"]["Discover"] == (2, 1)
    assert ld.counts["PMM"]["Grow"] == (2, 2)
    assert ld.counts["Sales"]["Launch"] == (0, 0)
    assert ld.largest() == 4
    flags = {(f.phase, f.function, f.kind) for f in ld.flags}
    assert flags == {
        ("Discover", "PM", "owns_most"),  # 2 of 3
        ("Launch", "PM", "owns_most"),
        ("Grow", "PM", "owns_most"),
        ("Grow", "PMM", "owns_most"),
        ("Discover", "Sales", "idle"),
        ("Build", "Sales", "idle"),
        ("Grow", "Sales", "idle"),
        # Build: PM owns 1 of 3 (not more than half); PMM holds C in Build
    }
    assert ld.flags_for("Sales", "Build")[0].text == "Sales holds no role in Build"
    assert ld.flags_for("PM", "Discover")[0].text == "PM owns 2 of 3 in Discover"


def test_no_activities_no_flags():
    ld = load({**DOC, "activities": []})
    assert ld.flags == ()
    assert ld.largest() == 1
