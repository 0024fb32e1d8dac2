"""The menu (issue #13): one <details> that folds on a phone; the account's own pages (API tokens, audit
log, the API) in the account section, not among the daily work; each still shown as the policy says."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import log_in, make_org, make_user
from tests.factories.suppliers import make_supplier

from rantai.identity.roles import OrgType, Role


def _sections(html: str) -> tuple[str, str]:
    main = html[html.index('<ul class="menu-main">') : html.index('data-testid="account-menu"')]
    account = html[html.index('data-testid="account-menu"') : html.index("</details>\n    </details>")]
    return main, account


def test_owner_menu_keeps_account_pages_in_the_account_section(client: TestClient, db: Session) -> None:
    _, owner, _ = make_supplier(db)
    log_in(client, owner)
    page = client.get("/supplier").text
    assert '<details class="menu" data-testid="menu">' in page
    main, account = _sections(page)
    for href in ("/account/tokens", "/account/audit", "/api/docs", "/account/password"):
        assert f'href="{href}"' not in main and f'href="{href}"' in account, href
    assert 'href="/supplier"' in main and 'href="/notifications"' in main


def test_the_policy_still_decides_what_the_menu_shows(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.UMKM)
    viewer = make_user(db, org, (Role.VIEWER,))
    log_in(client, viewer)
    page = client.get("/notifications").text
    main, account = _sections(page)
    assert 'href="/account/tokens"' not in page and 'href="/account/audit"' not in page
    assert 'href="/supplier"' not in main
    assert 'data-testid="current-user"' in account
