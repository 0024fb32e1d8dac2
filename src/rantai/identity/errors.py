"""Identity errors a user can cause, with their messages (English msgids, translated by the doors)."""

from __future__ import annotations

from rantai.kit.errors import Conflict, Forbidden, Invalid, NotFound, TooManyAttempts, Unauthorized
from rantai.kit.text import N_

MSG_BAD_LOGIN = N_("The email or password is wrong. Check both and try again.")
MSG_LOCKED = N_(
    "Too many failed logins. This account is locked for %(minutes)d minutes; try again later "
    "or ask your organization's administrator."
)
MSG_INACTIVE = N_("This account has been deactivated. Ask your organization's administrator.")


class InvalidCredentials(Unauthorized):
    code = "invalid-credentials"


class AccountLocked(TooManyAttempts):
    code = "account-locked"


class EmailTaken(Conflict):
    code = "email-taken"


class WeakPassword(Invalid):
    code = "weak-password"


class NotAMember(Forbidden):
    code = "not-a-member"


class TokenNotFound(NotFound):
    code = "token-not-found"
