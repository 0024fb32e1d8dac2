"""Notices identity sends about an account (through ``rantai.notifications``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from rantai.identity.models import User
from rantai.identity.recipients import recipient_of
from rantai.kit.text import N_
from rantai.notifications import kinds
from rantai.notifications.service import notify

MSG_PASSWORD_CHANGED = N_(
    "The password of your Rantai account was changed, and every other browser logged in to it was logged "
    "out. If it was you, nothing more is needed. If it was not, someone knows your password: tell your "
    "organization's administrator or the Rantai operator at once."
)


def password_changed(session: Session, user: User) -> None:
    """Tell the account's owner; the email cannot be turned off (``kinds.PASSWORD_CHANGED``)."""
    notify(
        session,
        [recipient_of(user)],
        kinds.PASSWORD_CHANGED,
        message=MSG_PASSWORD_CHANGED,
        link="/account/password",
    )
