"""Smaller hardening: the API docs, caching, links, names, exports and typed text."""

from __future__ import annotations

import re

from backend.app import CSP
from tests.helpers import make_board


def test_api_docs_come_from_vendored_assets_under_the_csp(client):
    r = client.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CSP.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", r.text, re.S)
    assert scripts and all(body.strip() == "" for _, body in scripts)  # no inline script
    sources = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert all(s.startswith("/static/") for s in sources), sources
    for s in sources:
        assert client.get(s).status_code == 200, s
    assert client.get("/redoc").status_code == 404


def test_pages_json_and_exports_are_never_stored_by_caches(client):
    board = make_board(client)
    token = board.facilitator
    for url in (
        f"/f/{token}",
        f"/j/{board.join}",
        "/",
        f"/api/boards/{board.id}?token={token}",
        f"/api/boards/{board.id}/export.csv?token={token}",
        f"/api/boards/{board.id}/export.xlsx?token={token}",
        f"/api/boards/{board.id}/export.json?token={token}",
        "/api/boards/1/changes",  # an error answer too
    ):
        r = client.get(url)
        assert r.headers.get("cache-control") == "no-store", url
    r = client.post("/api/boards", json={"title": "T"})
    assert r.headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


def created_link(client, host: str) -> str:
    r = client.post("/api/boards", json={"title": "T"}, headers={"Host": host})
    assert r.status_code == 201, r.text
    return r.json()["join_url"]


def test_links_never_follow_a_forged_host_header(client, monkeypatch):
    from backend.config import get_settings

    # HOST is 127.0.0.1 (the default): the loopback names are this server, others are not.
    assert created_link(client, "evil.example").startswith("http://127.0.0.1:8000/j/")
    assert created_link(client, "localhost:8123").startswith("http://localhost:8123/j/")
    page = client.get(f"/f/{make_board(client).facilitator}", headers={"Host": "evil.example"})
    assert "evil.example" not in page.text
    monkeypatch.setenv("ALLOWED_HOSTS", "lockstep.example, other.example")
    get_settings.cache_clear()
    assert created_link(client, "lockstep.example").startswith("http://lockstep.example/j/")
    assert created_link(client, "evil.example").startswith("http://127.0.0.1:8000/j/")
    monkeypatch.setenv("PUBLIC_URL", "https://roles.example.com/")
    get_settings.cache_clear()
    assert created_link(client, "lockstep.example").startswith("https://roles.example.com/j/")


def test_a_participant_takes_neither_the_facilitators_name_nor_anothers(client):
    board = make_board(client)
    pm = board.function("PM")

    def join_as(name: str):
        return client.post(f"/api/join/{board.join}", json={"name": name, "function_id": pm})

    for name in ("Facilitator", " facilitator ", "FACILITATOR", "Lockstep"):
        r = join_as(name)
        assert r.status_code == 422, name
        assert "kept for the facilitator" in r.json()["detail"]
    assert join_as("Ana").status_code == 201
    for name in ("Ana", "ana", "  Ana "):
        r = join_as(name)
        assert r.status_code == 422, name
        assert "already called" in r.json()["detail"]
    assert join_as("Ana B.").status_code == 201
    # The join page says so in its flash.
    r = client.post(
        f"/j/{board.join}",
        data={"name": "Ana", "function_id": pm},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422 and "already called" in r.text


def test_a_csv_round_trip_keeps_quotes_and_formula_guards_exactly(client):
    names = ["'=4+4", "=4+4", "''+1", "'plain", "it's", "-minus"]
    board = make_board(
        client, title="Quotes", phases=["'Build"], activities=[{"name": n} for n in names]
    )
    body = client.get(f"/api/boards/{board.id}/export.csv?token={board.facilitator}").content
    r = client.post("/api/import", files={"file": ("b.csv", body)}, data={"title": "Again"})
    assert r.status_code == 201, r.text
    again = client.get(f"/api/boards/{r.json()['id']}?token={r.json()['facilitator_token']}")
    assert [a["name"] for a in again.json()["activities"]] == names
    assert [p["name"] for p in again.json()["phases"]] == ["'Build"]


def test_del_and_c1_controls_never_reach_the_board(client):
    for title in ("a\x7fb", "a\x9bb", "\x80"):
        r = client.post("/api/boards", json={"title": title})
        assert r.status_code == 422, repr(title)
        assert "control characters" in r.json()["detail"]
