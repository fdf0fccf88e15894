"""Limits on anonymous writes: the request-size limit, per-client rate limits, and imports
parsed off the event loop."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from backend.limits import MAX_BODY_BYTES


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
