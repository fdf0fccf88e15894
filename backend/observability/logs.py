"""Logging: one handler on the root logger, JSON lines or plain text, every line with its
level, time, logger, message and the request id (``-`` outside a request).

Links carry secret tokens, so every whole line is passed through ``redact`` before it is
written, whatever logged it (the access log, a traceback, a driver's error message).
uvicorn's own loggers go through the same handler; its access log stays off (the app
writes its own, redacted: see ``requestid.py``) and its start/stop chatter is kept to
warnings, so a shutdown with many open live streams says one line (``lifespan``).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backend.config import get_settings
from backend.observability.requestid import current_request_id

# A link token is ``secrets.token_urlsafe(24)``: 32 URL-safe characters. Anything of that
# shape standing alone is hidden, except 32 lowercase hex digits (a trace id a proxy may
# send as X-Request-ID; a real token is all hex once in 2**64).
TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])(?![0-9a-f]{32}(?![A-Za-z0-9_-]))[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])"
)
REDACTED = "[token]"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi")


def redact(text: str) -> str:
    return TOKEN.sub(REDACTED, text)


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def _message(record: logging.LogRecord, formatter: logging.Formatter) -> str:
    message = record.getMessage()
    if record.exc_info:
        message += "\n" + formatter.formatException(record.exc_info)
    return message


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", ...extra fields}`` a line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record, self),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        return redact(json.dumps(line, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """``2026-11-22T06:28:00.123+00:00 INFO  lockstep.access [3f2a…] GET / 200 3.1 ms``"""

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", None) or current_request_id() or "-"
        return redact(
            f"{_timestamp(record)} {record.levelname:<5} {record.name} [{rid}] "
            f"{_message(record, self)}"
        )


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours, so configuring again replaces it and leaves other handlers (pytest's) alone."""


def wants_json(log_format: str) -> bool:
    if log_format == "auto":
        return not sys.stderr.isatty()
    return log_format == "json"


def configure_logging(log_format: str = "auto", level: str = "INFO") -> None:
    """Idempotent: safe to call from every worker and every ``create_app``."""
    handler = _Handler(sys.stderr)
    handler.setFormatter(JsonFormatter() if wants_json(log_format) else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # uvicorn's start/stop lines are INFO; the app says when it starts and stops itself.
    logging.getLogger("uvicorn.error").setLevel(max(logging.WARNING, root.level))
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True  # links carry tokens; the app's access log is redacted


def formatter() -> logging.Formatter:
    """The configured formatter; named by ``uvicorn-logging.json`` (uvicorn's
    ``--log-config``), so uvicorn's supervisor process writes the same lines as workers."""
    settings = get_settings()
    return JsonFormatter() if wants_json(settings.log_format) else TextFormatter()


def uvicorn_log_config() -> dict[str, Any]:
    """``uvicorn.run(log_config=...)``: the same as ``uvicorn-logging.json``."""
    config: dict[str, Any] = json.loads(
        (Path(__file__).parent / "uvicorn-logging.json").read_text()
    )
    return config
