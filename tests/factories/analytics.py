"""The small monitoring fixture of issue #15: four buyers, seven suppliers in four provinces, eleven purchase
orders, five awards, three invoices and a few size-class changes, written as rows so that every KPI can be
worked out by hand (the expected values are in tests/integration/analytics/test_kpi.py, with the sums).

The day of reading is 30 June 2026 and the period the first half of 2026.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from rantai.analytics import rollup
from rantai.analytics.models import BuyerBudget
from rantai.identity.models import Organization
from rantai.orders.models import Invoice, Payment, PurchaseOrder, PurchaseOrderLine
from rantai.sourcing.rfq.models import Award, AwardLine, Quote, Rfq, RfqLine
from rantai.suppliers.models import SizeClassRecord, SupplierProfile

ON = dt.date(2026, 6, 30)
START, END = dt.date(2026, 1, 1), dt.date(2026, 7, 1)
JUTA = 1_000_000

_nib = itertools.count(9_100_000_000_001)
_number = itertools.count(1)


@dataclass
class Monitoring:
    bumn: Organization
    swasta: Organization
    global_buyer: Organization
    instansi: Organization
    swasta_rfq_only: Organization
    suppliers: dict[str, SupplierProfile] = field(default_factory=dict)
    orders: dict[str, PurchaseOrder] = field(default_factory=dict)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _org(db: Session, name: str, org_type: str, region: str | None = None) -> Organization:
    org = Organization(name=name, org_type=org_type, region_code=region)
    db.add(org)
    db.flush()
    return org


def _supplier(
    db: Session,
    name: str,
    *,
    kabkota: str,
    kbli: str,
    size: str,
    status: str = "verified",
    org_type: str = "umkm",
    legal_form: str = "cv",
) -> SupplierProfile:
    org = _org(db, name, org_type, kabkota)
    profile = SupplierProfile(
        organization_id=org.id,
        business_name=name,
        legal_form=legal_form,
        nib=str(next(_nib)),
        province_code=kabkota.split(".", maxsplit=1)[0],
        kabkota_code=kabkota,
        primary_kbli=kbli,
        size_class=size,
        status=status,
        email="pemilik@contoh.co.id",
        phone="+6281200000000",
    )
    db.add(profile)
    db.flush()
    return profile


def _po(
    db: Session,
    buyer: Organization,
    supplier: SupplierProfile,
    *,
    issued: dt.date,
    accepted: dt.date | None,
    total: int,
    status: str = "accepted",
    accepted_quantity: int = 0,
    currency: str = "IDR",
    rate: Decimal | None = None,
    award: Award | None = None,
) -> PurchaseOrder:
    po = PurchaseOrder(
        number=f"PO/TEST/{next(_number):06d}",
        organization_id=buyer.id,
        supplier_id=supplier.id,
        supplier_organization_id=supplier.organization_id,
        status=status,
        currency=currency,
        idr_rate=rate,
        total=total,
        issued_at=_at(issued),
        accepted_at=_at(accepted, 10) if accepted else None,
        award_id=award.id if award else None,
        rfq_id=award.rfq_id if award else None,
    )
    db.add(po)
    db.flush()
    db.add(
        PurchaseOrderLine(
            po_id=po.id,
            line_no=1,
            name="Barang uji",
            quantity=10,
            unit_price=total // 10,
            amount=total,
            delivered_quantity=accepted_quantity,
            accepted_quantity=accepted_quantity,
            invoiced_quantity=accepted_quantity,
        )
    )
    db.flush()
    return po


def _invoice(
    db: Session, po: PurchaseOrder, *, clock_from: dt.date, due: dt.date, settled: dt.date | None, paid: int
) -> Invoice:
    invoice = Invoice(
        number=f"INV/TEST/{next(_number):06d}",
        po_id=po.id,
        organization_id=po.organization_id,
        supplier_id=po.supplier_id,
        supplier_organization_id=po.supplier_organization_id,
        status="paid" if settled else "unpaid",
        issued_on=clock_from,
        due_on=due,
        clock_from=clock_from,
        subtotal=paid,
        ppn_base=0,
        ppn=0,
        ppn_collected_by_buyer=0,
        pph22=0,
        pph23=0,
        total=paid,
        cash_due=paid,
        cash_received=paid if settled else 0,
        settled_on=settled,
    )
    db.add(invoice)
    db.flush()
    if settled and paid:
        db.add(Payment(invoice_id=invoice.id, amount=paid, paid_on=settled, reference="TRF-UJI"))
        db.flush()
    return invoice


def _award(
    db: Session,
    buyer: Organization,
    winner: SupplierProfile,
    *,
    approved: dt.date,
    package: int,
    size_at_award: str | None,
    exception: str | None = None,
) -> Award:
    rfq = Rfq(
        organization_id=buyer.id,
        number=f"RFQ/TEST/{next(_number):06d}",
        title="Paket uji",
        status="awarded",
        deadline=_at(approved - dt.timedelta(days=3)),
        sent_at=_at(approved - dt.timedelta(days=10)),
    )
    db.add(rfq)
    db.flush()
    line = RfqLine(rfq_id=rfq.id, line_no=1, name="Barang uji", quantity=1)
    quote = Quote(
        rfq_id=rfq.id,
        supplier_id=winner.id,
        supplier_organization_id=winner.organization_id,
        valid_until=approved + dt.timedelta(days=30),
    )
    db.add_all([line, quote])
    db.flush()
    award = Award(
        rfq_id=rfq.id,
        organization_id=buyer.id,
        status="approved",
        total=package,
        total_idr=package,
        package_value_idr=package,
        exception_reason=exception,
        decided_at=_at(approved),
        approved_at=_at(approved, 11),
    )
    db.add(award)
    db.flush()
    db.add(
        AwardLine(
            award_id=award.id,
            rfq_line_id=line.id,
            quote_id=quote.id,
            quote_revision=1,
            supplier_id=winner.id,
            supplier_organization_id=winner.organization_id,
            size_class=size_at_award,
            quantity=1,
            unit_price=package,
            amount=package,
        )
    )
    db.flush()
    return award


def _sizes(db: Session, profile: SupplierProfile, *changes: tuple[str, str]) -> None:
    for day, size in changes:
        db.add(
            SizeClassRecord(
                supplier_id=profile.id,
                size_class=size,
                basis="annual_sales",
                effective_on=dt.date.fromisoformat(day),
            )
        )
    db.flush()


def monitoring_fixture(db: Session) -> Monitoring:
    """Write the fixture (see the module's docstring and the tests for what it holds)."""
    m = Monitoring(
        bumn=_org(db, "PT BUMN Satu (Uji)", "bumn"),
        swasta=_org(db, "PT Swasta Dua (Uji)", "swasta_besar"),
        global_buyer=_org(db, "Global Tiga Ltd (Uji)", "pembeli_global"),
        instansi=_org(db, "Dinas Pekerjaan Empat (Uji)", "instansi_pemerintah"),
        swasta_rfq_only=_org(db, "PT Swasta Lima (Uji)", "swasta_besar"),
    )
    s = m.suppliers
    s["S1"] = _supplier(db, "Keripik Satu", kabkota="32.73", kbli="10794", size="mikro")
    s["S2"] = _supplier(db, "Bangun Dua", kabkota="52.71", kbli="41011", size="kecil")
    s["S3"] = _supplier(db, "Angkut Tiga", kabkota="73.71", kbli="49431", size="menengah")
    s["S4"] = _supplier(
        db,
        "Koperasi Empat",
        kabkota="35.78",
        kbli="10794",
        size="mikro",
        org_type="koperasi",
        legal_form="koperasi",
    )
    s["S5"] = _supplier(db, "Keripik Lima", kabkota="32.73", kbli="10794", size="kecil", status="submitted")
    s["S6"] = _supplier(db, "Dagang Enam", kabkota="35.78", kbli="46100", size="besar")
    s["S7"] = _supplier(db, "Keripik Tujuh", kabkota="32.73", kbli="10794", size="mikro")

    # Awards: A0 before the period (S2's first win), A1 reserved and eligible, A2 reserved with an
    # exception, A3 below the BUMN floor, A4 a private buyer's (no rule).
    _award(db, m.bumn, s["S2"], approved=dt.date(2025, 10, 1), package=50 * JUTA, size_at_award="kecil")
    a1 = _award(db, m.bumn, s["S1"], approved=dt.date(2026, 2, 9), package=300 * JUTA, size_at_award="mikro")
    _award(
        db,
        m.bumn,
        s["S6"],
        approved=dt.date(2026, 3, 2),
        package=1_000 * JUTA,
        size_at_award="besar",
        exception="Tidak ada penawaran UMKM yang memenuhi spesifikasi",
    )
    _award(db, m.bumn, s["S6"], approved=dt.date(2026, 3, 20), package=100 * JUTA, size_at_award="besar")
    _award(db, m.swasta, s["S2"], approved=dt.date(2026, 4, 20), package=1_000 * JUTA, size_at_award="kecil")
    # An RFQ sent in the period by a buyer with no order: it participates.
    rfq = Rfq(
        organization_id=m.swasta_rfq_only.id,
        number=f"RFQ/TEST/{next(_number):06d}",
        title="Permintaan uji",
        status="open",
        deadline=_at(dt.date(2026, 3, 20)),
        sent_at=_at(dt.date(2026, 3, 1)),
    )
    db.add(rfq)

    o = m.orders
    o["P1"] = _po(db, m.bumn, s["S1"], issued=dt.date(2026, 2, 10), accepted=dt.date(2026, 2, 11),
                  total=100 * JUTA, accepted_quantity=6, award=a1)  # fmt: skip
    o["P2"] = _po(db, m.swasta, s["S2"], issued=dt.date(2026, 3, 5), accepted=dt.date(2026, 3, 6),
                  total=50 * JUTA, accepted_quantity=10)  # fmt: skip
    o["P3"] = _po(db, m.global_buyer, s["S3"], issued=dt.date(2026, 4, 1), accepted=dt.date(2026, 4, 2),
                  total=1_000_000, currency="USD", rate=Decimal("16000"))  # fmt: skip  # $10,000 = Rp160 juta
    o["P4"] = _po(
        db, m.bumn, s["S4"], issued=dt.date(2026, 5, 1), accepted=dt.date(2026, 5, 2), total=40 * JUTA
    )
    o["P5"] = _po(
        db, m.bumn, s["S5"], issued=dt.date(2026, 5, 10), accepted=dt.date(2026, 5, 11), total=20 * JUTA
    )
    o["P6"] = _po(
        db, m.bumn, s["S6"], issued=dt.date(2026, 6, 1), accepted=dt.date(2026, 6, 2), total=200 * JUTA
    )
    o["P7"] = _po(db, m.instansi, s["S2"], issued=dt.date(2026, 6, 15), accepted=dt.date(2026, 6, 16),
                  total=30 * JUTA)  # fmt: skip
    o["P8"] = _po(db, m.bumn, s["S1"], issued=dt.date(2026, 6, 20), accepted=None, total=999 * JUTA,
                  status="declined")  # fmt: skip
    o["P9"] = _po(
        db, m.bumn, s["S3"], issued=dt.date(2025, 4, 30), accepted=dt.date(2025, 5, 1), total=10 * JUTA
    )
    o["P10"] = _po(db, m.swasta, s["S2"], issued=dt.date(2025, 7, 31), accepted=dt.date(2025, 8, 1),
                   total=25 * JUTA)  # fmt: skip
    o["P11"] = _po(db, m.bumn, s["S1"], issued=dt.date(2026, 6, 25), accepted=None, total=15 * JUTA,
                   status="issued")  # fmt: skip

    # Invoices: the BUMN pays one in 20 days (on time) and leaves one open 51 days (overdue); the private
    # buyer pays in 10 days.
    _invoice(db, o["P1"], clock_from=dt.date(2026, 3, 1), due=dt.date(2026, 3, 31), settled=dt.date(2026, 3, 21),
             paid=30 * JUTA)  # fmt: skip
    _invoice(db, o["P4"], clock_from=dt.date(2026, 5, 10), due=dt.date(2026, 6, 9), settled=None, paid=0)
    _invoice(db, o["P2"], clock_from=dt.date(2026, 4, 1), due=dt.date(2026, 5, 1), settled=dt.date(2026, 4, 11),
             paid=50 * JUTA)  # fmt: skip

    _sizes(db, s["S1"], ("2026-01-05", "mikro"))
    _sizes(db, s["S2"], ("2025-01-01", "kecil"), ("2026-04-01", "mikro"))  # down: not a graduation
    _sizes(db, s["S3"], ("2024-01-01", "mikro"), ("2026-03-01", "kecil"), ("2026-05-01", "menengah"))
    _sizes(db, s["S6"], ("2025-01-01", "menengah"), ("2026-02-01", "besar"))

    db.add(BuyerBudget(organization_id=m.bumn.id, year=2026, pagu=500 * JUTA))
    db.flush()
    # The dashboards read the rollup, which the worker keeps; here it is built as a rebuild would.
    rollup.rebuild(db)
    return m
