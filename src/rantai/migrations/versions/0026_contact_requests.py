"""contact requests: a buyer asks a supplier for its phone and email (issue #13)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 22:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_contact_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_organization_id", sa.Integer(), nullable=False),
        sa.Column("buyer_organization_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_user_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("answered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_contact_request_answered_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_organization_id"],
            ["organization.id"],
            name=op.f("fk_supplier_contact_request_buyer_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_contact_request_requested_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_supplier_contact_request_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_organization_id"],
            ["organization.id"],
            name=op.f("fk_supplier_contact_request_supplier_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_contact_request")),
    )
    op.create_index(
        "ix_supplier_contact_request_pair",
        "supplier_contact_request",
        ["supplier_id", "buyer_organization_id"],
        unique=False,
    )
    op.create_index(
        "ix_supplier_contact_request_supplier_org",
        "supplier_contact_request",
        ["supplier_organization_id", "status"],
        unique=False,
    )
    op.create_index(
        "ix_supplier_contact_request_buyer_org",
        "supplier_contact_request",
        ["buyer_organization_id", "status"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_supplier_contact_request_buyer_org", table_name="supplier_contact_request")
    op.drop_index("ix_supplier_contact_request_supplier_org", table_name="supplier_contact_request")
    op.drop_index("ix_supplier_contact_request_pair", table_name="supplier_contact_request")
    op.drop_table("supplier_contact_request")
