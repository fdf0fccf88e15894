"""The append-only change log: one row per accepted change, numbered per board."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.boards.models import board_fk, utcnow


class Change(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("board_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    seq: int
    kind: str = Field(max_length=40)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
    actor: str = Field(max_length=80)  # display name at the time
    actor_role: str = Field(max_length=20)  # facilitator | participant | system
    created_at: datetime = Field(default_factory=utcnow)
