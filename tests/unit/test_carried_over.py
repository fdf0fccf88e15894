from backend.history.compare import Comparison
from backend.workshop.snapshot import carried_over


def doc(activities, phases=("Build", "Launch"), open_items=()):
    return {
        "phases": list(phases),
        "functions": ["PM", "PMM"],
        "roles": [],
        "activities": activities,
        "open_items": list(open_items),
    }


def test_unchanged_pairs_agreed_last_version_carry_over_a_rename_too():
    before = doc(
        [
            {
                "name": "Pricing",
                "key": "k1",
                "cells": {"Build": {"PM": "O"}, "Launch": {"PM": "O"}},
            },
            {"name": "Naming", "key": "k2", "cells": {}},
        ],
        open_items=[{"activity": "Naming", "phase": "Launch", "reason": "not agreed"}],
    )
    after = doc(
        [
            {
                "name": "Pricing",
                "key": "k1",
                "cells": {"Build": {"PM": "O"}, "Launch": {"PM": "D"}},
            },
            {"name": "Brand name", "key": "k2", "cells": {}},  # renamed
            {"name": "New", "key": "k3", "cells": {}},
        ],
        phases=("Build", "Launch", "Grow"),
    )
    assert carried_over(Comparison(before, after)) == {
        ("Pricing", "Build"),
        ("Brand name", "Build"),
    }
