"""Shapes of the workshop's JSON API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class ModeIn(BaseModel):
    mode: Literal["free", "workshop"]
    auto_reveal: bool | None = None


class RoundIn(BaseModel):
    to: Literal["setup", "propose", "reveal", "agreed"]


class ReadyIn(BaseModel):
    ready: bool = True


class AcceptIn(BaseModel):
    activity_id: int | None = None
    phase_id: int | None = None
    use: Literal["unanimous", "majority", "votes_of"] = Field(
        default="unanimous",
        description="unanimous, majority, or votes_of: one participant's whole row for "
        "one activity and phase (needs activity_id, phase_id and participant_id)",
    )
    participant_id: int | None = Field(
        default=None, description="With use=votes_of: whose proposals to take"
    )


class TieOptionOut(BaseModel):
    participant_ids: list[int] = Field(description="Who proposed this row")
    participants: list[str]
    letters: dict[int, str] = Field(description='function_id -> letters ("" = no role)')


class TieOut(BaseModel):
    activity_id: int
    phase_id: int
    options: list[TieOptionOut] = Field(
        description="Each whole row proposed; take one with accept use=votes_of"
    )


class SpotlightIn(BaseModel):
    activity_id: int | None = None
    minutes: float | None = Field(default=None, description="Start a timebox of this many minutes")


class TimeboxIn(BaseModel):
    minutes: float | None = None


class CommentIn(BaseModel):
    activity_id: int
    text: str = Field(max_length=10000)


class CommentOut(BaseModel):
    id: int
    activity_id: int
    author: str
    author_role: str
    text: str
    created_at: datetime


class RationaleIn(BaseModel):
    activity_id: int
    phase_id: int | None = None
    text: str = Field(default="", max_length=20000)


class ParkIn(BaseModel):
    activity_id: int
    decider: str = Field(default="", max_length=1000)


class PublishIn(BaseModel):
    label: str | None = Field(default=None, max_length=1000, examples=["2026-Q4"])
    published_by: str | None = Field(
        default=None,
        max_length=1000,
        description="The name shown as the publisher (default: the person publishing)",
        examples=["Dana, PM lead"],
    )
    next_review: date | None = Field(
        default=None,
        description="When to review this version (ISO date; not in the past, at most two "
        "years ahead). Default: the start of the next calendar quarter's third week",
        examples=["2027-01-18"],
    )


class VersionOut(BaseModel):
    number: int
    label: str
    published_at: datetime
    published_by: str
    open_items: int
    viewer_url: str
    next_review: date = Field(description="When this version is to be reviewed")
    review_due: bool = Field(
        description="The next review date has come and no newer version has been published "
        "in the board's lineage"
    )
    review_ics_url: str = Field(description="The calendar invite (.ics) for the next review")


class ProgressOut(BaseModel):
    participant_id: int
    name: str
    filled: int = Field(
        description="Activity·phase pairs in which this person proposed at least one cell"
    )
    ready: bool


class ProposalOut(BaseModel):
    activity_id: int
    phase_id: int
    function_id: int
    letters: str
    participant_id: int | None = None
    participant: str | None = None


class WorkshopOut(BaseModel):
    mode: str
    round: str
    auto_reveal: bool
    revealed: bool
    progress: list[ProgressOut]
    proposals: list[ProposalOut] = Field(
        description="Before the reveal: only your own. After: everyone's (re-voted activities excepted)."
    )
    agreed: list[tuple[int, int]]
    hot_list: list[dict]
    ties: list[TieOut] = Field(
        default_factory=list,
        description="After the reveal: pairs not agreed whose proposals tie, with each side",
    )
    spotlight_activity_id: int | None
    timebox_ends_at: datetime | None
    versions: list[VersionOut]


class ProposalIn(BaseModel):
    activity_id: int
    phase_id: int
    function_id: int
    letters: str = Field(default="", max_length=20)


class PrecheckIn(BaseModel):
    activity_id: int
    verdict: str = Field(
        max_length=20, description="ok (still true), discuss (needs discussion) or '' to clear"
    )
    note: str = Field(default="", max_length=1000, description="Why it needs discussion")


class PrecheckOut(BaseModel):
    activity_id: int
    activity: str
    still_true: list[str]
    needs_discussion: list[str]
    notes: list[dict[str, str]] = Field(default_factory=list, description="{name, note}")


class PrecheckAgendaOut(BaseModel):
    open: bool
    participants: int
    answered_by: int
    mine: dict[int, str] = Field(description="The asking participant's own answers")
    agenda: list[PrecheckOut] = Field(description="Most 'needs discussion' first")


class StepOut(BaseModel):
    phase: str
    owners: list[str]
    drivers: list[str]
    owner_passes: bool = Field(description="Ownership passed from other functions here")
    driver_passes: bool = Field(description="Driving passed from other functions here")


class HandoffOut(BaseModel):
    phase: str = Field(description="The phase where the new function(s) take over")
    kind: Literal["owner", "driver"]
    before: list[str]
    after: list[str]
    text: str


class StripOut(BaseModel):
    activity: str
    steps: list[StepOut]
    handoffs: list[HandoffOut]


class LoadCellOut(BaseModel):
    function: str
    phase: str
    owned: int
    driven: int
    flags: list[str]


class FlagOut(BaseModel):
    phase: str
    function: str
    kind: Literal["owns_most", "idle"] = Field(
        description="owns_most: owns more than half the phase's activities; idle: no role"
    )
    text: str


class PicturesOut(BaseModel):
    """What the version page's pictures show: handoffs per activity, load per function and
    phase, and the load's flags."""

    phases: list[str]
    functions: list[str]
    activities: int
    strips: list[StripOut]
    load: list[LoadCellOut]
    flags: list[FlagOut]
