"""members invited by email from the web: expiring, revocable links stored as digests (issue #13)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 23:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("invited_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_member_invitation_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_invitation")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_member_invitation_token_digest")),
    )
    op.create_index(
        op.f("ix_member_invitation_organization_id"), "member_invitation", ["organization_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_member_invitation_organization_id"), table_name="member_invitation")
    op.drop_table("member_invitation")
