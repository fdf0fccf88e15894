"""Pages and htmx fragments of a board. Thin: parse the form, call a service, render."""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session, select

from backend import render_cache
from backend.boards import service
from backend.boards.models import Board
from backend.boards.service import DEFAULT_FUNCTIONS, DEFAULT_PHASES, ActivitySpec
from backend.catalogue.loader import load_catalogue
from backend.changes.service import cell_edits
from backend.clock import today
from backend.db import SessionDep, get_engine
from backend.domain import cadence
from backend.domain.frameworks import FRAMEWORKS
from backend.errors import Invalid, NotFound
from backend.exports.importer import MAX_IMPORT_BYTES, create_from_spec, parse_upload
from backend.flows import boards as board_flows
from backend.flows.cells import set_cell_by_token
from backend.history.lineage import history_token
from backend.limits import NEW_BOARD_LIMIT
from backend.links import base_url, links
from backend.live.render import cell_fragments
from backend.security import Access, AccessDep, request_token, resolve
from backend.validation import MAX_TITLE, is_token
from backend.web import Spliced, is_htmx, render, render_spliced, templates
from backend.workshop import rounds
from backend.workshop.screen import Screen, load_screen
from backend.workshop.screen_update import advance

router = APIRouter(include_in_schema=False)


def redirect(request: Request, url: str) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def screen_for(session: SessionDep, access: Access) -> Screen:
    return load_screen(session, access.board, role=access.role, viewer=access.participant)


ROWS = "<!--rows-->"  # where _matrix_partial.html's rows go (see _matrix)


def _matrix(screen: Screen, access: Access) -> bytes:
    """The matrix for this viewer, encoded. Its rows are joined here rather than in the
    template (each would be copied twice there), each kept encoded: rows no cell edit
    touched since they were rendered (in the same generation of screens) are reused, and
    a big board's matrix is put together without encoding megabytes of text again."""
    own = _own(screen, access)
    row_template = templates.get_template("_row_partial.html")
    rows = [
        render_cache.cached_row(
            ("row", screen.generation, access.role, own, a.id),
            screen.v.seq,
            screen.touched.get(a.id or 0, -1),
            lambda a=a: row_template.render(v=screen.v, s=screen, access=access, a=a).encode(),  # type: ignore[misc]
        )
        for a in screen.v.activities
    ]
    html = templates.get_template("_matrix_partial.html").render(
        v=screen.v, s=screen, access=access, rows=Markup(ROWS)
    )
    before, _, after = html.partition(ROWS)
    return b"".join([before.encode(), *rows, after.encode()])


def _own(screen: Screen, access: Access) -> int | None:
    """In a workshop, the participant whose own proposals the matrix shows."""
    board = screen.v.board
    return access.participant.id if access.participant and board.mode == rounds.WORKSHOP else None


def _matrix_key(screen: Screen, access: Access) -> tuple[object, ...]:
    """A matrix is rendered once per board state and kind of viewer."""
    board = screen.v.board
    return (
        "matrix",
        board.id,
        board.facilitator_token,
        screen.v.seq,
        access.role,
        _own(screen, access),
    )


def matrix_bytes(screen: Screen, access: Access) -> bytes:
    return render_cache.cached(_matrix_key(screen, access), lambda: _matrix(screen, access))


def matrix_html(screen: Screen, access: Access) -> Markup:
    return Markup(matrix_bytes(screen, access).decode())


def setup_bytes(screen: Screen) -> bytes:
    """The facilitator's set-up panel (title, phases, functions, activities), encoded,
    rendered once per generation of screens: cell edits, all that moves a screen forward,
    do not change it (on a 200-activity board it is a good part of the page)."""
    return render_cache.cached(
        ("setup", screen.generation),
        lambda: templates.get_template("_setup_partial.html").render(v=screen.v).encode(),
    )


def setup_html(screen: Screen) -> Markup:
    return Markup(setup_bytes(screen).decode())


def page_parts(screen: Screen, access: Access, spliced: Spliced) -> dict[str, object]:
    """The matrix and the set-up panel as a full page's spliced parts, kept encoded."""
    return {
        "matrix_html": lambda: spliced.part(matrix_bytes(screen, access)),
        "setup_html": lambda: spliced.part(setup_bytes(screen)),
    }


def review_dates() -> dict[str, str]:
    """The publish form's next review date: its default and the range it may take."""
    day = today()
    return {
        "default": cadence.default_next_review(day).isoformat(),
        "min": day.isoformat(),
        "max": cadence.latest_review_date(day).isoformat(),
    }


def screen_context(request: Request, screen: Screen, access: Access) -> dict[str, object]:
    board = screen.v.board
    return {
        "matrix_html": lambda: matrix_html(screen, access),  # rendered only where used
        "setup_html": lambda: setup_html(screen),
        "v": screen.v,
        "s": screen,
        "access": access,
        "rounds": list(rounds.LABELS.items()),
        "labels": rounds.LABELS,
        "forward": rounds.FORWARD.get(board.round) if board.mode == rounds.WORKSHOP else None,
        "back": rounds.BACK.get(board.round) if board.mode == rounds.WORKSHOP else None,
        "default_label": screen.review_label or rounds.quarter_label(),
        "review_dates": review_dates(),
        "base_url": base_url(request),
    }


def page_screen(session: SessionDep, access: Access, *, seq: int | None = None) -> Screen:
    """The screen for a page read: ``access.board`` was read at the start of this request
    and nothing was written since, so the state ``load_screen`` reads is at least as new as
    its ``last_seq`` (as for the matrix cache). After this request's own write, ``seq`` is
    that write's sequence (``access.board.last_seq`` is stale then)."""
    board = access.board
    upto = board.last_seq if seq is None else seq
    if board.viewer_token or board.parent_version_id:
        # Published, or a review: the page also shows other boards (the reviews started
        # from it, the version it started from), which change without this board's
        # sequence moving. Read it fresh.
        return screen_for(session, access)
    viewer = access.participant.id if access.participant else None
    # The token too: SQLite may give a deleted board's id to a new board.
    family = ("screen", board.id, board.facilitator_token, access.role, viewer)

    def load(before: object | None) -> Screen:
        # After cell edits (the usual case), the last screen moved forward by them.
        if isinstance(before, Screen) and before.v.seq < upto:
            edits = cell_edits(session, board_id=board.id or 0, after=before.v.seq, upto=upto)
            moved = advance(before, edits) if edits is not None else None
            if moved is not None and moved.v.seq == upto:
                return moved
        return screen_for(session, access)

    return render_cache.cached_screen((*family, upto), load, family=family)  # type: ignore[return-value]


def tools(request: Request, session: SessionDep, access: Access) -> dict[str, object]:
    """The side column's links and exports (the same for the whole session)."""
    return {
        "token": access.token,
        "links": links(request, access.board),
        "history_token": history_token(session, access.board, parent=access.is_facilitator),
    }


def board_page(request: Request, session: SessionDep, access: Access) -> HTMLResponse:
    screen = page_screen(session, access)
    spliced = Spliced()
    context: dict[str, Any] = {
        **screen_context(request, screen, access),
        **page_parts(screen, access, spliced),
        "token": access.token,
        "tools": tools(request, session, access),
    }
    return render_spliced(request, "board.html", spliced, **context)


def live_html(
    request: Request, session: SessionDep, access: Access, *, oob: bool
) -> tuple[str, int]:
    """The board's live part for this viewer, and the change sequence it is at least as new as."""
    screen = screen_for(session, access)
    ctx = screen_context(request, screen, access)
    inner = templates.get_template("_live_partial.html").render(
        **ctx, tools=tools(request, session, access)
    )
    if not oob:
        return inner, screen.v.seq
    return f'<div id="live" hx-swap-oob="innerHTML">{inner}</div>', screen.v.seq


def live_response(request: Request, session: SessionDep, access: Access) -> HTMLResponse:
    """Answer to a facilitator action: the refreshed live part, swapped out of band."""
    html, _ = live_html(request, session, access, oob=True)
    return HTMLResponse(html)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(
        request,
        "home.html",
        frameworks=list(FRAMEWORKS.values()),
        catalogue=load_catalogue(),
        default_phases=DEFAULT_PHASES,
        default_functions=DEFAULT_FUNCTIONS,
        limits={"title": MAX_TITLE},
    )


@router.post("/boards", dependencies=NEW_BOARD_LIMIT)
def create_board(
    request: Request,
    session: SessionDep,
    title: Annotated[str, Form()] = "",
    framework: Annotated[str, Form()] = "odci",
    phases: Annotated[str | None, Form()] = None,
    functions: Annotated[str | None, Form()] = None,
    catalogue: Annotated[list[str] | None, Form()] = None,
    extra_activities: Annotated[str, Form()] = "",
) -> Response:
    chosen = set(catalogue or [])
    specs = [
        ActivitySpec(a.name, a.description, a.sources) for a in load_catalogue() if a.key in chosen
    ]
    specs += [ActivitySpec(line) for line in extra_activities.splitlines() if line.strip()]
    board = service.create_board(
        session,
        title=title,
        framework=framework,
        phases=None if phases is None else phases.splitlines(),
        functions=None if functions is None else functions.splitlines(),
        activities=specs,
    )
    return redirect(request, f"/f/{board.facilitator_token}")


@router.post("/boards/import", dependencies=NEW_BOARD_LIMIT)
def import_board(
    request: Request,
    session: SessionDep,
    file: Annotated[UploadFile | None, File()] = None,
    title: Annotated[str, Form()] = "",
) -> Response:
    if file is None or not file.filename:
        raise Invalid("Choose a Lockstep JSON export or a long CSV export to import")
    # A plain ``def``: reading and parsing up to 2 MB runs in a worker thread, off the loop.
    raw = file.file.read(MAX_IMPORT_BYTES + 1)
    spec = parse_upload(raw, file.filename, title=title or None)
    board = create_from_spec(session, spec)
    return redirect(request, f"/f/{board.facilitator_token}")


@router.get("/f/{token}", response_class=HTMLResponse)
def facilitator_page(token: str, request: Request, session: SessionDep) -> HTMLResponse:
    board = None
    if is_token(token):
        board = session.exec(select(Board).where(Board.facilitator_token == token)).first()
    if board is None:
        raise NotFound("This facilitator link is not valid. Check that it was copied whole.")
    return board_page(request, session, Access(board=board, role="facilitator", token=token))


@router.get("/boards/{board_id}/live", response_class=HTMLResponse)
def live_fragment(request: Request, session: SessionDep, access: AccessDep) -> HTMLResponse:
    html, seq = live_html(request, session, access, oob=False)
    return HTMLResponse(html, headers={"X-Lockstep-Seq": str(seq)})


@router.post("/boards/{board_id}/cells", response_class=HTMLResponse)
async def set_cell(
    request: Request,
    board_id: int,
    activity_id: Annotated[int, Form()],
    phase_id: Annotated[int, Form()],
    function_id: Annotated[int, Form()],
    letters: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    """A click or key on a cell: the same edit path as the API (queued, in batches), then
    the fragments this screen shows for it."""
    token = request_token(request)
    seq = await set_cell_by_token(
        board_id=board_id,
        token=token,
        activity_id=activity_id,
        phase_id=phase_id,
        function_id=function_id,
        letters=letters,
        proposals=True,
    )
    html = await to_thread.run_sync(_cell_answer, request, board_id, token, seq, activity_id)
    return HTMLResponse(html)


def _cell_answer(
    request: Request, board_id: int, token: str | None, seq: int, activity: int
) -> str:
    with Session(get_engine(), expire_on_commit=False) as session:
        access = resolve(session, board_id=board_id, token=token)
        session.commit()
        # The last screen of this board and viewer moved forward by the edit (and any made
        # meanwhile), not the whole board read again.
        screen = page_screen(session, access, seq=seq)
        html = cell_fragments(screen, activity)
        if screen.w.is_workshop:  # counts in the round panel follow this person's own edits
            html += templates.get_template("_workshop_partial.html").render(
                **screen_context(request, screen, access), oob=True
            )
        return html


@router.post("/boards/{board_id}/title", response_class=HTMLResponse)
def rename_board(
    request: Request, session: SessionDep, access: AccessDep, title: Annotated[str, Form()] = ""
) -> HTMLResponse:
    service.rename_board(session, access=access, title=title)
    html, _ = live_html(request, session, access, oob=True)
    title = templates.get_template("_title_partial.html").render(
        v={"board": access.board}, oob=True
    )
    return HTMLResponse(html + title)


@router.post("/boards/{board_id}/delete")
def delete_board(request: Request, session: SessionDep, access: AccessDep) -> Response:
    board_flows.delete_board(session, access=access)
    return redirect(request, "/")


@router.post("/boards/{board_id}/{kind}", response_class=HTMLResponse)
def add_item(
    request: Request,
    kind: str,
    session: SessionDep,
    access: AccessDep,
    name: Annotated[str, Form()] = "",
) -> HTMLResponse:
    service.add_item(session, access=access, kind=kind, name=name)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/{kind}/{item_id}/rename", response_class=HTMLResponse)
def rename_item(
    request: Request,
    kind: str,
    item_id: int,
    session: SessionDep,
    access: AccessDep,
    name: Annotated[str, Form()] = "",
) -> HTMLResponse:
    service.update_item(session, access=access, kind=kind, item_id=item_id, name=name)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/{kind}/{item_id}/move", response_class=HTMLResponse)
def move_item(
    request: Request,
    kind: str,
    item_id: int,
    session: SessionDep,
    access: AccessDep,
    to: Annotated[int, Form()],
) -> HTMLResponse:
    service.move_item(session, access=access, kind=kind, item_id=item_id, to=to)
    return live_response(request, session, access)


@router.post("/boards/{board_id}/{kind}/{item_id}/delete", response_class=HTMLResponse)
def remove_item(
    request: Request, kind: str, item_id: int, session: SessionDep, access: AccessDep
) -> HTMLResponse:
    service.remove_item(session, access=access, kind=kind, item_id=item_id)
    return live_response(request, session, access)
