"""Each organization type lands on its own dashboard; menus follow the policy."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_org, make_user
from tests.factories.suppliers import make_supplier

from rantai.analytics import figures
from rantai.identity.roles import OrgType, Role


@pytest.mark.parametrize(
    ("org_type", "roles", "marker", "text"),
    [
        (OrgType.UMKM, (Role.OWNER,), "dashboard-supplier", "Lengkapi profil usaha"),
        (OrgType.KOPERASI, (Role.OWNER,), "dashboard-supplier", "Lengkapi profil usaha"),
        (OrgType.BUMN, (Role.PROCUREMENT_OFFICER,), "dashboard-buyer", 'href="/needs"'),
        (OrgType.BUMN, (Role.APPROVER,), "dashboard-buyer", 'href="/approvals"'),
        (OrgType.LEMBAGA_PEMBIAYAAN, (Role.OWNER,), "dashboard-lender", "Belum ada pengajuan pembiayaan"),
        (OrgType.KEMENTERIAN_DINAS, (Role.VERIFIER,), "dashboard-government", "Buka antrean verifikasi"),
        (OrgType.OPERATOR_PLATFORM, (Role.ADMIN,), "dashboard-operator", "Operasional platform"),
    ],
)
def test_dashboard_per_org_type(
    client: TestClient, db: Session, org_type: OrgType, roles: tuple[Role, ...], marker: str, text: str
) -> None:
    log_in(client, make_user(db, make_org(db, org_type), roles))
    page = client.get("/").text
    assert f'data-testid="{marker}"' in page and text in page


@pytest.mark.parametrize(
    ("org_type", "roles", "refused"),
    [
        # Issue #13: the approver's main button led to /needs, the operator's home to /verification (403).
        (OrgType.BUMN, (Role.APPROVER, Role.ADMIN), 'href="/needs"'),
        (OrgType.OPERATOR_PLATFORM, (Role.ADMIN,), 'href="/verification"'),
        (OrgType.KEMENTERIAN_DINAS, (Role.OWNER,), 'href="/verification"'),
        (OrgType.BUMN, (Role.PROCUREMENT_OFFICER,), 'href="/approvals"'),
    ],
)
def test_a_home_links_only_where_the_role_may_go(
    client: TestClient, db: Session, org_type: OrgType, roles: tuple[Role, ...], refused: str
) -> None:
    log_in(client, make_user(db, make_org(db, org_type), roles))
    assert refused not in client.get("/").text.split("<main", 1)[1]


def test_user_without_organization_sees_what_to_do(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db))
    assert "Anda belum tergabung dalam organisasi mana pun" in client.get("/").text


def test_menu_shows_only_allowed_pages(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.PROCUREMENT_OFFICER,)))
    page = client.get("/").text
    assert 'href="/account/members"' in page
    assert 'href="/account/tokens"' not in page and 'href="/account/audit"' not in page


def test_switching_organization(client: TestClient, db: Session) -> None:
    first, second = make_org(db, OrgType.UMKM, "Usaha Pertama"), make_org(db, OrgType.BUMN, "BUMN Kedua")
    user = make_user(db, first)
    from rantai.identity import service as identity  # noqa: PLC0415

    identity.add_membership(db, user=user, organization=second, role=Role.PROCUREMENT_OFFICER)
    log_in(client, user)
    assert 'data-testid="dashboard-supplier"' in client.get("/").text
    page = client.post("/org/switch", data={"organization_id": second.id, "csrf_token": csrf_of(client)}).text
    assert 'data-testid="dashboard-buyer"' in page
    stranger = make_org(db, OrgType.BUMN, "Bukan Milik Saya")
    response = client.post(
        "/org/switch", data={"organization_id": stranger.id, "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 403


def test_token_page_shows_the_secret_once(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.ADMIN,)))
    created = client.post("/account/tokens", data={"name": "ERP SAP", "csrf_token": csrf_of(client)})
    assert 'data-testid="new-token"' in created.text and "rnt_" in created.text
    again = client.get("/account/tokens").text
    assert "ERP SAP" in again and 'data-testid="new-token"' not in again


def test_empty_token_name_gets_a_message(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.ADMIN,)))
    response = client.post("/account/tokens", data={"name": "   ", "csrf_token": csrf_of(client)})
    assert response.status_code == 422 and "Beri nama token" in response.text


def test_audit_page_lists_account_changes(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.ADMIN,)))
    page = client.get("/account/audit").text
    assert "membership.added" in page and "user.logged_in" in page


def test_change_password_validates(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db)))
    csrf = csrf_of(client)
    bad = client.post(
        "/account/password",
        data={
            "current_password": "salah",
            "new_password": "x" * 12,
            "confirm_password": "x" * 12,
            "csrf_token": csrf,
        },
    )
    assert bad.status_code == 422 and "Kata sandi saat ini salah" in bad.text
    mismatch = client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery",
            "new_password": "a" * 12,
            "confirm_password": "b" * 12,
            "csrf_token": csrf,
        },
    )
    assert mismatch.status_code == 422 and "tidak sama" in mismatch.text


def test_htmx_requests_get_only_the_content(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db)))
    fragment = client.get("/", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and 'data-testid="dashboard-supplier"' in fragment
    assert "<html" in client.get("/").text


def test_the_front_door_shows_live_figures_and_searches_the_directory(
    client: TestClient, db: Session
) -> None:
    """Issue #13: a visitor learns what Rantai is, with figures counted from the registry."""
    before = client.get("/").text
    assert 'data-testid="landing"' in before and 'action="/directory"' in before
    make_supplier(db, status="verified")
    count = figures.program_figures(db).verified_suppliers
    page = client.get("/").text
    assert f"<strong>{count}</strong>" in page or f"<strong>{count:,}</strong>".replace(",", ".") in page


def test_a_member_whose_role_shows_no_work_is_told_so(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db, OrgType.KEMENTERIAN_DINAS), (Role.VIEWER,)))
    page = client.get("/").text
    assert 'data-testid="dashboard-government"' in page and 'href="/verification"' not in page
    assert "shows no verification work" in page or "tidak menampilkan pekerjaan verifikasi" in page
