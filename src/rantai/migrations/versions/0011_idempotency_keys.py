"""idempotency keys: a repeated API request or a double-clicked form gets the first answer (issue #10)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 22:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=False),
        sa.Column("claimed_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("body_withheld", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_idempotency_key")),
        sa.UniqueConstraint("caller", "key", name=op.f("uq_identity_idempotency_key_caller_key")),
    )
    op.create_index(
        "ix_identity_idempotency_key_expires_at", "identity_idempotency_key", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_identity_idempotency_key_expires_at", table_name="identity_idempotency_key")
    op.drop_table("identity_idempotency_key")
