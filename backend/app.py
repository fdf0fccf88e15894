"""The FastAPI application: routers, static files, error pages and the live hub."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from backend.boards import api as boards_api
from backend.boards import views as boards_views
from backend.boards.edit_lane import EditLane
from backend.config import get_settings
from backend.db import get_engine
from backend.errors import LockstepError, TooManyRequests
from backend.exports import print_views
from backend.exports import views as exports_views
from backend.history import card_api, card_views
from backend.history import views as history_views
from backend.limits import BodyLimit, board_limiter
from backend.live import broker as broker_module
from backend.live import views as live_views
from backend.live.hub import Hub
from backend.live.stream import close_on_shutdown
from backend.observability import install as install_observability
from backend.participants import views as participants_views
from backend.validation import excerpt, printable
from backend.web import is_htmx, render, templates
from backend.workshop import api as workshop_api
from backend.workshop import fixes_api, viewer_api
from backend.workshop import pages as workshop_pages
from backend.workshop import views as workshop_views

log = logging.getLogger("lockstep")
STATIC_DIR = __file__.rsplit("/", 1)[0] + "/static"

TITLES = {
    400: "Bad request",
    401: "Link needed",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    422: "Check your input",
    429: "Too many requests",
    503: "Try again soon",
}


def tune_gc() -> None:
    """Fewer, cheaper garbage collections: everything loaded at start is frozen out of
    them, and young objects are collected in bigger batches. Live streams allocate a lot;
    with the defaults a full collection over many open connections stalls the event loop
    for hundreds of milliseconds (measured with bench/run.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def ping_database() -> None:
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))


def make_broker() -> broker_module.Broker:
    settings = get_settings()
    if settings.broker_kind == "postgres":
        # Optional: only a PostgreSQL deployment loads the LISTEN/NOTIFY broker.
        from backend.live.pg_broker import PostgresBroker

        return PostgresBroker(settings.database_url)
    return broker_module.InProcessBroker()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    try:
        await to_thread.run_sync(ping_database)
    except Exception as exc:  # noqa: BLE001 - any driver error means "cannot reach it"
        message = (
            f"lockstep: cannot reach the database ({exc.__class__.__name__}: {exc}); not starting"
        )
        log.error(message)
        raise RuntimeError(message) from None
    hub = Hub(lambda: Session(get_engine()), queue_size=settings.subscriber_queue)
    broker = make_broker()
    await broker.start(hub.notify, hub.notify_all, hub.heard_presence)
    publish = getattr(broker, "publish_presence", None)
    heartbeat = None
    if publish is not None:  # several processes: presence crosses them too
        hub.publish_presence = publish
        heartbeat = asyncio.create_task(hub.presence_heartbeat())
    broker_module.set_broker(broker)
    app.state.hub = hub
    tune_gc()
    closer = asyncio.create_task(close_on_shutdown())
    pinger = asyncio.create_task(hub.keep_alive(settings.sse_ping_seconds))
    log.info("started (live updates: %s)", settings.broker_kind)
    try:
        yield
    finally:
        closer.cancel()
        pinger.cancel()
        if heartbeat is not None:
            heartbeat.cancel()
        hub.publish_presence = None
        broker_module.set_broker(None)
        await broker.stop()
        log.info("stopped")  # the one line a shutdown writes, however many streams were open


def error_response(request: Request, status: int, detail: str) -> Response:
    detail = printable(detail)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": detail}, status_code=status)
    if is_htmx(request):
        html = templates.get_template("_flash.html").render(message=detail, level="error")
        return HTMLResponse(
            html, status_code=status, headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        )
    return render(
        request,
        "error.html",
        status_code=status,
        title=TITLES.get(status, "Something went wrong"),
        message=detail,
    )


def validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
        parts.append(f"{field or 'input'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "Invalid input"


def validation_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    """The API's 422 ``detail``: where and what, with at most a short excerpt of the input
    (never the whole body back, and always sendable as UTF-8)."""
    out: list[dict[str, object]] = []
    for err in exc.errors()[:20]:
        item: dict[str, object] = {
            "type": err.get("type", "invalid"),
            "loc": [x if isinstance(x, int) else excerpt(x) for x in err.get("loc", ())],
            "msg": printable(str(err.get("msg", "invalid"))),
        }
        value = err.get("input")
        if isinstance(value, str | int | float | bool):
            item["input"] = excerpt(value)
        out.append(item)
    return out


CSP = b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"


class SecurityHeaders:
    """Referrer-Policy, nosniff and a CSP on every HTTP response (the API docs included), and
    ``Cache-Control: no-store`` on everything but static files.

    A plain ASGI middleware: ``@app.middleware("http")`` (Starlette's BaseHTTPMiddleware)
    runs each request in an extra task and passes every body chunk through a memory
    stream, which on a live stream costs two more task switches per event per screen.
    """

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Pages, JSON and exports carry link tokens or what they open: no cache keeps them.
        no_store = not scope["path"].startswith("/static/")

        async def send_with_headers(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                if b"referrer-policy" not in have:
                    headers.append((b"referrer-policy", b"same-origin"))
                if b"x-content-type-options" not in have:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if b"content-security-policy" not in have:
                    headers.append((b"content-security-policy", CSP))
                if no_store and b"cache-control" not in have:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app() -> FastAPI:
    app = FastAPI(
        title="Lockstep",
        summary="Run the PM/PMM roles-and-responsibilities workshop and keep the agreed matrix.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from vendored assets, under the CSP
        redoc_url=None,
    )
    app.state.board_limiter = board_limiter()

    @app.exception_handler(LockstepError)
    async def _lockstep_error(request: Request, exc: LockstepError) -> Response:
        response = error_response(request, exc.status_code, exc.detail)
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": validation_errors(exc)}, status_code=422)
        return error_response(request, 422, validation_message(exc))

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error: %s", exc.orig)
        return error_response(
            request,
            409,
            "That change clashed with another one just made; "
            "the board has been updated, please try again",
        )

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> Response:
        log.error("database error: %s", exc.orig)
        return error_response(
            request,
            503,
            "The database is not reachable right now; nothing was changed. Try again in a moment.",
        )

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout) -> Response:
        log.error("database connections all in use: %s", exc)
        return error_response(
            request, 503, "Lockstep is very busy right now; nothing was changed. Try again."
        )

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, getattr(exc, "detail", None) or "Page not found")

    @app.exception_handler(405)
    async def _not_allowed(request: Request, exc: Exception) -> Response:
        return error_response(request, 405, "That action is not available here")

    @app.exception_handler(413)
    async def _too_large(request: Request, exc: Exception) -> Response:
        return error_response(request, 413, getattr(exc, "detail", None) or "Too large")

    app.add_middleware(EditLane, owner=app)  # innermost of ours: every click in the room
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)

    @app.get("/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return render(request, "api_docs.html", openapi_url=app.openapi_url)

    @app.get("/healthz", tags=["ops"], summary="The process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], summary="The database and the live broker are reachable")
    def readyz() -> JSONResponse:
        checks = {"database": "ok", "broker": "ok"}
        try:
            ping_database()
        except Exception as exc:  # noqa: BLE001
            checks["database"] = f"unreachable: {exc.__class__.__name__}"
        current = broker_module.current()
        if current is None or not current.healthy:
            checks["broker"] = "reconnecting"
        # Edits need only the database. While the live listener reconnects (well under a few
        # seconds) the worker still takes edits and its screens catch up after: "degraded",
        # still 200, so a load balancer keeps it.
        if checks["database"] != "ok":
            status, code = "unavailable", 503
        elif checks["broker"] != "ok":
            status, code = "degraded", 200
        else:
            status, code = "ok", 200
        return JSONResponse({"status": status, **checks}, status_code=code)

    app.include_router(boards_api.edit_router)  # first: matched on every click in the room
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(history_views.router)  # before /v/{token}/{number}
    app.include_router(card_views.router)
    app.include_router(print_views.router)
    app.include_router(workshop_pages.router)
    app.include_router(workshop_views.router)  # before boards: /boards/{id}/{kind} is generic
    app.include_router(boards_views.router)
    app.include_router(participants_views.router)
    app.include_router(live_views.router)
    app.include_router(exports_views.router)
    app.include_router(workshop_api.router)
    app.include_router(viewer_api.router)
    app.include_router(card_api.router)
    app.include_router(fixes_api.router)
    app.include_router(boards_api.router)
    install_observability(app)  # logs, request ids, /metrics; outermost middleware
    describe_live_stream(app)
    return app


def describe_live_stream(app: FastAPI) -> None:
    """Add the live stream (a plain Starlette route) to the generated OpenAPI."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema["paths"][live_views.PATH] = live_views.OPENAPI
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


app = create_app()
