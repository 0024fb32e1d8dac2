"""Demo buyers and their procurement needs, made of real procurement plan lines (`demo/needs.py`).

BUMN buyers (real names from the Kementerian BUMN list, many as one of their units in a province) and a
large private and a global buyer each get open needs drawn from real RUP lines of the kinds they buy,
titled as a BUMN unit would write them, delivered to their office or a large city, needed 30-120 days from
the load day; the demo buyer login's organization gets some too. Each BUMN buyer has its goods-and-services
budget (pagu) for the last three years, so the UMK-share KPI (Inpres 2/2022) has a denominator. Some food and timber lines require the certificate
that applies to their kind. Demo suppliers get a track record (a share have won and delivered before),
so shortlists show both experienced suppliers and newcomers. Idempotent: a second load adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rantai.analytics.models import BuyerBudget
from rantai.catalog import index_changes
from rantai.db import bulk_insert
from rantai.demo.needs import (
    BuyerSeed,
    NeedSeed,
    budget_by_year,
    delivery_kabkota,
    load_buyers,
    load_need_lines,
    need_title,
    needed_by,
    plan_needs,
)
from rantai.demo.registry import DEMO_NIB_PREFIX, ProductKind, demo_data
from rantai.demo.seed import DEMO_LOGINS
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.roles import OrgType
from rantai.kit.clock import now
from rantai.reference.repository import umkm_reservation_ceiling
from rantai.sourcing.models import Need, NeedLine, NeedLineCertification
from rantai.suppliers.models import SupplierProfile, TrackRecord

DEMO_SOURCE = "demo"
# Certificates a demo line may require, by the product kind's first applicable certificate.
_REQUIRABLE = frozenset({"halal", "spp_irt", "bpom_md", "svlk", "sni"})
_REQUIRE_SHARE = 3  # one line in three of a kind with such a certificate requires it
_TRACK_RECORD_SHARE = 0.45  # of verified demo suppliers, those that have won before
# The demo buyer login's organization is not in data/bumn_buyers.csv: its pagu (latest year, whole Rupiah),
# the size of a plantation company's regional unit.
LOGIN_BUYER_PAGU = 24_000_000_000
_NOT_FOR_LOGIN = frozenset({"material_bangunan", "renovasi_bangunan"})
# The plan line's jenis_pengadaan as a need line's procurement type (sourcing.service.PROCUREMENT_TYPES).
_PROCUREMENT_TYPE = {"Barang": "goods", "Pekerjaan Konstruksi": "works", "Jasa Lainnya": "services"}


@dataclass(frozen=True, slots=True)
class ProcurementReport:
    buyers: int
    needs: int
    open_needs: int
    track_records: int
    budgets: int = 0  # yearly pagu rows added


def demo_need_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Need).where(Need.source == DEMO_SOURCE)) or 0


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _buyer_orgs(session: Session, buyers: list[BuyerSeed]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for buyer in buyers:
        org = identity_repo.organization_by_name(session, buyer.name)
        if org is None:
            org = identity.create_organization(
                session, name=buyer.name, org_type=OrgType(buyer.org_type), region_code=buyer.kabkota_code
            )
        ids[buyer.slug] = org.id
    return ids


def _login_buyer(buyers: list[BuyerSeed]) -> tuple[BuyerSeed, str] | None:
    """The demo buyer login's organization, as a buyer that buys every kind but building materials and
    works: their large budgets would crowd out the goods its RFQ stories are made of (demo/rfqs.py)."""
    login = next((d for d in DEMO_LOGINS if d.org_type is OrgType.BUMN and d.region_code), None)
    if login is None or login.region_code is None:
        return None
    kinds = tuple(sorted({kind for buyer in buyers for kind in buyer.kinds} - _NOT_FOR_LOGIN))
    seed = BuyerSeed(
        name=login.organization,
        cluster="Demo",
        slug="demo-login",
        province_code=login.region_code.split(".")[0],
        kabkota_code=login.region_code,
        kinds=kinds,
        pagu=LOGIN_BUYER_PAGU,
    )
    return seed, login.organization


def load_demo_procurement(
    session: Session, *, today: dt.date, needs_per_buyer: int = 200, seed: int = 2026
) -> ProcurementReport:
    """Create the demo buyers, their needs and the suppliers' track records (once)."""
    buyers = load_buyers()
    extra = _login_buyer(buyers)
    if extra is not None:
        buyers = [*buyers, extra[0]]
    if demo_need_count(session):
        budgets = _budgets(session, buyers, _existing_orgs(session, buyers), today=today)
        return ProcurementReport(len(buyers), 0, 0, 0, budgets)
    orgs = _buyer_orgs(session, [b for b in buyers if b.slug != "demo-login"])
    if extra is not None:
        login_org = identity_repo.organization_by_name(session, extra[1])
        if login_org is not None:
            orgs["demo-login"] = login_org.id
    budgets = _budgets(session, buyers, orgs, today=today)
    buyers = [b for b in buyers if b.slug in orgs]
    plan = plan_needs(buyers, load_need_lines(), per_buyer=needs_per_buyer, seed=seed)
    kinds = demo_data().kinds
    ceiling = umkm_reservation_ceiling(session, today) or 0
    stamp = now()
    need_rows: list[dict[str, object]] = []
    line_rows: list[dict[str, object]] = []
    certs: list[str | None] = []
    by_slug = {b.slug: b for b in buyers}
    for slug, lines in plan.items():
        buyer = by_slug[slug]
        for line in lines:
            digest = _digest(line.kd_rup)
            status = "draft" if digest % 5 == 0 else "open"  # four in five published
            need_rows.append(
                {
                    "organization_id": orgs[slug],
                    "title": need_title(line)[:500],
                    "reference": line.kd_rup,
                    "description": (line.description or None) and line.description[:2000],
                    "status": status,
                    "source": DEMO_SOURCE,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "published_at": stamp if status == "open" else None,
                }
            )
            line_rows.append(_line_row(line, buyer, today=today, ceiling=ceiling))
            certs.append(_required_cert(line, kinds, digest))
    need_ids = bulk_insert(session, Need, need_rows, return_ids=True)
    for row, need_id in zip(line_rows, need_ids, strict=True):
        row["need_id"] = need_id
    line_ids = bulk_insert(session, NeedLine, line_rows, return_ids=True)
    bulk_insert(
        session,
        NeedLineCertification,
        [
            {"line_id": line_id, "type_code": code}
            for line_id, code in zip(line_ids, certs, strict=True)
            if code
        ],
    )
    records = _track_records(session, seed)
    return ProcurementReport(
        buyers=len(orgs),
        needs=len(need_rows),
        open_needs=sum(1 for row in need_rows if row["status"] == "open"),
        track_records=records,
        budgets=budgets,
    )


def _existing_orgs(session: Session, buyers: list[BuyerSeed]) -> dict[str, int]:
    found = {b.slug: identity_repo.organization_by_name(session, b.name) for b in buyers}
    return {slug: org.id for slug, org in found.items() if org is not None}


def _budgets(session: Session, buyers: list[BuyerSeed], orgs: dict[str, int], *, today: dt.date) -> int:
    """Each buyer's pagu for the last three years, as its officer would enter it (issue #15), for the
    years it has none yet; returns how many were added. Written as rows, as the rest of the demo is: the
    service (analytics.budgets.set_budget) asks for an actor who manages the buyer and audits each one."""
    wanted = {
        (orgs[b.slug], year): pagu
        for b in buyers
        if b.slug in orgs
        for year, pagu in budget_by_year(b, today=today).items()
    }
    if not wanted:
        return 0
    have = set(
        session.execute(
            select(BuyerBudget.organization_id, BuyerBudget.year).where(
                BuyerBudget.organization_id.in_({org for org, _ in wanted})
            )
        ).tuples()
    )
    stamp = now()
    rows = [
        {"organization_id": org, "year": year, "pagu": pagu, "entered_at": stamp}
        for (org, year), pagu in sorted(wanted.items())
        if (org, year) not in have
    ]
    bulk_insert(session, BuyerBudget, rows)
    return len(rows)


def _line_row(line: NeedSeed, buyer: BuyerSeed, *, today: dt.date, ceiling: int) -> dict[str, object]:
    return {
        "line_no": 1,
        "name": line.name[:500],
        "specification": (line.specification or None) and line.specification[:2000],
        "quantity": line.quantity,
        "unit_code": line.unit_code,
        "delivery_kabkota_code": delivery_kabkota(line, buyer),
        "needed_by": needed_by(line, today=today),
        "budget": line.budget,
        "umkm_only": line.budget <= ceiling if ceiling else True,
        "preferred_size_class": None,
        "procurement_type": _PROCUREMENT_TYPE.get(line.procurement_type),
        "kemitraan_code": "rantai_pasok",
    }


def _required_cert(line: NeedSeed, kinds: dict[str, ProductKind], digest: int) -> str | None:
    kind = kinds.get(line.kind or "")
    applicable = kind.certifications if kind is not None else ()
    first = next((code for code in applicable if code in _REQUIRABLE), None)
    if first is None or digest % _REQUIRE_SHARE:
        return None
    return first


def _track_records(session: Session, seed: int) -> int:
    """A track record for a share of the verified demo suppliers (the others are newcomers)."""
    ids = list(
        session.scalars(
            select(SupplierProfile.id)
            .where(SupplierProfile.nib.startswith(DEMO_NIB_PREFIX), SupplierProfile.status == "verified")
            .order_by(SupplierProfile.id)
        )
    )
    existing = set(session.scalars(select(TrackRecord.supplier_id)))
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data
    rows = []
    for supplier_id in ids:
        if supplier_id in existing or rng.random() >= _TRACK_RECORD_SHARE:
            continue
        completed = int(rng.lognormvariate(1.3, 0.9)) + 1
        awards = max(1, completed + rng.randint(0, 2))
        on_time = min(completed, round(completed * rng.uniform(0.6, 1.0)))
        rows.append(
            {
                "supplier_id": supplier_id,
                "awards_won": awards,
                "orders_completed": completed,
                "orders_on_time": on_time,
            }
        )
    bulk_insert(session, TrackRecord, rows)
    index_changes.mark(session, [int(row["supplier_id"]) for row in rows])
    return len(rows)


# The demo UMKM login's own business, so that logging in as it shows opportunities and a gap at once: a
# verified keripik maker in Kota Padang whose halal certificate has lapsed.
_LOGIN_NIB = "9999099990001"
_LOGIN_PRODUCTS = (
    ("Keripik Sanjai Balado 250 g", 16_000, 3_000),
    ("Keripik Singkong Original 500 g", 22_000, 2_000),
    ("Kerupuk Jangek Kulit Sapi 250 g", 25_000, 800),
)


def load_demo_supplier_login(session: Session, *, today: dt.date) -> bool:
    """Give the demo UMKM login's organization a verified profile with products (once); True if made."""
    from rantai.catalog import service as catalog  # noqa: PLC0415 - demo-only wiring
    from rantai.suppliers import repository as supplier_repo  # noqa: PLC0415
    from rantai.suppliers import service as suppliers  # noqa: PLC0415

    login = next((d for d in DEMO_LOGINS if d.org_type is OrgType.UMKM), None)
    org = identity_repo.organization_by_name(session, login.organization) if login else None
    user = identity_repo.user_by_email(session, login.email) if login else None
    if login is None or org is None or user is None or supplier_repo.by_organization(session, org.id):
        return False
    actor = identity.actor_for(session, user)
    profile = suppliers.create_profile(
        session,
        actor=actor,
        organization_id=org.id,
        data=suppliers.ProfileData(
            business_name=login.organization,
            legal_form="ud",
            nib=_LOGIN_NIB,
            kabkota_code=login.region_code or "13.71",
            phone="+6281266001234",
            kbli_codes=["10794"],
            annual_sales=480_000_000,
            workers=6,
            women_owned=True,
        ),
    )
    for type_code, number, days in (
        ("spp_irt", "2061371010123-27", 600),
        ("halal", "ID13110000555550124", -45),
    ):
        suppliers.add_certification(
            session,
            actor=actor,
            profile=profile,
            data=suppliers.CertificationData(
                type_code=type_code,
                number=number,
                valid_from=today - dt.timedelta(days=900),
                valid_until=today + dt.timedelta(days=days),
            ),
        )
    for name, price, capacity in _LOGIN_PRODUCTS:
        catalog.create_product(
            session,
            actor=actor,
            profile=profile,
            data=catalog.ProductData(
                name=name,
                category_code="pangan.olahan",
                kbli_code="10794",
                unit_code="bungkus",
                price_min=price,
                price_max=price + 3_000,
                capacity_per_month=capacity,
                lead_time_days=5,
                moq=50,
            ),
        )
    suppliers.submit(session, actor=actor, profile=profile)
    # Verified as the registry's demo rows are (data only: no demo verifier covers West Sumatra).
    profile.status = "verified"
    profile.verified_at = now()
    session.flush()
    _load_needs_for_login(session, today=today)
    return True


# Open needs of BUMN that buy keripik and kerupuk (data/bumn_buyers.csv) for the demo UMKM login's
# products: the RUP lines of Kalimantan Barat hold none, so its home showed no need it could win (issue
# #13). Three it can win; three that require a halal certificate, which its lapsed one does not cover, so
# its home shows the halal renewal as the one thing that would open the most. Not the buyers of
# demo/orders.py (hin, angkasa-pura-1), whose needs become orders.
# (buyer slug, need title, line name, quantity in bungkus, needed in days, budget in Rupiah, halal?)
_LOGIN_NEEDS = (
    (
        "sarinah",
        "Oleh-oleh khas daerah untuk gerai Sarinah Thamrin",
        "Keripik Sanjai Balado 250 g",
        1_200,
        50,
        24_000_000,
        False,
    ),
    (
        "twc",
        "Suvenir makanan khas untuk pengunjung Candi Borobudur",
        "Kerupuk Jangek Kulit Sapi 250 g",
        500,
        60,
        14_000_000,
        False,
    ),
    (
        "sarinah",
        "Camilan kemasan untuk pameran produk UMKM",
        "Keripik Singkong Original 500 g",
        1_000,
        75,
        25_000_000,
        False,
    ),
    (
        "twc",
        "Camilan halal untuk paket wisata rombongan",
        "Keripik Sanjai Balado 250 g",
        2_000,
        90,
        40_000_000,
        True,
    ),
    (
        "sarinah",
        "Keripik halal untuk rak produk nusantara",
        "Keripik Singkong Original 500 g",
        1_500,
        80,
        36_000_000,
        True,
    ),
    (
        "perinus",
        "Kerupuk untuk paket sembako karyawan",
        "Kerupuk Jangek Kulit Sapi 250 g",
        600,
        70,
        18_000_000,
        True,
    ),
)


def _load_needs_for_login(session: Session, *, today: dt.date) -> None:
    seeds = {buyer.slug: buyer for buyer in load_buyers()}
    wanted = [seeds[slug] for slug in dict.fromkeys(row[0] for row in _LOGIN_NEEDS) if slug in seeds]
    orgs = _buyer_orgs(session, wanted)
    stamp = now()
    for number, (slug, title, name, quantity, days, budget, halal) in enumerate(_LOGIN_NEEDS, 1):
        if slug not in orgs:
            continue
        need = Need(
            organization_id=orgs[slug],
            title=title,
            reference=f"DEMO-UMKM-{number}",
            status="open",
            source=DEMO_SOURCE,
            created_at=stamp,
            updated_at=stamp,
            published_at=stamp,
        )
        session.add(need)
        session.flush()
        line = NeedLine(
            need_id=need.id,
            line_no=1,
            name=name,
            quantity=quantity,
            unit_code="bungkus",
            delivery_kabkota_code=seeds[slug].kabkota_code,
            needed_by=today + dt.timedelta(days=days),
            budget=budget,
            umkm_only=True,
            kemitraan_code="rantai_pasok",
        )
        session.add(line)
        session.flush()
        if halal:
            session.add(NeedLineCertification(line_id=line.id, type_code="halal"))
    session.flush()


# The demo cooperative login's own business, so that it lands on its home, not on an empty onboarding
# form (issue #13): a verified pesantren cooperative in Kabupaten Bandung that caters meetings and sews
# uniforms, the kinds of goods the demo's BUMN buy most (snack boxes, meals, uniforms).
_KOPERASI_NIB = "9999099990002"
_KOPERASI_PRODUCTS = (
    (
        "Snack dan Minuman Rapat (kotak isi 3 kue dan air mineral)",
        "pangan.katering",
        "56210",
        "paket",
        15_000,
        3_000,
    ),
    ("Makan dan Minum Rapat (nasi kotak)", "pangan.katering", "56210", "paket", 35_000, 2_000),
    ("Pakaian Seragam Kerja (jahitan santri)", "tekstil.seragam", "14111", "set", 175_000, 400),
)


def load_demo_koperasi_login(session: Session, *, today: dt.date) -> bool:
    """Give the demo cooperative login's organization a verified profile with products (once)."""
    from rantai.catalog import service as catalog  # noqa: PLC0415 - demo-only wiring
    from rantai.suppliers import repository as supplier_repo  # noqa: PLC0415
    from rantai.suppliers import service as suppliers  # noqa: PLC0415

    login = next((d for d in DEMO_LOGINS if d.org_type is OrgType.KOPERASI), None)
    org = identity_repo.organization_by_name(session, login.organization) if login else None
    user = identity_repo.user_by_email(session, login.email) if login else None
    if login is None or org is None or user is None or supplier_repo.by_organization(session, org.id):
        return False
    actor = identity.actor_for(session, user)
    profile = suppliers.create_profile(
        session,
        actor=actor,
        organization_id=org.id,
        data=suppliers.ProfileData(
            business_name=login.organization,
            legal_form="koperasi",
            nib=_KOPERASI_NIB,
            kabkota_code=login.region_code or "32.04",
            phone="+6222595001234",
            kbli_codes=["56210", "14111"],
            annual_sales=1_900_000_000,
            workers=24,
            youth_owned=True,
        ),
    )
    suppliers.add_certification(
        session,
        actor=actor,
        profile=profile,
        data=suppliers.CertificationData(
            type_code="halal",
            number="ID32110000777770225",
            valid_from=today - dt.timedelta(days=400),
            valid_until=today + dt.timedelta(days=3 * 365),
        ),
    )
    for name, category, kbli, unit, price, capacity in _KOPERASI_PRODUCTS:
        catalog.create_product(
            session,
            actor=actor,
            profile=profile,
            data=catalog.ProductData(
                name=name,
                category_code=category,
                kbli_code=kbli,
                unit_code=unit,
                price_min=price,
                price_max=price + price // 5,
                capacity_per_month=capacity,
                lead_time_days=3,
                moq=20,
            ),
        )
    suppliers.submit(session, actor=actor, profile=profile)
    profile.status = "verified"  # as the registry's demo rows are (data only)
    profile.verified_at = now()
    session.flush()
    return True
