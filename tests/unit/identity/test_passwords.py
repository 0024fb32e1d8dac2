"""The password policy (issue #9, finding 16): what it refuses, with which message, and what it lets pass."""

from __future__ import annotations

import pytest
from tests.factories.identity import PASSWORD

from rantai.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from rantai.identity.errors import WeakPassword
from rantai.identity.passwords import MIN_PASSWORD_LENGTH, check_password, common_passwords

SPACES = "The password cannot be only spaces."
SHORT = "The password must have at least %(min)d characters."
COMMON = "This password is on the list of the most common passwords"
PERSONAL = "The password must not contain your email address, your name or your business's name"


def _refusal(password: str, *, email: str = "ros@contoh.co.id", details: tuple[str, ...] = ()) -> str:
    with pytest.raises(WeakPassword) as raised:
        check_password(password, email=email, details=details)
    assert raised.value.field == "password"
    return raised.value.message


@pytest.mark.parametrize(
    ("password", "email", "details", "message"),
    [
        (" " * 10, "ros@contoh.co.id", (), SPACES),
        ("\t \u00a0" * 5, "ros@contoh.co.id", (), SPACES),
        ("pendek", "ros@contoh.co.id", (), SHORT),
        ("  abc        ", "ros@contoh.co.id", (), SHORT),  # spaces around do not count
        ("1234567890", "ros@contoh.co.id", (), COMMON),
        ("PassWord123", "ros@contoh.co.id", (), COMMON),  # the list is compared without case
        ("qwertyuiop", "ros@contoh.co.id", (), COMMON),
        ("ros.marlina@contoh.co.id", "ros.marlina@contoh.co.id", (), PERSONAL),  # the email itself
        ("ratna-2026-xyz", "ratna@contoh.co.id", (), PERSONAL),  # the email's name part
        ("SitiKhadijah!!", "ijah@contoh.co.id", ("Siti Khadijah",), PERSONAL),  # the person's name
        ("keripik-mak-ijah-2026", "a@contoh.co.id", ("Ros", "Keripik Mak Ijah"), PERSONAL),  # business
        ("pondokpesantren", "a@contoh.co.id", ("Koperasi Pondok Pesantren Al-Hikmah",), PERSONAL),  # part
    ],
)
def test_easy_passwords_are_refused_with_a_message_that_says_why(
    password: str, email: str, details: tuple[str, ...], message: str
) -> None:
    assert _refusal(password, email=email, details=details).startswith(message)


def test_the_length_message_names_the_minimum() -> None:
    with pytest.raises(WeakPassword) as raised:
        check_password("pendek", email="ros@contoh.co.id")
    assert raised.value.params == {"min": MIN_PASSWORD_LENGTH}


def test_a_short_detail_is_refused_only_as_the_whole_password() -> None:
    # "ab" is inside many good passwords; only a password that is nothing but it would be refused.
    check_password("kabut-pagi-hari", email="ab@contoh.co.id", details=("Al",))


def test_demo_and_test_passwords_pass() -> None:
    for login in DEMO_LOGINS:
        check_password(DEMO_PASSWORD, email=login.email, details=(login.name, login.organization))
    check_password(PASSWORD, email="pengguna1@contoh.co.id", details=("Pengguna Uji 2", "Organisasi Uji 3"))


def test_the_common_list_is_djangos_twenty_thousand() -> None:
    words = common_passwords()
    assert 19_000 < len(words) <= 20_000
    assert all(word == word.lower() for word in words)
