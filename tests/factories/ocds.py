"""OCDS test helpers: the offline validator (the committed OCDS 1.1.5 package schemas, their release schema
patched with the extensions each package declares; draft 4, formats checked) and a realistic process as
plain facts (an RFQ awarded split, a PO, a delivery, a BAST, an invoice, a partial payment), and the same
story made on a database by the real services (``split_awarded``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import jsonschema_rs
from sqlalchemy.orm import Session
from tests.factories.rfq import PAST_DEADLINE, RfqSetup, make_rfq, quote_on

from rantai.kit import clock
from rantai.kit.clock import today
from rantai.ocds import mapping as m
from rantai.ocds import packages
from rantai.orders import fulfilment, invoices, purchase_orders, repository
from rantai.orders.fulfilment import Received
from rantai.orders.models import SupplierTax
from rantai.sourcing.rfq import awards, quotes, service
from rantai.sourcing.rfq.awards import AwardPart
from rantai.sourcing.rfq.service import buyer_settings

PARTY_SCALE = packages.PARTY_SCALE_URL
CV_NPWP = "010000008091000"
VERSIONED_RELEASE_URL = (
    "https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json"
)


def _validator(schema_file: str, extensions: Iterable[str]) -> jsonschema_rs.Draft4Validator:
    """The package schema with the release schema it refers to patched with the declared extensions (the
    party-scale one and Rantai's are the only ones we know; any other declared extension is an error)."""
    release = packages.load(packages.SCHEMA_DIR / "release-schema.json")
    known = {PARTY_SCALE: "partyScale"}
    for url in extensions:
        name = known.get(url) or ("rantai" if url.endswith(packages.RANTAI_EXTENSION_PATH) else None)
        assert name is not None, f"unknown extension declared: {url}"
        release = packages.merge_patch(
            release, packages.load(packages.EXTENSIONS_DIR / name / "release-schema.json")
        )
    package = packages.load(packages.SCHEMA_DIR / schema_file)
    # The record package schema also names the versioned-release schema, which is not among the files at
    # hand (../shared/data/ocds); Rantai publishes no versioned release, so a record holding one is refused.
    refuse_versioned = {"not": {}}
    registry = jsonschema_rs.Registry(
        [
            (packages.RELEASE_SCHEMA_URL, release),
            (VERSIONED_RELEASE_URL, refuse_versioned),
            (package["id"], package),
        ]
    )
    return jsonschema_rs.Draft4Validator(package, registry=registry, validate_formats=True)


def schema_errors(package: dict[str, Any]) -> list[str]:
    """Every error of a release or record package against OCDS 1.1.5 with its declared extensions."""
    schema_file = "release-package-schema.json" if "releases" in package else "record-package-schema.json"
    validator = _validator(schema_file, package.get("extensions", []))
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(package)]


T0 = dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC)
BUYER = m.BuyerFacts(7, "PT Semen Nusantara (Persero)", "bumn", m.Place("JAWA TIMUR", "KAB. GRESIK"))
MIKRO = m.SupplierFacts(
    11,
    "UD Sumber Rejeki",
    "9120001234567",
    legal_form="ud",
    npwp="3578012345670001",  # a NIK: a sole proprietor's NPWP
    size_class="mikro",
    personal=True,
    place=m.Place("JAWA TIMUR", "KOTA SURABAYA"),
)
KOPERASI = m.SupplierFacts(
    12,
    "Koperasi Produsen Maju Bersama",
    "9120007654321",
    legal_form="koperasi",
    npwp="010000008091000",  # a business's own 15-digit NPWP
    size_class="kecil",
    cooperative=True,
    place=m.Place("JAWA TIMUR", "KAB. SIDOARJO"),
)


def split_process(*, prefix_rfq: int = 41) -> m.ProcessFacts:
    """An RFQ of two lines awarded split between a micro business and a cooperative; the cooperative's PO
    accepted, shipped in part, received with a rejection (BAST), invoiced and paid in part."""
    day = dt.timedelta(days=1)
    tender = m.TenderFacts(
        rfq_id=prefix_rfq,
        number="RFQ/2026/000041",
        title="Pengadaan karung dan tali pengikat",
        status="awarded",
        currency="IDR",
        sent_at=T0,
        deadline=T0 + 7 * day,
        published=True,
        description="Karung polipropilena 50 kg dan tali rafia untuk pabrik Tuban.",
        lines=(
            m.TenderLineFacts(
                101, 1, "Karung PP 50 kg", 10_000, "lembar", 45_000_000, True, "rantai_pasok", "goods"
            ),
            m.TenderLineFacts(102, 2, "Tali rafia", 500, "gulung", None, True, None, "goods"),
        ),
    )
    award = m.AwardFacts(
        award_id=5,
        decided_at=T0 + 8 * day,
        approved_at=T0 + 9 * day,
        reservation_standing="below_floor",
        lines=(
            m.AwardLineFacts(101, 12, 6_000, 4_200, 25_200_000, "kecil"),
            m.AwardLineFacts(101, 11, 4_000, 4_300, 17_200_000, "mikro"),
            m.AwardLineFacts(102, 11, 500, 9_000, 4_500_000, "mikro"),
        ),
    )
    ship = (T0 + 12 * day).date()
    order = m.OrderFacts(
        po_id=31,
        number="PO/2026/SMN/000031",
        award_id=5,
        supplier_id=12,
        status="accepted",
        currency="IDR",
        total=25_200_000,
        issued_at=T0 + 10 * day,
        accepted_at=T0 + 10 * day + dt.timedelta(hours=3),
        lines=(m.OrderLineFacts(301, 1, "Karung PP 50 kg", 6_000, 4_200, 25_200_000, "lembar", 101),),
        deliveries=(m.DeliveryFacts(401, "SJ-0007", ship, 3_000),),
        receipts=(m.ReceiptFacts(501, "BAST/2026/SMN/000009", ship + 2 * day, 2_900, 100),),
        invoices=(
            m.InvoiceFacts(
                601,
                "INV/2026/9120007654321/000003",
                ship + 3 * day,
                ship + 33 * day,
                12_180_000,
                payments=(m.PaymentFacts(701, 6_000_000, ship + 20 * day),),
            ),
        ),
    )
    return m.ProcessFacts(
        tender=tender,
        buyer=BUYER,
        suppliers={11: MIKRO, 12: KOPERASI},
        awards=(award,),
        orders=(order,),
    )


def split_awarded(db: Session) -> RfqSetup:
    """Two bidders (a UD, whose NPWP is personal data, and a CV); the line awarded half to each; the UD's
    PO accepted, shipped in part, received with a rejection, invoiced and paid in part."""
    setup = make_rfq(db, bidders=2)
    settings = buyer_settings(db, setup.org.id)
    settings.approval_above = 10**15
    settings.code = "BUMNX"
    db.merge(settings)
    setup.rfq.approval_above = 10**15
    cv = setup.bidders[1].profile
    cv.legal_form, cv.npwp, cv.business_name = "cv", CV_NPWP, "CV Maju Jaya"
    for bidder in setup.bidders:
        db.merge(SupplierTax(supplier_id=bidder.profile.id, pkp=False))
    db.flush()
    quote_on(db, setup, setup.bidders[0], unit_price=10_000)
    quote_on(db, setup, setup.bidders[1], unit_price=10_500)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        opened = quotes.opened_quotes(db, actor=setup.actor, rfq=setup.rfq)
        parts = [AwardPart(opened.lines[q.id][0].rfq_line_id, q.supplier_id, 2_500) for q in opened.quotes]
        award = awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=parts)
        assert award.status == "approved" and setup.rfq.status == "awarded"
        pos = purchase_orders.issue_for_award(db, actor=setup.actor, award=award)
        (po,) = [p for p in pos if p.supplier_id == setup.bidders[0].profile.id]
        supplier, buyer = setup.bidders[0].actor, setup.actor
        purchase_orders.accept(db, actor=supplier, po=po)
        (line,) = repository.po_lines(db, po.id)
        day = today()
        delivery = fulfilment.record_delivery(
            db, actor=supplier, po=po, note_number="SJ-001", shipped_on=day, quantities={line.id: 1_000}
        )
        fulfilment.record_receipt(
            db,
            actor=buyer,
            po=po,
            received_on=day,
            delivery_id=delivery.id,
            lines_received={line.id: Received(accepted=950, rejected=50, reason="Kemasan sobek")},
        )
        invoice = invoices.create_invoice(db, actor=supplier, po=po)
        invoices.record_payment(
            db, actor=buyer, invoice=invoice, amount=4_000_000, paid_on=day, reference="TRF-9"
        )
    return setup
