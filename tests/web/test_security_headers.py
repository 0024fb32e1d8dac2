"""Security headers (issue #9, finding 14): a strict Content-Security-Policy that the templates keep to,
HSTS over https, and an /api/docs that loads nothing from another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from rantai.app import CONTENT_SECURITY_POLICY, create_app
from rantai.settings import Settings
from rantai.web.templating import TEMPLATE_DIR

HSTS = "max-age=31536000; includeSubDomains"
# What a policy without 'unsafe-inline' refuses to run or apply.
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


def test_pages_carry_a_strict_policy(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_hold_nothing_the_policy_would_block() -> None:
    found = [
        f"{path.relative_to(TEMPLATE_DIR)}: {kind} {match.group(0).strip()!r}"
        for path in sorted(TEMPLATE_DIR.rglob("*.html"))
        for kind, pattern in INLINE.items()
        for match in pattern.finditer(re.sub(r"{#.*?#}", "", path.read_text(), flags=re.DOTALL))
    ]
    assert found == []


def test_confirmations_ask_through_the_site_script(client: TestClient) -> None:
    page = client.get("/login").text
    assert '<script src="/static/js/rantai.js" defer></script>' in page
    assert "data-confirm" in client.get("/static/js/rantai.js").text
    # htmx would otherwise add an inline <style> for its indicators, which the policy refuses.
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page


def test_hsts_only_over_https(client: TestClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers
    behind_proxy = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.headers["Strict-Transport-Security"] == HSTS


def test_hsts_on_a_direct_https_request_and_off_when_configured(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with TestClient(create_app(settings, session_factory), base_url="https://rantai.test") as client:
        assert client.get("/login").headers["Strict-Transport-Security"] == HSTS
    off = settings.model_copy(update={"hsts_max_age_seconds": 0})
    with TestClient(create_app(off, session_factory), base_url="https://rantai.test") as client:
        assert "Strict-Transport-Security" not in client.get("/login").headers


def test_api_docs_load_only_vendored_files(app: FastAPI, client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "cdn" not in page.text.lower() and "//" not in re.sub(r"<!doctype[^>]*>", "", page.text)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sorted(assets) == [
        "/static/js/api-docs.js",
        "/static/vendor/swagger-ui/favicon-32x32.png",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
    ]
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None  # no inline script to allow
    assert f'data-openapi-url="{app.openapi_url}"' in page.text
    assert client.get(app.openapi_url or "").json()["info"]["title"] == "Rantai API"


@pytest.mark.parametrize("path", ["/static/vendor/swagger-ui/LICENSE", "/static/vendor/swagger-ui/NOTICE"])
def test_swagger_ui_license_ships_with_it(path: str) -> None:
    static = Path(TEMPLATE_DIR).parent / "static"
    assert (static / path.removeprefix("/static/")).read_text().strip()
