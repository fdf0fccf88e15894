"""Tables of the facilitated workshop: proposals, agreements, comments, notes, versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.boards.models import board_fk, utcnow


def fk(table: str, nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(Integer, ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=nullable)


class Proposal(SQLModel, table=True):
    """What one participant thinks a cell should be, before agreement (slot codes)."""

    __table_args__ = (UniqueConstraint("participant_id", "activity_id", "phase_id", "function_id"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    participant_id: int = Field(sa_column=fk("participant"))
    activity_id: int = Field(sa_column=fk("activity"))
    phase_id: int = Field(sa_column=fk("phase"))
    function_id: int = Field(sa_column=fk("team_function"))
    slots: str = Field(default="", max_length=4)


class Agreement(SQLModel, table=True):
    """The facilitator confirmed the agreed cells of one activity in one phase."""

    __table_args__ = (UniqueConstraint("activity_id", "phase_id"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    activity_id: int = Field(sa_column=fk("activity"))
    phase_id: int = Field(sa_column=fk("phase"))
    agreed_at: datetime = Field(default_factory=utcnow)


class PhaseNote(SQLModel, table=True):
    """A rationale for one activity in one phase, where it differs from the activity's."""

    __tablename__ = "phase_note"
    __table_args__ = (UniqueConstraint("activity_id", "phase_id"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    activity_id: int = Field(sa_column=fk("activity"))
    phase_id: int = Field(sa_column=fk("phase"))
    text: str = Field(max_length=2000)


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    activity_id: int = Field(sa_column=fk("activity"))
    author: str = Field(max_length=80)
    author_role: str = Field(max_length=20)
    text: str = Field(max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class Version(SQLModel, table=True):
    """An immutable published agreed matrix: the unit of export, comparison and revisit."""

    # Ids are never reused on SQLite either: a review points at the version it started from.
    __table_args__ = (UniqueConstraint("board_id", "number"), {"sqlite_autoincrement": True})
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    number: int
    label: str = Field(max_length=40)
    published_at: datetime = Field(default_factory=utcnow)
    published_by: str = Field(max_length=80)
    open_items: int = Field(default=0)
    # When the version is to be reviewed (None: published before the cadence existed).
    next_review: date | None = Field(default=None)
    snapshot: str = Field(sa_column=Column(Text, nullable=False))  # JSON, see workshop.snapshot


class Precheck(SQLModel, table=True):
    """Before the session, one participant's answer for one activity: is last quarter's
    agreement "still true" (ok) or does it "need discussion" (discuss)?"""

    __table_args__ = (UniqueConstraint("participant_id", "activity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(sa_column=board_fk())
    participant_id: int = Field(sa_column=fk("participant"))
    activity_id: int = Field(sa_column=fk("activity"))
    verdict: str = Field(max_length=10)  # ok | discuss
    note: str = Field(default="", max_length=200)  # why it needs discussion (optional)
    updated_at: datetime = Field(default_factory=utcnow)
