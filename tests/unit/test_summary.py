from __future__ import annotations

from backend.domain.summary import decisions, load_balance, ownership_sentences

SNAP = {
    "roles": [
        {"letter": "A", "slot": "O"},
        {"letter": "R", "slot": "D"},
        {"letter": "C", "slot": "C"},
        {"letter": "I", "slot": "I"},
    ],
    "phases": ["Build", "Launch", "Grow"],
    "functions": ["PM", "PMM"],
    "activities": [
        {
            "name": "Positioning",
            "rationale": "Market facing",
            "phase_notes": {},
            "cells": {"Launch": {"PMM": "AR", "PM": "C"}, "Grow": {"PMM": "A", "PM": "R"}},
        },
        {
            "name": "Pricing",
            "rationale": "",
            "phase_notes": {"Launch": "Finance signs off"},
            "cells": {"Build": {"PM": "A"}, "Launch": {"PM": "A"}, "Grow": {"PM": "AR"}},
        },
        {"name": "Personas", "rationale": "", "phase_notes": {}, "cells": {}},
    ],
}


def test_ownership_sentences_read_naturally():
    owns = ownership_sentences(SNAP)
    assert owns["PMM"] == ["Positioning in Launch and Grow"]
    assert owns["PM"] == ["Pricing in every phase"]


def test_load_balance_counts_owner_and_driver_per_phase():
    bal = load_balance(SNAP)
    assert bal["PMM"]["Launch"] == (1, 1)
    assert bal["PM"]["Grow"] == (1, 2)
    assert bal["PM"]["Build"] == (1, 0)


def test_decisions_list_rationale_and_phase_notes():
    assert [d["activity"] for d in decisions(SNAP)] == ["Positioning", "Pricing"]
