"""Role frameworks (ODCI, RACI, DACI) mapped onto four shared slots.

Every preset names the same four slots with its own letters, so one rule engine
serves all of them. Cells are stored as slot codes (O, D, C, I); letters are
translated at the edges (forms, API, exports).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OWNER, DRIVER, CONSULTED, INFORMED = "O", "D", "C", "I"
SLOTS: tuple[str, ...] = (OWNER, DRIVER, CONSULTED, INFORMED)


@dataclass(frozen=True)
class Role:
    slot: str
    letter: str
    name: str
    meaning: str


@dataclass(frozen=True)
class Framework:
    key: str
    label: str
    roles: tuple[Role, ...]
    max_drivers: int | None  # None: no upper bound
    _by_slot: dict[str, Role] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Looked up per cell: a plain dict on the instance, not a cache keyed by the
        # (recursively hashed) frozen dataclass.
        object.__setattr__(self, "_by_slot", {r.slot: r for r in self.roles})

    def role_for_slot(self, slot: str) -> Role:
        return self._by_slot[slot]

    def letter(self, slot: str) -> str:
        return self.role_for_slot(slot).letter

    def name(self, slot: str) -> str:
        return self.role_for_slot(slot).name

    @property
    def letters(self) -> str:
        return "".join(r.letter for r in self.roles)

    def to_slots(self, letters: str) -> str:
        """Turn letters typed in this framework ("AR") into canonical slot codes ("OD").

        Raises ValueError naming any letter the framework does not have.
        """
        by_letter = {r.letter: r.slot for r in self.roles}
        cleaned = "".join(ch for ch in letters.upper() if not ch.isspace() and ch not in "+,/")
        unknown = sorted({ch for ch in cleaned if ch not in by_letter})
        if unknown:
            raise ValueError(
                f"{self.label} has no role letter {', '.join(unknown)}; "
                f"use {', '.join(self.letters)}"
            )
        return normalise_slots({by_letter[ch] for ch in cleaned})

    def to_letters(self, slots: str) -> str:
        return "".join(self.letter(s) for s in slots)


def normalise_slots(slots: set[str] | str) -> str:
    """Canonical order and combination check: a single role, or Owner together with Driver."""
    chosen = set(slots)
    ordered = "".join(s for s in SLOTS if s in chosen)
    if len(ordered) > 1 and ordered != OWNER + DRIVER:
        raise ValueError(
            "A function holds one role per cell; only Owner and Driver may be combined"
        )
    return ordered


ODCI = Framework(
    key="odci",
    label="ODCI",
    roles=(
        Role(
            OWNER, "O", "Owner", "Accountable for the outcome; exactly one per activity and phase"
        ),
        Role(DRIVER, "D", "Driver", "Does the work; at least one"),
        Role(CONSULTED, "C", "Consulted", "Gives input before decisions"),
        Role(INFORMED, "I", "Informed", "Kept up to date"),
    ),
    max_drivers=None,
)

RACI = Framework(
    key="raci",
    label="RACI",
    roles=(
        Role(OWNER, "A", "Accountable", "Answers for the outcome; exactly one"),
        Role(DRIVER, "R", "Responsible", "Does the work; at least one"),
        Role(CONSULTED, "C", "Consulted", "Gives input before decisions"),
        Role(INFORMED, "I", "Informed", "Kept up to date"),
    ),
    max_drivers=None,
)

DACI = Framework(
    key="daci",
    label="DACI",
    roles=(
        Role(OWNER, "A", "Approver", "Makes the final call; exactly one"),
        Role(DRIVER, "D", "Driver", "Moves the work forward; exactly one"),
        Role(CONSULTED, "C", "Contributor", "Brings expertise and input"),
        Role(INFORMED, "I", "Informed", "Kept up to date"),
    ),
    max_drivers=1,
)

FRAMEWORKS: dict[str, Framework] = {f.key: f for f in (ODCI, RACI, DACI)}
DEFAULT_FRAMEWORK = ODCI.key


def get_framework(key: str) -> Framework:
    try:
        return FRAMEWORKS[key]
    except KeyError:
        raise ValueError(
            f"Unknown framework {key!r}; choose one of {', '.join(FRAMEWORKS)}"
        ) from None
