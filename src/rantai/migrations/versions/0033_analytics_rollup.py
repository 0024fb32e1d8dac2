"""analytics rollup: the derived tables the monitoring views read, kept by the worker (issue #15)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 04:00:00

Empty after the upgrade: `rantai analytics rollup` (or the worker's first sweep, which rebuilds a rollup
that was never built) fills them from the transaction tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_rollup_order",
        sa.Column("po_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("issued_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_month", sa.String(length=7), nullable=False),
        sa.Column("accepted_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("buyer_type", sa.String(length=32), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_organization_id", sa.Integer(), nullable=False),
        sa.Column("po_value", sa.BigInteger(), nullable=False),
        sa.Column("delivered", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("award_size_class", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("po_id", name=op.f("pk_analytics_rollup_order")),
    )
    op.create_index(
        "ix_analytics_rollup_order_issued",
        "analytics_rollup_order",
        ["issued_at", "issued_month", "supplier_id", "supplier_organization_id", "buyer_id", "buyer_type", "po_value", "delivered", "paid", "award_size_class"],
    )
    op.create_index(
        "ix_analytics_rollup_order_accepted",
        "analytics_rollup_order",
        ["accepted_at", "buyer_type", "supplier_id"],
    )
    op.create_index("ix_analytics_rollup_order_supplier", "analytics_rollup_order", ["supplier_id"])
    op.create_table(
        "analytics_rollup_award",
        sa.Column("award_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("supplier_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reserved", sa.Boolean(), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("exception_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("award_id", "supplier_id", name=op.f("pk_analytics_rollup_award")),
    )
    op.create_index("ix_analytics_rollup_award_decided", "analytics_rollup_award", ["decided_at"])
    op.create_index(
        "ix_analytics_rollup_award_supplier", "analytics_rollup_award", ["supplier_id", "decided_at"]
    )
    op.create_table(
        "analytics_rollup_invoice",
        sa.Column("invoice_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("start_day", sa.Integer(), nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("settled_day", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_analytics_rollup_invoice")),
    )
    op.create_index(
        "ix_analytics_rollup_invoice_buyer", "analytics_rollup_invoice", ["buyer_id", "start_day", "due_day"]
    )
    op.create_table(
        "analytics_rollup_graduation",
        sa.Column("supplier_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("graduated_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id", "graduated_on", name=op.f("pk_analytics_rollup_graduation")),
    )
    op.create_index(
        "ix_analytics_rollup_graduation_day", "analytics_rollup_graduation", ["graduated_on", "supplier_id"]
    )
    op.create_table(
        "analytics_rollup_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("built_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refreshed_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("last_size_record_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_analytics_rollup_state")),
    )


def downgrade() -> None:
    op.drop_table("analytics_rollup_state")
    op.drop_index("ix_analytics_rollup_graduation_day", table_name="analytics_rollup_graduation")
    op.drop_table("analytics_rollup_graduation")
    op.drop_index("ix_analytics_rollup_invoice_buyer", table_name="analytics_rollup_invoice")
    op.drop_table("analytics_rollup_invoice")
    op.drop_index("ix_analytics_rollup_award_supplier", table_name="analytics_rollup_award")
    op.drop_index("ix_analytics_rollup_award_decided", table_name="analytics_rollup_award")
    op.drop_table("analytics_rollup_award")
    op.drop_index("ix_analytics_rollup_order_supplier", table_name="analytics_rollup_order")
    op.drop_index("ix_analytics_rollup_order_accepted", table_name="analytics_rollup_order")
    op.drop_index("ix_analytics_rollup_order_issued", table_name="analytics_rollup_order")
    op.drop_table("analytics_rollup_order")
