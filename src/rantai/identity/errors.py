"""Identity errors a user can cause, with their messages (English msgids, translated by the doors)."""

from __future__ import annotations

from rantai.kit.errors import Conflict, Forbidden, Invalid, NotFound, TooManyAttempts, Unauthorized
from rantai.kit.text import N_

MSG_BAD_LOGIN = N_("The email or password is wrong. Check both and try again.")
# The same words whether the email has an account or not: locks are kept per typed email and client
# address, so an unknown email is locked exactly like a real one and the message tells nothing (finding 7).
MSG_LOCKED = N_(
    "Too many failed logins. Wait %(minutes)d minutes, then try again. If you forgot your password, "
    "ask your organization's administrator."
)
MSG_INACTIVE = N_("This account has been deactivated. Ask your organization's administrator.")


class InvalidCredentials(Unauthorized):
    code = "invalid-credentials"


class AccountLocked(TooManyAttempts):
    code = "account-locked"


class WrongCurrentPassword(Invalid):
    code = "wrong-current-password"


class EmailTaken(Conflict):
    code = "email-taken"


class WeakPassword(Invalid):
    code = "weak-password"


class NotAMember(Forbidden):
    code = "not-a-member"


class TokenNotFound(NotFound):
    code = "token-not-found"
