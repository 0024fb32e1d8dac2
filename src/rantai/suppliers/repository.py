"""Every supplier query lives here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rantai.kit.ids import storable_id
from rantai.kit.pagination import Page, PageRequest
from rantai.suppliers.models import Certification, ImportJob, SizeClassRecord, SupplierKbli, SupplierProfile


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


def verification_queue(
    session: Session,
    page: PageRequest,
    *,
    areas: Sequence[str | None],
    status: str = "submitted",
    province_code: str | None = None,
    kabkota_code: str | None = None,
    query: str | None = None,
) -> Page[SupplierProfile]:
    """Profiles in a status inside any of the verifier's areas (None: everywhere), oldest submission first."""
    stmt = select(SupplierProfile).where(SupplierProfile.status == status)
    if None not in areas:
        area_conditions = [
            (SupplierProfile.kabkota_code == area)
            | SupplierProfile.kabkota_code.startswith(f"{area}.")
            | (SupplierProfile.province_code == area)
            for area in areas
            if area is not None
        ]
        if not area_conditions:
            return Page(items=[], total=0, page=page.page, per_page=page.per_page)
        combined = area_conditions[0]
        for condition in area_conditions[1:]:
            combined = combined | condition
        stmt = stmt.where(combined)
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
