"""verification with evidence: the owner's NIB print and NPWP card, and each verifier's decision with the
checks it rests on and what to fix (issue #13)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 22:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supplier_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("document_key", sa.String(length=200), nullable=False),
        sa.Column("document_name", sa.String(length=200), nullable=False),
        sa.Column("document_type", sa.String(length=100), nullable=False),
        sa.Column("document_size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_supplier_document_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_document")),
        sa.UniqueConstraint("supplier_id", "kind", name=op.f("uq_supplier_document_supplier_id_kind")),
    )
    op.create_table(
        "supplier_verification_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("profile_version", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("checked", sa.JSON(), nullable=False),
        sa.Column("to_fix", sa.JSON(), nullable=False),
        sa.Column("automatic", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["supplier_profile.id"],
            name=op.f("fk_supplier_verification_review_profile_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_verification_review")),
    )
    op.create_index(
        op.f("ix_supplier_verification_review_profile_id"),
        "supplier_verification_review",
        ["profile_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_supplier_verification_review_profile_id"), table_name="supplier_verification_review"
    )
    op.drop_table("supplier_verification_review")
    op.drop_table("supplier_document")
