"""The live event stream of one board (server-sent events).

Each event's SSE ``id`` is the change's sequence number. A client resumes with
``Last-Event-ID`` (browsers send it on reconnect) or ``?since=N``: it gets exactly
the changes after N, then live ones, with no gap and no duplicate. A client too
far behind, or with an id that makes no sense for this board, gets one ``refresh``
event (reload the board) whose id is the board's current sequence.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

from anyio import to_thread
from fastapi import APIRouter, Request
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from backend.boards.models import Board
from backend.changes.service import changes_after
from backend.config import get_settings
from backend.db import get_engine
from backend.live.hub import Hub
from backend.live.render import GONE, PING, PRESENCE, REFRESH, LiveEvent, render_changes
from backend.live.stream import LiveStream
from backend.observability.metrics import SEND_DELAY
from backend.openapi import ERROR_TEXT
from backend.security import request_token, resolve

router = APIRouter()
PATH = "/boards/{board_id}/events"
RETRY_MS = 1000  # how soon a browser reconnects after a dropped stream


def parse_since(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        return -1  # nonsense: answered with a refresh
    return value


def backlog(board_id: int, since: int, current: int, limit: int) -> list[LiveEvent]:
    if since < 0 or since > current:
        return [LiveEvent(current, REFRESH, "")]
    if since == current:
        return []
    with Session(get_engine()) as session:
        missed = changes_after(session, board_id=board_id, after=since, limit=limit + 1)
        if len(missed) > limit:
            return [LiveEvent(current, REFRESH, "")]
        return render_changes(session, board_id, missed)[0]


def sse(event: LiveEvent) -> bytes:
    return event.encoded()


async def board_events(request: Request) -> LiveStream:
    """A plain Starlette route, not a FastAPI one: a screen holds it open all session, and
    FastAPI's per-request machinery (its exit stacks and wrappers) cost a few kilobytes per
    open screen. Described in the OpenAPI by ``OPENAPI`` below."""
    board_id = request.path_params["board_id"]
    # Checked with a short-lived session: a stream must not hold a database connection.
    me = await to_thread.run_sync(_check_access, board_id, request_token(request))
    hub: Hub = request.app.state.hub
    settings = get_settings()
    since = parse_since(request.headers.get("last-event-id"))
    if since is None:
        since = parse_since(request.query_params.get("since"))

    def ends_me(event: LiveEvent) -> bool:
        return event.name == GONE or (me is not None and event.removed_participant == me)

    async def stream() -> AsyncIterator[bytes | None]:
        # Subscribe before reading the current sequence: nothing committed after it is missed.
        sub = await hub.subscribe(board_id, me)
        try:
            # Every change after ``watched`` reaches this subscription's queue. A screen that
            # is already there (the usual case: its page was just rendered) needs no reading.
            watched = hub.last_seq(board_id)
            try:
                if since is None or since == watched:
                    cursor, missed = (watched if since is None else since), []
                else:
                    cursor = since
                    missed = await to_thread.run_sync(
                        _catch_up, board_id, since, settings.replay_limit
                    )
            except OperationalError:
                # The database is away: end this stream; the browser comes back (with its
                # Last-Event-ID) after the retry delay and catches up then.
                yield f": database unavailable, reconnect later\r\nretry: {RETRY_MS * 2}\r\n\r\n".encode()
                return
            yield f": connected\r\nretry: {RETRY_MS}\r\n\r\n".encode()
            for event in missed:
                if ends_me(event):
                    yield sse(LiveEvent(event.seq, GONE, ""))
                    return
                yield sse(event)
                cursor = max(cursor, event.seq)
            yield hub.presence(board_id).encoded()
            while True:
                event = await sub.queue.get()
                if event.name == PING:
                    yield None  # a keep-alive comment
                    continue
                if event.name == PRESENCE:
                    yield event.encoded()  # no id: presence is not in the log
                    continue
                if ends_me(event):
                    yield sse(LiveEvent(event.seq, GONE, ""))
                    return
                if event.name == REFRESH:
                    sub.overflowed = False
                elif event.seq <= cursor:
                    continue  # already sent from the backlog
                if event.at:
                    SEND_DELAY.observe(time.time() - event.at)
                yield sse(event)
                cursor = max(cursor, event.seq)
        finally:
            hub.unsubscribe(sub)

    return LiveStream(stream())


def _check_access(board_id: int, token: str | None) -> int | None:
    """The participant id behind the token (None for the facilitator); raises if refused."""
    with Session(get_engine()) as session:
        access = resolve(session, board_id=board_id, token=token, room=True)
        return access.participant.id if access.participant else None


def _catch_up(board_id: int, since: int, limit: int) -> list[LiveEvent]:
    return backlog(board_id, since, _current(board_id), limit)


def _current(board_id: int) -> int:
    with Session(get_engine()) as session:
        board = session.get(Board, board_id)
        return board.last_seq if board else 0


router.add_route(
    PATH.replace("{board_id}", "{board_id:int}"),
    board_events,
    methods=["GET"],
    include_in_schema=False,
)

# The stream's entry in /openapi.json (it is not a FastAPI route; see board_events).
OPENAPI: dict[str, object] = {
    "get": {
        "tags": ["live"],
        "summary": "Live stream of a board's changes (server-sent events)",
        "description": (
            "Each event's `id` is the change's sequence number; resume with `Last-Event-ID` "
            "or `?since=N`. Events: `change` (HTML fragments), `refresh`, `gone`, `presence`."
        ),
        "operationId": "board_events",
        "parameters": [
            {"name": "board_id", "in": "path", "required": True, "schema": {"type": "integer"}},
            {"name": "token", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "since", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "Last-Event-ID",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
            },
        ],
        "responses": {
            "200": {
                "description": "The event stream",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            },
            **{
                str(code): {
                    "description": ERROR_TEXT[code],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                    },
                }
                for code in (401, 403, 404)
            },
        },
    }
}
