"""Orders for ``rantai demo`` (issue #12): purchase orders, deliveries, BAST, invoices and payments of three
BUMN buyers that pay at visibly different speeds, so every role's home shows work and days-to-pay differ.

- **The demo buyer** (``pembeli@demo.rantai.id``, pays in about a month): its settings get a PO code, an
  NPWP, the PPN and PPh 22 collector statuses and 30-day terms. Its awarded demo RFQ (``demo/rfqs.py``)
  becomes two POs. The demo UMKM login's is accepted, shipped in part, received with a BAST that rejects a
  few, invoiced and paid in part ("partly paid", not yet due); the rest is shipped and waits for its BAST.
  The competitor's is delivered in full, invoiced and paid ("Lunas") a day after its due date.
- **A fast payer** (``FAST_BUYER``): settles within about ten days of each invoice; its latest award is a
  PO that waits for the demo UMKM login's acceptance.
- **A slow payer** (``SLOW_BUYER``): invoices 60-90 days old, two settled long after their due date, one
  partly paid and one unpaid, both overdue.

The two other buyers get an officer login (``BUYER_EMAIL``: two password hashes, the only ones made here)
and their RFQs are awarded as the demo one is (``rfqs.awarded_for_demo``). The suppliers are the demo
UMKM login (not PKP, with a PP 55/2022 certificate: no PPN, nothing withheld) and the competitors of
``demo/rfqs.py`` (``pemasok1`` and ``pemasok2`` PKP, ``pemasok3`` neither: PPh 22 withheld).

Every step goes through the real services (``rantai.orders``) with the day it happened: a delivery,
a receipt, an invoice and a payment take their date, and the services hold their rules for it (not in the
future, paid on or after the invoice's date). What those services stamp with the moment they run (a PO's
issue and acceptance, the moment a row was recorded) is then put on its day by ``backdate_order_for_demo``:
demo data only, never used by the platform, like ``rfqs.backdate_for_demo``. Numbers carry the year of
the load. The audit log and the notices keep the moments they were written at.

Deterministic for a seed; idempotent: a second load adds nothing once the demo buyer has a purchase order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum import luhn

from rantai.demo.needs import load_buyers
from rantai.demo.rfqs import (
    AWARDED_BY,
    SUPPLIER_EMAIL,
    AwardPlan,
    Bidder,
    awarded_for_demo,
    login_of,
    pick_needs,
)
from rantai.demo.seed import DEMO_PASSWORD
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.models import Organization
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import WIB, today
from rantai.orders import days_to_pay, documents, fulfilment, invoices, purchase_orders, supplier_tax
from rantai.orders import repository as orders_repo
from rantai.orders.fulfilment import Received
from rantai.orders.models import Invoice, PurchaseOrder
from rantai.sourcing.rfq import repository as rfq_repository
from rantai.sourcing.rfq import service as rfq_service
from rantai.sourcing.rfq.models import Award, Rfq
from rantai.sourcing.rfq.state import AwardStatus, RfqStatus
from rantai.suppliers import repository as suppliers_repo

FAST_BUYER = "hin"  # PT Hotel Indonesia Natour: buys keripik and snack boxes (data/bumn_buyers.csv)
SLOW_BUYER = "angkasa-pura-1"
BUYER_EMAIL = "pembeli.{slug}@demo.rantai.id"
DEMO_BUYER_CODE = "PTPN"
CODES = {FAST_BUYER: "HIN", SLOW_BUYER: "AP1"}
APPROVAL_ABOVE = 500_000_000  # the other buyers' threshold; their demo awards stay below it
TERMS = {"demo": 30, FAST_BUYER: 14, SLOW_BUYER: 30}
REJECT_REASON = "Kemasan penyok dan bocor saat pengiriman; diganti pada pengiriman berikutnya."
CERTIFICATE = "PP55/KPP-PADANG/2026/0417"  # the demo UMKM's PP 55/2022 certificate (a demo number)


@dataclass(frozen=True, slots=True)
class Story:
    """What one PO goes through, each step so many days before the load (None: not reached)."""

    issued: int
    accepted: int | None = None
    shipped: int | None = None
    shipped_share: float = 1.0  # of each line's quantity, in that first delivery
    received: int | None = None  # its BAST
    rejected_share: float = 0.0  # of what was shipped, rejected at the BAST (``REJECT_REASON``)
    invoiced: int | None = None
    payments: tuple[tuple[int, float], ...] = ()  # (days before the load, share of the cash due; 1: the rest)
    rest_shipped: int | None = None  # the rest shipped then, waiting for its BAST


@dataclass(frozen=True, slots=True)
class Deal:
    """An award of a buyer (so many days ago) to one or two winners, and one story per winner's PO."""

    ago: int
    winners: tuple[str, ...]  # keys of ``_Suppliers.by_key``
    stories: tuple[Story, ...]


# The demo buyer's awarded RFQ (demo/rfqs.py, awarded AWARDED_BY ago): the demo UMKM login, then the
# competitor. Days-to-pay: 27 (still open) and 31 -> about 29.
_ISSUED = AWARDED_BY.days - 1
DEMO_STORIES = (
    Story(
        issued=_ISSUED,
        accepted=_ISSUED - 1,
        shipped=30,
        shipped_share=0.6,
        received=28,
        rejected_share=0.04,
        invoiced=27,
        payments=((8, 0.5),),
        rest_shipped=2,
    ),
    Story(issued=_ISSUED, accepted=_ISSUED - 2, shipped=36, received=35, invoiced=34, payments=((3, 1.0),)),
)
# Settles within about ten days: 7, 9 and 8 days.
FAST_DEALS = (
    Deal(50, ("p2",), (Story(49, 48, 44, received=43, invoiced=42, payments=((35, 1.0),)),)),
    Deal(
        30,
        ("umkm", "p3"),
        (
            Story(29, 29, 24, received=23, invoiced=22, payments=((13, 1.0),)),
            Story(29, 28, 22, received=21, invoiced=20, payments=((12, 1.0),)),
        ),
    ),
    Deal(2, ("umkm",), (Story(1),)),  # waiting for the demo UMKM login's acceptance
)
# Invoices 64-90 days old: 76 and 76 days to settle, 82 and 64 days open (overdue) -> about 75.
SLOW_DEALS = (
    Deal(
        104,
        ("p1", "umkm"),
        (
            Story(102, 101, 95, received=92, invoiced=90, payments=((40, 0.5), (14, 1.0))),
            Story(102, 100, 93, received=91, invoiced=88, payments=((12, 1.0),)),
        ),
    ),
    Deal(98, ("p2",), (Story(97, 96, 88, received=85, invoiced=82, payments=((20, 0.4),)),)),
    Deal(80, ("umkm",), (Story(79, 78, 70, received=67, invoiced=64),)),
)


@dataclass
class OrderReport:
    purchase_orders: int = 0
    deliveries: int = 0
    receipts: int = 0
    invoices: list[int] = field(default_factory=list)
    payments: int = 0
    days_to_pay: dict[str, float] = field(default_factory=dict)  # buyer's name -> average days

    def summary(self) -> str:
        paying = ", ".join(f"{name} {days:.0f}" for name, days in self.days_to_pay.items())
        return (
            f"Demo orders: {self.purchase_orders} purchase orders, {self.deliveries} deliveries, "
            f"{self.receipts} BAST, {len(self.invoices)} invoices, {self.payments} payments; "
            f"days-to-pay: {paying or '-'}"
        )


@dataclass(frozen=True, slots=True)
class _Buyer:
    org: Organization
    officer: Actor
    admin: Actor  # sets the buyer's settings
    code: str
    terms: int


@dataclass
class _Suppliers:
    by_key: dict[str, Bidder]

    def key_of(self, profile_id: int) -> str:
        return next(key for key, bidder in self.by_key.items() if bidder.profile_id == profile_id)


@dataclass
class _Run:
    session: Session
    rng: random.Random
    today: dt.date
    report: OrderReport
    references: int = 0


def demo_po_count(session: Session, organization_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(PurchaseOrder)
            .where(PurchaseOrder.organization_id == organization_id)
        )
        or 0
    )


def _competitor(session: Session, number: int) -> Bidder | None:
    """The demo RFQs' competitor ``pemasok<number>`` (an owner account of a registry supplier)."""
    user = identity_repo.user_by_email(session, SUPPLIER_EMAIL.format(n=number))
    if user is None:
        return None
    # The competitor's account is the owner of its business and of nothing else (demo/rfqs.py makes it).
    for _membership, org in identity_repo.memberships_with_orgs(session, user.id):
        profile = suppliers_repo.by_organization(session, org.id)
        if profile is not None:
            return Bidder(profile.id, identity.actor_for(session, user, only_organization_id=org.id))
    return None


def _suppliers(session: Session) -> _Suppliers | None:
    umkm = login_of(session, OrgType.UMKM, Role.OWNER)
    profile = suppliers_repo.by_organization(session, umkm[0].id) if umkm else None
    if umkm is None or profile is None:
        return None
    found: dict[str, Bidder] = {"umkm": Bidder(profile.id, umkm[1])}
    for number in (1, 2, 3):
        bidder = _competitor(session, number)
        if bidder is None:
            return None
        found[f"p{number}"] = bidder
    return _Suppliers(found)


def _npwp(rng: random.Random) -> str:
    """A company's 16-digit NPWP as stored (``0`` + the old 15-digit number, valid check digit); the
    serial digits start with ``99`` like the demo registry's, so they are nobody's."""
    head = "01" + "99" + f"{rng.randrange(10_000):04d}"
    return "0" + head + luhn.calc_check_digit(head) + "000" + "000"


def _settings(run: _Run, buyer: _Buyer, approval_above: int) -> None:
    rfq_service.change_buyer_settings(
        run.session,
        actor=buyer.admin,
        organization_id=buyer.org.id,
        approval_above=approval_above,
        payment_terms_days=buyer.terms,
        orders=rfq_service.OrderSettings(
            code=buyer.code, npwp=_npwp(run.rng), ppn_collector=True, pph22_collector=True
        ),
    )


def _tax(run: _Run, suppliers: _Suppliers) -> None:
    """The demo UMKM: not PKP, with a PP 55/2022 certificate; pemasok1 and 2 PKP; pemasok3 neither."""
    for key, pkp, certificate in (("umkm", False, CERTIFICATE), ("p1", True, None), ("p2", True, None)):
        bidder = suppliers.by_key[key]
        profile = suppliers_repo.by_id(run.session, bidder.profile_id)
        if profile is None:
            continue
        supplier_tax.change_tax_status(
            run.session,
            actor=bidder.actor,
            profile=profile,
            pkp=pkp,
            final_tax_certificate=certificate,
            final_tax_valid_until=dt.date(run.today.year + 1, 12, 31) if certificate else None,
            today=run.today,
        )


def _other_buyer(session: Session, slug: str, name: str) -> _Buyer | None:
    """A BUMN of the demo list with an officer login (procurement officer and admin), made once."""
    org = identity_repo.organization_by_name(session, name)
    if org is None:
        return None
    email = BUYER_EMAIL.format(slug=slug)
    user = identity_repo.user_by_email(session, email)
    if user is None:
        user = identity.create_user(
            session,
            email=email,
            full_name=f"Pejabat Pengadaan {CODES.get(slug, slug.upper())}",
            password=DEMO_PASSWORD,
        )
    for role in (Role.PROCUREMENT_OFFICER, Role.ADMIN):
        identity.add_membership(session, user=user, organization=org, role=role)
    actor = identity.actor_for(session, user, only_organization_id=org.id)
    code = CODES.get(slug) or "".join(ch for ch in slug.upper() if ch.isalnum())[:16]
    return _Buyer(org, actor, actor, code, TERMS.get(slug, 30))


def _day(run: _Run, ago: int) -> dt.date:
    return run.today - dt.timedelta(days=ago)


def _at(day: dt.date, hour: int) -> dt.datetime:
    """A moment of that Indonesian day, in UTC as stored."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=WIB).astimezone(dt.UTC)


def _requested(session: Session, kind: str, subject_id: int, revision: int, moment: dt.datetime) -> None:
    """A printed document's PDF was asked for with its subject (it is rendered by the worker later)."""
    found = documents.document(session, kind, subject_id, revision)
    if found is not None:
        found.requested_at = moment


def backdate_order_for_demo(
    session: Session, po: PurchaseOrder, *, issued_on: dt.date, accepted_on: dt.date | None
) -> None:
    """Put the moments the order services stamped when they ran on the days the demo says (demo data only;
    see the module docstring): the PO's issue and acceptance and its versions, when each delivery, BAST,
    invoice and payment was recorded (on the day it carries), and when the PDFs of the PO and its BAST
    were asked for. Dates the services were given (shipped, received, invoiced, paid, due, settled) are
    left as they are. Not audited: the audit log keeps when things really happened."""
    session.flush()
    po.issued_at = _at(issued_on, 9)
    po.accepted_at = _at(accepted_on, 14) if accepted_on else None
    for revision in orders_repo.revisions_of(session, po.id):
        revision.made_at = po.issued_at
        if revision.accepted_at is not None:
            revision.accepted_at = po.accepted_at
        _requested(session, documents.PO, po.id, revision.revision, po.issued_at)
    for delivery in orders_repo.deliveries_of(session, po.id):
        delivery.recorded_at = _at(delivery.shipped_on, 16)
    for receipt in orders_repo.receipts_of(session, po.id):
        receipt.recorded_at = _at(receipt.received_on, 11)
        _requested(session, documents.BAST, receipt.id, 1, receipt.recorded_at)
    for invoice in orders_repo.invoices_of(session, po.id):
        invoice.created_at = _at(invoice.issued_on, 10)
        for payment in orders_repo.payments_of(session, invoice.id):
            payment.recorded_at = _at(payment.paid_on, 13)
    session.flush()


def _serial(run: _Run, day: dt.date) -> str:
    """An e-Faktur serial: transaction code 03 (to a PPN collector), status 0, branch 000, the year, and
    eight digits."""
    return f"030000{day:%y}{run.rng.randrange(10**7, 10**8)}"


def _pay(run: _Run, buyer: _Buyer, invoice: Invoice, payments: Sequence[tuple[int, float]]) -> None:
    for ago, share in payments:
        left = invoice.cash_due - invoice.cash_received
        amount = left if share >= 1 else min(left, max(1, round(invoice.cash_due * share, -3)))
        paid_on = _day(run, ago)
        run.references += 1
        invoices.record_payment(
            run.session,
            actor=buyer.officer,
            invoice=invoice,
            amount=int(amount),
            paid_on=paid_on,
            reference=f"TRF/{buyer.code}/{paid_on:%Y%m%d}/{run.references:04d}",
        )
        run.report.payments += 1


def _play(run: _Run, buyer: _Buyer, po: PurchaseOrder, story: Story, supplier: Actor) -> None:
    """Take the PO through its story with the real services, each step on its day."""
    session = run.session
    if story.accepted is not None:
        purchase_orders.accept(session, actor=supplier, po=po)
    if story.accepted is not None and story.shipped is not None:
        lines = orders_repo.po_lines(session, po.id)
        first = {
            line.id: max(1, min(line.quantity, round(line.quantity * story.shipped_share))) for line in lines
        }
        serial = po.number.rsplit("/", 1)[-1]
        delivery = fulfilment.record_delivery(
            session,
            actor=supplier,
            po=po,
            note_number=f"SJ/{serial}/1",
            shipped_on=_day(run, story.shipped),
            quantities=first,
        )
        run.report.deliveries += 1
        if story.received is not None:
            received = {}
            for line_id, shipped in first.items():
                rejected = max(1, round(shipped * story.rejected_share)) if story.rejected_share else 0
                received[line_id] = Received(
                    shipped - rejected, rejected, REJECT_REASON if rejected else None
                )
            fulfilment.record_receipt(
                session,
                actor=buyer.officer,
                po=po,
                received_on=_day(run, story.received),
                lines_received=received,
                delivery_id=delivery.id,
            )
            run.report.receipts += 1
        if story.received is not None and story.invoiced is not None:
            day = _day(run, story.invoiced)
            invoice = invoices.create_invoice(
                session, actor=supplier, po=po, issued_on=day, tax_invoice_serial=_serial(run, day)
            )
            run.report.invoices.append(invoice.id)
            _pay(run, buyer, invoice, story.payments)
        # The rest of the order, and what was rejected again (the lines were refreshed by the services).
        rest = {line.id: line.quantity - line.delivered_quantity + line.rejected_quantity for line in lines}
        rest = {line_id: quantity for line_id, quantity in rest.items() if quantity > 0}
        if story.rest_shipped is not None and rest:
            fulfilment.record_delivery(
                session,
                actor=supplier,
                po=po,
                note_number=f"SJ/{serial}/2",
                shipped_on=_day(run, story.rest_shipped),
                quantities=rest,
            )
            run.report.deliveries += 1
    backdate_order_for_demo(
        session,
        po,
        issued_on=_day(run, story.issued),
        accepted_on=_day(run, story.accepted) if story.accepted is not None else None,
    )


def _orders(
    run: _Run,
    buyer: _Buyer,
    award: Award,
    suppliers: _Suppliers,
    winners: Sequence[str],
    stories: Sequence[Story],
) -> None:
    """The award's POs (one per winner), each through the story of its winner."""
    made = purchase_orders.issue_for_award(run.session, actor=buyer.officer, award=award)
    run.report.purchase_orders += len(made)
    for po in made:
        key = suppliers.key_of(po.supplier_id)
        story = stories[list(winners).index(key)]
        _play(run, buyer, po, story, suppliers.by_key[key].actor)


def _demo_buyer(session: Session) -> _Buyer | None:
    """The demo buyer login's organization, unless it has purchase orders already."""
    officer = login_of(session, OrgType.BUMN, Role.PROCUREMENT_OFFICER)
    approver = login_of(session, OrgType.BUMN, Role.APPROVER)
    if officer is None or approver is None or demo_po_count(session, officer[0].id):
        return None
    return _Buyer(officer[0], officer[1], approver[1], DEMO_BUYER_CODE, TERMS["demo"])


def _demo_orders(run: _Run, buyer: _Buyer, suppliers: _Suppliers) -> None:
    """The demo buyer's settings, and its awarded demo RFQ's orders."""
    session = run.session
    org = buyer.org
    award = session.scalar(
        select(Award)
        .join(Rfq, Rfq.id == Award.rfq_id)
        .where(
            Rfq.organization_id == org.id,
            Rfq.status == RfqStatus.AWARDED.value,
            Award.status == AwardStatus.APPROVED.value,
        )
        .order_by(Award.id)
    )
    if award is None:
        return
    _settings(run, buyer, rfq_service.buyer_settings(session, org.id).approval_above)
    won = {line.supplier_id for line in rfq_repository.award_lines_of(session, [award.id]).get(award.id, [])}
    winners = sorted((suppliers.key_of(pid) for pid in won), key=lambda key: key != "umkm")  # the UMKM first
    _orders(run, buyer, award, suppliers, winners, DEMO_STORIES[: len(winners)])


def _deals(run: _Run, buyer: _Buyer, suppliers: _Suppliers, deals: Sequence[Deal]) -> None:
    """The buyer's settings, its awarded RFQs (one per deal, from its own demo needs) and their orders."""
    _settings(run, buyer, APPROVAL_ABOVE)
    # Budgets well below the approval threshold, so the awards need no approver (quotes run to 103%).
    needs = pick_needs(run.session, buyer.org.id, run.rng, len(deals), most=APPROVAL_ABOVE * 9 // 10)
    keys = list(suppliers.by_key)
    plans = []
    for need, deal in zip(needs, deals, strict=False):
        loser = next(key for key in keys[run.rng.randrange(len(keys)) :] + keys if key not in deal.winners)
        plans.append(
            AwardPlan(
                officer=buyer.officer,
                need=need,
                bidders=tuple(suppliers.by_key[key] for key in (*deal.winners, loser)),
                winners=tuple(suppliers.by_key[key] for key in deal.winners),
                ago=dt.timedelta(days=deal.ago),
            )
        )
    for award, deal in zip(awarded_for_demo(run.session, run.rng, plans), deals, strict=False):
        if award.status == AwardStatus.APPROVED:
            _orders(run, buyer, award, suppliers, deal.winners, deal.stories)


def _other_buyers(session: Session) -> list[tuple[str, _Buyer]]:
    """The fast and the slow payer: the named BUMN of the demo list, with an officer login."""
    names = {seed.slug: seed.name for seed in load_buyers()}
    found = []
    for slug in (FAST_BUYER, SLOW_BUYER):
        buyer = _other_buyer(session, slug, names[slug]) if slug in names else None
        if buyer is not None:
            found.append((slug, buyer))
    return found


def load_demo_orders(session: Session, *, seed: int = 2026) -> OrderReport:
    """Give three demo buyers orders through to payment, at different speeds (once; see the module)."""
    report = OrderReport()
    suppliers = _suppliers(session)
    demo = _demo_buyer(session)
    if suppliers is None or demo is None:
        return report
    run = _Run(session, random.Random(seed), today(), report)  # noqa: S311 - reproducible demo data
    _tax(run, suppliers)  # before any invoice: an invoice reads the tax statuses of its day
    _demo_orders(run, demo, suppliers)
    others = _other_buyers(session)
    for slug, buyer in others:
        _deals(run, buyer, suppliers, FAST_DEALS if slug == FAST_BUYER else SLOW_DEALS)
    orgs = [demo.org, *(buyer.org for _, buyer in others)]
    paying = days_to_pay.days_to_pay(session, on=run.today, organization_ids=[org.id for org in orgs])
    report.days_to_pay = {org.name: paying[org.id].average_days for org in orgs if org.id in paying}
    return report
