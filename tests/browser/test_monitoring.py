"""Issue #15's journeys in Chromium on a 360 px phone.

A ministry analyst opens the monitoring, filters to one province (Jawa Barat) and one sector (KBLI section
C), drills down from the province to a kab/kota (Kota Bandung), downloads the suppliers' table as CSV, and
the CSV holds exactly what the page shows. A visitor opens the public transparency page without logging
in and finds the national figures and the payment ranking, and no personal data.
The data is the hand-computed fixture of the KPI tests (tests/factories/analytics.py), committed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import LIVE_DATABASES
from tests.factories.analytics import monitoring_fixture
from tests.factories.identity import PASSWORD, make_org, make_user

from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity.roles import OrgType, Role

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


_STORIES: dict[str, tuple[str, str]] = {}


def _story(url: str) -> tuple[str, str]:
    """The fixture and a ministry analyst (national, no region), written once per live server; returns the
    analyst's email and the name of a person on the platform (a buyer's officer), who must not appear on
    the public page."""
    if url in _STORIES:
        return _STORIES[url]
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        m = monitoring_fixture(db)
        ministry = make_org(db, OrgType.KEMENTERIAN_DINAS, "Kementerian Pemantau (Uji Peramban)")
        ministry.region_code = None
        analyst = make_user(db, ministry, (Role.ANALYST,))
        officer = make_user(db, m.bumn, (Role.PROCUREMENT_OFFICER,))
        found = analyst.email, officer.full_name
    engine.dispose()
    _STORIES[url] = found
    return found


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width} px"


def _cells(page: Page, testid: str) -> list[list[str]]:
    return page.get_by_test_id(testid).evaluate(
        """(t) => [...t.querySelectorAll("tbody tr")].map(tr => [...tr.querySelectorAll("td")]
             .map(td => td.dataset.value))"""
    )


def test_an_analyst_drills_down_and_downloads_what_the_page_shows(live_server: str, browser: Browser) -> None:
    email, _ = _story(LIVE_DATABASES[live_server])
    context = browser.new_context(viewport=PHONE, locale="id-ID", accept_downloads=True)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()

    page.goto(live_server + "/monitoring")
    expect(page.get_by_test_id("map")).to_be_visible()
    _no_sideways_scroll(page)
    form = page.get_by_test_id("filters")
    form.locator("#f-start").fill("2026-01-01")
    form.locator("#f-end").fill("2026-06-30")
    form.locator("#f-province").select_option("32")
    form.locator("#f-sector").select_option("C")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("place")).to_have_text("Jawa Barat")
    assert _cells(page, "table-regions") == [
        ["32.73", "Kota Bandung", "2", "3", "135000000", "60000000", "30000000"]
    ]
    expect(page.get_by_test_id("map").locator('path[data-code="32.73"]')).to_have_count(1)
    _no_sideways_scroll(page)

    page.get_by_test_id("drill-32.73").click()
    expect(page.get_by_test_id("place")).to_have_text("Kota Bandung")
    shown = _cells(page, "table-suppliers")
    assert [row[0] for row in shown] == ["Keripik Satu", "Keripik Lima"]
    assert re.search("sector=C", page.url) and re.search("province=32", page.url)
    _no_sideways_scroll(page)

    with page.expect_download() as info:
        page.get_by_test_id("download-suppliers-csv").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    headers = page.get_by_test_id("table-suppliers").locator("thead th").all_inner_texts()
    assert rows[0] == [h.strip() for h in headers]
    assert rows[1:] == shown
    context.close()


def test_a_visitor_reads_the_public_page_without_personal_data(live_server: str, browser: Browser) -> None:
    _, person = _story(LIVE_DATABASES[live_server])
    context = browser.new_context(viewport=PHONE, locale="id-ID")  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(live_server + "/transparansi")
    expect(page.get_by_test_id("public-payments")).to_contain_text("PT Swasta Dua (Uji)")
    expect(page.get_by_test_id("map")).to_be_visible()
    expect(page.get_by_role("button", name="Keluar")).to_have_count(0)  # nobody is logged in
    _no_sideways_scroll(page)
    text = page.locator("body").inner_text()
    html = page.content()
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", html), "an email address"
    assert not re.search(r"(\+62|\b08)\d{7,}", text), "a phone number"
    assert not re.search(r"\b\d{15,16}\b", text), "an NPWP or NIK"
    assert person not in text and "Keripik Satu" not in text
    context.close()
