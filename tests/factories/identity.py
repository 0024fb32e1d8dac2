"""Builders for organizations, users and logged-in clients."""

from __future__ import annotations

import itertools
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from rantai.identity import service as identity
from rantai.identity.mail import Mail
from rantai.identity.models import Organization, User
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_org(db: Session, org_type: OrgType = OrgType.UMKM, name: str | None = None) -> Organization:
    return identity.create_organization(
        db, name=name or f"Organisasi Uji {next(_counter)}", org_type=org_type, region_code="32.73"
    )


def make_user(
    db: Session,
    org: Organization | None = None,
    roles: tuple[Role, ...] = (Role.OWNER,),
    *,
    email: str | None = None,
    password: str = PASSWORD,
    locale: str = "id",
) -> User:
    user = identity.create_user(
        db,
        email=email or f"pengguna{next(_counter)}@contoh.co.id",
        full_name=f"Pengguna Uji {next(_counter)}",
        password=password,
        locale=locale,
    )
    if org is not None:
        for role in roles:
            identity.add_membership(db, user=user, organization=org, role=role)
    db.flush()
    return user


def csrf_of(client: TestClient) -> str:
    """The CSRF token the browser would send: fetch a page so the cookie is set, then read it."""
    if "rantai_csrf" not in client.cookies:
        client.get("/login")
    return str(client.cookies["rantai_csrf"])


def log_in(client: TestClient, user: User, password: str = PASSWORD) -> None:
    response = client.post(
        "/login",
        data={"email": user.email, "password": password, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def api_token_for(db: Session, user: User, org: Organization, name: str = "uji") -> str:
    """A token acting as ``user`` in ``org``, issued by an (imagined) owner of ``org``, so that users whose
    own role may not make tokens can still call the API in tests."""
    issuer = Actor(
        user_id=0, roles={org.id: frozenset({Role.OWNER})}, org_types={org.id: OrgType(org.org_type)}
    )
    secret, _token = identity.create_api_token(db, actor=issuer, user=user, organization_id=org.id, name=name)
    db.flush()
    return secret


def register_and_log_in(
    client: TestClient,
    *,
    email: str,
    full_name: str = "Siti Khadijah",
    organization_name: str = "Keripik Mak Ijah",
    password: str = PASSWORD,
) -> None:
    """Self-register a new UMKM owner through the pages, then log in as they would (issue #9: the
    registration page no longer logs in, so that it cannot tell whether an email had an account)."""
    registered = client.post(
        "/register",
        data={
            "full_name": full_name,
            "email": email,
            "password": password,
            "organization_name": organization_name,
            "org_type": "umkm",
            "csrf_token": csrf_of(client),
        },
    )
    assert registered.status_code == 200 and 'value="/supplier/onboarding"' in registered.text, (
        registered.text
    )
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "next": "/supplier/onboarding",
            "csrf_token": csrf_of(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/supplier/onboarding"


class MailBox:
    """A mail backend for tests that keeps what was sent (``app.state.mailer = MailBox()``)."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def token_in(html: str) -> str:
    match = re.search(r"rnt_[A-Za-z0-9_-]+", html)
    assert match, "no API token on the page"
    return match.group(0)
