"""login throttling per address, password changes end other sessions (issue #9, identity)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 18:30:00

One new table, ``login_throttle`` (``rantai.identity.throttle``). ``user_account.failed_login_count``
and ``locked_until`` are no longer read or written, but stay so that the previous release keeps running
while this one is rolled out; a later migration drops them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locked_until", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint("scope", "key_digest", name=op.f("uq_login_throttle_scope_key_digest")),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttle_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttle_updated_at"))
    op.drop_table("login_throttle")
