"""past awards: the procurement type (jenis pengadaan) of each, which the shortlist weighs (issue #14)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("supplier_past_award") as batch:
        batch.add_column(sa.Column("procurement_type", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("supplier_past_award") as batch:
        batch.drop_column("procurement_type")
