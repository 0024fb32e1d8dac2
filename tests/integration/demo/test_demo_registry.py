"""The demo supplier registry: a living, deterministic registry that a second load leaves alone."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.id import npwp

from rantai.audit.models import AuditEvent
from rantai.catalog.directory import DirectoryQuery, search
from rantai.catalog.models import Product, SupplierSearchDocument
from rantai.demo.registry import (
    DEMO_NIB_PREFIX,
    VERIFIER_EMAIL,
    demo_data,
    load_demo_registry,
    plan_registry,
    read_reference,
)
from rantai.demo.seed import load_demo_identity
from rantai.identity import repository as identity_repo
from rantai.identity.models import Organization
from rantai.kit.clock import now
from rantai.kit.pagination import PageRequest
from rantai.suppliers.models import Certification, SizeClassRecord, SupplierKbli, SupplierProfile

SMALL = 200


def _demo_profiles(db: Session) -> list[SupplierProfile]:
    return list(db.scalars(select(SupplierProfile).where(SupplierProfile.nib.startswith(DEMO_NIB_PREFIX))))


def test_a_small_registry_covers_every_province_with_a_mix_of_statuses(db: Session) -> None:
    load_demo_identity(db)
    report = load_demo_registry(db, suppliers=SMALL, seed=7)

    profiles = _demo_profiles(db)
    assert report.suppliers == len(profiles) == SMALL
    # The first 38 suppliers go one to each province, so every province shows up.
    assert report.provinces == len({p.province_code for p in profiles}) == 38
    statuses = {p.status for p in profiles}
    assert statuses == {"verified", "submitted", "draft", "rejected"}
    verifier = identity_repo.user_by_email(db, VERIFIER_EMAIL)
    assert verifier is not None
    for profile in profiles:
        assert re.fullmatch(r"99990\d{8}", profile.nib)
        assert profile.npwp is None or npwp.is_valid(profile.npwp)
        assert profile.kabkota_code.startswith(profile.province_code + ".")
        if profile.status == "verified":
            assert profile.verified_at is not None
            assert profile.verified_by_user_id == verifier.id
        if profile.status == "rejected":
            assert profile.status_reason
    org_types = dict(
        db.execute(
            select(Organization.org_type, func.count())
            .join(SupplierProfile, SupplierProfile.organization_id == Organization.id)
            .where(SupplierProfile.nib.startswith(DEMO_NIB_PREFIX))
            .group_by(Organization.org_type)
        ).all()
    )
    assert org_types["umkm"] > org_types["koperasi"] > 0


def test_products_and_kbli_agree_and_certificates_expire_at_different_times(db: Session) -> None:
    report = load_demo_registry(db, suppliers=SMALL, seed=7)

    ids = [p.id for p in _demo_profiles(db)]
    product_kbli: dict[int, set[str | None]] = {}
    for supplier_id, kbli in db.execute(
        select(Product.supplier_id, Product.kbli_code).where(Product.supplier_id.in_(ids))
    ):
        product_kbli.setdefault(supplier_id, set()).add(kbli)
    assert report.products == sum(
        1 for _ in db.scalars(select(Product.id).where(Product.supplier_id.in_(ids)))
    )
    for supplier_id, kbli in db.execute(select(SupplierKbli.supplier_id, SupplierKbli.kbli_code)):
        if supplier_id in product_kbli:
            assert kbli in product_kbli[supplier_id]
    today = now().date()
    ends = list(
        db.scalars(
            select(Certification.valid_until).where(
                Certification.supplier_id.in_(ids), Certification.valid_until.is_not(None)
            )
        )
    )
    assert report.expiring_14 == sum(today <= end <= today + dt.timedelta(days=14) for end in ends) > 0
    assert report.expired == sum(end < today for end in ends) > 0
    assert sum(end > today + dt.timedelta(days=365) for end in ends) > len(ends) / 2
    grown = db.scalars(
        select(SizeClassRecord.supplier_id)
        .where(SizeClassRecord.supplier_id.in_(ids))
        .group_by(SizeClassRecord.supplier_id)
        .having(func.count() > 1)
    ).all()
    assert len(grown) == report.naik_kelas > 0
    ranks = {"mikro": 1, "kecil": 2, "menengah": 3, "besar": 4}
    for supplier_id in grown:
        history = db.scalars(
            select(SizeClassRecord)
            .where(SizeClassRecord.supplier_id == supplier_id)
            .order_by(SizeClassRecord.effective_on)
        ).all()
        assert ranks[history[0].size_class] < ranks[history[-1].size_class]
        profile = db.get(SupplierProfile, supplier_id)
        assert profile is not None
        assert history[-1].size_class == profile.size_class


def test_a_second_load_adds_nothing(db: Session) -> None:
    first = load_demo_registry(db, suppliers=SMALL, seed=7)
    counts = [db.scalar(select(func.count()).select_from(m)) for m in (SupplierProfile, Product, AuditEvent)]

    second = load_demo_registry(db, suppliers=SMALL, seed=8)

    assert first.suppliers == SMALL
    assert second.suppliers == 0
    assert second.already_loaded == SMALL
    assert [
        db.scalar(select(func.count()).select_from(m)) for m in (SupplierProfile, Product, AuditEvent)
    ] == counts


def test_the_directory_finds_a_demo_supplier_by_a_product_word_in_its_province(db: Session) -> None:
    load_demo_registry(db, suppliers=SMALL, seed=7)
    profile, product_name = db.execute(
        select(SupplierProfile, Product.name)
        .join(Product, Product.supplier_id == SupplierProfile.id)
        .where(
            SupplierProfile.nib.startswith(DEMO_NIB_PREFIX),
            SupplierProfile.status == "verified",
            Product.is_active.is_(True),
        )
        .order_by(SupplierProfile.nib, Product.id)
        .limit(1)
    ).one()
    word = max(re.findall(r"[A-Za-z]{4,}", product_name), key=len)
    assert db.get(SupplierSearchDocument, profile.id) is not None

    page = search(
        db, DirectoryQuery(text=word, province_code=profile.province_code), PageRequest(page=1, per_page=100)
    )

    assert profile.id in {p.id for p in page.items}
    assert all(p.province_code == profile.province_code for p in page.items)


def test_the_same_seed_plans_the_same_registry(db: Session) -> None:
    data, today = demo_data(), now().date()
    reference = read_reference(db, data, today)

    def names(seed: int) -> list[tuple[str, str, list[str]]]:
        plans = plan_registry(data, reference, suppliers=60, seed=seed, today=today)
        return [(p.profile["nib"], p.profile["business_name"], [x.name for x in p.products]) for p in plans]

    assert names(3) == names(3)
    assert names(3) != names(4)


def test_the_shipped_data_is_small_and_every_kind_has_names() -> None:
    data = demo_data()
    folder = resources.files("rantai.demo").joinpath("data")
    assert sum(len(f.read_bytes()) for f in folder.iterdir() if f.is_file()) < 300_000
    assert set(data.names) == set(data.kinds)
    assert all(len(names) >= 3 for names in data.names.values())
    assert {k for s in data.sectors.values() for k in s.kinds} <= set(data.kinds)
    assert len(data.population) == 38
