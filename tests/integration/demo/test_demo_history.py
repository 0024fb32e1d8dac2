"""The demo's contracting history (issue #15): loaded after the demo's own stories, it colours every
province with a verified UMKM on the monitoring map (read with the real KPI functions), shows buyers that
pay fast and slow with invoices overdue and partly paid, UMKM that grew a class between awards, first-time
winners, cooperatives and suppliers outside Java; numbers run without gaps with the counters advanced, so
the next real PO follows on; the open data still validates; a second load adds nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import log_in, make_org, make_user
from tests.factories.ocds import schema_errors

from rantai.analytics import dashboard, kpi, open_data, rollup
from rantai.analytics.repository import NATIONAL, Scope
from rantai.catalog.models import Product
from rantai.demo.history import load_demo_history
from rantai.demo.orders import load_demo_orders
from rantai.demo.procurement import load_demo_procurement, load_demo_supplier_login
from rantai.demo.registry import DEMO_NIB_PREFIX, load_demo_registry
from rantai.demo.rfqs import load_demo_rfqs
from rantai.demo.scale import Scale
from rantai.demo.seed import DEMO_PASSWORD, load_demo_identity
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import today
from rantai.orders import days_to_pay
from rantai.orders import repository as orders_repo
from rantai.orders.models import (
    Counter,
    Delivery,
    Invoice,
    Payment,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
)
from rantai.sourcing.rfq.models import Award, AwardLine, Quote, Rfq
from rantai.suppliers.models import SupplierProfile

TODAY = dt.date(2026, 12, 1)
# A reduced history: the same mechanism as the small demo, a tenth of its orders.
TEST_SCALE = Scale("test", suppliers=600, purchase_orders=300)
_COUNTED = (Rfq, Quote, Award, AwardLine, PurchaseOrder, Delivery, Receipt, Invoice, Payment, Counter)


def _loaded(db: Session, scale: Scale = TEST_SCALE) -> None:
    load_demo_identity(db)
    load_demo_registry(db, suppliers=scale.suppliers, seed=3)
    load_demo_procurement(db, today=TODAY, needs_per_buyer=4)
    load_demo_supplier_login(db, today=TODAY)
    load_demo_rfqs(db)
    load_demo_orders(db)
    report = load_demo_history(db, scale=scale)
    assert report.purchase_orders >= scale.purchase_orders
    rollup.rebuild(db)  # the monitoring reads the rollup, which `rantai demo` rebuilds after loading


def _counts(db: Session) -> list[int]:
    return [db.scalar(select(func.count()).select_from(model)) or 0 for model in _COUNTED]


def _provinces_with_verified_umkm(db: Session) -> set[str]:
    return set(
        db.scalars(
            select(SupplierProfile.province_code)
            .join(Product, Product.supplier_id == SupplierProfile.id)
            .where(
                SupplierProfile.status == "verified",
                SupplierProfile.nib.startswith(DEMO_NIB_PREFIX),
                SupplierProfile.size_class.in_(kpi.UMKM_CLASSES),
                Product.price_min.is_not(None),
            )
        )
    )


def test_the_history_colours_every_province_and_shows_the_programme(db: Session) -> None:
    _loaded(db)
    on = today()
    provinces = _provinces_with_verified_umkm(db)
    assert len(provinces) >= 30
    # The map (the dashboard's default twelve months) and the connected-UMKM KPI of every province.
    regions = dashboard.known_regions(db)
    board = dashboard.build(
        db, scope=NATIONAL, filters=dashboard.read_filters({}, today=on, regions=regions), today=on
    )
    coloured = {code for code, value in board.region_values.items() if value > 0}
    assert provinces <= coloured
    for province in sorted(provinces):
        scope = Scope(areas=(province,))
        assert kpi.connected_umkm(db, on=on, scope=scope).connected >= 1, province
    # Buyers pay at different speeds; some invoices are overdue, some partly paid.
    speeds = [d.average_days for d in days_to_pay.days_to_pay(db, on=on).values() if d.invoices >= 5]
    assert min(speeds) < 15 and max(speeds) > 55
    statuses = set(db.scalars(select(Invoice.status)))
    assert {"paid", "partly_paid", "unpaid"} <= statuses
    assert db.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.status != "paid", Invoice.due_on < on)
    )
    # Naik kelas: a supplier that won as mikro is kecil now; graduations, first-time winners,
    # cooperatives and suppliers outside Java in the last 24 months.
    grown = db.scalar(
        select(func.count())
        .select_from(AwardLine)
        .join(SupplierProfile, SupplierProfile.id == AwardLine.supplier_id)
        .where(AwardLine.size_class == "mikro", SupplierProfile.size_class == "kecil")
    )
    assert grown
    inclusion = kpi.inclusion(db, start=on - dt.timedelta(days=730), end=on + dt.timedelta(days=1))
    assert inclusion.graduations >= 1 and inclusion.first_time_winners >= 50
    assert inclusion.cooperative_value > 0 and 0 < inclusion.outside_java_value < inclusion.po_value
    # Split awards, rejections at the BAST, and the quantity bounds hold on every line.
    assert db.scalar(
        select(func.count()).select_from(
            select(AwardLine.award_id)
            .group_by(AwardLine.award_id)
            .having(func.count(func.distinct(AwardLine.supplier_id)) > 1)
            .subquery()
        )
    )
    assert db.scalar(select(func.count()).select_from(ReceiptLine).where(ReceiptLine.rejected > 0))
    for line in db.scalars(select(PurchaseOrderLine)):
        assert line.invoiced_quantity <= line.accepted_quantity <= line.quantity
        assert line.accepted_quantity + line.rejected_quantity <= line.delivered_quantity
    # Once: a second load adds nothing.
    before = _counts(db)
    assert load_demo_history(db, scale=TEST_SCALE).already_loaded
    assert _counts(db) == before


def _serials(numbers: list[str]) -> list[int]:
    return sorted(int(number.rsplit("/", 1)[1]) for number in numbers)


def test_numbers_run_without_gaps_and_the_open_data_validates(db: Session, tmp_path: Path) -> None:
    _loaded(db, Scale("test", suppliers=300, purchase_orders=120))
    counters = {(c.series, c.year): c.last for c in db.scalars(select(Counter))}
    series: dict[tuple[str, int], list[str]] = defaultdict(list)
    for buyer, number in db.execute(select(PurchaseOrder.organization_id, PurchaseOrder.number)):
        series[(f"po:{buyer}", int(number.split("/")[1]))].append(number)
    for buyer, number in db.execute(select(Receipt.organization_id, Receipt.number)):
        series[(f"bast:{buyer}", int(number.split("/")[1]))].append(number)
    for supplier, number in db.execute(select(Invoice.supplier_id, Invoice.number)):
        series[(f"invoice:{supplier}", int(number.split("/")[1]))].append(number)
    assert len(series) > 20
    for key, numbers in series.items():
        assert _serials(numbers) == list(range(1, len(numbers) + 1)), key
        assert counters[key] == len(numbers), key
    rfqs: dict[tuple[int, str], list[str]] = defaultdict(list)
    for buyer, number in db.execute(select(Rfq.organization_id, Rfq.number)):
        rfqs[(buyer, number.split("/")[1])].append(number)
    for key, numbers in rfqs.items():
        assert _serials(numbers) == list(range(1, len(numbers) + 1)), key
    # The next PO a buyer issues takes the number after the history's.
    (buyer, year), last = max(
        ((k, v) for k, v in counters.items() if k[0].startswith("po:")), key=lambda kv: kv[1]
    )
    assert orders_repo.take_number(db, buyer, year) == last + 1
    # The open data of the whole demo, history included, validates with zero errors.
    done = open_data.export(db, tmp_path, prefix="ocds-hist01", base_url="http://127.0.0.1:8000", size=100)
    assert done.processes > 100
    for path in sorted(tmp_path.glob("*.json")):
        assert schema_errors(json.loads(path.read_text(encoding="utf-8"))) == [], path.name


def test_the_monitoring_pages_show_the_history(client: TestClient, db: Session) -> None:
    _loaded(db, Scale("test", suppliers=300, purchase_orders=120))
    analyst = make_org(db, OrgType.KEMENTERIAN_DINAS, "Kementerian Pemantau (Uji)")
    log_in(client, make_user(db, analyst, (Role.ANALYST,)))
    page = client.get("/monitoring")
    assert page.status_code == 200
    assert len(set(re.findall(r'data-code="(\d\d)"', page.text))) >= 20
    assert client.get("/monitoring?province=94").status_code == 200
    assert client.get("/transparansi").status_code == 200
    # The demo buyer login reads its history: an RFQ, a PO, an invoice, its lists.
    client.cookies.clear()
    buyer = identity_repo.user_by_email(db, "pembeli@demo.rantai.id")
    assert buyer is not None
    log_in(client, buyer, DEMO_PASSWORD)
    (org_id,) = identity.actor_for(db, buyer).roles
    invoice = db.scalars(
        select(Invoice).where(Invoice.organization_id == org_id).order_by(Invoice.id.desc())
    ).first()
    assert invoice is not None
    po = db.get(PurchaseOrder, invoice.po_id)
    assert po is not None
    for path in (
        "/orders",
        "/invoices",
        "/rfqs",
        f"/orders/{po.id}",
        f"/invoices/{invoice.id}",
        f"/rfqs/{po.rfq_id}",
    ):
        assert client.get(path).status_code == 200, path
    assert invoice.number in client.get(f"/invoices/{invoice.id}").text
