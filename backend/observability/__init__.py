"""Logs, request ids and metrics: what an operator sees of a running Lockstep.

``install(app)`` is all ``app.py`` calls: it configures logging (``logs.py``), wraps the
app in the request-id and access-log middleware (``requestid.py``) and serves
``GET /metrics`` (``metrics.py``). README, "Operations", describes the result.
"""

from __future__ import annotations

from fastapi import FastAPI

from backend.config import get_settings
from backend.db import get_engine
from backend.observability.logs import configure_logging
from backend.observability.metrics import count_request, metrics_endpoint, watch_pool
from backend.observability.requestid import RequestContext


def install(app: FastAPI) -> None:
    """Call after every other middleware is added: the request context is outermost, so
    it times and counts everything, error pages included."""
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    watch_pool(get_engine)
    app.add_middleware(RequestContext, on_done=count_request)
    app.add_api_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
