"""Page actions of the facilitated workshop (htmx). Each answers with the refreshed live
part for the person acting; everyone else hears of it through the live stream."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from backend.boards.views import live_response, page_screen, redirect
from backend.clock import TodayDep
from backend.db import SessionDep
from backend.security import AccessDep
from backend.web import render_fragment
from backend.workshop import agreeing, discussion, precheck, publishing, service
from backend.workshop import forms as f
from backend.workshop.fixing import apply_fix
from backend.workshop.review import start_next_review

router = APIRouter(include_in_schema=False)


@router.post("/boards/{board_id}/mode", response_class=HTMLResponse)
def set_mode(
    request: Request, session: SessionDep, access: AccessDep, form: Annotated[f.ModeForm, Form()]
) -> Response:
    service.set_mode(session, access=access, mode=form.mode, auto_reveal=form.auto_reveal)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/round", response_class=HTMLResponse)
def move_round(
    request: Request, session: SessionDep, access: AccessDep, form: Annotated[f.RoundForm, Form()]
) -> Response:
    service.move_round(session, access=access, to=form.to)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/ready", response_class=HTMLResponse)
def set_ready(
    request: Request, session: SessionDep, access: AccessDep, form: Annotated[f.ReadyForm, Form()]
) -> Response:
    service.set_ready(session, access=access, ready=form.ready)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/accept", response_class=HTMLResponse)
def accept(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    form: Annotated[f.AcceptForm, Form()],
) -> Response:
    agreeing.accept(
        session,
        access=access,
        activity_id=form.activity_id,
        phase_id=form.phase_id,
        use=form.use,
        participant_id=form.participant_id,
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/activities/{activity_id}/revote", response_class=HTMLResponse)
def revote(request: Request, activity_id: int, session: SessionDep, access: AccessDep) -> Response:
    agreeing.revote(session, access=access, activity_id=activity_id)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/activities/{activity_id}/reveal", response_class=HTMLResponse)
def reveal_activity(
    request: Request, activity_id: int, session: SessionDep, access: AccessDep
) -> Response:
    agreeing.reveal_activity(session, access=access, activity_id=activity_id)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/spotlight", response_class=HTMLResponse)
def spotlight(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    form: Annotated[f.SpotlightForm, Form()],
) -> Response:
    discussion.spotlight(session, access=access, activity_id=form.activity_id, minutes=form.minutes)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/timebox", response_class=HTMLResponse)
def timebox(
    request: Request, session: SessionDep, access: AccessDep, form: Annotated[f.TimeboxForm, Form()]
) -> Response:
    discussion.set_timebox(session, access=access, minutes=form.minutes)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/comments", response_class=HTMLResponse)
def comment(
    request: Request, session: SessionDep, access: AccessDep, form: Annotated[f.CommentForm, Form()]
) -> Response:
    discussion.add_comment(
        session, access=access, activity_id=form.activity_id or 0, text=form.text
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/rationale", response_class=HTMLResponse)
def rationale(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    form: Annotated[f.RationaleForm, Form()],
) -> Response:
    discussion.set_rationale(
        session,
        access=access,
        activity_id=form.activity_id or 0,
        phase_id=form.phase_id,
        text=form.text,
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/park", response_class=HTMLResponse)
def park(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    form: Annotated[f.ParkForm, Form()],
) -> Response:
    discussion.park(session, access=access, activity_id=form.activity_id or 0, decider=form.decider)
    return live_response(request, session, access)


@router.get("/boards/{board_id}/fixes/{key}", response_class=HTMLResponse)
def fix_list(
    key: Annotated[str, Path(max_length=120)], session: SessionDep, access: AccessDep
) -> str:
    """The fixes of one rule finding, loaded into its *Fix…* when it is opened."""
    screen = page_screen(session, access)
    offered = screen.fixes
    entry = next((e for e in offered.entries if e.key == key), None)
    if entry is not None and not screen.fixable(entry):
        entry = None
    return render_fragment("_fix_list_partial.html", v=screen.v, s=screen, e=entry, offer=offered)


@router.post("/boards/{board_id}/fixes", response_class=HTMLResponse)
def fix(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    fix: Annotated[str, Form(max_length=200)] = "",
    decider: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Apply one guided fix of a rule finding (the *Fix…* disclosure in the findings panel)."""
    apply_fix(session, access=access, fix_id=fix, decider=decider)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/publish", response_class=HTMLResponse)
def publish(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    form: Annotated[f.PublishForm, Form()],
    today: TodayDep,
) -> Response:
    publishing.publish(
        session,
        access=access,
        label=form.label or None,
        published_by=form.published_by or None,
        next_review=form.next_review,
        today=today,
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/versions/{number}/next")
def next_review(request: Request, number: int, session: SessionDep, access: AccessDep) -> Response:
    board = start_next_review(session, access=access, number=number)
    return redirect(request, f"/f/{board.facilitator_token}")


@router.post("/boards/{board_id}/precheck", response_class=HTMLResponse)
def precheck_mark(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    form: Annotated[f.PrecheckForm, Form()],
) -> Response:
    precheck.mark(
        session,
        access=access,
        activity_id=form.activity_id or 0,
        verdict=form.verdict,
        note=form.note,
    )
    return live_response(request, session, access)
