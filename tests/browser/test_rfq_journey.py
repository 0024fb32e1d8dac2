"""Issue #11's journey in Chromium: from a need to an approved, split award.

A BUMN procurement officer makes an RFQ from a need in the web builder, invites the three UMKM shortlisted
on the need's line and sends it. Two of them quote from a 360 px phone; the third asks a question, which
the officer answers and every invitee then reads, without learning who asked. Before the deadline the
officer sees how many quotes arrived and no price. The deadline passes (the clock moves, the scheduler's
close runs), the officer compares, splits the award by quantity; the award is above the buyer's approval
threshold, so it waits for the approver, who approves it; then each bidder sees what it won.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from tests.browser.conftest import LIVE_DATABASES, drain_index
from tests.factories.identity import PASSWORD, make_user
from tests.factories.rfq import make_bidders
from tests.factories.sourcing import line_data, make_buyer, make_buyer_org, make_need

from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity import service as identity
from rantai.identity.roles import Role
from rantai.kit import clock
from rantai.kit.clock import WIB
from rantai.sourcing import repository as need_repository
from rantai.sourcing import service as sourcing
from rantai.sourcing.rfq import service as rfq_service
from rantai.sourcing.state import Decision

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
QUANTITY = 1000
CHEAP_PRICE, CHEAP_QUANTITY = 12_345, 600  # "12.345" on screen: a price the buyer must not see too early
DEAR_PRICE = 13_250
ASKER = "Kue Kering Bu Asih"  # the supplier that asks, and never quotes
QUESTION = "Apakah kemasan boleh memakai dus karton polos?"
ANSWER = "Boleh, asal ada label isi dan tanggal produksi."


@dataclass
class Person:
    email: str
    supplier_id: int = 0


@dataclass
class Story:
    need_id: int
    officer: Person
    approver: Person
    cheap: Person
    dear: Person
    asker: Person


def _story(url: str) -> Story:
    """A BUMN buyer with an officer and an approver, awards above Rp1 juta waiting for approval, an open
    need with one line and three verified UMKM shortlisted on it."""
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        org = make_buyer_org(db, name="PT Kereta Nusantara Uji (Persero)")
        _, officer_user, officer = make_buyer(db, org)
        approver_user = make_user(db, org, (Role.APPROVER,))
        admin = identity.actor_for(db, make_user(db, org, (Role.ADMIN,)))
        rfq_service.change_buyer_settings(
            db, actor=admin, organization_id=org.id, approval_above=1_000_000, payment_terms_days=30
        )
        need = make_need(
            db,
            org,
            officer,
            title="Kotak kue rapat direksi",
            lines=[line_data(name="Kotak kue isi 4", quantity=QUANTITY, unit_code="dus", budget=15_000_000)],
            status="open",
        )
        (line,) = need_repository.lines_of(db, need.id)
        people = []
        for name in ("Kue Basah Bu Darmi", "Jajanan Pasar Mbak Tari", ASKER):
            (bidder,) = make_bidders(db, 1, business_name=name)
            sourcing.decide(
                db,
                actor=officer,
                need=need,
                line=line,
                supplier_id=bidder.profile.id,
                decision=Decision.SHORTLISTED,
            )
            people.append(Person(bidder.user.email, bidder.profile.id))
        story = Story(need.id, Person(officer_user.email), Person(approver_user.email), *people)
    engine.dispose()
    return story


Opener = Callable[[ViewportSize], Page]


@pytest.fixture
def open_window(browser: Browser) -> Iterator[Opener]:
    """Opens a window of the given size for one more person (each with its own cookies)."""
    contexts: list[BrowserContext] = []

    def opener(viewport: ViewportSize) -> Page:
        context = browser.new_context(viewport=viewport, locale="id-ID")
        context.set_default_timeout(10_000)
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


def _quote(page: Page, base: str, rfq_id: int, price: int, quantity: int | None) -> None:
    """Give a quote on the phone: the one line priced, the quantity offered (blank: all), a lead time."""
    page.goto(f"{base}/invitations/{rfq_id}")
    form = page.get_by_test_id("quote-form")
    _no_sideways_scroll(page)
    form.locator("[name$='-unit_price']").fill(str(price))
    if quantity is not None:
        form.locator("[name$='-quantity']").fill(str(quantity))
    form.locator("[name$='-lead_time_days']").fill("5")
    form.get_by_test_id("submit-quote").click()
    expect(page.get_by_test_id("own-quote-status")).to_be_visible()
    expect(page.get_by_test_id("revisions")).to_contain_text(f"{price:,}".replace(",", "."))
    _no_sideways_scroll(page)


def test_an_rfq_from_a_need_to_an_approved_split_award(live_server: str, open_window: Opener) -> None:
    story = _story(LIVE_DATABASES[live_server])
    drain_index(live_server)  # the story's suppliers in the matching index
    opener, base = open_window, live_server

    # The officer makes the RFQ from the need: the three shortlisted suppliers are ticked.
    office = opener(DESKTOP)
    _log_in(office, base, story.officer.email)
    office.goto(f"{base}/needs/{story.need_id}/rfq/new")
    choices = office.get_by_test_id("supplier-choice")
    expect(choices).to_have_count(3)
    for index in range(3):
        expect(choices.nth(index)).to_be_checked()
    deadline = clock.now().astimezone(WIB) + dt.timedelta(hours=2)
    office.locator("#f-deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    office.get_by_test_id("save-draft").click()
    expect(office.get_by_test_id("rfq-status")).to_have_attribute("data-status", "draft")
    match = re.search(r"/rfqs/(\d+)", office.url)
    assert match, office.url
    rfq_id = int(match.group(1))
    expect(office.get_by_test_id("invitation")).to_have_count(3)
    office.get_by_test_id("send").click()
    office.get_by_test_id("confirm").click()
    expect(office.get_by_test_id("rfq-status")).to_have_attribute("data-status", "open")

    # Two suppliers quote from their phones; the cheaper offers only part of the quantity.
    cheap = opener(PHONE)
    _log_in(cheap, base, story.cheap.email)
    _quote(cheap, base, rfq_id, CHEAP_PRICE, CHEAP_QUANTITY)
    dear = opener(PHONE)
    _log_in(dear, base, story.dear.email)
    _quote(dear, base, rfq_id, DEAR_PRICE, None)

    # Sealed: the officer sees that two quotes arrived, and not a single price.
    office.goto(f"{base}/rfqs/{rfq_id}")
    expect(office.get_by_test_id("quote-count").locator(".status")).to_have_text("2")
    html = office.content()
    assert "12.345" not in html and "12345" not in html
    assert "13.250" not in html and "13250" not in html

    # The third supplier asks a question; the officer answers it.
    asker = opener(PHONE)
    _log_in(asker, base, story.asker.email)
    asker.goto(f"{base}/invitations/{rfq_id}")
    ask_form = asker.get_by_test_id("ask-form")
    ask_form.locator("textarea[name='question']").fill(QUESTION)
    ask_form.get_by_role("button").click()
    expect(asker.get_by_test_id("question")).to_contain_text(QUESTION)
    _no_sideways_scroll(asker)

    office.goto(f"{base}/rfqs/{rfq_id}")
    question = office.get_by_test_id("question").filter(has_text=QUESTION)
    question.locator("textarea[name='answer']").fill(ANSWER)
    question.get_by_role("button").click()
    expect(office.get_by_test_id("question").get_by_test_id("answer")).to_contain_text(ANSWER)
    expect(office.get_by_test_id("questions")).not_to_contain_text(ASKER)

    # Every invitee reads the answer, and nobody is told who asked.
    for reader in (cheap, dear, asker):
        reader.goto(f"{base}/invitations/{rfq_id}")
        questions = reader.get_by_test_id("questions")
        expect(questions.get_by_test_id("answer")).to_contain_text(ANSWER)
        expect(questions).not_to_contain_text(ASKER)
    assert ASKER not in cheap.content() and ASKER not in dear.content()

    # The deadline passes; the scheduler closes the RFQ. The server runs in this process: it travels too.
    with clock.travel(dt.timedelta(hours=3)):
        engine = make_engine(LIVE_DATABASES[live_server])
        with transaction(make_session_factory(engine)) as db:
            assert rfq_service.close_due(db) >= 1
        engine.dispose()

        # The comparison: both quotes, the lowest marked.
        office.goto(f"{base}/rfqs/{rfq_id}")
        expect(office.get_by_test_id("rfq-status")).to_have_attribute("data-status", "evaluation")
        office.get_by_test_id("comparison-link").click()
        table = office.get_by_test_id("comparison")
        expect(table.locator("thead th[data-supplier-id]")).to_have_count(2)
        expect(table).to_contain_text("Kue Basah Bu Darmi")
        expect(table).to_contain_text("Jajanan Pasar Mbak Tari")
        lowest = table.locator("td[data-lowest='1']")
        expect(lowest).to_have_count(1)
        expect(lowest).to_contain_text("12.345")
        expect(lowest.get_by_test_id("lowest")).to_be_visible()

        # The split: 600 to the cheaper (all it offered), the remaining 400 to the other.
        office.get_by_test_id("award-link").click()
        form = office.get_by_test_id("award-form")
        cheap_part = form.locator(f"input[name^='part-'][name$='-{story.cheap.supplier_id}']")
        dear_part = form.locator(f"input[name^='part-'][name$='-{story.dear.supplier_id}']")
        expect(cheap_part).to_have_value(str(CHEAP_QUANTITY))  # the lowest offer is filled in
        dear_part.fill(str(QUANTITY - CHEAP_QUANTITY))
        form.get_by_test_id("make-award").click()
        award = office.get_by_test_id("award")
        expect(award).to_have_attribute("data-status", "pending_approval")
        expect(award).to_contain_text("Kue Basah Bu Darmi")
        expect(award).to_contain_text("Jajanan Pasar Mbak Tari")
        link = award.locator("a[href^='/approvals/']")
        award_path = link.get_attribute("href")
        assert award_path

        # While it waits, no supplier is told anything.
        cheap.goto(f"{base}/invitations/{rfq_id}")
        expect(cheap.get_by_test_id("rfq-status")).to_be_visible()
        expect(cheap.get_by_test_id("outcome")).to_have_count(0)

        # The approver approves it.
        approver = opener(DESKTOP)
        _log_in(approver, base, story.approver.email)
        approver.goto(base + award_path)
        expect(approver.get_by_test_id("award-status")).to_have_attribute("data-status", "pending_approval")
        # 600 x 12.345 + 400 x 13.250
        expect(approver.get_by_test_id("award-total")).to_contain_text("12.707.000")
        approver.get_by_test_id("approve").click()
        expect(approver.get_by_test_id("award-status")).to_have_attribute("data-status", "approved")

        # Each bidder sees what it won, on its phone.
        cheap.goto(f"{base}/invitations/{rfq_id}")
        won = cheap.get_by_test_id("won")
        expect(won).to_contain_text("600")
        expect(won).to_contain_text("12.345")
        _no_sideways_scroll(cheap)
        dear.goto(f"{base}/invitations/{rfq_id}")
        won = dear.get_by_test_id("won")
        expect(won).to_contain_text("400")
        expect(won).to_contain_text("13.250")
        _no_sideways_scroll(dear)
        # The one that only asked sees the request awarded, and no empty outcome of its own.
        asker.goto(f"{base}/invitations/{rfq_id}")
        expect(asker.get_by_test_id("rfq-status")).to_be_visible()
        expect(asker.get_by_test_id("outcome")).to_have_count(0)
