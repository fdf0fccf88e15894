"""Redaction, request ids, log lines and the send-delay histogram, without a server."""

from __future__ import annotations

import json
import logging
import secrets

from backend.observability.logs import JsonFormatter, TextFormatter, redact
from backend.observability.metrics import SendDelay
from backend.observability.requestid import request_id_from


def test_every_link_token_is_redacted_wherever_it_stands() -> None:
    for _ in range(200):
        token = secrets.token_urlsafe(24)
        for text in (
            f"GET /f/{token} 200",
            f"GET /j/{token}",
            f"/v/{token}/1/print",
            f"/boards/3/events?token={token}&since=4",
            f"Authorization: Bearer {token}",
            f'{{"path": "/api/join/{token}"}}',
        ):
            assert token not in redact(text), text


def test_what_is_not_a_token_stays() -> None:
    kept = [
        "0af7651916cd43dd8448eb211c80319c",  # a W3C trace id
        "123e4567-e89b-12d3-a456-426614174000",  # a UUID
        "/boards/12/activities/40/history",
        "x" * 33,  # longer than a token
    ]
    for text in kept:
        assert redact(text) == text


def test_a_request_id_is_taken_only_when_sane() -> None:
    assert request_id_from([(b"x-request-id", b"trace-42")]) == "trace-42"
    for bad in (b"", b"a b", b"x" * 65, b"<script>", "é".encode()):
        rid = request_id_from([(b"x-request-id", bad)])
        assert len(rid) == 16 and rid != bad.decode("latin-1")
    assert request_id_from([]) != request_id_from([])


def test_log_lines_carry_level_time_logger_message_and_request_id() -> None:
    token = secrets.token_urlsafe(24)
    record = logging.LogRecord("lockstep.x", logging.WARNING, __file__, 1, "saw %s", (token,), None)
    record.request_id = "r-1"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "lockstep.x"
    assert line["request_id"] == "r-1" and line["ts"].endswith("+00:00")
    assert line["message"] == "saw [token]"
    text = TextFormatter().format(record)
    assert "WARNING lockstep.x [r-1] saw [token]" in text and token not in text


def test_the_send_delay_histogram_counts_into_cumulative_buckets() -> None:
    h = SendDelay()
    for seconds in (0.001, 0.005, 0.012, 0.3, 60):
        h.observe(seconds)
    family = next(iter(h.collect()))
    samples = {(s.name, s.labels.get("le")): s.value for s in family.samples}
    assert samples[("lockstep_live_send_delay_seconds_bucket", "0.005")] == 2
    assert samples[("lockstep_live_send_delay_seconds_bucket", "0.025")] == 3
    assert samples[("lockstep_live_send_delay_seconds_bucket", "10.0")] == 4
    assert samples[("lockstep_live_send_delay_seconds_bucket", "+Inf")] == 5
    assert samples[("lockstep_live_send_delay_seconds_count", None)] == 5
