"""Issue #13's "find work" journeys in Chromium.

An UMKM owner, on a 360 px phone, finds an open need through the opportunities page by its words, opens
it and reads what it lacks (a halal certificate); a line whose value the buyer never stated reads so,
never "Rp0". A BUMN procurement officer, at desktop width, finds suppliers by product words in the
directory (the keripik specialist first, by relevance, not the name that sorts first), opens the
specialist's profile, invites it to the draft RFQ and asks for its contact details; the business accepts
from its phone, and the officer then sees the phone number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from tests.browser.conftest import LIVE_DATABASES, drain_index
from tests.factories.identity import PASSWORD, make_org
from tests.factories.sourcing import line_data, make_buyer, make_need
from tests.factories.suppliers import add_product, make_supplier

from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity.roles import OrgType
from rantai.kit import clock
from rantai.sourcing.rfq import service as rfq_service
from rantai.sourcing.rfq.service import RfqData

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
SPECIALIST = "Zaitun Keripik Nusantara Uji"
GENERALIST = "Aneka Jaya Abadi Uji"
SPECIALIST_PHONE = "+6281377712345"


@dataclass
class UmkmStory:
    umkm_email: str
    halal_need_id: int


def _umkm_story(url: str) -> UmkmStory:
    """An UMKM making keripik tempe without a halal certificate; a buyer's open need asking halal
    keripik tempe (with a value), and one whose value is not stated."""
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        umkm, umkm_owner, umkm_actor = make_supplier(
            db, status="verified", business_name="Keripik Mbok Sum Uji"
        )
        add_product(
            db, umkm, umkm_actor, "Keripik Tempe Sagu 200 g", unit_code="bungkus", capacity_per_month=9000
        )
        org, _, officer = make_buyer(db, make_org(db, OrgType.BUMN, "PT Oleh-Oleh Negeri Uji (Persero)"))
        halal = make_need(
            db,
            org,
            officer,
            title="Bingkisan tamu kenegaraan",
            lines=[
                line_data(
                    name="Keripik tempe sagu halal",
                    quantity=800,
                    budget=24_000_000,
                    certifications=["halal"],
                )
            ],
            status="open",
        )
        make_need(
            db,
            org,
            officer,
            title="Kudapan rapat direksi",
            lines=[line_data(name="Keripik tempe original", quantity=200, budget=None)],
            status="open",
        )
        story = UmkmStory(umkm_owner.email, halal.id)
    engine.dispose()
    return story


@dataclass
class BuyerStory:
    officer_email: str
    specialist_email: str
    rfq_number: str


def _buyer_story(url: str) -> BuyerStory:
    """A BUMN officer with a draft RFQ; two suppliers found by "keripik singkong": a specialist and one
    whose name sorts first with the words once, in a table's name."""
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        org, officer_user, officer = make_buyer(
            db, make_org(db, OrgType.BUMN, "PT Kudapan Negeri Uji (Persero)")
        )
        need = make_need(
            db,
            org,
            officer,
            title="Kudapan rapat direksi",
            lines=[line_data(name="Keripik singkong balado", quantity=2000, budget=None)],
            status="open",
        )
        specialist, specialist_owner, specialist_actor = make_supplier(
            db, status="verified", business_name=SPECIALIST, legal_form="cv", phone=SPECIALIST_PHONE
        )
        for name in ("Keripik Singkong Balado", "Keripik Singkong Pedas", "Keripik Singkong Original"):
            add_product(db, specialist, specialist_actor, name, unit_code="bungkus", capacity_per_month=4000)
        generalist, _, generalist_actor = make_supplier(db, status="verified", business_name=GENERALIST)
        add_product(db, generalist, generalist_actor, "Meja kayu dengan ukiran keripik singkong")
        add_product(db, generalist, generalist_actor, "Kursi rotan")
        rfq = rfq_service.create_rfq(
            db,
            actor=officer,
            need=need,
            data=RfqData(
                title="Kudapan rapat direksi",
                deadline=clock.now() + dt.timedelta(days=3),
                lines=rfq_service.lines_from_need(db, need),
            ),
        )
        story = BuyerStory(officer_user.email, specialist_owner.email, rfq.number)
    engine.dispose()
    return story


Opener = Callable[[ViewportSize], Page]


@pytest.fixture
def open_window(browser: Browser) -> Iterator[Opener]:
    contexts: list[BrowserContext] = []

    def opener(viewport: ViewportSize) -> Page:
        context = browser.new_context(viewport=viewport, locale="id-ID")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_umkm_finds_an_open_need_and_sees_what_it_lacks(live_server: str, open_window: Opener) -> None:
    story = _umkm_story(LIVE_DATABASES[live_server])
    drain_index(live_server)  # the story's suppliers in the matching index
    phone = open_window(PHONE)
    _log_in(phone, live_server, story.umkm_email)
    phone.goto(live_server + "/opportunities")
    phone.locator("#f-q").fill("keripik tempe")
    phone.get_by_test_id("opportunity-filters").get_by_role("button").click()
    cards = phone.get_by_test_id("opportunity-card")
    expect(cards).to_have_count(2)
    halal = cards.filter(has_text="Keripik tempe sagu halal")
    expect(halal.get_by_test_id("card-value")).to_contain_text("24.000.000")
    unpriced = cards.filter(has_text="Keripik tempe original")
    expect(unpriced.get_by_test_id("card-value")).not_to_contain_text("Rp0")
    expect(unpriced.get_by_test_id("card-value")).not_to_contain_text("Rp")
    _no_sideways_scroll(phone)

    halal.get_by_role("link").click()
    expect(phone.get_by_test_id("need-buyer")).to_contain_text("PT Oleh-Oleh Negeri Uji (Persero)")
    fit = phone.get_by_test_id("fit")
    expect(fit).to_have_attribute("data-qualifies", "false")
    expect(fit.get_by_test_id("lacks")).to_contain_text("Halal")
    _no_sideways_scroll(phone)


def test_a_buyer_finds_invites_and_reaches_a_supplier(live_server: str, open_window: Opener) -> None:
    story = _buyer_story(LIVE_DATABASES[live_server])
    drain_index(live_server)  # the story's suppliers in the matching index
    office = open_window(DESKTOP)
    _log_in(office, live_server, story.officer_email)
    office.goto(live_server + "/directory")
    office.locator("#f-text").fill("keripik singkong")
    office.locator("form[role=search] button[type=submit]").click()
    rows = office.get_by_test_id("supplier-row")
    names = [rows.nth(i).get_by_role("link").first.inner_text() for i in range(rows.count())]
    assert SPECIALIST in names and GENERALIST in names
    assert names.index(SPECIALIST) < names.index(GENERALIST)  # relevance, though "Aneka" sorts first
    specialist_row = rows.filter(has_text=SPECIALIST)
    expect(specialist_row.get_by_test_id("row-products")).to_contain_text("Keripik Singkong Balado")
    expect(specialist_row.get_by_test_id("row-products")).to_contain_text("4.000")

    specialist_row.get_by_role("link").first.click()
    expect(office.get_by_test_id("phone")).to_have_attribute("data-shown", "false")
    expect(office.get_by_test_id("phone")).not_to_contain_text(SPECIALIST_PHONE)
    invite = office.get_by_test_id("invite-to-quote")
    invite.locator("select[name='rfq_id']").select_option(label=f"{story.rfq_number} · Kudapan rapat direksi")
    invite.get_by_test_id("invite").click()
    expect(office.get_by_test_id("notice")).to_be_visible()

    contact = office.get_by_test_id("contact-request")
    contact.locator("textarea[name='message']").fill("Kami mencari keripik singkong 2.000 bungkus per bulan.")
    contact.get_by_test_id("send-contact-request").click()
    expect(office.get_by_test_id("contact-status")).to_have_attribute("data-status", "pending")
    profile_url = office.url.split("?")[0]

    # The business accepts from its phone, from the notification's link.
    business = open_window(PHONE)
    _log_in(business, live_server, story.specialist_email)
    business.goto(live_server + "/notifications")
    business.locator("main a[href^='/contact-requests/']").first.click()
    expect(business.get_by_test_id("contact-message")).to_contain_text("2.000 bungkus")
    business.get_by_test_id("contact-accept").click()
    expect(business.get_by_test_id("contact-request-status")).to_have_attribute("data-status", "accepted")
    _no_sideways_scroll(business)

    office.goto(profile_url)
    expect(office.get_by_test_id("phone")).to_have_attribute("data-shown", "true")
    expect(office.get_by_test_id("phone")).to_contain_text(SPECIALIST_PHONE)
    expect(office.get_by_test_id("contact-shared")).to_be_visible()
