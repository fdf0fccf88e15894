"""Limits on anonymous writes: the request-size limit, per-client rate limits, and imports
parsed off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from backend.limits import MAX_BODY_BYTES, RateLimiter
from tests.helpers import auth, make_board


def never_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    async def fail(self: Request) -> object:
        raise AssertionError("a body over the limit was parsed")

    monkeypatch.setattr(Request, "json", fail)
    monkeypatch.setattr(Request, "form", fail)


def test_a_64_mb_json_body_is_refused_with_413_before_it_is_parsed(client, monkeypatch):
    never_parsed(monkeypatch)
    body = b'{"title": "' + b"x" * (64 * 1024 * 1024) + b'"}'
    r = client.post("/api/boards", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text[:200]
    assert "too large" in r.json()["detail"]


def test_a_body_without_a_length_is_counted_as_it_arrives(client, monkeypatch):
    never_parsed(monkeypatch)

    def chunks():
        for _ in range(40):
            yield b"x" * 100_000

    r = client.post("/api/boards", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text[:200]


def test_a_body_within_the_limit_is_read(client):
    activities = [{"name": f"Activity {i}", "description": "d" * 500} for i in range(300)]
    r = client.post("/api/boards", json={"title": "Big", "activities": activities})
    assert r.status_code == 201, r.text[:200]
    assert len(r.request.content) < MAX_BODY_BYTES


def test_imports_may_carry_their_documented_2_mb(client):
    # Just over 2 MB: the importer itself says how large the file is.
    r = client.post("/api/import", files={"file": ("b.json", b" " * 2_050_000)})
    assert r.status_code == 422, r.text[:200]
    assert "too large" in r.json()["detail"] and "2,000,000" in r.json()["detail"]
    r = client.post("/api/import", files={"file": ("b.json", b" " * 3_000_000)})
    assert r.status_code == 413, r.text[:200]


def test_a_page_gets_a_flash_message_for_a_body_too_large(client):
    r = client.post(
        "/boards",
        data={"title": "x" * 1_200_000},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 413
    assert r.headers["HX-Retarget"] == "#flash"
    assert "too large" in r.text


@pytest.fixture
def small_bucket(configured: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app whose clients may make 2 boards at once, then one every 30 seconds."""
    from backend.app import create_app
    from backend.config import get_settings

    monkeypatch.setenv("NEW_BOARDS_BURST", "2")
    monkeypatch.setenv("NEW_BOARDS_PER_MINUTE", "2")
    get_settings.cache_clear()
    with TestClient(create_app()) as c:
        yield c


def json_export(client: TestClient) -> bytes:
    board = make_board(client)
    r = client.get(f"/api/boards/{board.id}/export.json", headers=auth(board.facilitator))
    return r.content


@pytest.mark.parametrize("route", ["api", "api-import", "page", "page-import"])
def test_new_boards_are_rate_limited_per_client(small_bucket, route):
    client = small_bucket
    export = json_export(client)  # the first of the two boards allowed at once

    def new_board(n: int):
        if route == "api":
            return client.post("/api/boards", json={"title": f"B{n}"})
        if route == "api-import":
            return client.post("/api/import", files={"file": ("b.json", export)})
        if route == "page":
            return client.post("/boards", data={"title": f"B{n}"}, headers={"HX-Request": "true"})
        return client.post(
            "/boards/import",
            files={"file": ("b.json", export)},
            headers={"HX-Request": "true"},
        )

    assert new_board(1).status_code in (201, 204)
    refused = new_board(2)
    assert refused.status_code == 429, refused.text
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    if route.startswith("api"):
        assert "Too many new boards" in refused.json()["detail"]
    else:
        assert refused.headers["HX-Retarget"] == "#flash"
        assert "Too many new boards" in refused.text
    # A forwarding header does not make another client: the address is the connection's.
    other = client.post(
        "/api/boards", json={"title": "Elsewhere"}, headers={"X-Forwarded-For": "ignored"}
    )
    assert other.status_code == 429


def test_token_bucket_refills_and_forgets():
    limiter = RateLimiter(per_minute=60, burst=2, max_clients=4)
    assert limiter.take("a", now=0) == 0
    assert limiter.take("a", now=0) == 0
    assert limiter.take("a", now=0) == pytest.approx(1.0)
    assert limiter.take("a", now=0.5) == pytest.approx(0.5)
    assert limiter.take("a", now=1.5) == 0  # refilled one per second
    assert limiter.take("b", now=1.5) == 0  # each client its own
    for c in "cdefgh":
        limiter.take(c, now=2)
    assert len(limiter._buckets) <= 4  # memory stays bounded


@pytest.mark.parametrize("path", ["/api/import", "/boards/import"])
def test_imports_are_parsed_off_the_event_loop(client, monkeypatch, path):
    from backend.boards import api, views
    from backend.exports.importer import parse_upload

    on_loop: list[bool] = []

    def watched(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return parse_upload(*args, **kwargs)

    monkeypatch.setattr(api, "parse_upload", watched)
    monkeypatch.setattr(views, "parse_upload", watched)
    r = client.post(path, files={"file": ("b.json", json_export(client))})
    assert r.status_code in (200, 201), r.text
    assert on_loop == [False]
