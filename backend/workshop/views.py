"""Page actions of the facilitated workshop (htmx). Each answers with the refreshed live
part for the person acting; everyone else hears of it through the live stream."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from backend.boards.views import live_response, redirect
from backend.db import SessionDep
from backend.errors import Invalid
from backend.security import AccessDep
from backend.workshop import agreeing, discussion, precheck, publishing, service
from backend.workshop.review import start_next_review

router = APIRouter(include_in_schema=False)
Opt = Annotated[str, Form()]


def _int(value: str, what: str) -> int | None:
    if value in ("", None):
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(f"{what} must be a whole number") from None


def _float(value: str, what: str) -> float | None:
    if value in ("", None):
        return None
    try:
        return float(value)
    except ValueError:
        raise Invalid(f"{what} must be a number") from None


def _bool(value: str) -> bool:
    return value.lower() in ("1", "true", "on", "yes")


@router.post("/boards/{board_id}/mode", response_class=HTMLResponse)
def set_mode(
    request: Request, session: SessionDep, access: AccessDep, mode: Opt = "", auto_reveal: Opt = ""
) -> Response:
    service.set_mode(
        session, access=access, mode=mode, auto_reveal=_bool(auto_reveal) if auto_reveal else None
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/round", response_class=HTMLResponse)
def move_round(request: Request, session: SessionDep, access: AccessDep, to: Opt = "") -> Response:
    service.move_round(session, access=access, to=to)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/ready", response_class=HTMLResponse)
def set_ready(
    request: Request, session: SessionDep, access: AccessDep, ready: Opt = "true"
) -> Response:
    service.set_ready(session, access=access, ready=_bool(ready))
    return live_response(request, session, access)


@router.post("/boards/{board_id}/accept", response_class=HTMLResponse)
def accept(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    activity_id: Opt = "",
    phase_id: Opt = "",
    use: Opt = "unanimous",
    participant_id: Opt = "",
) -> Response:
    agreeing.accept(
        session,
        access=access,
        activity_id=_int(activity_id, "activity_id"),
        phase_id=_int(phase_id, "phase_id"),
        use=use,
        participant_id=_int(participant_id, "participant_id"),
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
    activity_id: Opt = "",
    minutes: Opt = "",
) -> Response:
    discussion.spotlight(
        session,
        access=access,
        activity_id=_int(activity_id, "activity_id"),
        minutes=_float(minutes, "minutes"),
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/timebox", response_class=HTMLResponse)
def timebox(
    request: Request, session: SessionDep, access: AccessDep, minutes: Opt = ""
) -> Response:
    discussion.set_timebox(session, access=access, minutes=_float(minutes, "minutes"))
    return live_response(request, session, access)


@router.post("/boards/{board_id}/comments", response_class=HTMLResponse)
def comment(
    request: Request, session: SessionDep, access: AccessDep, activity_id: Opt = "", text: Opt = ""
) -> Response:
    discussion.add_comment(
        session, access=access, activity_id=_int(activity_id, "activity_id") or 0, text=text
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/rationale", response_class=HTMLResponse)
def rationale(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    activity_id: Opt = "",
    phase_id: Opt = "",
    text: Opt = "",
) -> Response:
    discussion.set_rationale(
        session,
        access=access,
        activity_id=_int(activity_id, "activity_id") or 0,
        phase_id=_int(phase_id, "phase_id"),
        text=text,
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/park", response_class=HTMLResponse)
def park(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    activity_id: Opt = "",
    decider: Opt = "",
) -> Response:
    discussion.park(
        session, access=access, activity_id=_int(activity_id, "activity_id") or 0, decider=decider
    )
    return live_response(request, session, access)


@router.post("/boards/{board_id}/publish", response_class=HTMLResponse)
def publish(
    request: Request,
    session: SessionDep,
    access: AccessDep,
    label: Opt = "",
    published_by: Opt = "",
) -> Response:
    publishing.publish(
        session, access=access, label=label or None, published_by=published_by or None
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
    activity_id: Opt = "",
    verdict: Opt = "",
    note: Opt = "",
) -> Response:
    precheck.mark(
        session,
        access=access,
        activity_id=_int(activity_id, "activity_id") or 0,
        verdict=verdict,
        note=note,
    )
    return live_response(request, session, access)
