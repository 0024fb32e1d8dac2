"""Issue #13: every role's home shows the work waiting for it, from live data, and no link on it leads to
a refusal. The demo's walls were an approver's main button that answered 403, an operator's home pointing
to the verification queue it may not open, and a home of static instructions.

One small story, seeded once for the module into the shared live server: a BUMN with a procurement
officer and an approver (awards above Rp20 juta wait for approval), a keripik maker in Kota Padang whose
halal certificate has lapsed, invited to quote, with a PO to accept and an invoice not paid yet, a
cooperative, a dinas verifier of West Sumatra with a submission waiting, the platform operator with a
failed job, and a lender. Each person logs in (a phone-sized window) and sees live items on the home;
then every link on it is followed, in the person's own session, and none answers 403 or 404.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session
from tests.browser.conftest import LIVE_DATABASES, drain_index
from tests.factories.identity import PASSWORD, make_org, make_user
from tests.factories.sourcing import line_data, make_buyer, make_buyer_org, make_need
from tests.factories.suppliers import add_product, make_supplier

from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity import service as identity
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.jobs.models import Job
from rantai.kit import clock
from rantai.kit.clock import now, today
from rantai.orders import fulfilment, invoices, purchase_orders
from rantai.orders import repository as orders_repository
from rantai.orders.fulfilment import Received
from rantai.orders.models import SupplierTax
from rantai.sourcing.models import Need
from rantai.sourcing.rfq import awards, quotes
from rantai.sourcing.rfq import service as rfq_service
from rantai.sourcing.rfq.awards import AwardPart
from rantai.sourcing.rfq.models import Award, Rfq
from rantai.sourcing.rfq.quotes import QuoteData, QuoteLineData
from rantai.sourcing.rfq.service import OrderSettings, RfqData
from rantai.suppliers import service as suppliers

pytestmark = pytest.mark.browser

DAY = dt.timedelta(days=1)
PRODUCT = "Keripik Sanjai Balado 250 g"
PRICE = 16_000
APPROVAL_ABOVE = 20_000_000


@dataclass
class Person:
    email: str
    dashboard: str
    boxes: tuple[str, ...] = ()  # boxes of the home that must hold at least one live item


@dataclass
class Story:
    people: dict[str, Person]


def _line(**overrides: object) -> object:
    values: dict[str, object] = {
        "name": PRODUCT,
        "quantity": 1_000,
        "unit_code": "bungkus",
        "delivery_kabkota_code": "31.71",
        "needed_by": today() + 60 * DAY,
        "budget": 20_000_000,
    }
    return line_data(**(values | overrides))


def _rfq(db: Session, officer: Actor, need: Need, supplier_id: int, *, deadline_in: dt.timedelta) -> Rfq:
    rfq = rfq_service.create_rfq(
        db,
        actor=officer,
        need=need,
        data=RfqData(
            title=need.title,
            deadline=clock.now() + deadline_in,
            lines=rfq_service.lines_from_need(db, need),
            supplier_ids=[supplier_id],
        ),
    )
    rfq_service.send(db, actor=officer, rfq=rfq)
    return rfq


def _quote(db: Session, owner: Actor, rfq: Rfq) -> None:
    lines = [
        QuoteLineData(line.id, PRICE, line.quantity, 7)
        for line in rfq_service.repository.lines_of(db, rfq.id)
    ]
    quotes.submit(db, actor=owner, rfq=rfq, data=QuoteData(lines=lines, valid_until=today() + 40 * DAY))


def _award_whole(db: Session, officer: Actor, rfq: Rfq) -> Award:
    opened = quotes.opened_quotes(db, actor=officer, rfq=rfq)
    (quote,) = opened.quotes
    parts = [AwardPart(line.rfq_line_id, quote.supplier_id, line.quantity) for line in opened.lines[quote.id]]
    return awards.make_award(db, actor=officer, rfq=rfq, parts=parts)


def _story(url: str) -> Story:
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        org = make_buyer_org(db, name="PT Wisata Nusantara Uji (Persero)")
        _, officer_user, officer = make_buyer(db, org)
        approver_user = make_user(db, org, (Role.APPROVER,))
        admin = identity.actor_for(db, make_user(db, org, (Role.ADMIN,)))
        rfq_service.change_buyer_settings(
            db,
            actor=admin,
            organization_id=org.id,
            approval_above=APPROVAL_ABOVE,
            payment_terms_days=30,
            orders=OrderSettings(code="WNU", npwp=None, ppn_collector=False, pph22_collector=False),
        )
        profile, owner_user, owner = make_supplier(
            db, status="verified", business_name="Keripik Sanjai Uni Ros", kabkota_code="13.71"
        )
        db.merge(SupplierTax(supplier_id=profile.id, pkp=False))
        add_product(
            db,
            profile,
            owner,
            PRODUCT,
            category_code="pangan.olahan",
            kbli_code="10794",
            unit_code="bungkus",
            price_min=PRICE,
            price_max=PRICE + 3_000,
            capacity_per_month=5_000,
            lead_time_days=5,
            moq=50,
        )
        suppliers.add_certification(
            db,
            actor=owner,
            profile=profile,
            data=suppliers.CertificationData(
                type_code="halal",
                number="ID13110000123450124",
                valid_from=today() - 900 * DAY,
                valid_until=today() - 45 * DAY,
            ),
        )
        # Needs it can win, and one it could with a valid halal certificate.
        make_need(db, org, officer, title="Oleh-oleh untuk gerai bandara", lines=[_line()], status="open")
        make_need(
            db,
            org,
            officer,
            title="Camilan halal untuk paket wisata",
            lines=[_line(quantity=2_000, budget=40_000_000, certifications=["halal"])],
            status="open",
        )
        # And one too large for its monthly capacity by the day it is needed (a capacity gap).
        make_need(
            db,
            org,
            officer,
            title="Keripik untuk seluruh kantin cabang",
            lines=[_line(quantity=30_000, budget=20_000_000)],
            status="open",
        )
        # RFQs: one left past its deadline to decide, one awarded above the threshold (waits for the
        # approver), two awarded below it (a PO to accept; a PO delivered and invoiced, not paid).
        rfqs = []
        for title, quantity in (
            ("Keripik untuk rapat direksi", 300),
            ("Keripik untuk tamu hotel", 1_500),
            ("Keripik untuk kantin karyawan", 400),
            ("Keripik untuk suvenir pameran", 500),
        ):
            need = make_need(
                db, org, officer, title=title, lines=[_line(quantity=quantity, budget=None)], status="open"
            )
            rfq = _rfq(db, officer, need, profile.id, deadline_in=2 * DAY)
            _quote(db, owner, rfq)
            rfqs.append(rfq)
        with clock.travel(3 * DAY):
            rfq_service.close_due(db)
            pending = _award_whole(db, officer, rfqs[1])
            to_accept = _award_whole(db, officer, rfqs[2])
            to_invoice = _award_whole(db, officer, rfqs[3])
        assert pending.status == "pending_approval"
        purchase_orders.issue_for_award(db, actor=officer, award=to_accept)
        (po,) = purchase_orders.issue_for_award(db, actor=officer, award=to_invoice)
        purchase_orders.accept(db, actor=owner, po=po)
        (line,) = orders_repository.po_lines(db, po.id)
        fulfilment.record_delivery(
            db, actor=owner, po=po, note_number="SJ-UR-001", shipped_on=today(), quantities={line.id: 500}
        )
        fulfilment.record_receipt(
            db, actor=officer, po=po, received_on=today(), lines_received={line.id: Received(accepted=500)}
        )
        invoices.create_invoice(db, actor=owner, po=po)
        # An invitation still open for quotes.
        need = make_need(db, org, officer, title="Keripik untuk lounge", lines=[_line()], status="open")
        _rfq(db, officer, need, profile.id, deadline_in=5 * DAY)

        koperasi, koperasi_user, koperasi_owner = make_supplier(
            db,
            status="verified",
            org_type=OrgType.KOPERASI,
            legal_form="koperasi",
            business_name="Koperasi Pesantren Uji",
            kabkota_code="32.04",
        )
        add_product(
            db, koperasi, koperasi_owner, "Kotak Snack Rapat", unit_code="paket", capacity_per_month=800
        )
        dinas = identity.create_organization(
            db,
            name="Dinas Koperasi dan UKM Sumatera Barat (Uji)",
            org_type=OrgType.KEMENTERIAN_DINAS,
            region_code="13",
        )
        verifier_user = make_user(db, dinas, (Role.VERIFIER,))
        make_supplier(db, status="submitted", business_name="Rendang Kering Amai Uji", kabkota_code="13.71")
        operator_user = make_user(
            db, make_org(db, OrgType.OPERATOR_PLATFORM, "Operator Rantai (Uji)"), (Role.ADMIN,)
        )
        db.add(
            Job(
                kind="orders.render_document",
                payload={},
                status="failed",
                attempts=3,
                error="render failed: the font was not found",
                finished_at=now(),
            )
        )
        lender_user = make_user(db, make_org(db, OrgType.LEMBAGA_PEMBIAYAAN, "Lembaga Pembiayaan Uji"))
        people = {
            "officer": Person(
                officer_user.email,
                "dashboard-buyer",
                ("open-needs", "rfqs", "orders-waiting", "invoices-open"),
            ),
            "approver": Person(approver_user.email, "dashboard-buyer", ("approvals",)),
            "umkm": Person(
                owner_user.email,
                "dashboard-supplier",
                ("business", "invitations", "orders-waiting", "invoices-open", "opportunities"),
            ),
            "koperasi": Person(koperasi_user.email, "dashboard-supplier", ("business",)),
            "verifier": Person(verifier_user.email, "dashboard-government", ("verification-queue",)),
            "operator": Person(operator_user.email, "dashboard-operator", ("jobs", "registry")),
            "lender": Person(lender_user.email, "dashboard-lender"),
        }
    engine.dispose()
    return Story(people)


@pytest.fixture(scope="module")
def story(live_server: str) -> Story:
    story = _story(LIVE_DATABASES[live_server])
    drain_index(live_server)  # the story's suppliers in the matching index
    return story


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def _follow_every_link(page: Page, base: str) -> list[str]:
    """Every link of the page (its menu too), asked in the page's own session; returns those refused."""
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    local = sorted({href for href in hrefs if href.startswith("/")})
    assert local, "a home with no link at all"
    refused = []
    for href in local:
        status = page.request.get(base + href).status
        if status in (403, 404):
            refused.append(f"{href}: {status}")
    return refused


@pytest.mark.parametrize("who", ["officer", "approver", "umkm", "koperasi", "verifier", "operator", "lender"])
def test_each_role_home_shows_its_work_and_every_link_opens(
    page: Page, live_server: str, story: Story, who: str
) -> None:
    person = story.people[who]
    _log_in(page, live_server, person.email)
    expect(page.get_by_test_id(person.dashboard)).to_be_visible()
    if person.dashboard == "dashboard-supplier":
        # The opportunities are fetched by HTMX after the page loads.
        expect(page.get_by_test_id("opportunities-loading")).to_have_count(0)
    if "open-needs" in person.boxes:
        # So are the suppliers not reviewed yet on each need's shortlist.
        expect(page.get_by_test_id("unreviewed").first).to_be_visible()
    for box in person.boxes:
        items = page.get_by_test_id(box).locator("[data-testid=home-item], [data-testid=opportunity]")
        expect(items.first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out on a phone
    assert _follow_every_link(page, live_server) == []


def test_the_keripik_maker_sees_needs_it_can_win_and_its_lapsed_halal(
    page: Page, live_server: str, story: Story
) -> None:
    _log_in(page, live_server, story.people["umkm"].email)
    opportunity = page.get_by_test_id("opportunity").filter(has_text=PRODUCT).first
    expect(opportunity).to_be_visible()
    gap = page.get_by_test_id("gap").first
    expect(gap).to_have_attribute("data-kind", "cert")
    expect(gap).to_contain_text("Halal")
    capacity = page.get_by_test_id("gap").and_(page.locator("[data-kind=capacity]"))
    expect(capacity.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/supplier/products/\d+/edit$")
    )
    gap.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/supplier$"))


def test_the_approver_opens_the_award_waiting_for_it(page: Page, live_server: str, story: Story) -> None:
    _log_in(page, live_server, story.people["approver"].email)
    page.get_by_test_id("approvals").get_by_test_id("home-item").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+$"))
    expect(page.get_by_test_id("approve")).to_be_visible()


def test_a_visitor_learns_what_rantai_is_and_searches_suppliers(
    page: Page, live_server: str, story: Story
) -> None:
    page.goto(live_server + "/")
    expect(page.get_by_test_id("landing")).to_be_visible()
    figures = page.get_by_test_id("program-figures").get_by_test_id("figure")
    expect(figures).to_have_count(4)
    assert _follow_every_link(page, live_server) == []
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Find a supplier")).to_be_visible()
    page.get_by_role("searchbox").fill("keripik sanjai")
    page.get_by_role("button", name="Search verified suppliers").click()
    expect(page).to_have_url(re.compile(r"/directory\?text=keripik\+sanjai"))
    expect(page.get_by_text("Keripik Sanjai Uni Ros").first).to_be_visible()
    page.get_by_role("button", name="Bahasa Indonesia").click()
