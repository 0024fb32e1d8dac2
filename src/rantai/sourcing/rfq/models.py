"""RFQ tables (permintaan penawaran): the RFQ made from a need, its lines, the suppliers it reaches, its
amendments and clarifications; the suppliers' quotes with every revision kept; and the awards.

Money is in minor units of the RFQ's currency (whole Rupiah for IDR, cents for USD), never float. A USD
RFQ stores the Rupiah rate and its date, so every figure can be shown in Rupiah as well.

Sealing (issue #11): quote rows are read only through ``rfq.repository``, whose queries let a buyer see
prices only once the RFQ is past its deadline and the scheduler has moved it on; the tables themselves
carry no shortcut (no totals on the RFQ row, no prices in the buyer's audit entries or notifications).
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


class BuyerSettings(Base):
    """What a buying organization sets once for all its RFQs and orders: awards above
    ``approval_above`` (whole Rupiah) wait for an approver; purchase orders pay in ``payment_terms_days``;
    its code, NPWP and tax collector statuses."""

    __tablename__ = "sourcing_buyer_settings"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    approval_above: Mapped[int] = mapped_column(BigInteger, default=500_000_000)
    payment_terms_days: Mapped[int] = mapped_column(SmallInteger, default=30)
    # For orders (issue #12): the short code in PO numbers (PO/2026/<code>/000123), the buyer's NPWP, and
    # whether it is an appointed PPN collector and withholds PPh 22 (a BUMN is both).
    code: Mapped[str | None] = mapped_column(String(16), default=None)
    npwp: Mapped[str | None] = mapped_column(String(16), default=None)
    ppn_collector: Mapped[bool] = mapped_column(Boolean, server_default=text("false"), default=False)
    pph22_collector: Mapped[bool] = mapped_column(Boolean, server_default=text("false"), default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)


class Rfq(Base):
    """A request for quotations made from a need: sent to invited suppliers and/or published to every
    eligible supplier, open until ``deadline``, then compared and awarded."""

    __tablename__ = "sourcing_rfq"
    __table_args__ = (
        Index("ix_sourcing_rfq_org_status", "organization_id", "status"),
        Index("ix_sourcing_rfq_status_deadline", "status", "deadline"),
        # The buyers that sent an RFQ in a period, from the index alone (participating buyers, issue #15).
        Index("ix_sourcing_rfq_org_sent", "organization_id", "sent_at"),
        UniqueConstraint("organization_id", "number"),
        CheckConstraint("currency IN ('IDR', 'USD')", name="currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("sourcing_need.id", ondelete="SET NULL"), index=True, default=None
    )
    # Per buyer and year: RFQ/2026/000012 (shown; the id stays the key).
    number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # Open to every supplier the matcher finds eligible (besides those invited by name).
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline: Mapped[dt.datetime] = mapped_column()
    # The amendment in force: 1 when sent; each amendment adds one. Quotes given against an older one
    # are "to confirm".
    revision: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    # Rupiah per unit of ``currency`` (USD) and the day of that rate; None for IDR.
    idr_rate: Mapped[Decimal | None] = mapped_column(Numeric(18, 4), default=None)
    idr_rate_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # Incoterms 2020 rule (EXW, FCA, FOB, CIF, DAP...) and its named place, for cross-border buying.
    incoterm: Mapped[str | None] = mapped_column(String(3), default=None)
    incoterm_place: Mapped[str | None] = mapped_column(String(200), default=None)
    # Awards above this many Rupiah wait for an approver (copied from BuyerSettings when sent).
    approval_above: Mapped[int] = mapped_column(BigInteger, default=500_000_000)
    cancel_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # the deadline passed
    awarded_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def policy_resource(self) -> Resource:
        """The buyer's own record; its supplier parties are on the invitations (``supplier_resource``)."""
        return Resource.of((self.organization_id, Party.OWNER), (self.organization_id, Party.BUYER))


class RfqLine(Base):
    """One thing the RFQ asks a price for. ``awarded_quantity`` only grows by a guarded UPDATE
    (``awarded_quantity + :q <= quantity``), so two officers awarding at once can never over-award."""

    __tablename__ = "sourcing_rfq_line"
    __table_args__ = (
        UniqueConstraint("rfq_id", "line_no"),
        CheckConstraint("awarded_quantity >= 0 AND awarded_quantity <= quantity", name="awarded_within"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("sourcing_rfq.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(SmallInteger)
    need_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("sourcing_need_line.id", ondelete="SET NULL"), default=None
    )
    name: Mapped[str] = mapped_column(String(500))
    specification: Mapped[str | None] = mapped_column(Text, default=None)
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("ref_unit.code"), default=None)
    delivery_kabkota_code: Mapped[str | None] = mapped_column(ForeignKey("ref_region.code"), default=None)
    needed_by: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # HPS (harga perkiraan sendiri) for the whole line, in minor units of the RFQ's currency.
    hps: Mapped[int | None] = mapped_column(BigInteger, default=None)
    awarded_quantity: Mapped[int] = mapped_column(BigInteger, server_default=text("0"), default=0)
    # open: still to award; closed: fully awarded (or the buyer closed it).
    status: Mapped[str] = mapped_column(String(16), default="open")


class RfqInvitation(Base):
    """A supplier the RFQ reaches: invited by name from the shortlist, or found eligible by the matcher
    when the RFQ was published. A supplier sees an RFQ (and may quote) only through one of these rows."""

    __tablename__ = "sourcing_rfq_invitation"
    __table_args__ = (
        UniqueConstraint("rfq_id", "supplier_id"),
        Index("ix_sourcing_rfq_invitation_org", "supplier_organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("sourcing_rfq.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    # The organization acting for the supplier (its own once claimed); copied so queries need no join.
    supplier_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), default=None
    )
    source: Mapped[str] = mapped_column(String(16), default="invited")  # invited | eligible
    invited_at: Mapped[dt.datetime] = mapped_column(default=now)
    invited_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    # The supplier said it will not quote (optional, with a reason the buyer sees after the deadline).
    declined_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    decline_reason: Mapped[str | None] = mapped_column(Text, default=None)


class RfqAmendment(Base):
    """One amendment (adendum): what changed, why, and the lines as they were before it."""

    __tablename__ = "sourcing_rfq_amendment"
    __table_args__ = (UniqueConstraint("rfq_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("sourcing_rfq.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)  # the revision this amendment made
    reason: Mapped[str] = mapped_column(Text)
    previous_deadline: Mapped[dt.datetime] = mapped_column()
    deadline: Mapped[dt.datetime] = mapped_column()
    previous_lines: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    made_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    made_at: Mapped[dt.datetime] = mapped_column(default=now)


class RfqQuestion(Base):
    """A clarification question (aanwijzing) and its answer. Every invitee sees both; the asker is kept
    for the audit trail but never shown to the buyer or the other suppliers."""

    __tablename__ = "sourcing_rfq_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("sourcing_rfq.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), default=None
    )
    asked_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    asked_at: Mapped[dt.datetime] = mapped_column(default=now)
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class Quote(Base):
    """A supplier's quote (penawaran) on an RFQ: one per supplier, revised in place with each revision's
    lines kept (``QuoteLine.revision``). ``rfq_revision`` is the amendment it answers."""

    __tablename__ = "sourcing_quote"
    __table_args__ = (UniqueConstraint("rfq_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("sourcing_rfq.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    supplier_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="submitted")  # submitted | withdrawn
    revision: Mapped[int] = mapped_column(Integer, default=1)
    rfq_revision: Mapped[int] = mapped_column(Integer, default=1)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    submitted_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    submitted_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)

    __mapper_args__ = {"version_id_col": version}


class QuoteLine(Base):
    """The price of one RFQ line in one revision of a quote: unit price, the quantity offered (part of the
    line allowed, never more), lead time and notes."""

    __tablename__ = "sourcing_quote_line"
    __table_args__ = (
        UniqueConstraint("quote_id", "revision", "rfq_line_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("sourcing_quote.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    rfq_line_id: Mapped[int] = mapped_column(ForeignKey("sourcing_rfq_line.id", ondelete="CASCADE"))
    unit_price: Mapped[int] = mapped_column(BigInteger)  # minor units of the RFQ's currency
    quantity: Mapped[int] = mapped_column(BigInteger)
    lead_time_days: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text, default=None)


class QuoteAttachment(Base):
    """A file sent with a quote revision (a brochure, a sample photo, a price list), kept like certificate
    scans: in file storage, checked for type and size."""

    __tablename__ = "sourcing_quote_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("sourcing_quote.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[dt.datetime] = mapped_column(default=now)


class Award(Base):
    """One award decision on an RFQ: whole or split across suppliers by line and quantity. Above the
    buyer's threshold, or with a reservation exception, it waits for an approver."""

    __tablename__ = "sourcing_award"
    __table_args__ = (Index("ix_sourcing_award_rfq_status", "rfq_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(ForeignKey("sourcing_rfq.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(24), default="pending_approval")
    total: Mapped[int] = mapped_column(BigInteger)  # minor units of the RFQ's currency
    total_idr: Mapped[int] = mapped_column(BigInteger)  # whole Rupiah, for thresholds and the KPIs
    # The package value the reservation rule was evaluated on (whole Rupiah) and what it said.
    package_value_idr: Mapped[int] = mapped_column(BigInteger)
    reservation_note: Mapped[str | None] = mapped_column(Text, default=None)
    # A recorded exception to the UMKM reservation: its reason; the approver approves it (monitoring
    # lists every approved exception).
    exception_reason: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[dt.datetime] = mapped_column(default=now)
    approved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    approved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    rejection_reason: Mapped[str | None] = mapped_column(Text, default=None)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)

    @property
    def policy_resource(self) -> Resource:
        return Resource.of((self.organization_id, Party.OWNER), (self.organization_id, Party.BUYER))


class AwardLine(Base):
    """Part of an award: this supplier gets this quantity of this line at its quoted unit price. A
    purchase order is made from an approved award's lines, one per supplier (issue #12)."""

    __tablename__ = "sourcing_award_line"
    __table_args__ = (
        UniqueConstraint("award_id", "rfq_line_id", "supplier_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_sourcing_award_line_supplier_org", "supplier_organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("sourcing_award.id", ondelete="CASCADE"), index=True)
    rfq_line_id: Mapped[int] = mapped_column(ForeignKey("sourcing_rfq_line.id", ondelete="CASCADE"))
    quote_id: Mapped[int] = mapped_column(ForeignKey("sourcing_quote.id", ondelete="CASCADE"))
    quote_revision: Mapped[int] = mapped_column(Integer)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    supplier_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    # The winner's size class when awarded (mikro, kecil, menengah, besar; koperasi): what the
    # reservation rule and the KPIs count.
    size_class: Mapped[str | None] = mapped_column(String(16), default=None)
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
