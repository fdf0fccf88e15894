"""Playwright driving the system's Chromium (no browser download)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("LOCKSTEP_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install chromium) but was not found")
        pytest.skip("no Chromium found: install Debian's chromium or set LOCKSTEP_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def room_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real uvicorn on a SQLite file of its own, for the screens of the room (what they
    look like does not depend on the database; the behaviour suites run on both)."""
    from tests.harness import migrate, run_server

    tmp = tmp_path_factory.mktemp("room")
    url = f"sqlite:///{tmp / 'room.db'}"
    migrate(url)
    with run_server(url, tmp) as srv:
        yield srv
