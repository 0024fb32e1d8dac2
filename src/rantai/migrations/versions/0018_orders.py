"""orders: purchase orders, deliveries, BAST, invoices, payments, withholdings, counters, supplier tax status, tax rates; buyer settings for orders (issue #12)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 03:34:52.373048
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "orders_counter",
        sa.Column("series", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_orders_counter")),
    )
    op.create_table(
        "orders_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("requested_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rendered_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_document")),
        sa.UniqueConstraint(
            "kind", "subject_id", "revision", name=op.f("uq_orders_document_kind_subject_id_revision")
        ),
    )
    op.create_table(
        "ref_tax_rate",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("percent", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("base_numerator", sa.Integer(), nullable=False),
        sa.Column("base_denominator", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("code", "effective_from", name=op.f("pk_ref_tax_rate")),
    )
    op.create_table(
        "orders_supplier_tax",
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("pkp", sa.Boolean(), nullable=False),
        sa.Column("final_tax_certificate", sa.String(length=64), nullable=True),
        sa.Column("final_tax_valid_until", sa.Date(), nullable=True),
        sa.Column("updated_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_orders_supplier_tax_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("supplier_id", name=op.f("pk_orders_supplier_tax")),
    )
    op.create_table(
        "orders_po",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_organization_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("rfq_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("accepted_revision", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("idr_rate", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("payment_terms_days", sa.SmallInteger(), nullable=False),
        sa.Column("incoterm", sa.String(length=3), nullable=True),
        sa.Column("incoterm_place", sa.String(length=200), nullable=True),
        sa.Column("second_language", sa.String(length=8), nullable=True),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("declined_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["sourcing_award.id"],
            name=op.f("fk_orders_po_award_id_sourcing_award"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_orders_po_issued_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_orders_po_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_id"],
            ["sourcing_rfq.id"],
            name=op.f("fk_orders_po_rfq_id_sourcing_rfq"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_orders_po_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_organization_id"],
            ["organization.id"],
            name=op.f("fk_orders_po_supplier_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_po")),
        sa.UniqueConstraint("organization_id", "number", name=op.f("uq_orders_po_organization_id_number")),
    )
    with op.batch_alter_table("orders_po", schema=None) as batch_op:
        batch_op.create_index("ix_orders_po_org_status", ["organization_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_po_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_orders_po_supplier_org_status", ["supplier_organization_id", "status"], unique=False
        )

    op.create_table(
        "orders_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("shipped_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["po_id"], ["orders_po.id"], name=op.f("fk_orders_delivery_po_id_orders_po"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_orders_delivery_recorded_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_delivery")),
        sa.UniqueConstraint("po_id", "number", name=op.f("uq_orders_delivery_po_id_number")),
    )
    with op.batch_alter_table("orders_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_delivery_po_id"), ["po_id"], unique=False)

    op.create_table(
        "orders_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_organization_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("clock_from", sa.Date(), nullable=False),
        sa.Column("tax_invoice_serial", sa.String(length=32), nullable=True),
        sa.Column("buyer_npwp", sa.String(length=16), nullable=True),
        sa.Column("supplier_pkp", sa.Boolean(), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("ppn_base", sa.BigInteger(), nullable=False),
        sa.Column("ppn", sa.BigInteger(), nullable=False),
        sa.Column("ppn_collected_by_buyer", sa.BigInteger(), nullable=False),
        sa.Column("pph22", sa.BigInteger(), nullable=False),
        sa.Column("pph23", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("cash_due", sa.BigInteger(), nullable=False),
        sa.Column("cash_received", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_orders_invoice_issued_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_orders_invoice_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["po_id"], ["orders_po.id"], name=op.f("fk_orders_invoice_po_id_orders_po"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_orders_invoice_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_organization_id"],
            ["organization.id"],
            name=op.f("fk_orders_invoice_supplier_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_invoice")),
        sa.UniqueConstraint("supplier_id", "number", name=op.f("uq_orders_invoice_supplier_id_number")),
    )
    with op.batch_alter_table("orders_invoice", schema=None) as batch_op:
        batch_op.create_index("ix_orders_invoice_buyer_status", ["organization_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_invoice_po_id"), ["po_id"], unique=False)
        batch_op.create_index(
            "ix_orders_invoice_supplier_org_status", ["supplier_organization_id", "status"], unique=False
        )

    op.create_table(
        "orders_po_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.SmallInteger(), nullable=False),
        sa.Column("award_line_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("ppn_treatment", sa.String(length=16), nullable=False),
        sa.Column("nature", sa.String(length=16), nullable=False),
        sa.Column("delivered_quantity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("accepted_quantity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("rejected_quantity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("invoiced_quantity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.CheckConstraint(
            "accepted_quantity + rejected_quantity <= delivered_quantity",
            name=op.f("ck_orders_po_line_received_within"),
        ),
        sa.CheckConstraint("accepted_quantity <= quantity", name=op.f("ck_orders_po_line_accepted_within")),
        sa.CheckConstraint(
            "invoiced_quantity <= accepted_quantity", name=op.f("ck_orders_po_line_invoiced_within")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_orders_po_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["award_line_id"],
            ["sourcing_award_line.id"],
            name=op.f("fk_orders_po_line_award_line_id_sourcing_award_line"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["po_id"], ["orders_po.id"], name=op.f("fk_orders_po_line_po_id_orders_po"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["ref_unit.code"], name=op.f("fk_orders_po_line_unit_code_ref_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_po_line")),
        sa.UniqueConstraint("po_id", "line_no", name=op.f("uq_orders_po_line_po_id_line_no")),
    )
    with op.batch_alter_table("orders_po_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_po_line_po_id"), ["po_id"], unique=False)

    op.create_table(
        "orders_po_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("made_by_user_id", sa.Integer(), nullable=True),
        sa.Column("made_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_orders_po_revision_accepted_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["made_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_orders_po_revision_made_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["po_id"],
            ["orders_po.id"],
            name=op.f("fk_orders_po_revision_po_id_orders_po"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_po_revision")),
        sa.UniqueConstraint("po_id", "revision", name=op.f("uq_orders_po_revision_po_id_revision")),
    )
    with op.batch_alter_table("orders_po_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_po_revision_po_id"), ["po_id"], unique=False)

    op.create_table(
        "orders_delivery_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("po_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_orders_delivery_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["orders_delivery.id"],
            name=op.f("fk_orders_delivery_line_delivery_id_orders_delivery"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["po_line_id"],
            ["orders_po_line.id"],
            name=op.f("fk_orders_delivery_line_po_line_id_orders_po_line"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_delivery_line")),
    )
    with op.batch_alter_table("orders_delivery_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_orders_delivery_line_delivery_id"), ["delivery_id"], unique=False
        )

    op.create_table(
        "orders_invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("po_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("ppn_treatment", sa.String(length=16), nullable=False),
        sa.Column("nature", sa.String(length=16), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_orders_invoice_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["orders_invoice.id"],
            name=op.f("fk_orders_invoice_line_invoice_id_orders_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["po_line_id"],
            ["orders_po_line.id"],
            name=op.f("fk_orders_invoice_line_po_line_id_orders_po_line"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_invoice_line")),
    )
    with op.batch_alter_table("orders_invoice_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_invoice_line_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "orders_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_orders_payment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["orders_invoice.id"],
            name=op.f("fk_orders_payment_invoice_id_orders_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_orders_payment_recorded_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_payment")),
    )
    with op.batch_alter_table("orders_payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_payment_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "orders_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("po_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["orders_delivery.id"],
            name=op.f("fk_orders_receipt_delivery_id_orders_delivery"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_orders_receipt_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["po_id"], ["orders_po.id"], name=op.f("fk_orders_receipt_po_id_orders_po"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_orders_receipt_recorded_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_receipt")),
        sa.UniqueConstraint(
            "organization_id", "number", name=op.f("uq_orders_receipt_organization_id_number")
        ),
    )
    with op.batch_alter_table("orders_receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_receipt_po_id"), ["po_id"], unique=False)

    op.create_table(
        "orders_withholding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("slip_number", sa.String(length=64), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["orders_invoice.id"],
            name=op.f("fk_orders_withholding_invoice_id_orders_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_orders_withholding_recorded_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_withholding")),
        sa.UniqueConstraint("invoice_id", "kind", name=op.f("uq_orders_withholding_invoice_id_kind")),
    )
    with op.batch_alter_table("orders_withholding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_withholding_invoice_id"), ["invoice_id"], unique=False)

    op.create_table(
        "orders_receipt_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("po_line_id", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "accepted >= 0 AND rejected >= 0 AND accepted + rejected > 0",
            name=op.f("ck_orders_receipt_line_something_received"),
        ),
        sa.ForeignKeyConstraint(
            ["po_line_id"],
            ["orders_po_line.id"],
            name=op.f("fk_orders_receipt_line_po_line_id_orders_po_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["orders_receipt.id"],
            name=op.f("fk_orders_receipt_line_receipt_id_orders_receipt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders_receipt_line")),
    )
    with op.batch_alter_table("orders_receipt_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_receipt_line_receipt_id"), ["receipt_id"], unique=False)

    with op.batch_alter_table("sourcing_buyer_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("npwp", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("ppn_collector", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("pph22_collector", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("sourcing_buyer_settings", schema=None) as batch_op:
        batch_op.drop_column("pph22_collector")
        batch_op.drop_column("ppn_collector")
        batch_op.drop_column("npwp")
        batch_op.drop_column("code")

    with op.batch_alter_table("orders_receipt_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_receipt_line_receipt_id"))

    op.drop_table("orders_receipt_line")
    with op.batch_alter_table("orders_withholding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_withholding_invoice_id"))

    op.drop_table("orders_withholding")
    with op.batch_alter_table("orders_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_receipt_po_id"))

    op.drop_table("orders_receipt")
    with op.batch_alter_table("orders_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_payment_invoice_id"))

    op.drop_table("orders_payment")
    with op.batch_alter_table("orders_invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_invoice_line_invoice_id"))

    op.drop_table("orders_invoice_line")
    with op.batch_alter_table("orders_delivery_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_delivery_line_delivery_id"))

    op.drop_table("orders_delivery_line")
    with op.batch_alter_table("orders_po_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_po_revision_po_id"))

    op.drop_table("orders_po_revision")
    with op.batch_alter_table("orders_po_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_po_line_po_id"))

    op.drop_table("orders_po_line")
    with op.batch_alter_table("orders_invoice", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_invoice_supplier_org_status")
        batch_op.drop_index(batch_op.f("ix_orders_invoice_po_id"))
        batch_op.drop_index("ix_orders_invoice_buyer_status")

    op.drop_table("orders_invoice")
    with op.batch_alter_table("orders_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_delivery_po_id"))

    op.drop_table("orders_delivery")
    with op.batch_alter_table("orders_po", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_po_supplier_org_status")
        batch_op.drop_index(batch_op.f("ix_orders_po_status"))
        batch_op.drop_index("ix_orders_po_org_status")

    op.drop_table("orders_po")
    op.drop_table("orders_supplier_tax")
    op.drop_table("ref_tax_rate")
    op.drop_table("orders_document")
    op.drop_table("orders_counter")
