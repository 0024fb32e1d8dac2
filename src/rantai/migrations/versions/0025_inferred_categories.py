"""catalog_product: the category, KBLI class and HS heading the classifier inferred, with confidences and the
model that said it (issue #14)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 22:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("catalog_product", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inferred_category_code", sa.String(length=48), nullable=True))
        batch_op.add_column(sa.Column("inferred_category_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("inferred_kbli_code", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("inferred_kbli_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("inferred_hs_heading", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("inferred_hs_confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("inferred_by", sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_catalog_product_inferred_category_code_catalog_category"),
            "catalog_category",
            ["inferred_category_code"],
            ["code"],
        )


def downgrade() -> None:
    with op.batch_alter_table("catalog_product", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_catalog_product_inferred_category_code_catalog_category"), type_="foreignkey"
        )
        for column in (
            "inferred_by",
            "inferred_hs_confidence",
            "inferred_hs_heading",
            "inferred_kbli_confidence",
            "inferred_kbli_code",
            "inferred_category_confidence",
            "inferred_category_code",
        ):
            batch_op.drop_column(column)
