"""monitoring drill-down indexes: the figures the views still read live, and a kab/kota's suppliers (#15)

The verified UMKM a scope reaches (connected UMKM's denominator) and the BUMN, large and global buyers
that sent an RFQ in the period (participating buyers) are read from the transaction tables on every view;
two covering indexes let both be counted from an index alone instead of looking up each row (SQLite, on
the large demo: the verified UMKM of 100,000 profiles from 124 ms to 5 ms, the RFQ senders of 45,000
RFQs from 100-150 ms to 2-7 ms).

A kab/kota's view narrows every table to its suppliers: with an index on the supplier's kab/kota, SQLite
starts from its few hundred suppliers and their rolled orders (the rollup's index by supplier) instead of
reading the whole period's orders and looking up each one's supplier (the large demo's 32.01: 88 to 4 ms
a table).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 05:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_supplier_profile_status_class_area",
        "supplier_profile",
        ["status", "size_class", "province_code", "kabkota_code"],
    )
    op.create_index("ix_sourcing_rfq_org_sent", "sourcing_rfq", ["organization_id", "sent_at"])
    op.create_index("ix_supplier_profile_kabkota", "supplier_profile", ["kabkota_code"])


def downgrade() -> None:
    op.drop_index("ix_supplier_profile_kabkota", table_name="supplier_profile")
    op.drop_index("ix_sourcing_rfq_org_sent", table_name="sourcing_rfq")
    op.drop_index("ix_supplier_profile_status_class_area", table_name="supplier_profile")
