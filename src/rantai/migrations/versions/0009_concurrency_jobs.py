"""need versions, import staging and job heartbeats (issue #9, concurrency and reliability)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db  # noqa: F401

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain default (not an expression) lets SQLite add the column in place. An expression makes the
    # batch operation copy the table, and dropping the old copy cascades to every need line.
    op.add_column("sourcing_need", sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("sourcing_need") as batch:
        batch.drop_column("version")
