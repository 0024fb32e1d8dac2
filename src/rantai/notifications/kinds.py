"""What a notification is about: one constant per kind, with its title, what the user may turn off, and
its defaults. The preferences page lists these; a caller names one when it notifies.

A kind whose email cannot be turned off (``email_required``) is a security notice: it tells the account's
owner that something was done with their account. Whoever got into the account (a stolen password, a
session left open) could otherwise turn the email off first and act unseen; the email reaches the mailbox
the owner still holds, so they learn of it even when they no longer control the account.
"""

from __future__ import annotations

from dataclasses import dataclass

from rantai.kit.text import N_


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of notification. ``title`` is an English message id: the inbox's heading and the email's
    subject; ``description`` says on the preferences page when it is sent."""

    code: str
    title: str
    description: str
    inbox: bool = True
    email: bool = True
    email_required: bool = False


PASSWORD_CHANGED = Kind(
    "account.password_changed",
    N_("Your password was changed"),
    N_("When the password of your account is changed."),
    email_required=True,
)
CLAIM_APPROVED = Kind(
    "supplier.claim_approved",
    N_("Your claim of a business profile was approved"),
    N_("When a verifier approves your organization's claim of an imported business profile."),
)
CLAIM_REJECTED = Kind(
    "supplier.claim_rejected",
    N_("Your claim of a business profile was rejected"),
    N_("When a verifier rejects your organization's claim of an imported business profile."),
)
PROFILE_CHANGED_BY_IMPORT = Kind(
    "supplier.changed_by_import",
    N_("Another organization's import changed your business profile"),
    N_("When an import by another organization changes your organization's business profile."),
)

KINDS: dict[str, Kind] = {
    kind.code: kind for kind in (PASSWORD_CHANGED, CLAIM_APPROVED, CLAIM_REJECTED, PROFILE_CHANGED_BY_IMPORT)
}


def kind_of(code: str) -> Kind | None:
    return KINDS.get(code)
