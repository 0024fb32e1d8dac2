"""Members invited by email from the web (issue #13): the invitation, its link through the outbox, joining
with a new account or an existing one, expiry and revocation, and which roles an inviter may give."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_org, make_user

from rantai.audit.models import AuditEvent
from rantai.identity import repository as identity_repo
from rantai.identity.models import MemberInvitation
from rantai.identity.policy import Actor, grantable_roles
from rantai.identity.roles import OrgType, Role
from rantai.notifications.models import OutboxEmail

NEW_PASSWORD = "nasi-liwet-solo-2026"


def _invite(client: TestClient, email: str, role: str) -> object:
    return client.post(
        "/account/members/invite", data={"email": email, "role": role, "csrf_token": csrf_of(client)}
    )


def _link(db: Session, to: str) -> str:
    link = db.scalars(
        select(OutboxEmail.link).where(OutboxEmail.to_address == to).order_by(OutboxEmail.id.desc())
    ).first()
    assert link is not None and link.startswith("/join/")
    return link


def test_a_new_person_joins_through_the_emailed_link(client: TestClient, app: FastAPI, db: Session) -> None:
    org = make_org(db, OrgType.BUMN, name="PT Pupuk Uji")
    owner = make_user(db, org, (Role.OWNER,), locale="en")
    log_in(client, owner)
    page = client.get("/account/members")
    assert "command line" not in page.text and 'data-testid="invite-form"' in page.text
    sent = _invite(client, "budi.baru@contoh.co.id", "approver")
    assert sent.status_code == 200 and "budi.baru@contoh.co.id" in sent.text  # type: ignore[attr-defined]
    assert 'data-testid="pending-invitations"' in sent.text  # type: ignore[attr-defined]
    link = _link(db, "budi.baru@contoh.co.id")
    token = link.rsplit("/", 1)[1]
    stored = db.scalars(select(MemberInvitation)).one()
    assert stored.token_digest != token and len(stored.token_digest) == 64

    invitee = TestClient(app)
    form = invitee.get(link)
    assert form.status_code == 200 and "PT Pupuk Uji" in form.text
    mismatch = invitee.post(
        link,
        data={
            "full_name": "Budi Santoso",
            "password": NEW_PASSWORD,
            "confirm_password": "x",
            "csrf_token": csrf_of(invitee),
        },
    )
    assert mismatch.status_code == 422
    done = invitee.post(
        link,
        data={
            "full_name": "Budi Santoso",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf_of(invitee),
        },
    )
    assert done.status_code == 200 and "budi.baru@contoh.co.id" in done.text
    budi = identity_repo.user_by_email(db, "budi.baru@contoh.co.id")
    assert budi is not None
    assert identity_repo.membership_exists(db, user_id=budi.id, organization_id=org.id, role=Role.APPROVER)
    log_in(invitee, budi, NEW_PASSWORD)
    assert invitee.get(link).status_code == 410  # used up
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.organization_id == org.id)).all()
    assert {"membership.invited", "membership.invitation_accepted", "membership.added"} <= set(actions)


def test_an_existing_account_accepts_while_logged_in(client: TestClient, app: FastAPI, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.OWNER,)))
    siti = make_user(db, make_org(db, OrgType.BUMN))
    _invite(client, siti.email, "procurement_officer")
    link = _link(db, siti.email)
    other = TestClient(app)
    assert "/login?next=/join/" in other.get(link).text  # log in first
    stranger = make_user(db, make_org(db))
    log_in(other, stranger)
    refused = other.post(link, data={"csrf_token": csrf_of(other)})
    assert refused.status_code == 422 and siti.email in refused.text
    other.cookies.clear()
    log_in(other, siti)
    accepted = other.post(link, data={"csrf_token": csrf_of(other)}, follow_redirects=False)
    assert accepted.status_code == 303
    assert identity_repo.membership_exists(
        db, user_id=siti.id, organization_id=org.id, role=Role.PROCUREMENT_OFFICER
    )


def test_invitations_expire_and_can_be_revoked(client: TestClient, app: FastAPI, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.OWNER,)))
    _invite(client, "lama@contoh.co.id", "approver")
    expired_link = _link(db, "lama@contoh.co.id")
    db.execute(update(MemberInvitation).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    db.flush()
    anonymous = TestClient(app)
    assert anonymous.get(expired_link).status_code == 410

    _invite(client, "batal@contoh.co.id", "approver")
    revoked_link = _link(db, "batal@contoh.co.id")
    invitation = db.scalars(
        select(MemberInvitation).where(MemberInvitation.email == "batal@contoh.co.id")
    ).one()
    page = client.post(
        f"/account/members/invitations/{invitation.id}/revoke", data={"csrf_token": csrf_of(client)}
    )
    assert page.status_code == 200 and "batal@contoh.co.id" not in page.text
    assert anonymous.get(revoked_link).status_code == 410
    posted = anonymous.post(
        revoked_link,
        data={
            "full_name": "X Y",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf_of(anonymous),
        },
    )
    assert posted.status_code == 410 and identity_repo.user_by_email(db, "batal@contoh.co.id") is None

    # Another organization's invitation cannot be revoked from here.
    other_admin = TestClient(app)
    log_in(other_admin, make_user(db, make_org(db, OrgType.BUMN), (Role.OWNER,)))
    assert (
        other_admin.post(
            f"/account/members/invitations/{invitation.id}/revoke", data={"csrf_token": csrf_of(other_admin)}
        ).status_code
        == 404
    )


def test_an_administrator_invites_nobody_mightier(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.ADMIN,)))
    refused = _invite(client, "bos@contoh.co.id", "owner")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert db.scalars(select(MemberInvitation)).all() == []
    bad = _invite(client, "bukan-email", "viewer")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert _invite(client, "lihat@contoh.co.id", "viewer").status_code == 200  # type: ignore[attr-defined]


def test_grantable_roles_follow_the_policy() -> None:
    bumn_owner = Actor(1, {5: frozenset({Role.OWNER})}, {5: OrgType.BUMN})
    offered = grantable_roles(bumn_owner, 5)
    assert Role.OWNER in offered and Role.APPROVER in offered and Role.ANALYST not in offered
    bumn_admin = Actor(2, {5: frozenset({Role.ADMIN})}, {5: OrgType.BUMN})
    assert Role.OWNER not in grantable_roles(bumn_admin, 5)
    assert Role.PROCUREMENT_OFFICER not in grantable_roles(bumn_admin, 5)
    assert Role.VIEWER in grantable_roles(bumn_admin, 5)
    viewer = Actor(3, {5: frozenset({Role.VIEWER})}, {5: OrgType.BUMN})
    assert grantable_roles(viewer, 5) == ()
    dinas_owner = Actor(4, {6: frozenset({Role.OWNER})}, {6: OrgType.KEMENTERIAN_DINAS})
    # Verification is kept apart from ownership (policy.ROLE_GRANTS): an owner cannot make verifiers.
    assert Role.ANALYST in grantable_roles(dinas_owner, 6)
    assert Role.VERIFIER not in grantable_roles(dinas_owner, 6)
