"""Prometheus metrics, served at ``GET /metrics`` (prometheus-client's default registry).

One registry per process: with several uvicorn workers, each scrape is answered by the
worker that took the connection, with that worker's own numbers (see README,
"Operations"). Every metric here is updated with one ``inc``/``dec``/``observe`` where it
happens, or read when scraped (the database pool), so the live path pays nothing more.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.utils import floatToGoString
from sqlalchemy.engine import Engine

from backend.config import get_settings

disable_created_metrics()  # type: ignore[no-untyped-call]  # no "_created" series beside every counter

HTTP_REQUESTS = Counter(
    "lockstep_http_requests",
    "HTTP requests answered, by method, route template (never the raw path) and status",
    ["method", "route", "status"],
)
LIVE_CONNECTIONS = Gauge("lockstep_live_connections", "Live (SSE) streams open in this process")
EDITS = Counter(
    "lockstep_edits",
    "Committed matrix edits: cell (free mode), proposal (a participant's own), "
    "agreement (the facilitator's agreed value or an accept), fix (a guided fix's cells)",
    ["kind"],
)
EVENTS_FANNED_OUT = Counter(
    "lockstep_live_events_fanned_out",
    "Live events handed to screens (one per event per open stream of its board)",
)


class SendDelay:
    """The edit-to-send delay histogram, observed once per event per open stream.

    prometheus-client's ``Histogram.observe`` takes a lock and walks the buckets (1.4 µs
    here, against 0.2 µs for this); with 200 screens on a board that is the difference
    between ~0.3 ms and ~0.04 ms of event-loop time per edit. Only the event loop observes,
    so plain list updates suffice; a scrape copies them.
    """

    name = "lockstep_live_send_delay_seconds"
    help = (
        "From a change's timestamp (taken under the board's write lock, just before it is "
        "written) to its event being sent on a live stream, per stream"
    )
    bounds = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

    def __init__(self) -> None:
        self.counts = [0] * (len(self.bounds) + 1)  # the last: above every bound
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(self.bounds, seconds)] += 1
        self.total += seconds

    def collect(self) -> Iterator[HistogramMetricFamily]:
        counts, total = list(self.counts), self.total
        cumulative, buckets = 0, []
        for bound, count in zip((*self.bounds, float("inf")), counts, strict=True):
            cumulative += count
            buckets.append((floatToGoString(bound), cumulative))  # type: ignore[no-untyped-call]
        yield HistogramMetricFamily(self.name, self.help, buckets=buckets, sum_value=total)


SEND_DELAY = SendDelay()
REGISTRY.register(SEND_DELAY)
BROKER_RECONNECTS = Counter(
    "lockstep_broker_reconnects",
    "Times the PostgreSQL listener connection was lost and made again",
)
POOL_CHECKED_OUT = Gauge(
    "lockstep_db_pool_checked_out", "Database connections in use by requests right now"
)
POOL_SIZE = Gauge("lockstep_db_pool_size", "Database connections the pool keeps open")
POOL_LIMIT = Gauge(
    "lockstep_db_pool_limit",
    "Most connections the pool opens (DB_POOL_SIZE + DB_MAX_OVERFLOW); +Inf: no cap",
)

EDIT_KINDS = {
    "cell.set": "cell",
    "proposal.set": "proposal",
    "cells.accepted": "agreement",
    "cells.fixed": "fix",
}
_UNMATCHED = "unmatched"
_EDIT_COUNTERS = {kind: EDITS.labels(kind) for kind in set(EDIT_KINDS.values())}


def count_edit(change_kind: str, data: str) -> None:
    """Called once per committed change (``data``: its JSON); counts matrix edits."""
    kind = EDIT_KINDS.get(change_kind)
    if kind == "cell" and '"agreed"' in data and json.loads(data).get("agreed"):
        kind = "agreement"
    if kind is not None:
        _EDIT_COUNTERS[kind].inc()


def route_of(scope: dict[str, Any]) -> str:
    """The matched route's template (``/f/{token}``), so no token becomes a label."""
    route = scope.get("route")
    return getattr(route, "path", None) or _UNMATCHED


def count_request(scope: Any, status: int) -> None:
    HTTP_REQUESTS.labels(scope.get("method", ""), route_of(scope), str(status)).inc()


def watch_pool(engine: Callable[[], Engine]) -> None:
    """Read the pool of ``engine()`` (the current engine) at each scrape."""
    POOL_CHECKED_OUT.set_function(lambda: _pool_number(engine, "checkedout"))
    POOL_SIZE.set_function(lambda: _pool_number(engine, "size"))
    POOL_LIMIT.set_function(_pool_limit)


def _pool_number(engine: Callable[[], Engine], what: str) -> float:
    number = getattr(engine().pool, what, None)  # QueuePool has both; other pools: 0
    return float(number()) if callable(number) else 0.0


def _pool_limit() -> float:
    settings = get_settings()
    if settings.is_sqlite or settings.db_max_overflow < 0:
        return float("inf")
    return float(settings.db_pool_size + settings.db_max_overflow)


def metrics_endpoint() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
