"""version: next review date

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Versions published before this have none; pages fall back to the default rule.
    with op.batch_alter_table("version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_review", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("version", schema=None) as batch_op:
        batch_op.drop_column("next_review")
