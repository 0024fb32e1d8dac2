"""versions on supplier profiles and claims: every lifecycle moves by compare-and-set (issue #10)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 22:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db  # noqa: F401

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("supplier_profile", "supplier_claim")


def upgrade() -> None:
    # A plain default lets SQLite add the column in place (a batch copy of supplier_profile would cascade
    # deletes to its children, as 0009 explains for needs).
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
