"""catalog_product.name up to 500 characters: real marketplace titles run to 255 (issue #14)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 22:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("catalog_product", schema=None) as batch_op:
        batch_op.alter_column(
            "name", existing_type=sa.String(length=200), type_=sa.String(length=500), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("catalog_product", schema=None) as batch_op:
        batch_op.alter_column(
            "name", existing_type=sa.String(length=500), type_=sa.String(length=200), existing_nullable=False
        )
