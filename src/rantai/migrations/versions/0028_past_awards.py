"""past awards: contracts won before or outside Rantai, imported as track records and attached to their
winner's profile once a verifier has checked the business (issue #14)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 23:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_past_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("package_code", sa.String(length=100), nullable=True),
        sa.Column("buyer_name", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("value_idr", sa.BigInteger(), nullable=True),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("winner_nib", sa.String(length=13), nullable=True),
        sa.Column("winner_npwp", sa.String(length=16), nullable=True),
        sa.Column("region_code", sa.String(length=13), nullable=True),
        sa.Column("method", sa.String(length=60), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("attached_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("imported_by_organization_id", sa.Integer(), nullable=True),
        sa.Column("created_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_organization_id"],
            ["organization.id"],
            name=op.f("fk_supplier_past_award_imported_by_organization_id_organization"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["ref_region.code"], name=op.f("fk_supplier_past_award_region_code_ref_region")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_supplier_past_award_supplier_id_supplier_profile"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_past_award")),
        sa.UniqueConstraint("row_key", name=op.f("uq_supplier_past_award_row_key")),
    )
    op.create_index("ix_supplier_past_award_winner_nib", "supplier_past_award", ["winner_nib"])
    op.create_index("ix_supplier_past_award_winner_npwp", "supplier_past_award", ["winner_npwp"])
    op.create_index("ix_supplier_past_award_supplier_id", "supplier_past_award", ["supplier_id"])


def downgrade() -> None:
    op.drop_index("ix_supplier_past_award_supplier_id", table_name="supplier_past_award")
    op.drop_index("ix_supplier_past_award_winner_npwp", table_name="supplier_past_award")
    op.drop_index("ix_supplier_past_award_winner_nib", table_name="supplier_past_award")
    op.drop_table("supplier_past_award")
