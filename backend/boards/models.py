"""Tables of a board: the board itself, its phases, functions, activities and cells.

Cells store canonical slot codes (see ``backend.domain.frameworks``).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_key() -> str:
    return secrets.token_hex(8)


def board_fk() -> Column:  # type: ignore[type-arg]
    return Column(Integer, ForeignKey("board.id", ondelete="CASCADE"), nullable=False, index=True)


class Board(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120)
    framework: str = Field(default="odci", max_length=10)
    facilitator_token: str = Field(max_length=64, unique=True, index=True)
    join_token: str = Field(max_length=64, unique=True, index=True)
    # Highest change sequence number written for this board (see changes.Change).
    last_seq: int = Field(default=0)
    is_demo: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
    # Workshop state (see backend.workshop): "free" (everyone edits the shared matrix) or
    # "workshop" (silent proposals, reveal, agree); the round of a workshop.
    mode: str = Field(default="free", max_length=10)
    round: str = Field(default="setup", max_length=10)
    auto_reveal: bool = Field(default=False)
    spotlight_activity_id: int | None = Field(default=None)
    timebox_ends_at: datetime | None = Field(default=None)
    # The published version this board's review started from (quarter over quarter).
    parent_version_id: int | None = Field(default=None, index=True)
    # Read-only link to the published versions; made on first publish.
    viewer_token: str | None = Field(default=None, max_length=64, unique=True, index=True)


class Phase(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    name: str = Field(max_length=60)
    position: int = Field(default=0)


class TeamFunction(SQLModel, table=True):
    """A column of the matrix: PM, PMM, Sales ..."""

    __tablename__ = "team_function"
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    name: str = Field(max_length=40)
    position: int = Field(default=0)


class Activity(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    name: str = Field(max_length=80)
    description: str = Field(default="", max_length=500)
    # Seed article file names, newline-separated.
    sources: str = Field(default="", max_length=1000)
    rationale: str = Field(default="", max_length=2000)
    position: int = Field(default=0)
    # Parked: left open, with the name of the person who will decide.
    parked_decider: str = Field(default="", max_length=60)
    # Re-vote: this activity's proposals are hidden again while people propose anew.
    revoting: bool = Field(default=False)
    # The same activity across a lineage of reviews, whatever it is called in each: copied
    # into the next review, so a rename is a rename, not one removed and one added.
    lineage_key: str = Field(default_factory=new_key, max_length=40)


class Cell(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("activity_id", "phase_id", "function_id"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    activity_id: int = Field(
        sa_column=Column(Integer, ForeignKey("activity.id", ondelete="CASCADE"), nullable=False)
    )
    phase_id: int = Field(
        sa_column=Column(Integer, ForeignKey("phase.id", ondelete="CASCADE"), nullable=False)
    )
    function_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("team_function.id", ondelete="CASCADE"), nullable=False
        )
    )
    slots: str = Field(default="", max_length=4)
    updated_at: datetime = Field(default_factory=utcnow)
