"""The schema comes only from Alembic: a migrated database matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import backend.models  # noqa: F401


def test_models_and_migrations_agree(database_url):
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, SQLModel.metadata)
            assert diff == [], (
                f"models and migrations differ; run `alembic revision --autogenerate`: {diff}"
            )
            tables = set(inspect(conn).get_table_names())
        assert {
            "board",
            "phase",
            "team_function",
            "activity",
            "cell",
            "participant",
            "change",
            "alembic_version",
        } <= tables
    finally:
        engine.dispose()
