"""The per-row baseline of the import benchmark: the same files through the services one row at a time.

This is what the platform does without the bulk import: each supplier is what the onboarding page does
(``identity.service.create_organization``, then ``suppliers.service.create_profile`` as the owner, then
``catalog.directory.refresh``), each product what the product page does
(``catalog.service.create_product``, then ``directory.refresh``). The rows come from the same file layer
(``open_table`` + ``validate_suppliers``/``validate_products``), so the two paths differ only in how they
write. Each row runs in its own savepoint (a page's request would be its own transaction; a savepoint
is cheaper than a commit, which flatters the baseline). Certificate numbers of product rows are not
added to the supplier (the bulk import does that), which flatters it too.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.catalog import directory
from rantai.catalog.bulk import unit_resolver
from rantai.catalog.import_file import ProductRecord, validate_products
from rantai.catalog.models import Category
from rantai.catalog.service import ProductData, create_product
from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity import service as identity
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.kit.errors import UserError
from rantai.reference.models import HsCode, Kbli, KbliLevel
from rantai.suppliers.bulk import RegionIndex
from rantai.suppliers.import_file import SupplierRecord, validate_suppliers
from rantai.suppliers.models import SupplierProfile
from rantai.suppliers.service import ProfileData, create_profile
from rantai.tabular.cells import LegalForm
from rantai.tabular.reading import open_table
from rantai.tabular.records import RejectedRow
from registry import proposals
from registry.database import ChildRun, cpu_seconds, operator, peak_mb


def per_row_import(
    url: str, suppliers_csv: Path, products_csv: Path, patches: tuple[str, ...], *, start_mb: float
) -> ChildRun:
    """Both files through the services, row by row, in one transaction; timed from the first row read."""
    proposals.apply(patches)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    counts = {"suppliers": 0, "products": 0, "rejected": 0, "service_errors": 0}
    with transaction(factory) as session:
        user_id, _ = operator(session)
        started, cpu = time.perf_counter(), cpu_seconds()
        regions = RegionIndex(session)
        kbli = set(session.scalars(select(Kbli.code).where(Kbli.level == KbliLevel.CLASS.value)))
        owners: dict[str, tuple[SupplierProfile, Actor]] = {}
        rows = 0
        with open_table(suppliers_csv) as table:
            for result in validate_suppliers(
                table,
                resolve_region=regions.resolve,
                known_kbli=kbli.__contains__,
                known_region=regions.known,
            ):
                rows += 1
                if isinstance(result, RejectedRow):
                    counts["rejected"] += 1
                    continue
                written = _supplier(session, result, regions, owners, user_id)
                counts["suppliers" if written else "service_errors"] += 1
        hs = set(session.scalars(select(HsCode.code).where(HsCode.level == 8)))
        categories: dict[str, str] = {}
        for code, name_id, name_en in session.execute(
            select(Category.code, Category.name_id, Category.name_en)
        ):
            for key in (code, name_id, name_en):
                categories.setdefault(key.casefold(), code)
        with open_table(products_csv) as table:
            for result in validate_products(
                table,
                resolve_unit=unit_resolver(session),
                known_kbli=kbli.__contains__,
                known_hs=hs.__contains__,
                known_nib=owners.__contains__,
            ):
                rows += 1
                if isinstance(result, RejectedRow):
                    counts["rejected"] += 1
                    continue
                written = _product(session, result, owners, categories)
                counts["products" if written else "service_errors"] += 1
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    engine.dispose()
    return ChildRun(
        label="per-row services",
        rows=rows,
        written=counts["suppliers"] + counts["products"],
        rejected=counts["rejected"] + counts["service_errors"],
        seconds=seconds,
        cpu_seconds=cpu,
        peak_mb=peak_mb(),
        start_mb=start_mb,
        load=os.getloadavg()[0],
        details=counts,
    )


def _supplier(
    session: Session,
    record: SupplierRecord,
    regions: RegionIndex,
    owners: dict[str, tuple[SupplierProfile, Actor]],
    user_id: int,
) -> bool:
    place = regions.place(record.region_code)
    if place is None:  # a province only: the bulk import rejects it too
        return False
    org_type = OrgType.KOPERASI if record.legal_form is LegalForm.KOPERASI else OrgType.UMKM
    savepoint = session.begin_nested()
    try:
        org = identity.create_organization(
            session,
            name=record.name,
            org_type=org_type,
            region_code=place["kabkota_code"],
            actor_user_id=user_id,
        )
        # The owner filling in the onboarding form (the policy's view; no membership row needed).
        actor = Actor(
            user_id=user_id,
            roles={org.id: frozenset({Role.OWNER})},
            org_types={org.id: org_type},
            org_regions={org.id: place["kabkota_code"]},
        )
        cooperative = record.cooperative_nib if record.cooperative_nib in owners else None
        profile = create_profile(
            session,
            actor=actor,
            organization_id=org.id,
            data=ProfileData(
                business_name=record.name,
                legal_form=record.legal_form.value,
                nib=record.nib,
                kabkota_code=place["kabkota_code"],
                kecamatan_code=place["kecamatan_code"],
                desa_code=place["desa_code"],
                npwp=record.npwp,
                year_founded=record.year_founded,
                phone=record.phone,
                email=record.email,
                address=record.address,
                kbli_codes=list(record.kbli_codes),
                workers=record.employee_count,
                cooperative_nib=cooperative,
                business_capital=record.business_capital,
                annual_sales=record.annual_sales,
            ),
        )
        directory.refresh(session, [profile.id])
    except UserError:
        savepoint.rollback()
        return False
    savepoint.commit()
    owners[record.nib] = (profile, actor)
    return True


def _product(
    session: Session,
    record: ProductRecord,
    owners: dict[str, tuple[SupplierProfile, Actor]],
    categories: dict[str, str],
) -> bool:
    profile, actor = owners[record.nib]
    savepoint = session.begin_nested()
    try:
        create_product(
            session,
            actor=actor,
            profile=profile,
            data=ProductData(
                name=record.name,
                code=record.product_code,
                description=record.description,
                category_code=categories.get(record.category.casefold()) if record.category else None,
                own_category=record.category,
                kbli_code=record.kbli_code,
                hs_code=record.hs_code,
                unit_code=record.unit_code,
                price_min=record.unit_price,
                price_max=record.unit_price,
                moq=record.min_order_quantity,
                capacity_per_month=record.monthly_capacity,
                # The form refuses 0 days, the import template means "ready stock" by it: leave it empty.
                lead_time_days=record.lead_time_days or None,
                certification_types=sorted({c.type_code for c in record.certifications}),
            ),
        )
        directory.refresh(session, [profile.id])
    except UserError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True
