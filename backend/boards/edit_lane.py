"""The edit lane: ``PUT /api/boards/{id}/cells`` answered where the app's own middlewares
end, before FastAPI's routing, dependency solving and response model.

Every click in the room is this request, and those steps cost more than the edit itself.
The lane takes only a request it can answer exactly as the route would: a JSON body that
the route's own model (``CellIn``) accepts. Anything else (another content type, a body
that does not validate or could not be read) goes on to the app untouched, with the body
it sent, so every refusal is the route's own. An error while editing is answered by the
app's exception handlers, as from the route. The route stays the documented one (OpenAPI)
and the request is counted under its name; the request id, security headers, body limit
and access log around it are the same middlewares as for every request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from pydantic import ValidationError
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.routing import BaseRoute

from backend.boards.api import edit_router
from backend.boards.schemas import CellIn
from backend.flows.cells import set_cell_by_token
from backend.security import request_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PATH = re.compile(r"/api/boards/([0-9]{1,18})/cells")
ROUTE_PATH = "/api/boards/{board_id}/cells"
ERROR = "lockstep.edit_error"
JSON_HEADERS = [(b"content-type", b"application/json")]


class EditLane:
    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        self.app = app
        self.owner = owner
        self._route: BaseRoute | None = None
        self._errors: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "PUT":
            await self.app(scope, receive, send)
            return
        found = PATH.fullmatch(scope["path"])
        if found is None or not _json(scope):
            await self.app(scope, receive, send)
            return
        body, stop, error = await _read(receive)
        edit = None if stop is not None or error is not None else _parsed(body)
        if edit is None:
            await self.app(scope, _replay(body, stop, error, receive), send)
            return
        board_id = int(found[1])
        scope["route"] = self.route()  # counted and logged as the route
        scope["path_params"] = {"board_id": board_id}
        try:
            seq = await set_cell_by_token(
                board_id=board_id,
                token=request_token(Request(scope)),
                activity_id=edit.activity_id,
                phase_id=edit.phase_id,
                function_id=edit.function_id,
                letters=edit.letters,
            )
        except Exception as exc:  # answered by the app's handlers, as from the route
            scope[ERROR] = exc
            await self.errors()(scope, receive, send)
            return
        content = b'{"seq":%d}' % seq
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*JSON_HEADERS, (b"content-length", b"%d" % len(content))],
            }
        )
        await send({"type": "http.response.body", "body": content})

    def route(self) -> BaseRoute | None:
        if self._route is None:
            self._route = next(
                (r for r in edit_router.routes if getattr(r, "path", None) == ROUTE_PATH), None
            )
        return self._route

    def errors(self) -> ASGIApp:
        """The app's exception handlers around an app that raises the edit's error."""
        if self._errors is None:
            handlers = {
                k: v for k, v in self.owner.exception_handlers.items() if k not in (500, Exception)
            }
            self._errors = ExceptionMiddleware(_raise, handlers=handlers, debug=self.owner.debug)
        return self._errors


async def _raise(scope: Scope, _receive: Receive, _send: Send) -> None:
    raise scope.pop(ERROR)


def _json(scope: Scope) -> bool:
    value: bytes
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.split(b";", 1)[0].strip().lower() == b"application/json")
    return False


async def _read(receive: Receive) -> tuple[bytes, Message | None, Exception | None]:
    """The whole body; else what was read and the message (the client gone) or the error (a
    body over the limit) that stopped it."""
    chunks: list[bytes] = []
    try:
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), message, None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks), None, None
    except Exception as exc:  # noqa: BLE001 - the app meets it again on its own read
        return b"".join(chunks), None, exc


def _parsed(body: bytes) -> CellIn | None:
    try:
        return CellIn.model_validate(json.loads(body))
    except (ValueError, ValidationError, TypeError):
        return None


def _replay(
    body: bytes, stop: Message | None, error: Exception | None, receive: Receive
) -> Receive:
    """``receive`` for the app: the body already read, or what stopped its reading."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        if error is not None:
            raise error
        if stop is not None:
            return stop
        return {"type": "http.request", "body": body, "more_body": False}

    return again
