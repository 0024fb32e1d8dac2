"""Each role's main journey in Chromium: log in, see the role's home, switch language, log out."""

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


@pytest.mark.parametrize(
    ("email", "dashboard"),
    [
        ("umkm@demo.rantai.id", "dashboard-supplier"),
        ("koperasi@demo.rantai.id", "dashboard-supplier"),
        ("pembeli@demo.rantai.id", "dashboard-buyer"),
        ("verifikator@demo.rantai.id", "dashboard-government"),
        ("pembiayaan@demo.rantai.id", "dashboard-lender"),
        ("operator@demo.rantai.id", "dashboard-operator"),
    ],
)
def test_role_journey(page: Page, live_server: str, email: str, dashboard: str) -> None:
    _log_in(page, live_server, email)
    expect(page.get_by_test_id(dashboard)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Selamat datang, "))).to_be_visible()
    # Mobile-first: nothing sticks out sideways at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible()

    # The choice is saved on the account; switch back so other journeys of this user start in Indonesian.
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Selamat datang, "))).to_be_visible()

    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="Masuk ke Rantai")).to_be_visible()
    page.goto(live_server + "/")
    expect(page.get_by_test_id("landing")).to_be_visible()  # logged out for real: a visitor's front page


def test_wrong_password_shows_a_clear_message(page: Page, live_server: str) -> None:
    _log_in(page, live_server, "umkm@demo.rantai.id", "bukan-kata-sandinya")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Email atau kata sandi salah. Periksa keduanya lalu coba lagi.")
    expect(page.get_by_label("Email")).to_have_value("umkm@demo.rantai.id")
    expect(page.get_by_label("Kata sandi")).to_have_attribute("aria-invalid", "true")


def test_keyboard_only_login(page: Page, live_server: str) -> None:
    page.goto(live_server + "/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Langsung ke isi")).to_be_focused()
    page.get_by_label("Email").focus()
    page.keyboard.type("pembeli@demo.rantai.id")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("dashboard-buyer")).to_be_visible()


def test_forbidden_page_for_a_role_without_the_right(page: Page, live_server: str) -> None:
    _log_in(page, live_server, "pembeli@demo.rantai.id")
    expect(page.get_by_test_id("dashboard-buyer")).to_be_visible()
    page.goto(live_server + "/account/tokens")
    expect(page.get_by_role("heading", name="Akses ditolak")).to_be_visible()
