"""Password hashing with Argon2id (argon2-cffi's recommended parameters) and the password policy."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from rantai.identity.errors import WeakPassword
from rantai.kit.text import N_

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10
# A personal detail shorter than this is only refused when it is the whole password: "containing" a
# two-letter email name like "ab" would refuse half of all passwords.
_MIN_DETAIL_LENGTH = 4
# Django's list of 20,000 common passwords, lowercased (provenance and license in NOTICE.md).
_COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"


def hash_password(password: str) -> str:
    return str(_hasher.hash(password))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return bool(_hasher.check_needs_rehash(password_hash))


# A real hash of a random string: verifying against it when the email is unknown costs the same time as a
# real check, so response times do not tell which emails have accounts.
DUMMY_HASH = hash_password("rantai-no-such-user-placeholder")


@cache
def common_passwords() -> frozenset[str]:
    """The common-password list, read once per process (about 20,000 entries, 1 MB in memory)."""
    with gzip.open(_COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def _letters_and_digits(value: str) -> str:
    """Lowercase letters and digits only, so that "Siti Khadijah" and "siti.khadijah" compare equal."""
    return "".join(char for char in value.lower() if char.isalnum())


def _personal_details(email: str, details: Iterable[str]) -> list[str]:
    local_part = email.partition("@")[0]
    found = [_letters_and_digits(value) for value in (email, local_part, *details)]
    return [value for value in found if value]


def check_password(password: str, *, email: str, details: Iterable[str] = ()) -> None:
    """Refuse a password that is easy to guess (issue #9, finding 16), with a message that says why.

    Refused: only spaces; fewer than MIN_PASSWORD_LENGTH characters (spaces at either end not counted);
    a password from the common-password list; one that equals or contains the email, its name part, or
    one of ``details`` (the person's name, their organizations' names), or is itself part of one of them.
    """
    if password and not password.strip():
        raise WeakPassword(N_("The password cannot be only spaces."), field="password")
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            N_("The password must have at least %(min)d characters."),
            field="password",
            min=MIN_PASSWORD_LENGTH,
        )
    if password.strip().lower() in common_passwords():
        raise WeakPassword(
            N_(
                "This password is on the list of the most common passwords, which are tried first. "
                "Choose a longer phrase that only you would think of."
            ),
            field="password",
        )
    plain = _letters_and_digits(password)
    for detail in _personal_details(email, details):
        contains = len(detail) >= _MIN_DETAIL_LENGTH and detail in plain
        if plain == detail or contains or (len(plain) >= _MIN_DETAIL_LENGTH and plain in detail):
            raise WeakPassword(
                N_(
                    "The password must not contain your email address, your name or your business's "
                    "name: they are the first things someone would try. Choose something else."
                ),
                field="password",
            )
