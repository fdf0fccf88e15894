"""Fixtures shared by the suite. Database tests run twice: on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.harness import migrate, postgres_database, run_server

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'lockstep.db'}"
        migrate(url)
        yield url
    else:
        with postgres_database() as url:
            migrate(url)
            yield url


@pytest.fixture
def configured(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the app's settings and engine at the test database."""
    from backend import render_cache
    from backend.boards.cell_edit import FACTS
    from backend.config import get_settings
    from backend.db import get_engine

    # The caches are per process and per database; the suite switches databases (SQLite,
    # PostgreSQL) in one process, where the same board id and sequence can mean another board.
    render_cache.clear()
    FACTS.clear()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CREATE_DEMO_BOARD", "false")
    monkeypatch.setenv("NEW_BOARDS_BURST", "100000")  # tests of the limit set their own
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield database_url
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture
def client(configured: str) -> Iterator[TestClient]:
    from backend.app import create_app

    with TestClient(create_app()) as c:
        yield c


@pytest.fixture
def session(configured: str):  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from backend.db import get_engine

    with Session(get_engine(), expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real uvicorn process serving the test database."""
    with run_server(
        database_url, tmp_path_factory.mktemp("server"), env={"REPLAY_LIMIT": "20"}
    ) as srv:
        yield srv


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"CI={os.environ.get('CI', '')!r}; PostgreSQL tests use LOCKSTEP_TEST_PG_URL or the local default"
    ]


ROOT = Path(__file__).resolve().parents[1]
