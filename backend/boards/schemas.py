"""Shapes of the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["phases", "functions", "activities"]


class ActivityIn(BaseModel):
    name: str = Field(max_length=1000)
    description: str = Field(default="", max_length=5000)


class BoardCreate(BaseModel):
    title: str = Field(max_length=1000, examples=["PM / PMM roles and responsibilities"])
    framework: str = Field(default="odci", description="odci, raci or daci")
    phases: list[str] | None = Field(
        default=None, description="Default: Discover, Build, Launch, Grow"
    )
    functions: list[str] | None = Field(default=None, description="Default: PM, PMM")
    activities: list[ActivityIn] | None = Field(
        default=None, description="Default (null): the seeded PM/PMM catalogue"
    )


class BoardCreated(BaseModel):
    id: int
    title: str
    framework: str
    facilitator_token: str
    join_token: str
    facilitator_url: str
    join_url: str


class BoardPatch(BaseModel):
    title: str = Field(max_length=1000)


class CellIn(BaseModel):
    activity_id: int
    phase_id: int
    function_id: int
    letters: str = Field(
        default="", max_length=20, description="Role letters of the board's framework, e.g. OD"
    )


class CellOut(BaseModel):
    activity_id: int
    phase_id: int
    function_id: int
    letters: str


class ItemIn(BaseModel):
    name: str = Field(max_length=1000)
    description: str = Field(default="", max_length=5000, description="Activities only")


class ItemPatch(BaseModel):
    name: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=5000)
    position: int | None = Field(default=None, ge=0, description="New 0-based position")


class ItemOut(BaseModel):
    id: int
    name: str
    position: int
    description: str | None = None
    sources: list[str] | None = None


class FindingOut(BaseModel):
    level: str
    code: str
    message: str


class CheckOut(BaseModel):
    activity_id: int
    phase_id: int
    state: str
    findings: list[FindingOut]


class PhaseCheckOut(BaseModel):
    phase_id: int
    state: str
    findings: list[FindingOut]


class ParticipantOut(BaseModel):
    id: int
    name: str
    function_id: int | None
    joined_at: datetime


class YouOut(BaseModel):
    role: str
    participant_id: int | None = None


class BoardOut(BaseModel):
    id: int
    title: str
    framework: str
    seq: int
    phases: list[ItemOut]
    functions: list[ItemOut]
    activities: list[ItemOut]
    cells: list[CellOut]
    checks: list[CheckOut]
    phase_checks: list[PhaseCheckOut]
    participants: list[ParticipantOut]
    you: YouOut


class JoinIn(BaseModel):
    name: str = Field(max_length=1000)
    function_id: int | None = None


class Joined(BaseModel):
    board_id: int
    participant_id: int
    token: str


class ChangeOut(BaseModel):
    seq: int
    kind: str
    data: dict
    actor: str
    actor_role: str
    created_at: datetime


class Saved(BaseModel):
    seq: int
