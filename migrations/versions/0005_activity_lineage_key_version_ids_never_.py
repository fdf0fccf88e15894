"""activity lineage key; version ids never reused

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 05:35:20.225179
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The same activity across reviews: existing activities get a key of their own.
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "lineage_key",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="",
            )
        )
    op.execute("UPDATE activity SET lineage_key = 'a' || id WHERE lineage_key = ''")
    # A review whose version is gone (its board was deleted) points at nothing.
    op.execute(
        "UPDATE board SET parent_version_id = NULL "
        "WHERE parent_version_id IS NOT NULL AND parent_version_id NOT IN (SELECT id FROM version)"
    )
    # SQLite reuses the highest row id after a delete unless told not to; a version id must
    # never come back as another board's version. (PostgreSQL sequences never reuse.)
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "version", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("lineage_key")
