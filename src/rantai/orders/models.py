"""Orders tables (issue #12): purchase orders made from approved awards, their versions, deliveries
(surat jalan), goods receipts (BAST), invoices with their tax, payments, withholdings; the counters that
number documents without gaps; and each supplier's tax status.

Money is in minor units of the order's currency (whole Rupiah for IDR), never float. Quantities that
must never pass a bound grow only through guarded UPDATEs in ``repository`` (received <= ordered,
invoiced <= accepted), so two requests at the same moment cannot pass it either.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from rantai.db import Base
from rantai.identity.policy import Party, Resource
from rantai.kit.clock import now


class Counter(Base):
    """The last number given in a series (a buyer's POs of a year, a supplier's invoices of a year). Taken
    by an UPDATE in the transaction that writes the document: a rolled-back document gives its number
    back, so numbers have no gaps; the row lock makes concurrent takers queue."""

    __tablename__ = "orders_counter"

    series: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class SupplierTax(Base):
    """A supplier's tax status as it declares it: PKP (charges PPN) and the PP 55/2022 certificate for the
    0.5% final tax (the buyer then withholds no PPh)."""

    __tablename__ = "orders_supplier_tax"

    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="CASCADE"), primary_key=True
    )
    pkp: Mapped[bool] = mapped_column(Boolean, default=False)
    final_tax_certificate: Mapped[str | None] = mapped_column(String(64), default=None)
    final_tax_valid_until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)


class PurchaseOrder(Base):
    """A purchase order to one supplier, made from an approved award's lines for that supplier."""

    __tablename__ = "orders_po"
    __table_args__ = (
        UniqueConstraint("organization_id", "number"),
        Index("ix_orders_po_supplier_org_status", "supplier_organization_id", "status"),
        Index("ix_orders_po_org_status", "organization_id", "status"),
        # The monitoring views (issue #15) read a period's orders from this index alone.
        Index(
            "ix_orders_po_issued_figures",
            "issued_at",
            "status",
            "organization_id",
            "supplier_id",
            "supplier_organization_id",
            "currency",
            "idr_rate",
            "total",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64))  # PO/2026/<BUYER-CODE>/000123
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    supplier_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    award_id: Mapped[int | None] = mapped_column(
        ForeignKey("sourcing_award.id", ondelete="SET NULL"), default=None
    )
    rfq_id: Mapped[int | None] = mapped_column(
        ForeignKey("sourcing_rfq.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(24), default="issued", index=True)
    # The version in force (1 when issued; an amendment adds one and waits for the supplier's acceptance).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    accepted_revision: Mapped[int | None] = mapped_column(Integer, default=None)
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    idr_rate: Mapped[Decimal | None] = mapped_column(Numeric(18, 4), default=None)
    payment_terms_days: Mapped[int] = mapped_column(SmallInteger, default=30)
    incoterm: Mapped[str | None] = mapped_column(String(3), default=None)
    incoterm_place: Mapped[str | None] = mapped_column(String(200), default=None)
    # Documents in Bahasa Indonesia and the buyer's language side by side (a foreign buyer).
    second_language: Mapped[str | None] = mapped_column(String(8), default=None)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    issued_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    issued_at: Mapped[dt.datetime] = mapped_column(default=now)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    declined_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    decline_reason: Mapped[str | None] = mapped_column(Text, default=None)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)

    @property
    def policy_resource(self) -> Resource:
        """Shared by its buyer and its supplier (a lender joins when it finances the order)."""
        return Resource.of(
            (self.organization_id, Party.OWNER),
            (self.organization_id, Party.BUYER),
            (self.supplier_organization_id, Party.SUPPLIER),
        )


class PurchaseOrderLine(Base):
    __tablename__ = "orders_po_line"
    __table_args__ = (
        UniqueConstraint("po_id", "line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "accepted_quantity + rejected_quantity <= delivered_quantity", name="received_within"
        ),
        CheckConstraint("accepted_quantity <= quantity", name="accepted_within"),
        CheckConstraint("invoiced_quantity <= accepted_quantity", name="invoiced_within"),
        # An order's delivered value, read from the index alone (the monitoring views, issue #15).
        Index("ix_orders_po_line_po_accepted", "po_id", "accepted_quantity", "unit_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("orders_po.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(SmallInteger)
    award_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("sourcing_award_line.id", ondelete="SET NULL"), default=None
    )
    name: Mapped[str] = mapped_column(String(500))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("ref_unit.code"), default=None)
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    ppn_treatment: Mapped[str] = mapped_column(String(16), default="standard")  # standard | exempt | zero
    nature: Mapped[str] = mapped_column(String(16), default="goods")  # goods | services
    delivered_quantity: Mapped[int] = mapped_column(BigInteger, server_default=text("0"), default=0)
    accepted_quantity: Mapped[int] = mapped_column(BigInteger, server_default=text("0"), default=0)
    rejected_quantity: Mapped[int] = mapped_column(BigInteger, server_default=text("0"), default=0)
    invoiced_quantity: Mapped[int] = mapped_column(BigInteger, server_default=text("0"), default=0)
    # The day the goods are due: the RFQ line's needed-by date, else the issue date plus the lead time the
    # supplier quoted; goods received later are a late delivery in the supplier's track record.
    deliver_by: Mapped[dt.date | None] = mapped_column(Date, default=None)


class PurchaseOrderRevision(Base):
    """A version of a PO as it was issued or amended: the terms and lines, kept readable for good."""

    __tablename__ = "orders_po_revision"
    __table_args__ = (UniqueConstraint("po_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("orders_po.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    content: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    made_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    made_at: Mapped[dt.datetime] = mapped_column(default=now)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    accepted_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )


class Delivery(Base):
    """A shipment against a PO with its delivery note (surat jalan); partial shipments are many rows."""

    __tablename__ = "orders_delivery"
    __table_args__ = (UniqueConstraint("po_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("orders_po.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(64))  # the supplier's surat jalan number
    shipped_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="shipped")  # shipped | received
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(default=now)


class DeliveryLine(Base):
    __tablename__ = "orders_delivery_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("orders_delivery.id", ondelete="CASCADE"), index=True)
    po_line_id: Mapped[int] = mapped_column(ForeignKey("orders_po_line.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(BigInteger)


class Receipt(Base):
    """A goods receipt (berita acara serah terima, BAST) of a delivery, line by line."""

    __tablename__ = "orders_receipt"
    __table_args__ = (UniqueConstraint("organization_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("orders_po.id", ondelete="CASCADE"), index=True)
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders_delivery.id", ondelete="SET NULL"), default=None
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(64))  # BAST/2026/<BUYER-CODE>/000045
    received_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(default=now)


class ReceiptLine(Base):
    __tablename__ = "orders_receipt_line"
    __table_args__ = (
        CheckConstraint(
            "accepted >= 0 AND rejected >= 0 AND accepted + rejected > 0", name="something_received"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("orders_receipt.id", ondelete="CASCADE"), index=True)
    po_line_id: Mapped[int] = mapped_column(ForeignKey("orders_po_line.id", ondelete="CASCADE"))
    accepted: Mapped[int] = mapped_column(BigInteger)
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str | None] = mapped_column(Text, default=None)


class Invoice(Base):
    """A supplier's invoice for accepted quantities not invoiced before, with its tax (``orders.tax``)."""

    __tablename__ = "orders_invoice"
    __table_args__ = (
        UniqueConstraint("supplier_id", "number"),
        Index("ix_orders_invoice_buyer_status", "organization_id", "status"),
        Index("ix_orders_invoice_supplier_org_status", "supplier_organization_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64))  # INV/2026/<supplier>/000007, per supplier
    po_id: Mapped[int] = mapped_column(ForeignKey("orders_po.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    supplier_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="unpaid")  # unpaid | partly_paid | paid
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    # The day the clock of days-to-pay starts: the invoice's date, or the BAST's when later (stated in
    # docs/architecture.md).
    clock_from: Mapped[dt.date] = mapped_column(Date)
    tax_invoice_serial: Mapped[str | None] = mapped_column(String(32), default=None)  # e-Faktur
    buyer_npwp: Mapped[str | None] = mapped_column(String(16), default=None)
    supplier_pkp: Mapped[bool] = mapped_column(Boolean, default=False)
    subtotal: Mapped[int] = mapped_column(BigInteger)
    ppn_base: Mapped[int] = mapped_column(BigInteger)
    ppn: Mapped[int] = mapped_column(BigInteger)
    ppn_collected_by_buyer: Mapped[int] = mapped_column(BigInteger)
    pph22: Mapped[int] = mapped_column(BigInteger)
    pph23: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    cash_due: Mapped[int] = mapped_column(BigInteger)
    cash_received: Mapped[int] = mapped_column(BigInteger, server_default=text("0"), default=0)
    settled_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    issued_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)

    @property
    def policy_resource(self) -> Resource:
        return Resource.of(
            (self.organization_id, Party.OWNER),
            (self.organization_id, Party.BUYER),
            (self.supplier_organization_id, Party.SUPPLIER),
        )


class InvoiceLine(Base):
    __tablename__ = "orders_invoice_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("orders_invoice.id", ondelete="CASCADE"), index=True)
    po_line_id: Mapped[int] = mapped_column(ForeignKey("orders_po_line.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    ppn_treatment: Mapped[str] = mapped_column(String(16))
    nature: Mapped[str] = mapped_column(String(16))


class Payment(Base):
    """Cash paid on an invoice, recorded by the buyer (or, later, reported by a payment gateway)."""

    __tablename__ = "orders_payment"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        # An order's paid value, read from the index alone (the monitoring views, issue #15).
        Index("ix_orders_payment_invoice_amount", "invoice_id", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("orders_invoice.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(32), default="transfer")  # transfer | gateway:<name>
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(default=now)


class Withholding(Base):
    """Tax the buyer withheld or collected on an invoice (PPh 22, PPh 23, PPN collected), with the slip
    (bukti potong / pungut) number."""

    __tablename__ = "orders_withholding"
    __table_args__ = (UniqueConstraint("invoice_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("orders_invoice.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # pph22 | pph23 | ppn_collected
    amount: Mapped[int] = mapped_column(BigInteger)
    slip_number: Mapped[str | None] = mapped_column(String(64), default=None)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )


class OrderDocument(Base):
    """A printable document (a PO version, a BAST) rendered to PDF by a job and kept in file storage."""

    __tablename__ = "orders_document"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # po | bast
    subject_id: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | ready | failed
    storage_key: Mapped[str | None] = mapped_column(String(200), default=None)
    size: Mapped[int | None] = mapped_column(Integer, default=None)
    requested_at: Mapped[dt.datetime] = mapped_column(default=now)
    rendered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
