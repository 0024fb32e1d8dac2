"""monitoring indexes: the views group a period's orders in SQL from covering indexes (issue #15)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDERS_COLUMNS = [
    "issued_at",
    "status",
    "organization_id",
    "supplier_id",
    "supplier_organization_id",
    "currency",
    "idr_rate",
    "total",
]


def upgrade() -> None:
    op.create_index("ix_orders_po_issued_figures", "orders_po", ORDERS_COLUMNS)
    op.create_index(
        "ix_orders_po_line_po_accepted", "orders_po_line", ["po_id", "accepted_quantity", "unit_price"]
    )
    op.create_index("ix_orders_payment_invoice_amount", "orders_payment", ["invoice_id", "amount"])
    op.create_index("ix_supplier_profile_legal_form", "supplier_profile", ["legal_form"])


def downgrade() -> None:
    op.drop_index("ix_supplier_profile_legal_form", table_name="supplier_profile")
    op.drop_index("ix_orders_payment_invoice_amount", table_name="orders_payment")
    op.drop_index("ix_orders_po_line_po_accepted", table_name="orders_po_line")
    op.drop_index("ix_orders_po_issued_figures", table_name="orders_po")
