"""A PO line's promised delivery date, and the supplier's track record of deliveries, rejections and
settled invoices (issue #12 item 7)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 22:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = ("deliveries", "deliveries_on_time", "deliveries_late", "rejections", "invoices_settled")


def upgrade() -> None:
    with op.batch_alter_table("orders_po_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deliver_by", sa.Date(), nullable=True))
    with op.batch_alter_table("supplier_track_record", schema=None) as batch_op:
        for name in COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("supplier_track_record", schema=None) as batch_op:
        for name in reversed(COUNTERS):
            batch_op.drop_column(name)
    with op.batch_alter_table("orders_po_line", schema=None) as batch_op:
        batch_op.drop_column("deliver_by")
