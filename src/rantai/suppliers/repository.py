"""Every supplier query lives here.

Lists are authorized in the query (issue #10): the ``*_readable`` conditions are built from the actor
by ``policy.reach``, so a verifier's queue, a directory page or a claimant's claims can only hold rows
``policy.can`` allows that actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rantai.audit.models import AuditEvent
from rantai.identity.models import Organization, User
from rantai.identity.policy import Action, Actor, Party, reach
from rantai.kit.clock import now
from rantai.kit.ids import storable_id
from rantai.kit.pagination import Page, PageRequest
from rantai.reference.models import CertificationType
from rantai.suppliers.models import (
    Certification,
    CertificationRecord,
    ImportJob,
    PastAward,
    SizeClassRecord,
    SupplierClaim,
    SupplierDocument,
    SupplierKbli,
    SupplierProfile,
    TrackRecord,
    VerificationReview,
)


def by_id(session: Session, profile_id: int) -> SupplierProfile | None:
    return session.get(SupplierProfile, profile_id) if storable_id(profile_id) else None


def business_names(session: Session, profile_ids: Sequence[int]) -> dict[int, str]:
    """Profile id -> business name, for those of `profile_ids` that exist (one query)."""
    query = select(SupplierProfile.id, SupplierProfile.business_name).where(
        SupplierProfile.id.in_(profile_ids)
    )
    return {profile_id: name for profile_id, name in session.execute(query).all()}  # noqa: C416 - typed pairs (dict(rows) is dict[Any, Any])


def by_organization(session: Session, organization_id: int) -> SupplierProfile | None:
    return session.scalars(
        select(SupplierProfile).where(SupplierProfile.organization_id == organization_id)
    ).one_or_none()


def by_nib(session: Session, nib: str) -> SupplierProfile | None:
    return session.scalars(select(SupplierProfile).where(SupplierProfile.nib == nib)).one_or_none()


def kbli_codes(session: Session, profile_id: int) -> list[str]:
    """The profile's KBLI codes, primary first."""
    rows = session.execute(
        select(SupplierKbli.kbli_code)
        .where(SupplierKbli.supplier_id == profile_id)
        .order_by(SupplierKbli.is_primary.desc(), SupplierKbli.id)
    )
    return [code for (code,) in rows]


def profiles_by_id(session: Session, profile_ids: Sequence[int]) -> dict[int, SupplierProfile]:
    """The profiles named (one query)."""
    if not profile_ids:
        return {}
    rows = session.scalars(select(SupplierProfile).where(SupplierProfile.id.in_(sorted(set(profile_ids)))))
    return {profile.id: profile for profile in rows}


def kbli_codes_of(session: Session, profile_ids: Sequence[int]) -> dict[int, list[str]]:
    """Profile id -> its KBLI codes, primary first (one query)."""
    found: dict[int, list[str]] = {}
    if profile_ids:
        rows = session.execute(
            select(SupplierKbli.supplier_id, SupplierKbli.kbli_code)
            .where(SupplierKbli.supplier_id.in_(sorted(set(profile_ids))))
            .order_by(SupplierKbli.supplier_id, SupplierKbli.is_primary.desc(), SupplierKbli.id)
        )
        for profile_id, code in rows:
            found.setdefault(profile_id, []).append(code)
    return found


def valid_certifications_of(
    session: Session, profile_ids: Sequence[int], on: dt.date
) -> dict[int, list[tuple[Certification, CertificationType]]]:
    """Profile id -> its certificates valid on ``on`` (not rejected, within their dates) with their type,
    by type (one query): what the directory's certificate filter counts."""
    found: dict[int, list[tuple[Certification, CertificationType]]] = {}
    if profile_ids:
        rows = session.execute(
            select(Certification, CertificationType)
            .join(CertificationType, CertificationType.code == Certification.type_code)
            .where(
                Certification.supplier_id.in_(sorted(set(profile_ids))),
                Certification.status != "rejected",
                (Certification.valid_from.is_(None)) | (Certification.valid_from <= on),
                (Certification.valid_until.is_(None)) | (Certification.valid_until >= on),
            )
            .order_by(Certification.supplier_id, Certification.type_code, Certification.id)
        )
        for certification, kind in rows:
            found.setdefault(certification.supplier_id, []).append((certification, kind))
    return found


def track_records_of(session: Session, profile_ids: Sequence[int]) -> dict[int, TrackRecord]:
    """The track records of the profiles named that have one (one query)."""
    if not profile_ids:
        return {}
    rows = session.scalars(select(TrackRecord).where(TrackRecord.supplier_id.in_(sorted(set(profile_ids)))))
    return {row.supplier_id: row for row in rows}


TRACK_COUNTERS = frozenset(
    {
        "awards_won",
        "orders_completed",
        "orders_on_time",
        "deliveries",
        "deliveries_on_time",
        "deliveries_late",
        "rejections",
        "invoices_settled",
    }
)


def add_to_track_record(session: Session, profile_id: int, **counts: int) -> None:
    """Add to a supplier's track record counters (``deliveries=1, deliveries_late=1``...) in the caller's
    transaction: one guarded UPDATE (two writers add up, never overwrite), making the row first when the
    supplier has none (a writer that loses that race adds to the row the other made)."""
    wanted = {name: count for name, count in counts.items() if count}
    unknown = set(wanted) - TRACK_COUNTERS
    if unknown:
        raise ValueError(f"no track record counter {sorted(unknown)}")
    if not wanted:
        return
    values: dict[str, Any] = {name: getattr(TrackRecord, name) + count for name, count in wanted.items()}
    values["updated_at"] = now()
    changed = session.execute(
        update(TrackRecord)
        .where(TrackRecord.supplier_id == profile_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount == 1:  # type: ignore[attr-defined]
        return
    try:
        with session.begin_nested():
            session.add(TrackRecord(supplier_id=profile_id, **wanted))
            session.flush()
    except IntegrityError:  # made meanwhile by another transaction: add to it
        add_to_track_record(session, profile_id, **wanted)


def replace_kbli(session: Session, profile_id: int, codes: Sequence[str]) -> None:
    session.execute(delete(SupplierKbli).where(SupplierKbli.supplier_id == profile_id))
    session.add_all(
        SupplierKbli(supplier_id=profile_id, kbli_code=code, is_primary=index == 0)
        for index, code in enumerate(codes)
    )


def size_history(session: Session, profile_id: int) -> Sequence[SizeClassRecord]:
    return session.scalars(
        select(SizeClassRecord)
        .where(SizeClassRecord.supplier_id == profile_id)
        .order_by(SizeClassRecord.effective_on, SizeClassRecord.id)
    ).all()


def certifications(session: Session, profile_id: int) -> Sequence[Certification]:
    return session.scalars(
        select(Certification)
        .where(Certification.supplier_id == profile_id)
        .order_by(Certification.valid_until.desc(), Certification.id)
    ).all()


def certification_history(session: Session, profile_id: int) -> dict[int, list[CertificationRecord]]:
    """Certificate id -> the certificates its renewals replaced, newest first (one query)."""
    found: dict[int, list[CertificationRecord]] = {}
    for record in session.scalars(
        select(CertificationRecord)
        .where(CertificationRecord.supplier_id == profile_id)
        .order_by(CertificationRecord.certification_id, CertificationRecord.id.desc())
    ):
        found.setdefault(record.certification_id, []).append(record)
    return found


def certification_record(session: Session, record_id: int) -> CertificationRecord | None:
    return session.get(CertificationRecord, record_id) if storable_id(record_id) else None


def certification_by_id(session: Session, certification_id: int) -> Certification | None:
    return session.get(Certification, certification_id)


def certification_exists(session: Session, profile_id: int, type_code: str, number: str) -> bool:
    stmt = select(Certification.id).where(
        Certification.supplier_id == profile_id,
        Certification.type_code == type_code,
        Certification.number == number,
    )
    return session.scalar(stmt) is not None


def cooperative_by_nib(session: Session, nib: str) -> SupplierProfile | None:
    return session.scalars(
        select(SupplierProfile).where(SupplierProfile.nib == nib, SupplierProfile.legal_form == "koperasi")
    ).one_or_none()


# --- what an actor may read ---------------------------------------------------------------------------


def region_in(areas: Sequence[str | None]) -> ColumnElement[bool]:
    """Profiles whose most precise region (``SupplierProfile.region_code``) lies in one of the areas
    (None: everywhere), by the policy's rule: the region is the area or inside it."""
    if None in areas:
        return SupplierProfile.id.is_not(None)
    region = func.coalesce(
        SupplierProfile.desa_code, SupplierProfile.kecamatan_code, SupplierProfile.kabkota_code
    )
    conditions = []
    for area in areas:
        if area is None:
            continue
        inside = or_(region == area, region.startswith(f"{area}.", autoescape=True))
        # The province or kab/kota column first, so the status+province / status+kab/kota indexes serve.
        parts = area.split(".")
        if len(parts) == 1:
            conditions.append(and_(SupplierProfile.province_code == area, inside))
        else:
            conditions.append(and_(SupplierProfile.kabkota_code == ".".join(parts[:2]), inside))
    return or_(false(), *conditions)


def profile_readable(
    actor: Actor | None, action: Action = Action.VIEW_SUPPLIER_PROFILE, *, public: bool = True
) -> ColumnElement[bool]:
    """The profiles ``actor`` may ``action`` (read, read personal data of, verify) as a WHERE condition:
    public ones (verified; left out when ``public`` is False), its own organizations', and those in the
    regions it verifies."""
    scope = reach(actor, action)
    conditions: list[ColumnElement[bool]] = []
    if public and scope.public:
        conditions.append(SupplierProfile.status == "verified")
    if owners := scope.organizations(Party.OWNER):
        conditions.append(SupplierProfile.organization_id.in_(sorted(owners)))
    if scope.areas:
        conditions.append(region_in(scope.areas))
    return or_(false(), *conditions)


def readable_profiles(
    actor: Actor | None, action: Action = Action.VIEW_SUPPLIER_PROFILE
) -> Select[SupplierProfile]:
    return select(SupplierProfile).where(profile_readable(actor, action))


def readable_profile_ids(session: Session, actor: Actor | None, profile_ids: Sequence[int]) -> set[int]:
    """Those of ``profile_ids`` that ``actor`` may see (one query)."""
    if not profile_ids:
        return set()
    return set(
        session.scalars(
            select(SupplierProfile.id).where(SupplierProfile.id.in_(profile_ids), profile_readable(actor))
        )
    )


def verification_queue(
    session: Session,
    page: PageRequest,
    *,
    actor: Actor | None,
    status: str = "submitted",
    province_code: str | None = None,
    kabkota_code: str | None = None,
    query: str | None = None,
) -> Page[SupplierProfile]:
    """Profiles in a status that ``actor`` may verify (inside its regions), oldest submission first."""
    stmt = select(SupplierProfile).where(
        SupplierProfile.status == status, profile_readable(actor, Action.VERIFY_SUPPLIER)
    )
    if province_code:
        stmt = stmt.where(SupplierProfile.province_code == province_code)
    if kabkota_code:
        stmt = stmt.where(SupplierProfile.kabkota_code == kabkota_code)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(SupplierProfile.business_name.ilike(like) | (SupplierProfile.nib == query.strip()))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = session.scalars(
        stmt.order_by(SupplierProfile.submitted_at, SupplierProfile.id)
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return Page(items=items, total=total, page=page.page, per_page=page.per_page)


def import_job_readable(actor: Actor | None) -> ColumnElement[bool]:
    """The import jobs ``actor`` may read: those its organizations ran."""
    importers = reach(actor, Action.VIEW_RECORD).organizations(Party.IMPORTER)
    return ImportJob.organization_id.in_(sorted(importers)) if importers else false()


def readable_import_job(session: Session, actor: Actor | None, job_id: int) -> ImportJob | None:
    """The import job when ``actor`` may read it (another organization's job is simply not found)."""
    if not storable_id(job_id):
        return None
    return session.scalar(select(ImportJob).where(ImportJob.id == job_id, import_job_readable(actor)))


def expiring_certifications(session: Session, profile_id: int, until: dt.date) -> Sequence[Certification]:
    return session.scalars(
        select(Certification).where(
            Certification.supplier_id == profile_id,
            Certification.valid_until.is_not(None),
            Certification.valid_until <= until,
        )
    ).all()


def import_job(session: Session, job_id: int) -> ImportJob | None:
    return session.get(ImportJob, job_id)


# --- claims ----------------------------------------------------------------------------------------


def claim_by_id(session: Session, claim_id: int) -> SupplierClaim | None:
    return session.get(SupplierClaim, claim_id) if storable_id(claim_id) else None


def pending_claim_of(session: Session, organization_id: int) -> SupplierClaim | None:
    """The claim an organization is waiting on (it has at most one)."""
    return session.scalars(
        select(SupplierClaim)
        .where(SupplierClaim.claimant_organization_id == organization_id, SupplierClaim.status == "pending")
        .order_by(SupplierClaim.id)
        .limit(1)
    ).first()


def claim_readable(actor: Actor | None) -> ColumnElement[bool]:
    """The claims ``actor`` may read as their claimant (verifiers see theirs through ``claim_queue``)."""
    claimants = reach(actor, Action.VIEW_RECORD).organizations(Party.OWNER)
    return SupplierClaim.claimant_organization_id.in_(sorted(claimants)) if claimants else false()


def readable_claim(session: Session, actor: Actor | None, claim_id: int) -> SupplierClaim | None:
    """A claim its claimant may read (anyone else's is simply not found)."""
    if not storable_id(claim_id):
        return None
    return session.scalar(select(SupplierClaim).where(SupplierClaim.id == claim_id, claim_readable(actor)))


def claims_of(
    session: Session, actor: Actor | None, organization_id: int, limit: int = 20
) -> Sequence[tuple[SupplierClaim, str]]:
    """An organization's claims that ``actor`` may read, newest first, with the NIB each is for."""
    rows = session.execute(
        select(SupplierClaim, SupplierProfile.nib)
        .join(SupplierProfile, SupplierProfile.id == SupplierClaim.profile_id)
        .where(SupplierClaim.claimant_organization_id == organization_id, claim_readable(actor))
        .order_by(SupplierClaim.id.desc())
        .limit(limit)
    )
    return [(claim, nib) for claim, nib in rows]


def pending_claims_on(session: Session, profile_id: int) -> Sequence[SupplierClaim]:
    return session.scalars(
        select(SupplierClaim)
        .where(SupplierClaim.profile_id == profile_id, SupplierClaim.status == "pending")
        .order_by(SupplierClaim.id)
    ).all()


def claim_queue(
    session: Session, page: PageRequest, *, actor: Actor | None
) -> Page[tuple[SupplierClaim, SupplierProfile]]:
    """Pending claims on profiles ``actor`` may verify (inside its regions), oldest first."""
    stmt = (
        select(SupplierClaim, SupplierProfile)
        .join(SupplierProfile, SupplierProfile.id == SupplierClaim.profile_id)
        .where(SupplierClaim.status == "pending", profile_readable(actor, Action.VERIFY_SUPPLIER))
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(SupplierClaim.created_at, SupplierClaim.id).offset(page.offset).limit(page.per_page)
    )
    return Page(
        items=[(claim, profile) for claim, profile in rows],
        total=total,
        page=page.page,
        per_page=page.per_page,
    )


def hand_over(session: Session, profile_id: int, *, organization_id: int, at: dt.datetime) -> bool:
    """Compare-and-set: move a still-unclaimed profile into ``organization_id``, claimed and managed by it.
    False when it was claimed meanwhile."""
    result = session.execute(
        update(SupplierProfile)
        .where(SupplierProfile.id == profile_id, SupplierProfile.claimed_at.is_(None))
        .values(
            organization_id=organization_id,
            managed_by_organization_id=organization_id,
            claimed_at=at,
            version=SupplierProfile.version + 1,
        )
        .execution_options(synchronize_session="fetch")
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def organization_names(session: Session, organization_ids: Sequence[int]) -> dict[int, str]:
    query = select(Organization.id, Organization.name).where(Organization.id.in_(organization_ids))
    return {org_id: name for org_id, name in session.execute(query)}  # noqa: C416 - typed pairs


def users_by_id(session: Session, user_ids: Sequence[int]) -> dict[int, User]:
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(user_ids)))}


def profile_history(session: Session, profile_id: int, limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """How many audit entries there are about a profile, and the latest ``limit`` of them (oldest first):
    what happened to it before its business held it, carried into the claim's entry."""
    about = (AuditEvent.target_type == "supplier_profile", AuditEvent.target_id == str(profile_id))
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*about)) or 0
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.occurred_at, AuditEvent.organization_id, AuditEvent.details)
        .where(*about)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    latest = [
        {
            "action": action,
            "at": occurred.isoformat(),
            "by_organization_id": (details or {}).get("actor_organization_id", organization_id),
        }
        for action, occurred, organization_id, details in reversed(rows)
    ]
    return total, latest


def organizations_of(session: Session, profile_ids: Sequence[int]) -> dict[int, int]:
    """The organization acting for each profile named (erased profiles left out)."""
    if not profile_ids:
        return {}
    rows = session.execute(
        select(SupplierProfile.id, SupplierProfile.organization_id).where(
            SupplierProfile.id.in_(sorted(set(profile_ids))), SupplierProfile.erased_at.is_(None)
        )
    )
    return {int(profile_id): int(org_id) for profile_id, org_id in rows}


# --- verification evidence (issue #13) --------------------------------------------------------------


def documents_of(session: Session, profile_id: int) -> dict[str, SupplierDocument]:
    """The profile's submitted documents by kind (``checklist.DocumentKind``)."""
    rows = session.scalars(select(SupplierDocument).where(SupplierDocument.supplier_id == profile_id))
    return {row.kind: row for row in rows}


def latest_review(session: Session, profile_id: int) -> VerificationReview | None:
    """The last verifier's decision on the profile (what the owner must fix, after a rejection)."""
    return session.scalars(
        select(VerificationReview)
        .where(VerificationReview.profile_id == profile_id)
        .order_by(VerificationReview.id.desc())
        .limit(1)
    ).first()


# --- past awards (issue #14) --------------------------------------------------------------------------


def past_award_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these award keys are recorded already."""
    if not keys:
        return set()
    return set(session.scalars(select(PastAward.row_key).where(PastAward.row_key.in_(keys))))


def checked_winners(session: Session, nibs: set[str], npwps: set[str]) -> dict[tuple[str, str], int]:
    """("nib"|"npwp", number) -> profile id, for the winners whose profile its business holds and a
    verifier checked (verified, or its claim approved)."""
    if not nibs and not npwps:
        return {}
    approved = exists().where(
        SupplierClaim.profile_id == SupplierProfile.id, SupplierClaim.status == "approved"
    )
    rows = session.execute(
        select(SupplierProfile.id, SupplierProfile.nib, SupplierProfile.npwp).where(
            or_(SupplierProfile.nib.in_(nibs), SupplierProfile.npwp.in_(npwps)),
            SupplierProfile.claimed_at.is_not(None),
            or_(SupplierProfile.status == "verified", approved),
        )
    )
    found: dict[tuple[str, str], int] = {}
    for profile_id, nib, npwp in rows:
        found[("nib", nib)] = profile_id
        if npwp:
            found[("npwp", npwp)] = profile_id
    return found


def unclaimed_awards_naming(session: Session, nib: str, npwp: str | None) -> list[PastAward]:
    """The unclaimed past awards whose winner is this NIB or NPWP, locked until the transaction ends."""
    named = [PastAward.winner_nib == nib]
    if npwp:
        named.append(PastAward.winner_npwp == npwp)
    return list(
        session.scalars(
            select(PastAward)
            .where(PastAward.supplier_id.is_(None), or_(*named))
            .order_by(PastAward.id)
            .with_for_update()
        )
    )


def past_awards_of(session: Session, supplier_ids: Sequence[int]) -> dict[int, list[PastAward]]:
    """Each supplier's attached past awards, oldest first (one query)."""
    if not supplier_ids:
        return {}
    found: dict[int, list[PastAward]] = {}
    for award in session.scalars(
        select(PastAward)
        .where(PastAward.supplier_id.in_(sorted(set(supplier_ids))))
        .order_by(PastAward.supplier_id, PastAward.awarded_on, PastAward.id)
    ):
        if award.supplier_id is not None:
            found.setdefault(award.supplier_id, []).append(award)
    return found
