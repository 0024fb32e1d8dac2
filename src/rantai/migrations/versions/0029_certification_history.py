"""certificate history: a renewal keeps the certificate it replaced (issue #13)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 22:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_certification_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("document_key", sa.String(length=200), nullable=True),
        sa.Column("document_name", sa.String(length=200), nullable=True),
        sa.Column("document_type", sa.String(length=100), nullable=True),
        sa.Column("document_size", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("replaced_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["supplier_certification.id"],
            name=op.f("fk_supplier_certification_history_certification_id_supplier_certification"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_supplier_certification_history_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_certification_history")),
    )
    with op.batch_alter_table("supplier_certification_history") as batch:
        batch.create_index(
            batch.f("ix_supplier_certification_history_certification_id"), ["certification_id"], unique=False
        )
        batch.create_index(batch.f("ix_supplier_certification_history_supplier_id"), ["supplier_id"], unique=False)


def downgrade() -> None:
    op.drop_table("supplier_certification_history")
