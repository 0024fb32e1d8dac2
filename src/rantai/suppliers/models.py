"""Supplier tables: the profile of an UMKM or cooperative, its KBLI codes, its size-class history and
its certifications.

A profile belongs to exactly one organization (of type UMKM or koperasi); the organization carries the
members and roles, the profile the business facts. Codes (KBLI, region, certification type) point at the
reference tables. A profile an import created has an organization with no members until its business
claims it (``SupplierClaim``); meanwhile the importer manages it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
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


class SupplierProfile(Base):
    """The business facts of an UMKM or cooperative."""

    __tablename__ = "supplier_profile"
    __table_args__ = (
        Index("ix_supplier_profile_status_province", "status", "province_code"),
        Index("ix_supplier_profile_status_kabkota", "status", "kabkota_code"),
        # The cooperatives among the suppliers (the monitoring's inclusion figures, issue #15).
        Index("ix_supplier_profile_legal_form", "legal_form"),
        # The verified UMKM a scope reaches, counted from the index alone (connected UMKM, issue #15).
        Index(
            "ix_supplier_profile_status_class_area", "status", "size_class", "province_code", "kabkota_code"
        ),
        # A kab/kota's suppliers, where its drill-down starts (SQLite reads their orders, not the period's).
        Index("ix_supplier_profile_kabkota", "kabkota_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), unique=True
    )
    business_name: Mapped[str] = mapped_column(String(200))
    brand_name: Mapped[str | None] = mapped_column(String(200), default=None)
    legal_form: Mapped[str] = mapped_column(String(24))
    nib: Mapped[str] = mapped_column(String(13), unique=True)
    npwp: Mapped[str | None] = mapped_column(String(16), default=None)
    year_founded: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    address: Mapped[str | None] = mapped_column(Text, default=None)
    # Kemendagri codes down to the level the owner knows; the province and kab/kota are always set.
    province_code: Mapped[str] = mapped_column(ForeignKey("ref_region.code"))
    kabkota_code: Mapped[str] = mapped_column(ForeignKey("ref_region.code"))
    kecamatan_code: Mapped[str | None] = mapped_column(ForeignKey("ref_region.code"), default=None)
    desa_code: Mapped[str | None] = mapped_column(ForeignKey("ref_region.code"), default=None)
    # Defaults to the kab/kota centroid until the owner places the business on a map.
    lat: Mapped[float | None] = mapped_column(default=None)
    lng: Mapped[float | None] = mapped_column(default=None)
    primary_kbli: Mapped[str | None] = mapped_column(ForeignKey("ref_kbli.code"), default=None, index=True)
    workers: Mapped[int | None] = mapped_column(default=None)
    women_owned: Mapped[bool] = mapped_column(default=False)
    youth_owned: Mapped[bool] = mapped_column(default=False)
    export_experience: Mapped[bool] = mapped_column(default=False)
    # The cooperative this business is a member of (a koperasi aggregates its members' supply).
    cooperative_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="SET NULL"), default=None, index=True
    )
    business_capital: Mapped[int | None] = mapped_column(BigInteger, default=None)  # modal usaha, Rupiah
    annual_sales: Mapped[int | None] = mapped_column(BigInteger, default=None)  # hasil penjualan tahunan
    size_class: Mapped[str | None] = mapped_column(String(16), default=None, index=True)
    size_basis: Mapped[str | None] = mapped_column(String(20), default=None)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # Bumped by every verification move and every edit (rantai.lifecycle, issue #10): a verifier's decision
    # made on a page showing an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)
    status_reason: Mapped[str | None] = mapped_column(Text, default=None)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    verified_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    verified_by_user_id: Mapped[int | None] = mapped_column(default=None)
    # Deletion asked by the owner (UU 27/2022): personal fields are erased, records the law keeps remain.
    erased_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Who may change the profile through an import (issue #9): its own organization once the business has
    # claimed it, else the organization that imported it; None: nobody (an old import whose importer is
    # unknown) until a claim. An organization id without a foreign key (see migration 0008).
    managed_by_organization_id: Mapped[int | None] = mapped_column(default=None)
    # When the business itself took the profile: it made it, or a verifier approved its claim. None while
    # only an importer has held it.
    claimed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)

    @property
    def region_code(self) -> str:
        """The most precise region known (for the policy: verifiers act in their own region)."""
        return self.desa_code or self.kecamatan_code or self.kabkota_code

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None

    @property
    def policy_resource(self) -> Resource:
        """For the policy: its business owns it, an importer may manage it, it lies in its region and
        is public once verified."""
        return Resource.of(
            (self.organization_id, Party.OWNER),
            (self.managed_by_organization_id, Party.MANAGER),
            region_code=self.region_code,
            public=self.status == "verified",
        )


class SupplierClaim(Base):
    """A business asking to take over a profile an import created, checked by a verifier of its region
    (knowing a public NIB is no proof). The lifecycle is ``state.CLAIM_TRANSITIONS``."""

    __tablename__ = "supplier_claim"
    __table_args__ = (Index("ix_supplier_claim_status_profile", "status", "profile_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"), index=True)
    # The organization the claimant registered; on approval the profile moves into it.
    claimant_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    claimant_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)  # rantai.lifecycle
    # What the claimant offers the verifier as proof (how to reach them, the NIB certificate, a visit).
    evidence: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text, default=None)  # why it was rejected
    decided_by_user_id: Mapped[int | None] = mapped_column(default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class ContactRequest(Base):
    """A buyer asking a supplier for its contact details, with a message (issue #13). The supplier accepts
    or declines; only once accepted does the buyer see the profile's phone and email. The lifecycle is
    ``state.CONTACT_TRANSITIONS``."""

    __tablename__ = "supplier_contact_request"
    __table_args__ = (
        Index("ix_supplier_contact_request_pair", "supplier_id", "buyer_organization_id"),
        Index("ix_supplier_contact_request_supplier_org", "supplier_organization_id", "status"),
        Index("ix_supplier_contact_request_buyer_org", "buyer_organization_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    # The business holding the profile when asked: the one that answers.
    supplier_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    buyer_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    requested_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), default=1)  # rantai.lifecycle
    answered_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    @property
    def policy_resource(self) -> Resource:
        """For the policy: shared by the buyer that asked and the business asked."""
        return Resource.of(
            (self.buyer_organization_id, Party.BUYER), (self.supplier_organization_id, Party.SUPPLIER)
        )


class SupplierKbli(Base):
    """A KBLI 2020 class a supplier works in; one of them is the primary."""

    __tablename__ = "supplier_kbli"
    __table_args__ = (UniqueConstraint("supplier_id", "kbli_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="CASCADE"), index=True
    )
    kbli_code: Mapped[str] = mapped_column(ForeignKey("ref_kbli.code"), index=True)
    is_primary: Mapped[bool] = mapped_column(default=False)


class SizeClassRecord(Base):
    """A size class a supplier had from a date on: the history behind the "naik kelas" KPI."""

    __tablename__ = "supplier_size_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="CASCADE"), index=True
    )
    size_class: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(String(20))
    annual_sales: Mapped[int | None] = mapped_column(BigInteger, default=None)
    business_capital: Mapped[int | None] = mapped_column(BigInteger, default=None)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=now)


class Certification(Base):
    """A certificate a supplier holds (halal, SNI, BPOM, SPP-IRT, ISO ...), with its validity."""

    __tablename__ = "supplier_certification"
    __table_args__ = (
        UniqueConstraint("supplier_id", "type_code", "number"),
        Index("ix_supplier_certification_type_valid", "type_code", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="CASCADE"), index=True
    )
    type_code: Mapped[str] = mapped_column(ForeignKey("ref_certification_type.code"))
    number: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200), default=None)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, default=None)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, default=None)  # None: no expiry printed
    # The uploaded document lives in file storage, not in the database; these describe it.
    document_key: Mapped[str | None] = mapped_column(String(200), default=None)
    document_name: Mapped[str | None] = mapped_column(String(200), default=None)
    document_type: Mapped[str | None] = mapped_column(String(100), default=None)
    document_size: Mapped[int | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, verified, rejected
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class SupplierDocument(Base):
    """A document the owner submits as evidence for verification (issue #13): the NIB print from OSS or
    the NPWP card. Like a certificate's scan it lives in file storage; this row describes it. One per
    kind: a new upload replaces the old one."""

    __tablename__ = "supplier_document"
    __table_args__ = (UniqueConstraint("supplier_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # ``checklist.DocumentKind``
    document_key: Mapped[str] = mapped_column(String(200))
    document_name: Mapped[str] = mapped_column(String(200))
    document_type: Mapped[str] = mapped_column(String(100))
    document_size: Mapped[int] = mapped_column()
    uploaded_by_user_id: Mapped[int | None] = mapped_column(default=None)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=now)


class VerificationReview(Base):
    """One verifier's decision on a profile with what it rests on (issue #13): the manual checks ticked,
    the automatic checks as they stood, and for a rejection what the owner must fix (checklist items and
    a free text). Append-only in use: each decision adds a row; the latest tells the owner what to fix."""

    __tablename__ = "supplier_verification_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"), index=True)
    # The profile version the verifier's page showed (the decision was made on that evidence).
    profile_version: Mapped[int] = mapped_column()
    decision: Mapped[str] = mapped_column(String(16))  # verified | rejected
    checked: Mapped[list[str]] = mapped_column(JSON, default=list)  # manual item codes ticked
    to_fix: Mapped[list[str]] = mapped_column(JSON, default=list)  # item codes the owner must fix
    automatic: Mapped[dict[str, bool | None]] = mapped_column(JSON, default=dict)  # code -> passed
    note: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by_user_id: Mapped[int | None] = mapped_column(default=None)
    decided_at: Mapped[dt.datetime] = mapped_column(default=now)


class CertificationRecord(Base):
    """A certificate a renewal replaced (issue #13): the earlier number, dates, status and scan, kept as
    history shown on the profile. The `Certification` row itself always holds the current certificate,
    so every reader (the directory, the matching index, shortlists) counts the renewed one."""

    __tablename__ = "supplier_certification_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_certification.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200), default=None)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, default=None)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    document_key: Mapped[str | None] = mapped_column(String(200), default=None)
    document_name: Mapped[str | None] = mapped_column(String(200), default=None)
    document_type: Mapped[str | None] = mapped_column(String(100), default=None)
    document_size: Mapped[int | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16))
    replaced_at: Mapped[dt.datetime] = mapped_column(default=now)


class ImportJob(Base):
    """One bulk import of suppliers or products: its mode, progress and outcome, kept for the job page."""

    __tablename__ = "supplier_import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # suppliers | products
    mode: Mapped[str] = mapped_column(String(16))  # all_or_nothing | valid_rows
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed
    file_name: Mapped[str] = mapped_column(String(200))
    file_key: Mapped[str | None] = mapped_column(String(200), default=None)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_failed: Mapped[int] = mapped_column(default=0)
    inserted: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    # Extra columns reported and ignored, and a fatal problem with the file itself, if any.
    warnings: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    errors_key: Mapped[str | None] = mapped_column(String(200), default=None)  # the row error report file
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @property
    def policy_resource(self) -> Resource:
        """For the policy: the importing organization's record."""
        return Resource.of((self.organization_id, Party.IMPORTER))


class TrackRecord(Base):
    """What a supplier has done on the platform: awards won, orders completed and completed on time, each
    delivery received (on time or late against the PO line's date), receipts that rejected goods, and
    invoices settled.

    The orders domain keeps it up to date as goods are received and invoices settled
    (``orders.track_record``); the matching engine reads it (track record, and "newcomer": a supplier
    that has never won an award).
    """

    __tablename__ = "supplier_track_record"

    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    awards_won: Mapped[int] = mapped_column(default=0)
    orders_completed: Mapped[int] = mapped_column(default=0)
    orders_on_time: Mapped[int] = mapped_column(default=0)
    deliveries: Mapped[int] = mapped_column(server_default=text("0"), default=0)
    deliveries_on_time: Mapped[int] = mapped_column(server_default=text("0"), default=0)
    deliveries_late: Mapped[int] = mapped_column(server_default=text("0"), default=0)
    rejections: Mapped[int] = mapped_column(server_default=text("0"), default=0)  # receipts rejecting goods
    invoices_settled: Mapped[int] = mapped_column(server_default=text("0"), default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)


class PastAward(Base):
    """A contract a business won before or outside Rantai (issue #14): imported from an award file
    (`rantai import awards`) or an OCDS package, its winner named by NIB or NPWP.

    A winner not yet on Rantai, or not yet checked, leaves the award unclaimed (`supplier_id` None); it
    attaches to the business's profile when a verifier has checked who the business is (its claim
    approved, or its own profile verified: a NIB is public, so naming it proves nothing), and then counts
    in its track record and as a document of its history in the matching index. `row_key` keeps a
    second import of the same file from recording an award twice."""

    __tablename__ = "supplier_past_award"
    __table_args__ = (
        UniqueConstraint("row_key"),
        Index("ix_supplier_past_award_winner_nib", "winner_nib"),
        Index("ix_supplier_past_award_winner_npwp", "winner_npwp"),
        Index("ix_supplier_past_award_supplier_id", "supplier_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    row_key: Mapped[str] = mapped_column(String(64))  # SHA-256 of what identifies the award
    package_code: Mapped[str | None] = mapped_column(String(100), default=None)  # kode paket
    buyer_name: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(1000))
    value_idr: Mapped[int | None] = mapped_column(BigInteger, default=None)  # whole Rupiah
    awarded_on: Mapped[dt.date] = mapped_column(Date)
    winner_nib: Mapped[str | None] = mapped_column(String(13), default=None)
    winner_npwp: Mapped[str | None] = mapped_column(String(16), default=None)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("ref_region.code"), default=None)
    method: Mapped[str | None] = mapped_column(String(60), default=None)  # tender, non tender, e-katalog...
    # Jenis pengadaan: goods, works, consulting or services (`rantai.matching.history.KINDS`).
    procurement_type: Mapped[str | None] = mapped_column(String(16), default=None)
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="SET NULL"), default=None
    )
    attached_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    imported_by_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
