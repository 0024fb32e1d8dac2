"""Sourcing tables: procurement needs (kebutuhan pengadaan), their lines, required certificates, and the
buyer's shortlist decisions.

A need belongs to one buyer organization and holds one or more lines; each line is what gets matched.
Money is whole Rupiah (BigInteger); codes point at the reference tables. RFQs, quotes and awards will
hang off need lines.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
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


class Need(Base):
    """A buyer's procurement need: a title, a status and its lines."""

    __tablename__ = "sourcing_need"
    __table_args__ = (Index("ix_sourcing_need_org_status", "organization_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(500))
    # The buyer's own reference: a RUP code (kd_rup), a package number.
    reference: Mapped[str | None] = mapped_column(String(64), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # Where it came from: form, quick (one-sentence entry), import, api, demo.
    source: Mapped[str] = mapped_column(String(16), default="form")
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)
    published_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Bumped by every change (the ORM adds ``AND version = :loaded`` to each UPDATE): two saves of one
    # need cannot both win, and a form opened before someone else's save is refused instead of silently
    # overwriting it (issue #9, finding 10).
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}

    @property
    def policy_resource(self) -> Resource:
        """For the policy: its buyer's own record; offered to suppliers while open."""
        return Resource.of(
            (self.organization_id, Party.OWNER),
            (self.organization_id, Party.BUYER),
            public=self.status == "open",
        )


class NeedLine(Base):
    """One thing a need asks for: what, how much, where, by when, for how much, and on what terms."""

    __tablename__ = "sourcing_need_line"
    __table_args__ = (UniqueConstraint("need_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("sourcing_need.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(500))
    specification: Mapped[str | None] = mapped_column(Text, default=None)
    quantity: Mapped[int | None] = mapped_column(BigInteger, default=None)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("ref_unit.code"), default=None)
    delivery_kabkota_code: Mapped[str | None] = mapped_column(ForeignKey("ref_region.code"), default=None)
    needed_by: Mapped[dt.date | None] = mapped_column(Date, default=None)
    budget: Mapped[int | None] = mapped_column(BigInteger, default=None)  # HPS/pagu, whole Rupiah
    # Reserved for UMKM and cooperatives: on by default up to the reservation ceiling in force
    # (ref_umkm_reservation), which the service applies; the buyer may change it.
    umkm_only: Mapped[bool] = mapped_column(default=True)
    preferred_size_class: Mapped[str | None] = mapped_column(String(16), default=None)
    # Jenis pengadaan: goods, works, consulting or services (`rantai.matching.history.KINDS`): weighed
    # against the types of the packages each supplier won (issue #14).
    procurement_type: Mapped[str | None] = mapped_column(String(16), default=None)
    kemitraan_code: Mapped[str | None] = mapped_column(ForeignKey("ref_kemitraan_pattern.code"), default=None)


class NeedLineCertification(Base):
    """A certificate every supplier of a line must hold, valid on the line's needed-by date."""

    __tablename__ = "sourcing_need_line_certification"
    __table_args__ = (UniqueConstraint("line_id", "type_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("sourcing_need_line.id", ondelete="CASCADE"), index=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("ref_certification_type.code"))


class ShortlistDecision(Base):
    """A buyer's decision about one supplier for one line: shortlisted (to invite to the RFQ) or
    dismissed (not shown again on that line's shortlist)."""

    __tablename__ = "sourcing_shortlist_decision"
    __table_args__ = (UniqueConstraint("line_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("sourcing_need_line.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(16))
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)
