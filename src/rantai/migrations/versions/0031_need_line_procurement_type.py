"""need lines: the procurement type (jenis pengadaan), weighed against suppliers' past packages (issue #14)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sourcing_need_line") as batch:
        batch.add_column(sa.Column("procurement_type", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sourcing_need_line") as batch:
        batch.drop_column("procurement_type")
