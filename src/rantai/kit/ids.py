"""Random identifiers and secret tokens, and the bounds of the integers the database stores."""

from __future__ import annotations

import hashlib
import secrets


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random secret (for session cookies, API tokens, CSRF)."""
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """SHA-256 of a high-entropy token, for storing it without keeping the token itself.

    A plain hash is enough here: the tokens are random 256-bit values, not passwords.
    """
    return hashlib.sha256(token.encode()).hexdigest()


# Integer columns: INTEGER holds 2^31-1 on PostgreSQL (SQLite stores 64 bits in any integer column);
# BIGINT holds 2^63-1 on both. A number beyond its column made the driver fail with a 500 (issue #9),
# so every door bounds the numbers it takes by these.
MAX_INTEGER = 2**31 - 1
MAX_BIGINT = 2**63 - 1
MAX_ID = MAX_INTEGER  # primary keys are INTEGER columns (SERIAL on PostgreSQL)


def storable_id(value: int) -> bool:
    """Whether ``value`` can be a row's key at all: a 20-digit id typed into a URL is simply not found,
    instead of overflowing the database driver."""
    return 0 < value <= MAX_ID
