"""The Content-Security-Policy breaks no page (issue #9, finding 14): /api/docs works offline from the
vendored Swagger UI, HTMX swaps content, and forms still ask before they destroy something."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Route, expect

from rantai.demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.browser


class Watch:
    """What a page tried that it should not: requests to other hosts, and what the policy refused."""

    def __init__(self, page: Page, base: str) -> None:
        self.base = base
        self.outside: list[str] = []
        self.refused: list[str] = []
        page.route("**/*", self._only_our_server)  # offline: nothing else answers
        page.on("console", self._console)

    def _only_our_server(self, route: Route, request: Request) -> None:
        if request.url.startswith(self.base) or request.url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(request.url)
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)


@pytest.fixture
def watch(page: Page, live_server: str) -> Iterator[Watch]:
    watched = Watch(page, live_server)
    yield watched
    assert watched.outside == []
    assert watched.refused == []


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_api_docs_work_offline(page: Page, live_server: str, watch: Watch) -> None:
    page.goto(live_server + "/api/docs")
    # The first request of a server process builds the OpenAPI document (1.3 MB, seconds on a busy
    # machine) and Swagger UI then parses it: wait for it longer than for a page.
    expect(page.get_by_role("heading", name=re.compile("Rantai API"))).to_be_visible(timeout=60_000)
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() > 5
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/").first).to_be_visible()


def test_htmx_swaps_content_under_the_policy(page: Page, live_server: str, watch: Watch) -> None:
    _log_in(page, live_server, "umkm@demo.rantai.id")
    expect(page.get_by_test_id("dashboard-supplier")).to_be_visible()
    # The opportunities box is fetched by HTMX after the page loads and replaces its placeholder.
    expect(page.get_by_test_id("opportunities-loading")).to_have_count(0)


def test_revoking_a_token_asks_first(page: Page, live_server: str, watch: Watch) -> None:
    _log_in(page, live_server, "pembiayaan@demo.rantai.id")
    page.goto(live_server + "/account/tokens")
    page.get_by_label("Nama token").fill("uji-csp")
    page.get_by_role("button", name="Buat token").click()
    expect(page.get_by_test_id("new-token")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="uji-csp")
    questions: list[str] = []

    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    row.get_by_role("button", name="Cabut").click()
    expect(row).to_contain_text("Aktif")  # cancelled: nothing was sent

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Cabut").click()
    expect(row).to_contain_text("Dicabut")
    assert questions == ["Cabut token ini? Sistem yang memakainya akan berhenti bekerja."]
