"""Login throttling (issue #9, finding 7): who may try a password now, and counting the failures.

Failures are counted under three keys, each a SHA-256 digest so the table keeps no typed emails:

- the client address with the typed email (``address_email``): locked after ``per_address_and_email``
  failures. This is the lock a guesser meets first, and it holds only at their address: the owner,
  elsewhere, can still log in;
- the client address alone (``address``): locked after ``per_address`` failures for any emails, so one
  address cannot try a password on many accounts;
- the typed email alone (``email``): locked after ``per_email`` failures from all addresses together,
  against guessing spread over many addresses.

An address where the email last logged in successfully within ``KNOWN_ADDRESS_DAYS`` is a known address:
the address and email locks do not apply there (only its own address-and-email lock does), so a
stranger cannot lock the owner out of the places they log in from. Counts are kept for any typed email,
whether it has an account or not, so a lock shows the same for both. A count forgets failures when
``lockout_seconds`` have passed since the last one; a lock lasts ``lockout_seconds``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from math import ceil

from sqlalchemy.orm import Session

from rantai.identity import repository
from rantai.kit.clock import now

KNOWN_ADDRESS_DAYS = 90
# Each successful login deletes at most this many stale throttle rows, so the table stays small
# without a scheduled job and no login pays for a large clean-up.
_PRUNE_BATCH = 100


class Scope(StrEnum):
    ADDRESS = "address"
    ADDRESS_EMAIL = "address_email"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """The thresholds (from the ``RANTAI_LOGIN_*`` settings; see docs/operations.md)."""

    per_address_and_email: int = 5
    per_address: int = 50
    per_email: int = 100
    lockout_seconds: int = 15 * 60

    def threshold(self, scope: Scope) -> int:
        return {
            Scope.ADDRESS: self.per_address,
            Scope.ADDRESS_EMAIL: self.per_address_and_email,
            Scope.EMAIL: self.per_email,
        }[scope]


def network_of(address: str) -> str:
    """The unit an address is counted by: an IPv4 address itself, an IPv6 address's /64 network (one
    subscriber usually holds a whole /64, so counting single IPv6 addresses would count nothing)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip().lower()
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Attempt:
    """The three throttle keys of one login attempt."""

    address: str
    keys: dict[Scope, str]

    @classmethod
    def of(cls, address: str, email: str) -> Attempt:
        network = network_of(address)
        typed = email.strip().lower()
        return cls(
            address=network,
            keys={
                Scope.ADDRESS: _digest(Scope.ADDRESS, network),
                Scope.ADDRESS_EMAIL: _digest(Scope.ADDRESS_EMAIL, network, typed),
                Scope.EMAIL: _digest(Scope.EMAIL, typed),
            },
        )

    def pairs(self) -> list[tuple[str, str]]:
        return [(scope.value, key) for scope, key in self.keys.items()]


def _minutes_until(until: dt.datetime, moment: dt.datetime) -> int:
    return max(1, ceil((until - moment).total_seconds() / 60))


def locked_minutes(session: Session, attempt: Attempt) -> int | None:
    """Minutes until this attempt may be made, or None when it may be made now."""
    moment = now()
    rows = repository.login_throttles(session, attempt.pairs())
    pair = rows.get(Scope.ADDRESS_EMAIL)
    known = (
        pair is not None
        and pair.last_success_at is not None
        and pair.last_success_at > moment - dt.timedelta(days=KNOWN_ADDRESS_DAYS)
    )
    applying = [Scope.ADDRESS_EMAIL] if known else list(Scope)
    locks = [
        row.locked_until
        for scope in applying
        if (row := rows.get(scope)) is not None and row.locked_until is not None and row.locked_until > moment
    ]
    return _minutes_until(max(locks), moment) if locks else None


def count_failure(session: Session, attempt: Attempt, limits: LoginLimits) -> list[Scope]:
    """Count a failed attempt under its three keys; returns the keys this failure has just locked."""
    moment = now()
    window = dt.timedelta(seconds=limits.lockout_seconds)
    locked: list[Scope] = []
    for scope, key in attempt.keys.items():
        threshold = limits.threshold(scope)
        failures = repository.count_login_failure(
            session,
            scope=scope.value,
            key_digest=key,
            moment=moment,
            window_start=moment - window,
            threshold=threshold,
            lock_until=moment + window,
        )
        if failures == threshold:
            locked.append(scope)
    return locked


def count_success(session: Session, attempt: Attempt, limits: LoginLimits) -> None:
    """A login succeeded: clear the email's counts and remember the address as known for it."""
    moment = now()
    repository.record_login_success(
        session,
        pair=(Scope.ADDRESS_EMAIL.value, attempt.keys[Scope.ADDRESS_EMAIL]),
        account=(Scope.EMAIL.value, attempt.keys[Scope.EMAIL]),
        moment=moment,
    )
    repository.prune_login_throttles(
        session,
        failures_before=moment - dt.timedelta(seconds=limits.lockout_seconds),
        known_before=moment - dt.timedelta(days=KNOWN_ADDRESS_DAYS),
        limit=_PRUNE_BATCH,
    )


# --- password reset requests (issue #13) ------------------------------------------------------------


class ResetScope(StrEnum):
    """Reset requests are counted apart from login failures, in the same table."""

    ADDRESS = "reset_address"
    EMAIL = "reset_email"


@dataclass(frozen=True, slots=True)
class ResetLimits:
    """How many reset links may be asked for in ``window_seconds``: from one client address (for any
    emails), and for one email (from anywhere): enough for a person who lost the first mail, too few
    to fill someone's mailbox."""

    per_address: int = 20
    per_email: int = 3
    window_seconds: int = 60 * 60


def reset_request_allowed(session: Session, address: str, email: str, limits: ResetLimits) -> bool:
    """Count a reset request under its address and its typed email; False when either is over its limit
    (the request is then answered like any other but sends nothing). Counted for every typed email,
    with or without an account, so the count tells nothing either."""
    moment = now()
    keys = {
        ResetScope.ADDRESS: _digest(ResetScope.ADDRESS, network_of(address)),
        ResetScope.EMAIL: _digest(ResetScope.EMAIL, email.strip().lower()),
    }
    rows = repository.login_throttles(session, [(scope.value, key) for scope, key in keys.items()])
    if any(row.locked_until is not None and row.locked_until > moment for row in rows.values()):
        return False
    window = dt.timedelta(seconds=limits.window_seconds)
    allowed = True
    for scope, key in keys.items():
        threshold = limits.per_address if scope is ResetScope.ADDRESS else limits.per_email
        counted = repository.count_login_failure(
            session,
            scope=scope.value,
            key_digest=key,
            moment=moment,
            window_start=moment - window,
            threshold=threshold + 1,  # locked once past the limit: the limit-th request still goes
            lock_until=moment + window,
        )
        allowed = allowed and counted <= threshold
    return allowed
