"""People who joined a board through its participant link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from backend.boards.models import board_fk, utcnow


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    name: str = Field(max_length=60)
    function_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("team_function.id", ondelete="SET NULL")),
    )
    # Personal secret kept in the participant's browser (cookie) or API client.
    secret: str = Field(max_length=64, unique=True, index=True)
    joined_at: datetime = Field(default_factory=utcnow)
    ready: bool = Field(default=False)  # done proposing, in a workshop's propose round
