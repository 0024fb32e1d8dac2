"""Each KPI of issue #15 against values worked out by hand on the fixture of tests/factories/analytics.py
(docs/kpi.md defines them). The sums are written out beside each expected value."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from tests.factories.analytics import END, JUTA, ON, START, Monitoring, monitoring_fixture
from tests.factories.identity import make_org, make_user

from rantai.analytics import budgets, kpi
from rantai.analytics.errors import AnalyticsForbidden, AnalyticsInvalid
from rantai.analytics.kpi import Dimension
from rantai.analytics.repository import Narrowing, Scope
from rantai.analytics.scope import scope_for
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role


@pytest.fixture
def m(db: Session) -> Monitoring:
    return monitoring_fixture(db)


def test_connected_umkm(db: Session, m: Monitoring) -> None:
    found = kpi.connected_umkm(db, on=ON)
    # S1 (BUMN, P1), S2 (private, P2 and P10), S4 (a verified cooperative of class mikro, BUMN, P4): domestic;
    # S3 (global, P3). Not: S5 (not verified), S6 (besar), P9 (accepted before 30 June 2025), P7 (a
    # government agency is not a connecting buyer), P11 (not accepted), P8 (declined).
    assert (found.connected, found.domestic, found.global_) == (4, 3, 1)
    assert found.platform_umkm == 5  # S1, S2, S3, S4, S7
    assert found.share_of_platform == pytest.approx(4 / 5)
    assert found.national_umkm == 65_465_497 and found.national_year == 2019
    assert found.share_of_nation == pytest.approx(4 / 65_465_497)
    assert "Koperasi dan UKM" in (found.national_source or "")


def test_connected_umkm_in_a_region(db: Session, m: Monitoring) -> None:
    found = kpi.connected_umkm(db, on=ON, scope=Scope(areas=("32",)))
    assert (found.connected, found.platform_umkm) == (1, 2)  # S1 of S1 and S7 (S5 is not verified)


def test_trailing_year_ends_on_the_day(db: Session, m: Monitoring) -> None:
    # On 1 May 2026 (P3 accepted 2 April, P4 2 May): S1, S2 and S3 only.
    assert kpi.connected_umkm(db, on=dt.date(2026, 5, 1)).connected == 3


def test_participating_buyers(db: Session, m: Monitoring) -> None:
    found = kpi.participating_buyers(db, start=START, end=END)
    # Orders: BUMN, private, global (the government agency does not count); RFQ only: PT Swasta Lima.
    assert found.buyer_ids == {m.bumn.id, m.swasta.id, m.global_buyer.id, m.swasta_rfq_only.id}
    assert found.target == 50 and found.share_of_target == pytest.approx(4 / 50)


def test_value_by_province(db: Session, m: Monitoring) -> None:
    rows = {r.key: r for r in kpi.value_by(db, start=START, end=END, by=Dimension.PROVINCE)}
    assert sorted(rows) == ["32", "35", "52", "73"]
    # 32: P1 100 + P5 20 + P11 15; delivered 6 of 10 units of P1 at Rp10 juta; paid P1's invoice 30.
    assert (rows["32"].orders, rows["32"].po_value, rows["32"].delivered, rows["32"].paid) == (
        3,
        135 * JUTA,
        60 * JUTA,
        30 * JUTA,
    )
    assert rows["32"].suppliers == 2
    assert rows["35"].po_value == 240 * JUTA  # P4 40 + P6 200
    assert (rows["52"].po_value, rows["52"].delivered, rows["52"].paid) == (80 * JUTA, 50 * JUTA, 50 * JUTA)
    assert rows["73"].po_value == 160 * JUTA  # P3: US$10,000.00 at Rp16.000


def test_value_by_month_sector_size_and_buyer(db: Session, m: Monitoring) -> None:
    by_month = {r.key: r.po_value for r in kpi.value_by(db, start=START, end=END, by=Dimension.MONTH)}
    assert by_month == {
        "2026-02": 100 * JUTA,
        "2026-03": 50 * JUTA,
        "2026-04": 160 * JUTA,
        "2026-05": 60 * JUTA,  # P4 40 + P5 20
        "2026-06": 245 * JUTA,  # P6 200 + P7 30 + P11 15 (P8 declined)
    }
    by_sector = {r.key: r.po_value for r in kpi.value_by(db, start=START, end=END, by=Dimension.SECTOR)}
    assert by_sector == {"C": 175 * JUTA, "F": 80 * JUTA, "G": 200 * JUTA, "H": 160 * JUTA}
    by_size = {r.key: r.po_value for r in kpi.value_by(db, start=START, end=END, by=Dimension.SIZE_CLASS)}
    assert by_size == {"besar": 200 * JUTA, "kecil": 100 * JUTA, "menengah": 160 * JUTA, "mikro": 155 * JUTA}
    by_buyer = {r.key: r.po_value for r in kpi.value_by(db, start=START, end=END, by=Dimension.BUYER)}
    assert by_buyer[str(m.bumn.id)] == 375 * JUTA  # P1 100 + P4 40 + P5 20 + P6 200 + P11 15


def test_value_filtered_and_drilled(db: Session, m: Monitoring) -> None:
    narrowing = Narrowing(province_code="32", kbli_section="C")
    rows = kpi.value_by(db, start=START, end=END, by=Dimension.KABKOTA, narrowing=narrowing)
    assert [(r.key, r.orders, r.po_value) for r in rows] == [("32.73", 3, 135 * JUTA)]
    suppliers = kpi.value_by(
        db, start=START, end=END, by=Dimension.SUPPLIER, narrowing=Narrowing(kabkota_code="32.73")
    )
    assert {r.key: r.po_value for r in suppliers} == {
        str(m.suppliers["S1"].id): 115 * JUTA,
        str(m.suppliers["S5"].id): 20 * JUTA,
    }
    assert kpi.value_by(
        db, start=START, end=END, by=Dimension.PROVINCE, narrowing=Narrowing(buyer_type="bumn")
    )


def test_a_buyer_sees_its_own_orders_only(db: Session, m: Monitoring) -> None:
    rows = kpi.value_by(
        db, start=START, end=END, by=Dimension.PROVINCE, scope=Scope(buyer_ids=frozenset({m.swasta.id}))
    )
    assert [(r.key, r.po_value) for r in rows] == [("52", 50 * JUTA)]
    assert kpi.value_by(db, start=START, end=END, by=Dimension.PROVINCE, scope=Scope()) == []


def test_umk_share_against_the_pagu(db: Session, m: Monitoring) -> None:
    rows = kpi.umk_share(db, year=2026)
    assert [r.buyer_id for r in rows] == [m.bumn.id, m.instansi.id]
    bumn, instansi = rows
    # BUMN: P1 100 (mikro at award) + P4 40 (cooperative) + P5 20 (kecil) + P11 15 (mikro) of 375; pagu 500.
    assert (bumn.platform_spend, bumn.umk_spend, bumn.pagu) == (375 * JUTA, 175 * JUTA, 500 * JUTA)
    assert bumn.share_of_pagu == pytest.approx(0.35) and bumn.meets_target is False
    assert bumn.target == pytest.approx(0.40)
    assert instansi.pagu is None and instansi.share_of_pagu is None and instansi.share_of_platform == 1.0


def test_reserved_packages(db: Session, m: Monitoring) -> None:
    found = kpi.reserved_packages(db, start=START, end=END)
    # A1 (Rp300 juta, mikro) and A2 (Rp1 miliar, besar, with an exception) lie in Rp250 juta-Rp14 miliar;
    # A3 (Rp100 juta) is below the floor; A4 is a private buyer's (no rule); A0 is before the period.
    assert (found.reserved, found.to_eligible, found.exceptions) == (2, 1, 1)
    assert found.share_to_eligible == pytest.approx(0.5)
    assert "UMKM" in found.exception_reasons[0][1]


def test_payment_discipline_ranking(db: Session, m: Monitoring) -> None:
    ranking = kpi.payment_discipline(db, on=ON)
    assert [(r.rank, r.buyer_id) for r in ranking] == [(1, m.swasta.id), (2, m.bumn.id)]
    swasta, bumn = ranking
    assert (swasta.average_days, swasta.on_time_rate, swasta.overdue_share) == (10, 1.0, 0.0)
    # 20 days paid on time, one open 51 days (10 May to 30 June) past its due date.
    assert (bumn.average_days, bumn.on_time_rate, bumn.overdue_share) == (35.5, 0.5, 0.5)


def test_inclusion(db: Session, m: Monitoring) -> None:
    found = kpi.inclusion(db, start=START, end=END)
    assert found.first_time_winners == 2  # S1 and S6; S2 first won in October 2025
    assert found.graduations == 2  # S3 mikro -> kecil -> menengah (once), S6 menengah -> besar; S2 went down
    assert found.po_value == 615 * JUTA
    assert found.cooperative_value == 40 * JUTA and found.cooperative_share == pytest.approx(40 / 615)
    assert found.outside_java_value == 240 * JUTA  # NTB 80 + Sulawesi Selatan 160
    assert (found.suppliers, found.outside_java_suppliers) == (6, 2)
    by_province = kpi.value_by(db, start=START, end=END, by=Dimension.PROVINCE)
    assert kpi.inclusion(db, start=START, end=END, by_province=by_province) == found  # as the dashboard


def test_scope_follows_the_policy(db: Session) -> None:
    ministry = make_org(db, OrgType.KEMENTERIAN_DINAS, "Kementerian (Uji)")
    ministry.region_code = None
    dinas = make_org(db, OrgType.KEMENTERIAN_DINAS, "Dinas Jabar (Uji)")
    dinas.region_code = "32"
    buyer = make_org(db, OrgType.BUMN, "BUMN (Uji)")
    supplier = make_org(db, OrgType.UMKM, "UMKM (Uji)")
    lender = make_org(db, OrgType.LEMBAGA_PEMBIAYAAN, "Bank (Uji)")
    db.flush()

    def actor_of(org: object, role: Role) -> Scope:
        user = make_user(db, org, (role,))  # type: ignore[arg-type]
        return scope_for(identity.actor_for(db, user))

    assert actor_of(ministry, Role.ANALYST).everywhere
    assert actor_of(dinas, Role.ANALYST) == Scope(areas=("32",))
    assert actor_of(buyer, Role.VIEWER) == Scope(buyer_ids=frozenset({buyer.id}))
    assert actor_of(supplier, Role.OWNER).empty
    lending = actor_of(lender, Role.OWNER)  # a lender's portfolio: nothing financed yet, so no row
    assert lending == Scope(lender_ids=frozenset({lender.id}))
    assert kpi.value_by(db, start=START, end=END, by=Dimension.PROVINCE, scope=lending) == []
    assert scope_for(None).empty


def test_budget_is_entered_by_the_buyer(db: Session) -> None:
    buyer = make_org(db, OrgType.BUMN, "BUMN Pagu (Uji)")
    admin = identity.actor_for(db, make_user(db, buyer, (Role.ADMIN,)))
    viewer = identity.actor_for(db, make_user(db, buyer, (Role.VIEWER,)))
    budgets.set_budget(db, actor=admin, organization_id=buyer.id, year=2026, pagu=900 * JUTA)
    budgets.set_budget(db, actor=admin, organization_id=buyer.id, year=2026, pagu=800 * JUTA)
    assert [(b.year, b.pagu) for b in budgets.budgets_of(db, buyer.id)] == [(2026, 800 * JUTA)]
    with pytest.raises(AnalyticsForbidden):
        budgets.set_budget(db, actor=viewer, organization_id=buyer.id, year=2026, pagu=1)
    with pytest.raises(AnalyticsInvalid):
        budgets.set_budget(db, actor=admin, organization_id=buyer.id, year=2026, pagu=0)
    with pytest.raises(AnalyticsInvalid):
        budgets.set_budget(db, actor=admin, organization_id=buyer.id, year=1999, pagu=1)
    supplier = make_org(db, OrgType.UMKM, "UMKM Pagu (Uji)")
    owner = identity.actor_for(db, make_user(db, supplier, (Role.OWNER,)))
    with pytest.raises(AnalyticsForbidden):
        budgets.set_budget(db, actor=owner, organization_id=supplier.id, year=2026, pagu=1)
