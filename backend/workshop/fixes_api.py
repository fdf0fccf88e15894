"""The JSON API of guided fixes: each rule finding with the fixes that resolve it, and
applying one (the same service as the findings panel's *Apply*)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from backend.db import SessionDep
from backend.domain import fixes as fx
from backend.domain.frameworks import Framework
from backend.openapi import READ, WRITE
from backend.security import FACILITATOR, PARTICIPANT, Access, AccessDep
from backend.workshop.fixing import apply_fix
from backend.workshop.screen import load_screen

router = APIRouter(prefix="/api", tags=["fixes"])


class FixCellOut(BaseModel):
    activity_id: int
    phase_id: int
    function_id: int
    before: str = Field(description="Role letters before (empty: no role)")
    after: str = Field(description="Role letters after")


class FixOut(BaseModel):
    id: str = Field(description="Pass it to POST …/fixes; it stops matching once its cells change")
    action: Literal["cells", "park", "leave"] = Field(
        description="cells: sets the cells listed; park: parks the activity with a named "
        "decider (give `decider`); leave: nothing to apply (a screen hides the warning)"
    )
    label: str
    why: str
    cells: list[FixCellOut]


class FindingFixesOut(BaseModel):
    key: str
    level: Literal["error", "warning"]
    code: str
    message: str
    activity_id: int | None = Field(description="None for a finding about a whole phase")
    phase_id: int
    function_id: int | None = Field(description="The idle function of a phase finding")
    fixes: list[FixOut]


class FixesOut(BaseModel):
    board_id: int
    seq: int = Field(description="The change sequence this answer is at least as new as")
    framework: str
    can_apply: bool = Field(description="Whether this token may apply fixes now")
    findings: list[FindingFixesOut]


class FixIn(BaseModel):
    fix: str = Field(max_length=200, description="A fix's id from GET …/fixes")
    decider: str = Field(default="", max_length=200, description="Who decides (parking only)")


class FixApplied(FixesOut):
    applied: str = Field(description="The id of the fix applied")
    applied_seq: int = Field(description="The sequence number of its change")


def _cells(fw: Framework, fix: fx.Fix) -> list[FixCellOut]:
    return [
        FixCellOut(
            activity_id=e.activity,
            phase_id=e.phase,
            function_id=e.function,
            before=fw.to_letters(e.before),
            after=fw.to_letters(e.after),
        )
        for e in fix.edits
    ]


def fixes_out(session: Session, access: Access) -> FixesOut:
    screen = load_screen(session, access.board, role=access.role, viewer=access.participant)
    offer, fw = screen.fixes, screen.v.framework
    may = access.role == FACILITATOR or (not offer.workshop and access.role == PARTICIPANT)
    board_id = screen.v.board.id
    assert board_id is not None
    return FixesOut(
        board_id=board_id,
        seq=screen.v.seq,
        framework=fw.key,
        can_apply=may and offer.applies and not screen.own_view,
        findings=[
            FindingFixesOut(
                key=e.key,
                level="error" if e.finding.level == "error" else "warning",
                code=e.finding.code,
                message=e.finding.message,
                activity_id=e.activity,
                phase_id=e.phase,
                function_id=e.function,
                fixes=[
                    FixOut(
                        id=x.id,
                        action="park"
                        if x.action == fx.PARK
                        else "leave"
                        if x.action == fx.LEAVE
                        else "cells",
                        label=x.label,
                        why=x.why,
                        cells=_cells(fw, x),
                    )
                    for x in e.fixes
                ],
            )
            for e in offer.entries
        ],
    )


@router.get(
    "/boards/{board_id}/fixes",
    response_model=FixesOut,
    responses=READ,
    summary="Every rule finding with the fixes that resolve it (the shared or agreed matrix)",
)
def get_fixes(session: SessionDep, access: AccessDep) -> FixesOut:
    return fixes_out(session, access)


@router.post(
    "/boards/{board_id}/fixes",
    response_model=FixApplied,
    responses=WRITE,
    summary="Apply one fix by its id: free mode, any edit link; a workshop, the facilitator",
)
def post_fix(body: FixIn, session: SessionDep, access: AccessDep) -> FixApplied:
    seq = apply_fix(session, access=access, fix_id=body.fix, decider=body.decider)
    after = fixes_out(session, access)
    return FixApplied(**after.model_dump(), applied=body.fix.strip(), applied_seq=seq)
