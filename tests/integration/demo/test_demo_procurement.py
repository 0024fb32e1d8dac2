"""Demo buyers and needs: real RUP lines for BUMN buyers, their pagu, track records, the UMKM login's own
business."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rantai.analytics import kpi
from rantai.analytics.models import BuyerBudget
from rantai.demo import needs
from rantai.demo.procurement import (
    LOGIN_BUYER_PAGU,
    demo_need_count,
    load_demo_procurement,
    load_demo_supplier_login,
)
from rantai.demo.registry import load_demo_registry
from rantai.demo.seed import load_demo_identity
from rantai.identity.models import Organization
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.sourcing import opportunities
from rantai.sourcing.models import Need, NeedLine
from rantai.suppliers.models import SupplierProfile, TrackRecord

TODAY = dt.date(2026, 12, 1)


def test_buyers_get_open_needs_from_real_plan_lines_once(db: Session) -> None:
    load_demo_identity(db)
    load_demo_registry(db, suppliers=150, seed=3)
    report = load_demo_procurement(db, today=TODAY, needs_per_buyer=6)
    assert report.buyers >= 40
    assert report.needs == demo_need_count(db) == 6 * report.buyers
    assert 0 < report.open_needs < report.needs
    assert report.track_records > 0
    assert db.scalar(select(func.count()).select_from(TrackRecord)) == report.track_records
    buyer_types = set(
        db.scalars(select(Organization.org_type).join(Need, Need.organization_id == Organization.id))
    )
    assert buyer_types == {"bumn", "swasta_besar", "pembeli_global"}
    provinces = set(
        db.scalars(select(Organization.region_code).join(Need, Need.organization_id == Organization.id))
    )
    assert len({code.split(".")[0] for code in provinces if code}) >= 15
    days = [line.needed_by for line in db.scalars(select(NeedLine))]
    assert all(day is not None and 30 <= (day - TODAY).days <= 120 for day in days)
    again = load_demo_procurement(db, today=TODAY, needs_per_buyer=6)
    assert (again.needs, demo_need_count(db)) == (0, report.needs)
    assert (again.budgets, report.budgets > 0) == (0, True)


def test_needs_read_like_a_bumn_units_and_every_spend_group_has_open_ones(db: Session) -> None:
    load_demo_identity(db)
    load_demo_procurement(db, today=TODAY, needs_per_buyer=40)
    kinds = {line.kd_rup: line.kind for line in needs.load_need_lines()}
    groups: dict[str, int] = {}
    for need, line in db.execute(select(Need, NeedLine).join(NeedLine, NeedLine.need_id == Need.id)):
        for text in (need.title, line.name, need.description or "", line.specification or ""):
            assert not needs.BOILERPLATE.search(text), (need.reference, text)
        assert need.title.startswith((line.name, f"Pengadaan {line.name}")), need.title
        assert line.procurement_type in {"goods", "works", "services"}, need.reference
        if need.status == "open":
            group = needs.spend_group(kinds.get(need.reference or ""))
            groups[group] = groups.get(group, 0) + 1
    assert set(groups) == {*needs.SPEND_GROUPS, needs.ROUTINE}
    assert all(count >= 5 for count in groups.values()), groups


def test_each_bumn_buyer_has_a_pagu_for_three_years_and_the_umk_share_has_a_denominator(db: Session) -> None:
    load_demo_identity(db)
    report = load_demo_procurement(db, today=TODAY, needs_per_buyer=2)
    budgets = list(db.scalars(select(BuyerBudget)))
    assert report.budgets == len(budgets)
    by_org: dict[int, set[int]] = {}
    for row in budgets:
        by_org.setdefault(row.organization_id, set()).add(row.year)
    bumn = set(
        db.scalars(
            select(Organization.id).where(
                Organization.org_type == "bumn",
                Organization.id.in_(select(Need.organization_id)),
            )
        )
    )
    assert bumn and set(by_org) == bumn  # every BUMN buyer with needs, the demo login's too
    assert all(years == {2024, 2025, 2026} for years in by_org.values())
    login = db.scalar(select(Organization).where(Organization.name == "PT Perkebunan Nusantara (Demo)"))
    assert login is not None
    assert db.get(BuyerBudget, (login.id, 2026)).pagu == LOGIN_BUYER_PAGU  # type: ignore[union-attr]
    shares = kpi.umk_share(db, year=2026)
    assert {row.buyer_id for row in shares} >= bumn
    assert all(row.pagu and row.pagu >= 1_000_000_000 for row in shares if row.buyer_id in bumn)


def test_the_umkm_login_has_a_verified_business_with_a_lapsed_halal_certificate(
    db: Session, tmp_path: Path
) -> None:
    load_demo_identity(db)
    assert load_demo_supplier_login(db, today=TODAY) is True
    assert load_demo_supplier_login(db, today=TODAY) is False
    profile = db.scalar(select(SupplierProfile).where(SupplierProfile.nib == "9999099990001"))
    assert profile is not None and profile.status == "verified"
    owner = Actor(
        user_id=0,
        roles={profile.organization_id: frozenset({Role.OWNER})},
        org_types={profile.organization_id: OrgType.UMKM},
    )
    found = opportunities.opportunities_for(db, profile.id, actor=owner)
    assert len(found.offers) == 3
