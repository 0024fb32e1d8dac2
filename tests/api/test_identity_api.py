"""The JSON API: bearer tokens, problem+json errors in the caller's language, paging."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user

from rantai.identity.models import ApiToken
from rantai.identity.roles import OrgType, Role

PROBLEM = "application/problem+json"


def test_me_describes_the_caller(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN, "PT Contoh (Persero)")
    user = make_user(db, org, (Role.PROCUREMENT_OFFICER,))
    body = client.get("/api/v1/me", headers=bearer(api_token_for(db, user, org))).json()
    assert body["organization"]["name"] == "PT Contoh (Persero)"
    assert body["roles"] == ["procurement_officer"]
    assert body["allowed_actions"] == ["need.create", "organization.view", "suppliers.import"]


def test_missing_token_is_a_translated_problem(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Kirim token API yang sah" in response.json()["detail"]
    english = client.get("/api/v1/me", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.json()["detail"].startswith("Send a valid API token")
    assert english.json()["title"] == "Not authenticated"


def test_revoked_token_is_refused(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    user = make_user(db, org, (Role.ADMIN,))
    secret = api_token_for(db, user, org)
    token_id = db.scalars(select(ApiToken.id)).one()
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(secret)).status_code == 200
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401 and "dicabut" in response.json()["detail"]


def test_foreign_token_cannot_be_revoked(client: TestClient, db: Session) -> None:
    org_a, org_b = make_org(db, OrgType.BUMN), make_org(db, OrgType.BUMN)
    user_a, user_b = make_user(db, org_a, (Role.ADMIN,)), make_user(db, org_b, (Role.ADMIN,))
    api_token_for(db, user_a, org_a, "milik A")
    secret_b = api_token_for(db, user_b, org_b)
    token_a = db.scalars(select(ApiToken).where(ApiToken.organization_id == org_a.id)).one()
    response = client.delete(f"/api/v1/tokens/{token_a.id}", headers=bearer(secret_b))
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
    db.refresh(token_a)
    assert token_a.revoked_at is None


def test_forbidden_for_a_role_without_the_right(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    viewer = make_user(db, org, (Role.VIEWER,))
    secret = api_token_for(db, viewer, org)
    before = db.scalar(select(func.count()).select_from(ApiToken))
    response = client.post("/api/v1/tokens", json={"name": "baru"}, headers=bearer(secret))
    assert response.status_code == 403 and "tidak boleh mengelola token API" in response.json()["detail"]
    assert client.get("/api/v1/audit-events", headers=bearer(secret)).status_code == 403
    assert db.scalar(select(func.count()).select_from(ApiToken)) == before


def test_validation_errors_name_the_field(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    secret = api_token_for(db, make_user(db, org, (Role.ADMIN,)), org)
    response = client.post("/api/v1/tokens", json={}, headers=bearer(secret))
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["errors"] == [{"field": "name", "message": "Kolom ini wajib diisi."}]
    too_long = client.post("/api/v1/tokens", json={"name": "x" * 101}, headers=bearer(secret)).json()
    assert too_long["errors"][0]["message"] == "Maksimal 100 karakter."


def test_created_token_is_shown_once_and_works(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    secret = api_token_for(db, make_user(db, org, (Role.ADMIN,)), org)
    created = client.post("/api/v1/tokens", json={"name": "ERP"}, headers=bearer(secret))
    assert created.status_code == 201
    new_secret = created.json()["token"]
    listed = client.get("/api/v1/tokens", headers=bearer(new_secret)).json()
    assert {t["name"] for t in listed} == {"uji", "ERP"}
    assert all("token" not in t for t in listed)


def test_audit_events_are_paged(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    admin = make_user(db, org, (Role.ADMIN,))
    for i in range(4):
        make_user(db, org, (Role.VIEWER,), email=f"staf{i}@contoh.co.id")
    secret = api_token_for(db, admin, org)
    page1 = client.get("/api/v1/audit-events?per_page=3", headers=bearer(secret)).json()
    # organization.created + 5 memberships + api_token.created
    assert page1["total"] == 7 and page1["pages"] == 3 and len(page1["items"]) == 3
    assert page1["items"][0]["action"] == "api_token.created"
    page3 = client.get("/api/v1/audit-events?per_page=3&page=3", headers=bearer(secret)).json()
    assert len(page3["items"]) == 1 and page3["items"][0]["action"] == "organization.created"
    bad = client.get("/api/v1/audit-events?page=0", headers=bearer(secret))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "page"


def test_request_id_is_returned_and_echoed(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"X-Request-ID": "uji-123"})
    assert response.headers["x-request-id"] == "uji-123"
    assert response.json()["request_id"] == "uji-123"


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 200
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/me" in spec["paths"]


def test_a_tokens_use_is_recorded_after_the_answer_not_by_the_read(client: TestClient, db: Session) -> None:
    """Reading who calls writes nothing (a GET on SQLite must not fail because another request holds the
    write lock); the use is recorded after the answer, at most once a minute."""
    import datetime as dt  # noqa: PLC0415

    from rantai.identity.models import ApiToken  # noqa: PLC0415
    from rantai.identity.service import resolve_api_token  # noqa: PLC0415

    org = make_org(db)
    user = make_user(db, org)
    secret = api_token_for(db, user, org)
    token = db.query(ApiToken).filter_by(user_id=user.id).one()
    token.last_used_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    db.flush()
    resolve_api_token(db, secret)
    assert not db.dirty and token.last_used_at == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    db.expire(token)
    assert token.last_used_at is not None and token.last_used_at > dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def test_member_invitations_through_the_api(client: TestClient, db: Session) -> None:
    """Issue #13: invite by email with a role the policy lets the caller give, list, revoke."""
    from rantai.notifications.models import OutboxEmail  # noqa: PLC0415

    org = make_org(db, OrgType.BUMN)
    owner = bearer(api_token_for(db, make_user(db, org, (Role.OWNER,)), org))
    made = client.post(
        "/api/v1/member-invitations",
        json={"email": "Rina@Contoh.co.id", "role": "approver"},
        headers={**owner, "Accept-Language": "en"},
    )
    assert made.status_code == 201
    assert (made.json()["email"], made.json()["role"]) == ("rina@contoh.co.id", "Approver")
    mail = db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "rina@contoh.co.id")).one()
    assert mail.link is not None and mail.link.startswith("/join/")
    listed = client.get("/api/v1/member-invitations", headers=owner).json()
    assert [i["id"] for i in listed] == [made.json()["id"]]
    bad_role = client.post(
        "/api/v1/member-invitations", json={"email": "x@contoh.co.id", "role": "verifier2"}, headers=owner
    )
    assert bad_role.status_code == 422
    assert client.delete(f"/api/v1/member-invitations/{made.json()['id']}", headers=owner).status_code == 204
    assert client.get("/api/v1/member-invitations", headers=owner).json() == []

    admin = bearer(api_token_for(db, make_user(db, org, (Role.ADMIN,)), org))
    mightier = client.post(
        "/api/v1/member-invitations", json={"email": "bos@contoh.co.id", "role": "owner"}, headers=admin
    )
    assert mightier.status_code == 422
    stranger_org = make_org(db, OrgType.BUMN)
    stranger = bearer(api_token_for(db, make_user(db, stranger_org, (Role.OWNER,)), stranger_org))
    assert (
        client.delete(f"/api/v1/member-invitations/{made.json()['id']}", headers=stranger).status_code == 404
    )
