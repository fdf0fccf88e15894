"""The JSON API of boards, cells, structure, participants and the change log."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from backend.boards import schemas as s
from backend.boards import service
from backend.boards.queries import MatrixView, load_matrix
from backend.boards.service import ActivitySpec
from backend.catalogue.loader import load_catalogue
from backend.changes.service import changes_after, public_data
from backend.db import SessionDep
from backend.domain.frameworks import FRAMEWORKS
from backend.exports.importer import MAX_IMPORT_BYTES, create_from_spec, parse_upload
from backend.flows import boards as board_flows
from backend.flows import people
from backend.flows.cells import set_cell_by_token
from backend.limits import NEW_BOARD_LIMIT
from backend.links import links
from backend.openapi import CREATE, READ, WRITE, errors
from backend.participants import service as participants
from backend.security import AccessDep, request_token
from backend.validation import MAX_ID

router = APIRouter(prefix="/api", tags=["boards"])
# The edit route on its own router, which the app includes before every other: a request is
# matched against routes in order, and this is the one the room sends on every click.
edit_router = APIRouter(prefix="/api", tags=["boards"])


def board_out(view: MatrixView, access) -> s.BoardOut:  # type: ignore[no-untyped-def]
    fw = view.framework
    return s.BoardOut(
        id=view.board.id,
        title=view.board.title,
        framework=fw.key,
        seq=view.seq,
        phases=[s.ItemOut(id=p.id, name=p.name, position=p.position) for p in view.phases],
        functions=[s.ItemOut(id=f.id, name=f.name, position=f.position) for f in view.functions],
        activities=[
            s.ItemOut(
                id=a.id,
                name=a.name,
                position=a.position,
                description=a.description,
                sources=[x for x in a.sources.split("\n") if x],
            )
            for a in view.activities
        ],
        cells=[
            s.CellOut(activity_id=a, phase_id=p, function_id=f, letters=fw.to_letters(slots))
            for (a, p, f), slots in view.cells.items()
        ],
        checks=[
            s.CheckOut(
                activity_id=a,
                phase_id=p,
                state=st.state,
                findings=[s.FindingOut(**f.__dict__) for f in st.findings],
            )
            for (a, p), st in view.check.cells.items()
        ],
        phase_checks=[
            s.PhaseCheckOut(
                phase_id=p,
                state=st.state,
                findings=[s.FindingOut(**f.__dict__) for f in st.findings],
            )
            for p, st in view.check.phases.items()
        ],
        participants=[
            s.ParticipantOut(id=p.id, name=p.name, function_id=p.function_id, joined_at=p.joined_at)
            for p in view.participants
        ],
        you=s.YouOut(
            role=access.role, participant_id=access.participant.id if access.participant else None
        ),
    )


@router.get("/frameworks", summary="Framework presets and their role letters")
def frameworks() -> list[dict]:
    return [
        {
            "key": f.key,
            "label": f.label,
            "max_drivers": f.max_drivers,
            "roles": [r.__dict__ for r in f.roles],
        }
        for f in FRAMEWORKS.values()
    ]


@router.get("/catalogue", summary="The seeded PM/PMM activity catalogue")
def catalogue() -> list[dict]:
    return [a.__dict__ for a in load_catalogue()]


@router.post(
    "/boards",
    status_code=201,
    response_model=s.BoardCreated,
    responses=CREATE,
    dependencies=NEW_BOARD_LIMIT,
)
def create_board(body: s.BoardCreate, request: Request, session: SessionDep) -> s.BoardCreated:
    specs = None
    if body.activities is not None:
        specs = [ActivitySpec(a.name, a.description) for a in body.activities]
    board = service.create_board(
        session,
        title=body.title,
        framework=body.framework,
        phases=body.phases,
        functions=body.functions,
        activities=specs,
    )
    return created(request, board)


def created(request: Request, board) -> s.BoardCreated:  # type: ignore[no-untyped-def]
    urls = links(request, board)
    return s.BoardCreated(
        id=board.id,
        title=board.title,
        framework=board.framework,
        facilitator_token=board.facilitator_token,
        join_token=board.join_token,
        facilitator_url=urls["facilitator"],
        join_url=urls["join"],
    )


@router.post(
    "/import",
    status_code=201,
    response_model=s.BoardCreated,
    responses=CREATE,
    dependencies=NEW_BOARD_LIMIT,
    summary="A new board from a Lockstep JSON export or a long CSV export (multipart file)",
)
def import_board(
    request: Request, session: SessionDep, file: UploadFile = File(...), title: str = Form("")
) -> s.BoardCreated:
    # A plain ``def``: reading and parsing up to 2 MB runs in a worker thread, off the loop.
    raw = file.file.read(MAX_IMPORT_BYTES + 1)
    spec = parse_upload(raw, file.filename or "", title=title or None)
    return created(request, create_from_spec(session, spec))


@router.get("/boards/{board_id}", response_model=s.BoardOut, responses=READ)
def get_board(session: SessionDep, access: AccessDep) -> s.BoardOut:
    return board_out(load_matrix(session, access.board), access)


@router.patch(
    "/boards/{board_id}",
    response_model=s.Saved,
    responses=WRITE,
    summary="Rename the board (facilitator)",
)
def patch_board(body: s.BoardPatch, session: SessionDep, access: AccessDep) -> s.Saved:
    return s.Saved(seq=service.rename_board(session, access=access, title=body.title))


@router.delete(
    "/boards/{board_id}",
    status_code=204,
    responses=WRITE,
    summary="Delete the board (facilitator)",
)
def delete_board(session: SessionDep, access: AccessDep) -> Response:
    board_flows.delete_board(session, access=access)
    return Response(status_code=204)


@edit_router.put(
    "/boards/{board_id}/cells",
    response_model=s.Saved,
    responses=WRITE,
    summary="Set one cell's role letters (empty clears): the shared matrix in free mode, "
    "the agreed matrix (facilitator) in a workshop",
)
async def put_cell(board_id: int, body: s.CellIn, request: Request) -> s.Saved:
    seq = await set_cell_by_token(
        board_id=board_id,
        token=request_token(request),
        activity_id=body.activity_id,
        phase_id=body.phase_id,
        function_id=body.function_id,
        letters=body.letters,
    )
    return s.Saved(seq=seq)


@router.post(
    "/join/{join_token}",
    status_code=201,
    response_model=s.Joined,
    responses=errors(400, 404, 413, 422),
    tags=["participants"],
    summary="Join a board with the participant link's token",
)
def join(join_token: str, body: s.JoinIn, session: SessionDep) -> s.Joined:
    board = participants.board_for_join_token(session, join_token)
    p = people.join(session, board=board, name=body.name, function_id=body.function_id)
    return s.Joined(board_id=board.id, participant_id=p.id, token=p.secret)


@router.delete(
    "/boards/{board_id}/participants/{participant_id}",
    status_code=204,
    responses=WRITE,
    tags=["participants"],
    summary="Remove a participant (facilitator)",
)
def remove_participant(participant_id: int, session: SessionDep, access: AccessDep) -> Response:
    people.remove(session, access=access, participant_id=participant_id)
    return Response(status_code=204)


@router.post(
    "/boards/{board_id}/{kind}",
    status_code=201,
    response_model=s.ItemOut,
    responses=WRITE,
    summary="Add a phase, function or activity (facilitator)",
)
def add_item(kind: s.Kind, body: s.ItemIn, session: SessionDep, access: AccessDep) -> s.ItemOut:
    item = service.add_item(
        session, access=access, kind=kind, name=body.name, description=body.description
    )
    return s.ItemOut(id=item.id, name=item.name, position=item.position)


@router.patch(
    "/boards/{board_id}/{kind}/{item_id}",
    response_model=s.Saved,
    responses=WRITE,
    summary="Rename, describe or move a phase, function or activity (facilitator)",
)
def patch_item(
    kind: s.Kind, item_id: int, body: s.ItemPatch, session: SessionDep, access: AccessDep
) -> s.Saved:
    seq = service.update_item(
        session,
        access=access,
        kind=kind,
        item_id=item_id,
        name=body.name,
        description=body.description,
        to=body.position,
    )
    return s.Saved(seq=seq)


@router.delete(
    "/boards/{board_id}/{kind}/{item_id}",
    status_code=204,
    responses=WRITE,
    summary="Remove a phase, function or activity and its cells (facilitator)",
)
def delete_item(kind: s.Kind, item_id: int, session: SessionDep, access: AccessDep) -> Response:
    service.remove_item(session, access=access, kind=kind, item_id=item_id)
    return Response(status_code=204)


@router.get(
    "/boards/{board_id}/changes",
    response_model=list[s.ChangeOut],
    responses=READ,
    summary="The board's change log after a sequence number",
    description="A proposal's entry says only that its author set a proposal, never where.",
)
def list_changes(
    session: SessionDep,
    access: AccessDep,
    after: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(100, ge=1, le=1000),
) -> list[s.ChangeOut]:
    rows = changes_after(session, board_id=access.board.id, after=after, limit=limit)
    return [
        s.ChangeOut(
            seq=c.seq,
            kind=c.kind,
            data=public_data(c),
            actor=c.actor,
            actor_role=c.actor_role,
            created_at=c.created_at,
        )
        for c in rows
    ]
