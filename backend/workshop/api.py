"""The workshop's JSON API: the same actions as the page, and what a screen may read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import col, select

from backend.boards.api import created
from backend.boards.models import Activity
from backend.boards.queries import ordered
from backend.clock import TodayDep
from backend.db import SessionDep
from backend.openapi import READ, WRITE
from backend.participants.models import Participant
from backend.security import AccessDep
from backend.workshop import agreeing, discussion, precheck, publishing, service
from backend.workshop import schemas as ws
from backend.workshop.models import Comment, Proposal, Version
from backend.workshop.review import start_next_review
from backend.workshop.screen import load_screen
from backend.workshop.viewer_api import latest_id, version_out

router = APIRouter(prefix="/api", tags=["workshop"])


@router.get(
    "/boards/{board_id}/workshop",
    response_model=ws.WorkshopOut,
    responses=READ,
    summary="Round, progress and the proposals this token may see",
)
def get_workshop(
    request: Request, session: SessionDep, access: AccessDep, today: TodayDep
) -> ws.WorkshopOut:
    screen = load_screen(session, access.board, role=access.role, viewer=access.participant)
    w, board = screen.w, access.board
    fw = screen.v.framework
    if w.revealed:
        names = {p.participant.id: p.participant.name for p in w.progress}
        rows = session.exec(
            select(Proposal).where(Proposal.board_id == board.id, Proposal.slots != "")
        ).all()
        proposals = [
            ws.ProposalOut(
                activity_id=p.activity_id,
                phase_id=p.phase_id,
                function_id=p.function_id,
                letters=fw.to_letters(p.slots),
                participant_id=p.participant_id,
                participant=names.get(p.participant_id),
            )
            for p in rows
            if p.activity_id not in w.revoting
            or (access.participant and p.participant_id == access.participant.id)
        ]
    else:  # before the reveal nobody gets anyone else's proposals, in any form
        proposals = [
            ws.ProposalOut(activity_id=a, phase_id=p, function_id=f, letters=fw.to_letters(slots))
            for (a, p, f), slots in w.own.items()
        ]
    latest = latest_id(session, board) if w.versions else None
    return ws.WorkshopOut(
        mode=w.mode,
        round=w.round,
        auto_reveal=w.auto_reveal,
        revealed=w.revealed,
        progress=[
            ws.ProgressOut(
                participant_id=p.participant.id,
                name=p.participant.name,
                filled=p.filled,
                ready=p.participant.ready,
            )
            for p in w.progress
        ],
        proposals=proposals,
        agreed=sorted(w.agreed),
        hot_list=[
            {
                "activity_id": h.activity,
                "score": h.score,
                "rule_breaks": [{"phase_id": p, "message": m} for p, m in h.rule_breaks],
            }
            for h in screen.hot
        ],
        ties=[
            ws.TieOut(
                activity_id=a.id,
                phase_id=phase.id,
                options=[
                    ws.TieOptionOut(
                        participant_ids=ids,
                        participants=list(o.voters),
                        letters={f: fw.to_letters(v) for f, v in o.row},
                    )
                    for o, ids in options
                ],
            )
            for a in screen.v.activities
            if a.id not in w.revoting
            for phase, options in screen.ties(a.id)
        ],
        spotlight_activity_id=board.spotlight_activity_id,
        timebox_ends_at=board.timebox_ends_at,
        versions=[version_out(request, board, v, latest=latest, today=today) for v in w.versions],
    )


@router.put(
    "/boards/{board_id}/mode",
    response_model=ws.WorkshopOut,
    responses=WRITE,
    summary="Free or workshop mode, and auto-reveal (facilitator, during set-up)",
)
def put_mode(
    body: ws.ModeIn, request: Request, session: SessionDep, access: AccessDep, today: TodayDep
) -> ws.WorkshopOut:
    service.set_mode(session, access=access, mode=body.mode, auto_reveal=body.auto_reveal)
    return get_workshop(request, session, access, today)


@router.post(
    "/boards/{board_id}/round",
    response_model=ws.WorkshopOut,
    responses=WRITE,
    summary="Move the workshop to the next or previous round (facilitator)",
)
def post_round(
    body: ws.RoundIn, request: Request, session: SessionDep, access: AccessDep, today: TodayDep
) -> ws.WorkshopOut:
    service.move_round(session, access=access, to=body.to)
    return get_workshop(request, session, access, today)


@router.put(
    "/boards/{board_id}/proposals",
    responses=WRITE,
    summary="Your own proposal for one cell (participant)",
)
def put_proposal(body: ws.ProposalIn, session: SessionDep, access: AccessDep) -> dict[str, int]:
    seq = service.propose(
        session,
        access=access,
        activity_id=body.activity_id,
        phase_id=body.phase_id,
        function_id=body.function_id,
        letters=body.letters,
    )
    return {"seq": seq}


@router.put(
    "/boards/{board_id}/ready", responses=WRITE, summary="Mark yourself ready (participant)"
)
def put_ready(body: ws.ReadyIn, session: SessionDep, access: AccessDep) -> dict[str, int]:
    return {"seq": service.set_ready(session, access=access, ready=body.ready)}


@router.post(
    "/boards/{board_id}/accept",
    responses=WRITE,
    summary="Accept proposals as agreed: all unanimous ones, one activity, or one "
    "participant's row for an activity and phase (facilitator)",
)
def post_accept(body: ws.AcceptIn, session: SessionDep, access: AccessDep) -> dict[str, int]:
    seq = agreeing.accept(
        session,
        access=access,
        activity_id=body.activity_id,
        phase_id=body.phase_id,
        use=body.use,
        participant_id=body.participant_id,
    )
    return {"seq": seq}


@router.post(
    "/boards/{board_id}/activities/{activity_id}/revote",
    responses=WRITE,
    summary="Clear an activity's proposals for another silent round (facilitator)",
)
def post_revote(activity_id: int, session: SessionDep, access: AccessDep) -> dict[str, int]:
    return {"seq": agreeing.revote(session, access=access, activity_id=activity_id)}


@router.post(
    "/boards/{board_id}/activities/{activity_id}/reveal",
    responses=WRITE,
    summary="Reveal a re-voted activity's proposals (facilitator)",
)
def post_reveal_activity(
    activity_id: int, session: SessionDep, access: AccessDep
) -> dict[str, int]:
    return {"seq": agreeing.reveal_activity(session, access=access, activity_id=activity_id)}


@router.put(
    "/boards/{board_id}/spotlight",
    responses=WRITE,
    summary="Spotlight an activity, optionally with a timebox (facilitator)",
)
def put_spotlight(body: ws.SpotlightIn, session: SessionDep, access: AccessDep) -> dict[str, int]:
    return {
        "seq": discussion.spotlight(
            session, access=access, activity_id=body.activity_id, minutes=body.minutes
        )
    }


@router.put(
    "/boards/{board_id}/timebox", responses=WRITE, summary="Start or clear a timebox (facilitator)"
)
def put_timebox(body: ws.TimeboxIn, session: SessionDep, access: AccessDep) -> dict[str, int]:
    return {"seq": discussion.set_timebox(session, access=access, minutes=body.minutes)}


@router.get("/boards/{board_id}/comments", response_model=list[ws.CommentOut], responses=READ)
def get_comments(session: SessionDep, access: AccessDep) -> list[ws.CommentOut]:
    rows = session.exec(
        select(Comment).where(Comment.board_id == access.board.id).order_by(col(Comment.id))
    )
    return [ws.CommentOut.model_validate(c, from_attributes=True) for c in rows]


@router.post(
    "/boards/{board_id}/comments",
    status_code=201,
    response_model=ws.CommentOut,
    responses=WRITE,
    summary="Comment on an activity (participant or facilitator)",
)
def post_comment(body: ws.CommentIn, session: SessionDep, access: AccessDep) -> ws.CommentOut:
    c = discussion.add_comment(session, access=access, activity_id=body.activity_id, text=body.text)
    return ws.CommentOut.model_validate(c, from_attributes=True)


@router.put(
    "/boards/{board_id}/rationale",
    responses=WRITE,
    summary="The rationale of a decision, per activity or per phase (facilitator)",
)
def put_rationale(body: ws.RationaleIn, session: SessionDep, access: AccessDep) -> dict[str, int]:
    return {
        "seq": discussion.set_rationale(
            session,
            access=access,
            activity_id=body.activity_id,
            phase_id=body.phase_id,
            text=body.text,
        )
    }


@router.put(
    "/boards/{board_id}/park",
    responses=WRITE,
    summary="Park an activity with the person who will decide; empty decider un-parks (facilitator)",
)
def put_park(body: ws.ParkIn, session: SessionDep, access: AccessDep) -> dict[str, int]:
    return {
        "seq": discussion.park(
            session, access=access, activity_id=body.activity_id, decider=body.decider
        )
    }


@router.post(
    "/boards/{board_id}/versions",
    status_code=201,
    response_model=ws.VersionOut,
    responses=WRITE,
    summary="Publish the agreed matrix as a new immutable version (facilitator)",
)
def post_version(
    body: ws.PublishIn, request: Request, session: SessionDep, access: AccessDep, today: TodayDep
) -> ws.VersionOut:
    version = publishing.publish(
        session,
        access=access,
        label=body.label,
        published_by=body.published_by,
        next_review=body.next_review,
        today=today,
    )
    return version_out(request, access.board, version, latest=version.id, today=today)


@router.post(
    "/boards/{board_id}/versions/{number}/next",
    status_code=201,
    responses=WRITE,
    summary="Start the next review from a published version (facilitator)",
)
def post_next_review(number: int, request: Request, session: SessionDep, access: AccessDep) -> dict:  # type: ignore[type-arg]
    board = start_next_review(session, access=access, number=number)
    return created(request, board).model_dump()


@router.get("/boards/{board_id}/versions", response_model=list[ws.VersionOut], responses=READ)
def get_versions(
    request: Request, session: SessionDep, access: AccessDep, today: TodayDep
) -> list[ws.VersionOut]:
    rows = session.exec(
        select(Version).where(Version.board_id == access.board.id).order_by(col(Version.number))
    ).all()
    latest = latest_id(session, access.board)
    return [version_out(request, access.board, v, latest=latest, today=today) for v in rows]


@router.put(
    "/boards/{board_id}/precheck",
    responses=WRITE,
    summary="Answer the pre-check for one activity: still true, needs discussion (participant)",
)
def put_precheck(body: ws.PrecheckIn, session: SessionDep, access: AccessDep) -> dict[str, int]:
    return {
        "seq": precheck.mark(
            session,
            access=access,
            activity_id=body.activity_id,
            verdict=body.verdict,
            note=body.note,
        )
    }


@router.get(
    "/boards/{board_id}/precheck",
    response_model=ws.PrecheckAgendaOut,
    responses=READ,
    summary="The pre-check's answers: what the room wants to spend time on",
)
def get_precheck(session: SessionDep, access: AccessDep) -> ws.PrecheckAgendaOut:
    board = access.board
    pc = precheck.load_precheck(
        session,
        board,
        activities=ordered(session, Activity, board.id),
        participants=list(
            session.exec(select(Participant).where(Participant.board_id == board.id))
        ),
        viewer=access.participant,
    )
    return ws.PrecheckAgendaOut(
        open=pc.open,
        participants=pc.participants,
        answered_by=pc.answered_by,
        mine=pc.mine,
        agenda=[
            ws.PrecheckOut(
                activity_id=t.activity.id,
                activity=t.activity.name,
                still_true=t.ok,
                needs_discussion=t.discuss,
                notes=[{"name": n, "note": text} for n, text in t.notes],
            )
            for t in pc.tallies
        ],
    )
