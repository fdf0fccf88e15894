"""Shapes of the card's JSON API ("what I own this quarter")."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class CardRoleOut(BaseModel):
    slot: str = Field(description="O, D, C or I")
    letter: str = Field(description="The framework's letter for it")
    name: str


class CardPhaseOut(BaseModel):
    phase: str
    owner: list[str] = Field(description="Activities the function owns in this phase")
    driver: list[str]
    consulted: list[str]
    informed: list[str]


class CardActivityOut(BaseModel):
    activity: str
    letters: dict[str, str] = Field(description="phase -> the function's letters there")
    owns_or_drives: bool


class CardNoteOut(BaseModel):
    activity: str
    rationale: str
    phase_notes: dict[str, str]


class CardItemOut(BaseModel):
    activity: str
    phase: str | None
    reason: str
    decider: str
    parked: bool
    names_function: bool = Field(description="The decider names the function or its people")
    holds_role: bool = Field(description="The function holds a role where the item is")


class CardChangeOut(BaseModel):
    activity: str
    phase: str
    before: list[str] = Field(description="Role names the function held before")
    after: list[str]
    owner_or_driver: bool
    text: str


class CardChangesOut(BaseModel):
    since: str = Field(description="The version compared with")
    summary: str
    cells: list[CardChangeOut]
    activities_added: list[str]
    activities_removed: list[str]


class CardOut(BaseModel):
    function: str
    title: str
    source: str = Field(description='The version ("2026-Q4 (version 2)") or "live board"')
    version_number: int | None
    person: str | None = Field(description="On a participant's own card, their name")
    people: list[str] = Field(description="Participants of the function (live board only)")
    functions: list[str]
    next_review: date | None
    roles: list[CardRoleOut]
    counts: dict[str, int] = Field(description="slot -> activity·phase pairs held")
    phases: list[CardPhaseOut]
    activities: list[CardActivityOut]
    rationale: list[CardNoteOut]
    open_items: list[CardItemOut]
    changes: CardChangesOut | None
    markdown_url: str
    pdf_url: str
