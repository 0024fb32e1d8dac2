"""analytics: buyer budgets (pagu) and program figures (issue #15)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 22:10:30.211862
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "ref_program_figure",
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("code", "year", name=op.f("pk_ref_program_figure")),
    )
    op.create_table(
        "analytics_buyer_budget",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("pagu", sa.BigInteger(), nullable=False),
        sa.Column("entered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("pagu > 0", name=op.f("ck_analytics_buyer_budget_pagu_positive")),
        sa.ForeignKeyConstraint(
            ["entered_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_analytics_buyer_budget_entered_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_analytics_buyer_budget_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", "year", name=op.f("pk_analytics_buyer_budget")),
    )


def downgrade() -> None:

    op.drop_table("analytics_buyer_budget")
    op.drop_table("ref_program_figure")
