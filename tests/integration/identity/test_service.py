"""Identity services against a real database: accounts, registration, login throttling, password changes,
sessions, tokens, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from tests.factories.identity import PASSWORD, MailBox, make_org, make_user

from rantai.audit.models import AuditEvent
from rantai.identity import service as identity
from rantai.identity.errors import (
    AccountLocked,
    EmailTaken,
    InvalidCredentials,
    TokenNotFound,
    WeakPassword,
    WrongCurrentPassword,
)
from rantai.identity.models import LoginThrottle, Organization, User, WebSession
from rantai.identity.roles import OrgType, Role
from rantai.identity.throttle import LoginLimits
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


LIMITS = LoginLimits(per_address_and_email=3, per_address=5, per_email=7, lockout_seconds=600)
HOME, THIEF = "198.51.100.10", "203.0.113.66"


def _login(db: Session, email: str, password: str, address: str = HOME) -> identity.LoginOutcome:
    return identity.authenticate(db, email=email, password=password, client_address=address, limits=LIMITS)


def _fail(db: Session, email: str, times: int, address: str = HOME) -> identity.LoginOutcome:
    outcome = _login(db, email, "salah-sekali", address)
    for _ in range(times - 1):
        outcome = _login(db, email, "salah-sekali", address)
    return outcome


def test_login_succeeds_and_clears_the_failures(db: Session) -> None:
    user = make_user(db)
    assert isinstance(_fail(db, user.email, 2).error, InvalidCredentials)
    outcome = _login(db, user.email.upper(), PASSWORD)
    assert outcome.user is user
    assert user.last_login_at is not None
    # The two failures were forgotten: two more do not reach the limit of three.
    assert isinstance(_fail(db, user.email, 2).error, InvalidCredentials)


def test_unknown_email_looks_like_a_wrong_password(db: Session) -> None:
    outcome = _login(db, "tidak.ada@contoh.co.id", PASSWORD)
    assert isinstance(outcome.error, InvalidCredentials)
    assert outcome.error.message == _login(db, make_user(db).email, "salah-sekali").error.message  # type: ignore[union-attr]


def test_unknown_email_is_locked_exactly_like_a_real_account(db: Session) -> None:
    """Finding 7: the lock message used to appear only for real accounts."""
    user = make_user(db)
    real, unknown = _fail(db, user.email, 3), _fail(db, "tidak.ada@contoh.co.id", 3)
    assert isinstance(real.error, AccountLocked) and isinstance(unknown.error, AccountLocked)
    assert (real.error.message, real.error.params) == (unknown.error.message, unknown.error.params)
    assert real.error.params == {"minutes": 10}


@pytest.mark.parametrize("case", ["unknown", "wrong", "locked", "right"])
def test_every_outcome_checks_one_password_hash(
    db: Session, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """Finding 7: a locked account answered without hashing, 25 times faster than a wrong password."""
    user = make_user(db)
    if case == "locked":
        _fail(db, user.email, 3)
    checked: list[str] = []
    real_verify = identity.verify_password
    monkeypatch.setattr(identity, "verify_password", lambda h, p: checked.append(h) or real_verify(h, p))
    email = "tidak.ada@contoh.co.id" if case == "unknown" else user.email
    _login(db, email, PASSWORD if case in ("locked", "right") else "salah-sekali")
    assert len(checked) == 1


def test_a_stranger_cannot_lock_the_owner_out_from_elsewhere(db: Session) -> None:
    user = make_user(db)
    locked = _fail(db, user.email, 3, THIEF)
    assert isinstance(locked.error, AccountLocked) and locked.error.params["minutes"] == 10
    # Even the right password is refused at the guesser's address...
    assert isinstance(_login(db, user.email, PASSWORD, THIEF).error, AccountLocked)
    # ...while the owner, at home, logs in.
    assert _login(db, user.email, PASSWORD, HOME).user is user
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.locked_out")).all()
    assert [(e.target_id, e.details["scope"], e.details["address"]) for e in audit] == [
        (str(user.id), "address_email", THIEF)
    ]


def test_a_lock_ends_after_its_time(db: Session) -> None:
    user = make_user(db)
    _fail(db, user.email, 3)
    assert isinstance(_login(db, user.email, PASSWORD).error, AccountLocked)
    past = now() - dt.timedelta(seconds=601)
    db.execute(update(LoginThrottle).values(locked_until=past, last_failure_at=past))
    assert _login(db, user.email, PASSWORD).user is user


def test_one_address_trying_many_emails_is_locked_for_all_of_them(db: Session) -> None:
    users = [make_user(db) for _ in range(3)]
    for user in users[:2]:  # four failures, two per email: under the address-and-email limit of three
        assert isinstance(_fail(db, user.email, 2, THIEF).error, InvalidCredentials)
    assert isinstance(_fail(db, "tidak.ada@contoh.co.id", 1, THIEF).error, AccountLocked)  # the 5th
    assert isinstance(_login(db, users[2].email, PASSWORD, THIEF).error, AccountLocked)
    assert _login(db, users[2].email, PASSWORD, HOME).user is users[2]


def test_guessing_from_many_addresses_locks_the_email_except_where_the_owner_logs_in(db: Session) -> None:
    user = make_user(db)
    assert _login(db, user.email, PASSWORD, HOME).user is user  # home becomes a known address
    for n in range(7):
        _fail(db, user.email, 1, f"203.0.113.{n}")
    assert isinstance(_login(db, user.email, PASSWORD, "192.0.2.200").error, AccountLocked)
    assert _login(db, user.email, PASSWORD, HOME).user is user


def test_forged_ipv6_neighbours_count_as_one_address(db: Session) -> None:
    user = make_user(db)
    for n in range(3):
        _login(db, user.email, "salah-sekali", f"2001:db8:7:7::{n + 1}")
    assert isinstance(_login(db, user.email, PASSWORD, "2001:db8:7:7::99").error, AccountLocked)


def test_a_successful_login_removes_stale_throttle_rows(db: Session) -> None:
    user = make_user(db)
    _fail(db, "tidak.ada@contoh.co.id", 1, THIEF)
    old = now() - dt.timedelta(days=1)
    db.execute(update(LoginThrottle).values(updated_at=old, last_failure_at=old))
    assert db.scalar(select(func.count()).select_from(LoginThrottle)) == 3
    assert _login(db, user.email, PASSWORD).user is user
    # Left: this login's known-address mark; the stale failure counts are gone.
    assert db.scalars(select(LoginThrottle.scope)).all() == ["address_email"]


# --- password changes ------------------------------------------------------------------------------


def _change(
    db: Session,
    user: User,
    current: str,
    new: str,
    current_session: WebSession | None = None,
    address: str = HOME,
) -> identity.PasswordChange:
    return identity.change_password(
        db,
        user=user,
        current_password=current,
        new_password=new,
        client_address=address,
        limits=LIMITS,
        current_session=current_session,
        max_age_seconds=3600,
    )


def test_password_change_ends_every_other_session_and_keeps_api_tokens(db: Session) -> None:
    """Finding 6: a password change used to leave every other login open."""
    org = make_org(db, OrgType.BUMN)
    user = make_user(db, org, (Role.ADMIN,))
    here_token, here = identity.start_session(db, user=user, max_age_seconds=3600)
    others = [identity.start_session(db, user=user, max_age_seconds=3600)[0] for _ in range(2)]
    bystander = make_user(db, org)
    bystander_token, _ = identity.start_session(db, user=bystander, max_age_seconds=3600)
    secret, _ = identity.create_api_token(
        db, actor=identity.actor_for(db, user), user=user, organization_id=org.id, name="ERP"
    )
    change = _change(db, user, PASSWORD, "kopi-tubruk-pagi-hari", here)
    assert change.error is None and change.sessions_ended == 2
    assert all(identity.resolve_session(db, t, max_age_seconds=3600) is None for t in others)
    assert identity.resolve_session(db, here_token, max_age_seconds=3600) is None  # replaced...
    assert change.session_token is not None
    resolved = identity.resolve_session(db, change.session_token, max_age_seconds=3600)  # ...by this one
    assert resolved is not None and resolved[0].active_organization_id == here.active_organization_id
    assert identity.resolve_session(db, bystander_token, max_age_seconds=3600) is not None
    assert identity.resolve_api_token(db, secret) is not None
    assert _login(db, user.email, "kopi-tubruk-pagi-hari").user is user
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_changed")).one()
    assert event.details == {"sessions_ended": 2}


def test_wrong_current_passwords_count_as_failed_logins(db: Session) -> None:
    """Finding 6: the current-password check was not throttled."""
    user = make_user(db)
    for _ in range(2):
        assert isinstance(
            _change(db, user, "salah-sekali", "kopi-tubruk-pagi-hari").error, WrongCurrentPassword
        )
    locked = _change(db, user, "salah-sekali", "kopi-tubruk-pagi-hari").error
    assert isinstance(locked, AccountLocked)
    assert isinstance(_change(db, user, PASSWORD, "kopi-tubruk-pagi-hari").error, AccountLocked)
    assert isinstance(_login(db, user.email, PASSWORD).error, AccountLocked)  # the same count as logins
    assert identity.verify_password(user.password_hash, PASSWORD)


def test_a_weak_new_password_changes_nothing(db: Session) -> None:
    org = make_org(db, name="Keripik Sanjai Bu Ros")
    user = make_user(db, org)
    token, here = identity.start_session(db, user=user, max_age_seconds=3600)
    other, _ = identity.start_session(db, user=user, max_age_seconds=3600)
    with pytest.raises(WeakPassword):
        _change(db, user, PASSWORD, "keripiksanjaiburos", here)
    assert identity.verify_password(user.password_hash, PASSWORD)
    assert identity.resolve_session(db, other, max_age_seconds=3600) is not None
    assert identity.resolve_session(db, token, max_age_seconds=3600) is not None


# --- self-registration -----------------------------------------------------------------------------


def _register(db: Session, mailbox: MailBox, email: str, **fields: str) -> identity.Registration:
    values = {
        "full_name": "Ratna Sari",
        "password": "tempe-goreng-renyah",
        "organization_name": "Tempe Ratna",
    }
    values.update(fields)
    return identity.register_owner(
        db,
        email=email,
        org_type=OrgType.UMKM,
        mailer=mailbox,
        full_name=values["full_name"],
        password=values["password"],
        organization_name=values["organization_name"],
    )


def test_registering_a_known_email_creates_nothing_and_tells_its_owner(db: Session) -> None:
    """Finding 7: /register said at once that an email had an account."""
    owner = make_user(db, email="ratna@contoh.co.id")
    users, orgs = (db.scalar(select(func.count()).select_from(t)) for t in (User, Organization))
    mailbox = MailBox()
    outcome = _register(db, mailbox, "RATNA@contoh.co.id")
    assert outcome == identity.Registration(None, None)
    assert db.scalar(select(func.count()).select_from(User)) == users
    assert db.scalar(select(func.count()).select_from(Organization)) == orgs
    assert [(m.to, m.subject) for m in mailbox.sent] == [
        ("ratna@contoh.co.id", "Someone tried to register on Rantai with your email")
    ]
    assert identity.verify_password(owner.password_hash, PASSWORD)  # the owner's password is untouched


def test_registering_a_new_email_creates_the_owner_and_welcomes_them(db: Session) -> None:
    mailbox = MailBox()
    outcome = _register(db, mailbox, "baru@contoh.co.id")
    assert outcome.user is not None and outcome.organization is not None
    assert identity.actor_for(db, outcome.user).roles == {outcome.organization.id: frozenset({Role.OWNER})}
    assert [(m.to, m.params) for m in mailbox.sent] == [
        ("baru@contoh.co.id", {"organization": "Tempe Ratna"})
    ]


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"organization_name": "  "}, Invalid, "organization_name"),
        ({"password": "1234567890"}, WeakPassword, "password"),
        ({"password": "tempe-ratna-2026"}, WeakPassword, "password"),  # the business's name
    ],
)
def test_registration_mistakes_are_reported_for_known_and_new_emails_alike(
    db: Session, fields: dict[str, str], error: type[Exception], field: str
) -> None:
    make_user(db, email="ratna@contoh.co.id")
    for email in ("ratna@contoh.co.id", "baru@contoh.co.id"):
        with pytest.raises(error) as raised:
            _register(db, MailBox(), email, **fields)
        assert raised.value.field == field  # type: ignore[attr-defined]


@pytest.mark.parametrize("email", ["ratna@contoh.co.id", "baru@contoh.co.id"])
def test_both_registration_paths_hash_the_password_once(
    db: Session, monkeypatch: pytest.MonkeyPatch, email: str
) -> None:
    make_user(db, email="ratna@contoh.co.id")
    hashed: list[str] = []
    real_hash = identity.hash_password
    monkeypatch.setattr(identity, "hash_password", lambda p: hashed.append(p) or real_hash(p))
    _register(db, MailBox(), email)
    assert len(hashed) == 1


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
