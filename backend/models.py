"""Import every table so SQLModel.metadata is complete (Alembic, tests)."""

from backend.boards.models import Activity, Board, Cell, Phase, TeamFunction
from backend.changes.models import Change
from backend.participants.models import Participant
from backend.workshop.models import Agreement, Comment, PhaseNote, Proposal, Version

__all__ = [
    "Activity",
    "Agreement",
    "Board",
    "Cell",
    "Change",
    "Comment",
    "Participant",
    "Phase",
    "PhaseNote",
    "Proposal",
    "TeamFunction",
    "Version",
]
