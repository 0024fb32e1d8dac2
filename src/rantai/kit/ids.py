"""Random identifiers and secret tokens."""

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


MAX_ID = 2**63 - 1  # the largest key a BIGINT (and SQLite's INTEGER) column holds


def storable_id(value: int) -> bool:
    """Whether ``value`` can be a row's key at all: a 20-digit id typed into a URL is simply not found,
    instead of overflowing the database driver."""
    return 0 < value <= MAX_ID
