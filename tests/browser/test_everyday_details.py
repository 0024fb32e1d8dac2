"""Issue #13's everyday details in Chromium at 360 px: the menu fits a phone, an owner edits a product and
renews a lapsed certificate, a buyer shows more of a shortlist.

The story data: a palm-sugar maker whose halal certificate lapsed, and a dozen more verified makers of
palm sugar (a product no other journey searches for, so their data does not meet).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from tests.browser.conftest import LIVE_DATABASES, drain_index
from tests.factories.identity import PASSWORD, make_org, make_user

from rantai.catalog import directory
from rantai.catalog import service as catalog
from rantai.db import make_engine, make_session_factory, transaction
from rantai.demo.seed import DEMO_PASSWORD
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import today
from rantai.suppliers import service as suppliers
from rantai.suppliers.checklist import MANUAL_CHECKS

pytestmark = pytest.mark.browser

OWNER_EMAIL = "aren@contoh.co.id"
MAKERS = 13
PDF = b"%PDF-1.4 sertifikat halal baru"


def _story(url: str) -> None:
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        verifier_org = identity.create_organization(
            db, name="Dinas Uji Aren", org_type=OrgType.KEMENTERIAN_DINAS, region_code=None
        )
        verifier = identity.actor_for(db, make_user(db, verifier_org, (Role.VERIFIER,)))
        day = today()
        for number in range(MAKERS):
            name = "Gula Aren Bu Imas" if number == 0 else f"Gula Aren Sejahtera {number}"
            org = make_org(db, OrgType.UMKM, name=name)
            user = make_user(db, org, (Role.OWNER,), email=OWNER_EMAIL if number == 0 else None)
            owner = identity.actor_for(db, user)
            profile = suppliers.create_profile(
                db,
                actor=owner,
                organization_id=org.id,
                data=suppliers.ProfileData(
                    business_name=name,
                    legal_form="ud",
                    nib=str(8_140_000_000_000 + number),
                    kabkota_code="32.73",
                    kbli_codes=["10722"],
                    annual_sales=600_000_000,
                    phone=f"+62813{number:08d}",
                ),
            )
            catalog.create_product(
                db,
                actor=owner,
                profile=profile,
                data=catalog.ProductData(
                    name=f"Gula Aren Cetak {number + 1}", unit_code="kg", capacity_per_month=5_000
                ),
            )
            suppliers.submit(db, actor=owner, profile=profile)
            suppliers.verify(db, actor=verifier, profile=profile, checked=MANUAL_CHECKS)
            # After verifying: a lapsed certificate fails the verifier's automatic date check.
            suppliers.add_certification(
                db,
                actor=owner,
                profile=profile,
                data=suppliers.CertificationData(
                    type_code="halal",
                    number=f"ID32730000{number:06d}",
                    valid_from=day - dt.timedelta(days=800),
                    valid_until=day - dt.timedelta(days=20) if number == 0 else day + dt.timedelta(days=500),
                ),
            )
            directory.refresh(db, [profile.id])
    engine.dispose()


def _log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_everyday_details_on_a_phone(page: Page, live_server: str) -> None:
    _story(LIVE_DATABASES[live_server])
    drain_index(live_server)  # the story's suppliers in the matching index
    _log_in(page, live_server, OWNER_EMAIL, PASSWORD)

    # The menu is one line on a phone: folded behind "Menu", the account's pages under the user's name.
    page.goto(live_server + "/supplier")
    _fits(page)
    nav = page.get_by_role("navigation", name=re.compile("Menu utama|Main menu"))
    assert nav.bounding_box()["height"] < 80  # type: ignore[index]
    expect(page.get_by_role("link", name="Direktori pemasok")).to_be_hidden()
    page.get_by_test_id("menu-toggle").click()
    expect(page.get_by_role("link", name="Direktori pemasok")).to_be_visible()
    expect(page.get_by_role("link", name="Token API")).to_be_hidden()  # not among the daily work
    page.get_by_test_id("account-menu").locator("summary").click()
    expect(page.get_by_role("link", name="Token API")).to_be_visible()
    _fits(page)

    # Edit a product.
    page.get_by_test_id("edit-product").first.click()
    expect(page.get_by_label("Nama produk")).to_have_value("Gula Aren Cetak 1")
    page.get_by_label("Nama produk").fill("Gula Aren Cetak 1 kg")
    page.get_by_label("Kapasitas per bulan (satuan)").fill("6000")
    _fits(page)
    page.get_by_role("button", name="Simpan produk").click()
    expect(page.get_by_test_id("my-products")).to_contain_text("Gula Aren Cetak 1 kg")

    # Renew the lapsed halal certificate: the new one counts, the old one stays in the history.
    certificate = page.get_by_test_id("certificate").first
    expect(certificate).to_contain_text("Kedaluwarsa")
    certificate.get_by_test_id("renew").click()
    _fits(page)
    page.get_by_label(re.compile("^Nomor sertifikat baru|^Number of the new certificate")).fill(
        "ID32730000999999"
    )
    page.locator("#f-valid_until").fill((today() + dt.timedelta(days=1460)).isoformat())
    page.locator("#f-document").set_input_files(
        files=[{"name": "halal-baru.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_test_id("renew-form").locator("button[type=submit]").click()
    certificate = page.get_by_test_id("certificate").first
    expect(certificate).to_contain_text("ID32730000999999")
    expect(certificate).not_to_contain_text("Kedaluwarsa")
    history = certificate.get_by_test_id("certificate-history")
    history.locator("summary").click()
    expect(history).to_contain_text("ID32730000000000")
    _fits(page)
    page.get_by_role("button", name="Keluar").click()

    # A buyer's shortlist shows ten, then more.
    _log_in(page, live_server, "pembeli@demo.rantai.id", DEMO_PASSWORD)
    page.goto(live_server + "/needs")
    page.get_by_label("Tulis kebutuhan Anda").fill("gula aren cetak 2.000 kg, kirim ke Kota Bandung")
    page.get_by_role("button", name="Cari pemasok").click()
    entries = page.get_by_test_id("shortlist-entry")
    expect(entries).to_have_count(10)
    page.get_by_test_id("show-more").click()
    expect(entries).to_have_count(MAKERS)
    expect(page.get_by_test_id("show-more")).to_have_count(0)
    _fits(page)
