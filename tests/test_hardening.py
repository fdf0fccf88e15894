"""Smaller hardening: the API docs, caching, links, names, exports and typed text."""

from __future__ import annotations

import re

from backend.app import CSP


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
