"""Import every table so SQLModel.metadata is complete (Alembic, tests)."""

from backend.boards.models import Activity, Board, Cell, Phase, TeamFunction
from backend.changes.models import Change
from backend.participants.models import Participant

__all__ = ["Activity", "Board", "Cell", "Change", "Participant", "Phase", "TeamFunction"]
