"""Issue #13 in Chromium at 360 px. Verification with evidence: the owner uploads the NIB print and the
NPWP card; the Jawa Barat verifier opens the submission, sees the documents, the automatic checks and the
checklist, and sends it back naming what to fix; the owner sees what to fix and is told. Password
reset: a user asks for a link on the login page, opens it (read from the outbox) and logs in anew."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from tests.browser.conftest import LIVE_DATABASES
from tests.factories.identity import make_org, make_user

from rantai.db import make_engine, make_session_factory, transaction
from rantai.demo.seed import DEMO_PASSWORD
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.notifications.models import OutboxEmail
from rantai.suppliers import service as suppliers

pytestmark = pytest.mark.browser

OWNER_EMAIL = "wati.bukti@contoh.co.id"
BUSINESS = "Dodol Bukti Bu Wati"


def _story(url: str) -> None:
    """A PT perorangan in Kota Bandung that has sent its profile for verification."""
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        org = make_org(db, OrgType.UMKM, name=BUSINESS)
        owner = identity.actor_for(
            db, make_user(db, org, (Role.OWNER,), email=OWNER_EMAIL, password=DEMO_PASSWORD)
        )
        profile = suppliers.create_profile(
            db,
            actor=owner,
            organization_id=org.id,
            data=suppliers.ProfileData(
                business_name=BUSINESS,
                legal_form="pt_perorangan",
                nib="8140000000013",
                npwp="0013000666091000",
                kabkota_code="32.73",
                address="Jl. Cihampelas 12",
                kbli_codes=["10794"],
                annual_sales=700_000_000,
                phone="+6281300001313",
            ),
        )
        suppliers.submit(db, actor=owner, profile=profile)
    engine.dispose()


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_verifier_rejects_with_what_to_fix_and_the_owner_sees_it(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    _story(LIVE_DATABASES[live_server])
    nib_print = tmp_path / "cetak-nib.pdf"
    nib_print.write_bytes(b"%PDF-1.4 cetak NIB OSS")
    npwp_card = tmp_path / "kartu-npwp.png"
    npwp_card.write_bytes(b"\x89PNG\r\n\x1a\n kartu")

    # The owner sends the evidence from their profile page.
    _log_in(page, live_server, OWNER_EMAIL)
    page.goto(live_server + "/supplier")
    documents = page.get_by_test_id("my-documents")
    documents.locator("#doc-nib").set_input_files(str(nib_print))
    documents.locator("li", has=page.locator("#doc-nib")).locator("button[type=submit]").click()
    expect(page.get_by_test_id("my-documents")).to_contain_text("cetak-nib.pdf")
    page.get_by_test_id("my-documents").locator("#doc-npwp").set_input_files(str(npwp_card))
    page.get_by_test_id("my-documents").locator("li", has=page.locator("#doc-npwp")).locator(
        "button[type=submit]"
    ).click()
    expect(page.get_by_test_id("my-documents")).to_contain_text("kartu-npwp.png")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Keluar").click()

    # The verifier opens the submission from the queue: facts in words, documents, checks, checklist.
    _log_in(page, live_server, "verifikator@demo.rantai.id")
    page.goto(live_server + "/verification")
    card = page.get_by_test_id("queue").locator("li", has_text=BUSINESS)
    expect(card).to_contain_text("PT Perorangan")
    expect(card).not_to_contain_text("PT_PERORANGAN")
    card.get_by_role("link").last.click()
    expect(page.get_by_role("heading", name=BUSINESS)).to_be_visible()
    docs = page.get_by_test_id("review-documents")
    expect(docs).to_contain_text("cetak-nib.pdf")
    expect(docs).to_contain_text("kartu-npwp.png")
    expect(page.get_by_test_id("review-facts")).to_contain_text("PT Perorangan")
    checks = page.get_by_test_id("automatic-checks")
    expect(checks.locator("[data-check=nib_format]")).to_contain_text("✓")
    expect(checks.locator("[data-check=npwp_check_digit]")).to_contain_text("✓")
    expect(checks.locator("[data-check=region_codes]")).to_contain_text("✓")
    expect(page.get_by_test_id("verify-form").locator("input[name=checked]")).to_have_count(4)
    _no_sideways_scroll(page)

    # The document opens for the verifier.
    nib_link = docs.get_by_role("link", name="cetak-nib.pdf")
    document = page.request.get(live_server + str(nib_link.get_attribute("href")))
    assert document.ok and document.body() == b"%PDF-1.4 cetak NIB OSS"

    # Verifying with the checklist half ticked is refused, and says so.
    page.get_by_test_id("verify-form").locator("input[value=nib_matches]").check()
    page.get_by_test_id("verify-form").locator("button[type=submit]").click()
    expect(page.locator("#review-error")).to_be_visible()
    expect(page.get_by_test_id("review-status")).to_have_text("Menunggu verifikasi")

    # Sent back, naming the item and in words.
    reject = page.get_by_test_id("reject-form")
    reject.locator("input[value=nib_matches]").check()
    reject.locator("#reason").fill("Nama di cetak NIB tidak sama dengan nama usaha")
    reject.locator("button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text(BUSINESS)
    page.get_by_role("button", name="Keluar").click()

    # The owner sees what to fix on their profile and has a notification pointing there.
    _log_in(page, live_server, OWNER_EMAIL)
    page.goto(live_server + "/supplier")
    expect(page.get_by_test_id("profile-status")).to_have_text("Ditolak")
    to_fix = page.get_by_test_id("to-fix")
    expect(to_fix).to_contain_text("Nama di cetak NIB tidak sama dengan nama usaha")
    expect(to_fix.locator("li")).to_have_count(1)
    _no_sideways_scroll(page)
    page.goto(live_server + "/notifications")
    expect(page.locator("main")).to_contain_text(BUSINESS)

    # Fixed and sent again.
    page.goto(live_server + "/supplier")
    page.get_by_role("button", name="Kirim untuk verifikasi").click()
    expect(page.get_by_test_id("profile-status")).to_have_text("Menunggu verifikasi")


RESET_EMAIL = "lupa.sandi@contoh.co.id"
NEW_PASSWORD = "rendang-padang-pedas-26"


def _reset_link_from_outbox(url: str, to: str) -> str:
    """What the operator reads with `rantai mail list --body` when no SMTP server is set."""
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        link = db.scalars(
            select(OutboxEmail.link)
            .where(OutboxEmail.to_address == to, OutboxEmail.link.like("/password/reset/%"))
            .order_by(OutboxEmail.id.desc())
        ).first()
    engine.dispose()
    assert link is not None, "no reset link in the outbox"
    return link


def test_a_user_resets_a_forgotten_password(page: Page, live_server: str) -> None:
    url = LIVE_DATABASES[live_server]
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        make_user(db, make_org(db, OrgType.UMKM, name="Warung Lupa Sandi"), (Role.OWNER,), email=RESET_EMAIL)
    engine.dispose()

    page.goto(live_server + "/login")
    page.get_by_test_id("forgot-link").click()
    page.get_by_label("Email").fill(RESET_EMAIL)
    page.get_by_test_id("send-reset").click()
    expect(page.get_by_test_id("reset-sent")).to_contain_text(RESET_EMAIL)
    _no_sideways_scroll(page)

    page.goto(live_server + _reset_link_from_outbox(url, RESET_EMAIL))
    page.locator("#new_password").fill(NEW_PASSWORD)
    page.locator("#confirm_password").fill(NEW_PASSWORD)
    page.get_by_test_id("save-new-password").click()
    # Back on the login form with the email filled in; the new password logs in.
    expect(page.get_by_label("Email")).to_have_value(RESET_EMAIL)
    page.get_by_label("Kata sandi").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
