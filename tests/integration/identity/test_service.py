"""Identity services against a real database: accounts, login throttling, sessions, tokens, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from tests.factories.identity import PASSWORD, make_org, make_user

from rantai.identity import service as identity
from rantai.identity.errors import AccountLocked, EmailTaken, InvalidCredentials, TokenNotFound, WeakPassword
from rantai.identity.models import AuditEvent, User
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import now
from rantai.kit.errors import Forbidden, Invalid


def _audit_actions(db: Session, target_id: int, target_type: str = "user") -> list[str]:
    rows = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.target_id == str(target_id), AuditEvent.target_type == target_type)
        .order_by(AuditEvent.id)
    )
    return list(rows)


def test_create_user_normalizes_email_and_hashes_password(db: Session) -> None:
    user = identity.create_user(
        db, email="  Ros@Contoh.CO.ID ", full_name=" Ros  Marlina ", password=PASSWORD
    )
    assert user.email == "ros@contoh.co.id"
    assert user.full_name == "Ros Marlina"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert _audit_actions(db, user.id) == ["user.created"]


def test_duplicate_email_is_refused(db: Session) -> None:
    make_user(db, email="sama@contoh.co.id")
    with pytest.raises(EmailTaken):
        identity.create_user(db, email="SAMA@contoh.co.id", full_name="Lain", password=PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "error"),
    [("bukan-email", PASSWORD, Invalid), ("a@contoh.co.id", "pendek", WeakPassword)],
)
def test_bad_account_input_changes_nothing(db: Session, email: str, password: str, error: type) -> None:
    before = db.scalar(select(func.count()).select_from(User))
    with pytest.raises(error):
        identity.create_user(db, email=email, full_name="Nama", password=password)
    assert db.scalar(select(func.count()).select_from(User)) == before


def _login(db: Session, email: str, password: str) -> identity.LoginOutcome:
    return identity.authenticate(db, email=email, password=password, max_failures=3, lockout_seconds=600)


def test_login_succeeds_and_resets_failures(db: Session) -> None:
    user = make_user(db)
    assert isinstance(_login(db, user.email, "salah-sekali").error, InvalidCredentials)
    assert user.failed_login_count == 1
    outcome = _login(db, user.email.upper(), PASSWORD)
    assert outcome.user is user
    assert user.failed_login_count == 0
    assert user.last_login_at is not None


def test_unknown_email_looks_like_a_wrong_password(db: Session) -> None:
    outcome = _login(db, "tidak.ada@contoh.co.id", PASSWORD)
    assert isinstance(outcome.error, InvalidCredentials)
    assert outcome.error.message == _login(db, make_user(db).email, "salah-sekali").error.message  # type: ignore[union-attr]


def test_lockout_after_repeated_failures_even_with_the_right_password(db: Session) -> None:
    user = make_user(db)
    for _ in range(2):
        assert isinstance(_login(db, user.email, "salah-sekali").error, InvalidCredentials)
    third = _login(db, user.email, "salah-sekali")
    assert isinstance(third.error, AccountLocked)
    assert third.error.params["minutes"] == 10
    assert user.locked_until is not None and user.locked_until > now()
    assert isinstance(_login(db, user.email, PASSWORD).error, AccountLocked)
    assert "user.locked_out" in _audit_actions(db, user.id)
    # When the lock has passed, the right password works again.
    user.locked_until = now() - dt.timedelta(seconds=1)
    assert _login(db, user.email, PASSWORD).user is user


def test_sessions_expire_and_end(db: Session) -> None:
    user = make_user(db, make_org(db))
    token, web_session = identity.start_session(db, user=user, max_age_seconds=3600)
    assert identity.resolve_session(db, token, max_age_seconds=3600) is not None
    assert web_session.token_digest != token  # only the digest is stored
    web_session.expires_at = now() - dt.timedelta(seconds=1)
    assert identity.resolve_session(db, token, max_age_seconds=3600) is None
    token2, second = identity.start_session(db, user=user, max_age_seconds=3600)
    identity.end_session(db, second)
    assert identity.resolve_session(db, token2, max_age_seconds=3600) is None
    assert identity.resolve_session(db, "tidak-dikenal", max_age_seconds=3600) is None


def test_api_token_lifecycle(db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    admin = make_user(db, org, (Role.ADMIN,))
    actor = identity.actor_for(db, admin)
    secret, token = identity.create_api_token(db, actor=actor, user=admin, organization_id=org.id, name="ERP")
    assert secret.startswith("rnt_") and token.token_digest != secret and secret.startswith(token.prefix)
    resolved = identity.resolve_api_token(db, secret)
    assert resolved is not None and resolved[2].roles == {org.id: frozenset({Role.ADMIN})}
    identity.revoke_api_token(db, actor=actor, token_id=token.id)
    assert identity.resolve_api_token(db, secret) is None
    assert _audit_actions(db, token.id, "api_token") == ["api_token.created", "api_token.revoked"]


def test_token_scope_is_one_organization(db: Session) -> None:
    bumn, umkm = make_org(db, OrgType.BUMN), make_org(db, OrgType.UMKM)
    user = make_user(db, bumn, (Role.OWNER,))
    identity.add_membership(db, user=user, organization=umkm, role=Role.OWNER)
    secret, _ = identity.create_api_token(
        db, actor=identity.actor_for(db, user), user=user, organization_id=bumn.id, name="x"
    )
    resolved = identity.resolve_api_token(db, secret)
    assert resolved is not None
    assert set(resolved[2].roles) == {bumn.id}


def test_foreign_and_unauthorized_token_management_is_refused(db: Session) -> None:
    org_a, org_b = make_org(db, OrgType.BUMN), make_org(db, OrgType.BUMN)
    owner_a = make_user(db, org_a)
    viewer_a = make_user(db, org_a, (Role.VIEWER,))
    owner_b = make_user(db, org_b)
    _, token_a = identity.create_api_token(
        db, actor=identity.actor_for(db, owner_a), user=owner_a, organization_id=org_a.id, name="a"
    )
    with pytest.raises(TokenNotFound):
        identity.revoke_api_token(db, actor=identity.actor_for(db, owner_b), token_id=token_a.id)
    with pytest.raises(Forbidden):
        identity.revoke_api_token(db, actor=identity.actor_for(db, viewer_a), token_id=token_a.id)
    with pytest.raises(Forbidden):
        identity.create_api_token(
            db, actor=identity.actor_for(db, owner_b), user=owner_b, organization_id=org_a.id, name="b"
        )
    assert token_a.revoked_at is None


def test_audit_log_refuses_updates_and_deletes(db: Session) -> None:
    user = make_user(db)
    db.commit()  # release the savepoint so the statements below hit the stored row
    event_id = db.scalar(
        select(AuditEvent.id).where(AuditEvent.target_type == "user", AuditEvent.target_id == str(user.id))
    )
    for statement in (
        "UPDATE audit_event SET action = 'dipalsukan' WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
    ):
        nested = db.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(statement), {"id": event_id})
        nested.rollback()
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.id == event_id)) == "user.created"
