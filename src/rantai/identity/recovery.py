"""Password reset by email (issue #13): "Forgot your password?" on the login page.

A request names an email; the answer is the same whether it has an account or not (no enumeration),
and requests are throttled per client address and per email (``throttle.reset_request_allowed``). For
an active account a single-use link valid for ``RESET_VALID_FOR`` is queued in the email outbox
(``identity.mail``; without SMTP the operator reads it with ``rantai mail list --body``). The link's
token is random; only its SHA-256 digest is stored. Setting the new password uses the link, ends every
browser session of the user, voids the user's other links, and tells the owner by a security email.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity import notices, repository, throttle
from rantai.identity.mail import Mail, Mailer
from rantai.identity.models import PasswordReset, User
from rantai.identity.passwords import check_password, hash_password
from rantai.identity.throttle import ResetLimits
from rantai.kit.clock import now
from rantai.kit.errors import Invalid
from rantai.kit.ids import new_token, token_digest
from rantai.kit.text import N_

RESET_VALID_FOR = dt.timedelta(hours=1)
RESET_PATH = "/password/reset/"

MSG_LINK_INVALID = N_(
    "This password reset link cannot be used: it has expired or was used already. Ask for a new one."
)
MAIL_RESET = (
    N_("Reset your Rantai password"),
    N_(
        "Someone, perhaps you, asked to reset the password of your Rantai account. Open the link below "
        "within an hour to choose a new password; it works once. If it was not you, ignore this message: "
        "your password stays as it is."
    ),
)


def request_reset(
    session: Session, *, email: str, client_address: str, mailer: Mailer, limits: ResetLimits
) -> None:
    """Send a reset link to ``email`` if it has an active account and the throttle allows; otherwise do
    nothing visible. The caller shows the same answer in every case."""
    typed = email.strip().lower()
    if not throttle.reset_request_allowed(session, client_address, typed, limits):
        return
    user = repository.user_by_email(session, typed)
    if user is None or not user.is_active:
        return
    token = new_token()
    session.add(
        PasswordReset(user_id=user.id, token_digest=token_digest(token), expires_at=now() + RESET_VALID_FOR)
    )
    session.flush()
    audit.record(session, Event.USER_PASSWORD_RESET_REQUESTED, user.id, by=None)
    subject, body = MAIL_RESET
    mailer.send(Mail(to=user.email, subject=subject, body=body, locale=user.locale, link=RESET_PATH + token))


def _live_reset(session: Session, token: str) -> PasswordReset | None:
    reset = repository.password_reset_by_digest(session, token_digest(token))
    if reset is None or reset.used_at is not None or reset.expires_at <= now():
        return None
    return reset


def link_is_usable(session: Session, token: str) -> bool:
    """Whether the link can still set a password (for the form: say so before the user types)."""
    return _live_reset(session, token) is not None


def reset_password(session: Session, *, token: str, new_password: str) -> User:
    """Set a new password through a reset link; the link is used up, the user's other links voided and
    every browser session of the user ended. Raises ``Invalid`` (nothing written) for a dead link or a
    password the policy refuses."""
    reset = _live_reset(session, token)
    user = repository.user_by_id(session, reset.user_id) if reset is not None else None
    if reset is None or user is None or not user.is_active:
        raise Invalid(MSG_LINK_INVALID, field="token")
    organizations = [org.name for _membership, org in repository.memberships_with_orgs(session, user.id)]
    check_password(new_password, email=user.email, details=(user.full_name, *organizations))
    moment = now()
    user.password_hash = hash_password(new_password)
    repository.use_up_password_resets(session, user_id=user.id, moment=moment)
    ended = repository.end_other_web_sessions(session, user_id=user.id, keep_id=None, moment=moment)
    session.flush()
    audit.record(session, Event.USER_PASSWORD_RESET, user.id, by=user.id, details={"sessions_ended": ended})
    notices.password_changed(session, user)
    return user
