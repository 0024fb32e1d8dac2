"""Demo buyers and needs: real RUP lines for BUMN buyers, track records, the UMKM login's own business."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rantai.demo.procurement import demo_need_count, load_demo_procurement, load_demo_supplier_login
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
    assert report.buyers >= 15
    assert report.needs == demo_need_count(db) == 6 * report.buyers
    assert 0 < report.open_needs < report.needs
    assert report.track_records > 0
    assert db.scalar(select(func.count()).select_from(TrackRecord)) == report.track_records
    buyer_types = set(
        db.scalars(select(Organization.org_type).join(Need, Need.organization_id == Organization.id))
    )
    assert buyer_types == {"bumn"}
    days = [line.needed_by for line in db.scalars(select(NeedLine))]
    assert all(day is not None and 30 <= (day - TODAY).days <= 120 for day in days)
    again = load_demo_procurement(db, today=TODAY, needs_per_buyer=6)
    assert (again.needs, demo_need_count(db)) == (0, report.needs)


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
