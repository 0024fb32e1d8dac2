"""Issue #3's journey in Chromium at 360 px: a new owner onboards, a verifier verifies, a buyer finds them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rantai.demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page: Page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_onboarding_verification_and_directory(page: Page, live_server: str) -> None:
    # A new owner registers on a phone-sized screen.
    page.goto(live_server + "/register")
    page.get_by_label("Nama lengkap Anda").fill("Ratna Sari")
    page.get_by_label("Email").fill("ratna@contoh.co.id")
    page.get_by_label("Kata sandi (minimal 10 karakter)").fill("tempe-gurih-renyah-2026")
    page.get_by_label("Nama usaha").fill("Keripik Tempe Ratna")
    page.get_by_role("button", name="Buat akun").click()
    # The same answer for a new and a known email (issue #9): the login form, the email filled in.
    expect(page.get_by_label("Email")).to_have_value("ratna@contoh.co.id")
    page.get_by_label("Kata sandi").fill("tempe-gurih-renyah-2026")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name="Profil usaha Anda")).to_be_visible()

    # The onboarding form: identity, location (HTMX fills kab/kota), activity, contact.
    page.get_by_label("Bentuk usaha").select_option("ud")
    page.get_by_label("NIB (13 digit, dari OSS)").fill("8120000000123")
    page.get_by_label("Provinsi").select_option("32")
    expect(page.locator("#f-kabkota_code option[value='32.73']")).to_have_count(1)
    page.get_by_label("Kabupaten/kota").select_option("32.73")
    page.get_by_label("Apa yang Anda buat atau jual? (untuk saran kode KBLI)").fill("keripik tempe")
    expect(page.get_by_test_id("kbli-suggestions")).to_contain_text("10794")
    page.get_by_label("Kode KBLI 2020, yang utama lebih dulu (misalnya 10794; 46314)").fill("10794")
    page.get_by_label("Hasil penjualan tahunan (Rp)").fill("Rp 600.000.000")
    page.get_by_label("Telepon / WhatsApp").fill("0812 7777 8888")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Simpan dan kirim untuk verifikasi").click()
    expect(page.get_by_test_id("profile-status")).to_have_text("Menunggu verifikasi")

    # A product, so buyers can find the business by what it makes.
    page.get_by_role("link", name="Tambah produk").click()
    page.get_by_label("Nama produk").fill("Keripik Tempe Original 200 g")
    page.get_by_label("Kapasitas per bulan (satuan)").fill("3000")
    page.get_by_role("button", name="Simpan produk").click()
    expect(page.get_by_test_id("my-products")).to_contain_text("Keripik Tempe Original 200 g")
    page.get_by_role("button", name="Keluar").click()

    # The Jawa Barat verifier verifies it from the queue.
    _log_in(page, live_server, "verifikator@demo.rantai.id")
    page.get_by_test_id("menu-toggle").click()  # on a phone the menu is folded (issue #13)
    page.get_by_role("link", name="Verifikasi", exact=True).click()
    card = page.get_by_test_id("queue").locator("li", has_text="Keripik Tempe Ratna")
    card.get_by_role("link").last.click()
    # Issue #13: the checklist is ticked before verifying.
    for box in page.get_by_test_id("verify-form").locator("input[name=checked]").all():
        box.check()
    page.get_by_test_id("verify-form").get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_role("status")).to_contain_text("Keripik Tempe Ratna sudah terverifikasi")
    page.get_by_role("button", name="Keluar").click()

    # A buyer finds it by a product word and the province.
    _log_in(page, live_server, "pembeli@demo.rantai.id")
    page.get_by_test_id("menu-toggle").click()
    page.get_by_role("link", name="Direktori pemasok").first.click()
    page.get_by_label("Apa yang Anda cari?").fill("tempe")
    page.get_by_label("Provinsi").select_option("32")
    page.get_by_role("button", name="Cari").click()
    results = page.get_by_test_id("results")
    expect(results).to_contain_text("Keripik Tempe Ratna")
    results.get_by_role("link", name="Keripik Tempe Ratna").click()
    expect(page.get_by_role("heading", name="Keripik Tempe Ratna")).to_be_visible()
    # The buyer sees the sole proprietor's phone masked.
    expect(page.get_by_test_id("phone")).to_have_text(re.compile(r"^\+62\*+88$"))
