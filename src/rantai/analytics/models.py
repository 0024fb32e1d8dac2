"""Analytics tables (issue #15): what a buyer tells the platform that the platform cannot see itself.

The UMK share of Inpres 2/2022 is a share of a buyer's whole goods-and-services budget, most of which is
spent off the platform; so each buyer enters its budget (pagu belanja barang/jasa) per year and the share
is the platform's spend with micro and small businesses and cooperatives over it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rantai.db import Base
from rantai.kit.clock import now


class BuyerBudget(Base):
    """A buyer's goods-and-services budget (pagu) for one year, in whole Rupiah, as it entered it."""

    __tablename__ = "analytics_buyer_budget"
    __table_args__ = (CheckConstraint("pagu > 0", name="pagu_positive"),)

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    pagu: Mapped[int] = mapped_column(BigInteger)
    entered_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    entered_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)


# --- the rollup (issue #15): derived tables the monitoring views read, kept by the worker ---------------
#
# Every row here is computed from the transaction tables (``analytics.rollup``) and can be thrown away and
# rebuilt (``rantai analytics rollup``); nothing else writes them. No foreign keys: a rebuild deletes and
# inserts in bulk, and a row whose source went away is removed by the next refresh or rebuild.


class RollupOrder(Base):
    """One live purchase order (not declined or cancelled) as the views count it: its value, delivered
    value and paid value already in whole Rupiah (an order in another currency converted at its rate,
    rounded per order), so a view sums one narrow row per order instead of joining lines, invoices and
    payments. The supplier's place, sector and class are read from its profile when the view runs, as the
    KPI definitions say (the supplier's now)."""

    __tablename__ = "analytics_rollup_order"
    __table_args__ = (
        # Covering: a period's sums are read from the index alone.
        Index(
            "ix_analytics_rollup_order_issued",
            "issued_at",
            "issued_month",
            "supplier_id",
            "supplier_organization_id",
            "buyer_id",
            "buyer_type",
            "po_value",
            "delivered",
            "paid",
            "award_size_class",
        ),
        Index("ix_analytics_rollup_order_accepted", "accepted_at", "buyer_type", "supplier_id"),
        # When a plan starts from the suppliers (a filter on their class or place, connected UMKM's
        # verified ones; SQLite without statistics does), each supplier's few orders are one look-up
        # away rather than a scan of the period (minutes on the large demo).
        Index("ix_analytics_rollup_order_supplier", "supplier_id"),
    )

    po_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    issued_at: Mapped[dt.datetime]
    issued_month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of issued_at in UTC
    accepted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    buyer_id: Mapped[int]
    buyer_type: Mapped[str] = mapped_column(String(32))
    supplier_id: Mapped[int]
    supplier_organization_id: Mapped[int]
    po_value: Mapped[int] = mapped_column(BigInteger)
    delivered: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)
    # The winner's size class recorded at award (the UMK share of Inpres 2/2022), None without an award.
    award_size_class: Mapped[str | None] = mapped_column(String(16), default=None)


class RollupAward(Base):
    """One winner of an approved award, with the award's verdict under the reservation rule in force for
    its buyer's kind on the day it was decided (``reference.reservation``, worked out once here)."""

    __tablename__ = "analytics_rollup_award"
    __table_args__ = (
        Index("ix_analytics_rollup_award_decided", "decided_at"),
        Index("ix_analytics_rollup_award_supplier", "supplier_id", "decided_at"),
    )

    award_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    buyer_id: Mapped[int]
    decided_at: Mapped[dt.datetime]  # approved, else decided
    reserved: Mapped[bool]
    allowed: Mapped[bool]
    exception_reason: Mapped[str | None] = mapped_column(Text, default=None)


class RollupInvoice(Base):
    """One invoice's pay clock as day numbers (``date.toordinal``), so days-to-pay is summed in SQL the
    same way on both databases: its start, due day and settlement day (None while open)."""

    __tablename__ = "analytics_rollup_invoice"
    __table_args__ = (Index("ix_analytics_rollup_invoice_buyer", "buyer_id", "start_day", "due_day"),)

    invoice_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    buyer_id: Mapped[int]
    start_day: Mapped[int]
    due_day: Mapped[int]
    settled_day: Mapped[int | None] = mapped_column(default=None)


class RollupGraduation(Base):
    """A day a supplier moved up a size class (naik kelas): a size-class record of a higher class than the
    one before it in the supplier's history."""

    __tablename__ = "analytics_rollup_graduation"
    __table_args__ = (Index("ix_analytics_rollup_graduation_day", "graduated_on", "supplier_id"),)

    supplier_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    graduated_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class RollupState(Base):
    """How fresh the rollup is: when it was last rebuilt whole and last brought up to date, and how far
    the refresh has read the audit log and the size-class records."""

    __tablename__ = "analytics_rollup_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    built_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    refreshed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_size_record_id: Mapped[int] = mapped_column(BigInteger, default=0)
