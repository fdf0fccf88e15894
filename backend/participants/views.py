"""Joining through the participant link, and the facilitator removing someone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from backend.boards.models import TeamFunction
from backend.boards.views import board_page, live_response, redirect
from backend.db import SessionDep
from backend.flows import people
from backend.participants import service
from backend.participants.models import Participant
from backend.security import PARTICIPANT, Access, AccessDep, participant_cookie
from backend.validation import MAX_PARTICIPANT_NAME, is_token
from backend.web import render

router = APIRouter(include_in_schema=False)
COOKIE_MAX_AGE = 180 * 24 * 3600


@router.get("/j/{token}", response_class=HTMLResponse)
def join_page(token: str, request: Request, session: SessionDep) -> HTMLResponse:
    board = service.board_for_join_token(session, token)
    secret = request.cookies.get(participant_cookie(board.id))
    if is_token(secret):
        me = session.exec(select(Participant).where(Participant.secret == secret)).first()
        if me is not None and me.board_id == board.id:
            return board_page(request, session, Access(board, PARTICIPANT, secret, me))
    functions = session.exec(
        select(TeamFunction)
        .where(TeamFunction.board_id == board.id)
        .order_by(col(TeamFunction.position))
    ).all()
    return render(
        request, "join.html", board=board, functions=functions, max_name=MAX_PARTICIPANT_NAME
    )


@router.post("/j/{token}")
def join(
    token: str,
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form()] = "",
    function_id: Annotated[int | None, Form()] = None,
) -> Response:
    board = service.board_for_join_token(session, token)
    participant = people.join(session, board=board, name=name, function_id=function_id)
    response = redirect(request, f"/j/{token}")
    response.set_cookie(
        participant_cookie(board.id),
        participant.secret,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        path="/",
    )
    return response


@router.post("/boards/{board_id}/participants/{participant_id}/remove", response_class=HTMLResponse)
def remove(
    request: Request, participant_id: int, session: SessionDep, access: AccessDep
) -> HTMLResponse:
    people.remove(session, access=access, participant_id=participant_id)
    return live_response(request, session, access)
