"""The API's ``Idempotency-Key`` header: every POST of /api/v1 takes one (``rantai.idempotent``).

A client that may retry a POST (a timeout, a dropped connection) sends a key of its own making, a UUID
for instance, and sends the same key with the same request when it retries: the retry is answered with
the first answer (status, body, Location; ``Idempotent-Replayed: true``) and runs nothing. Keys belong to
the API token that sent them and are kept 24 hours.
"""

from __future__ import annotations

import re

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from rantai.api.problems import problem_responses
from rantai.idempotent import IdempotentRoute
from rantai.identity import idempotency
from rantai.identity import repository as identity_repo
from rantai.kit.clock import now
from rantai.kit.ids import token_digest

HEADER = "Idempotency-Key"
# Visible ASCII, no spaces: a UUID, a ULID, a hash. Anything else is refused by the header's check.
_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(_KEY_PATTERN)

DESCRIPTION = (
    "Optional. A key of your making (a UUID) that makes a retry safe: a repeated request with the same key "
    "and the same method, path and body gets the first answer again (with `Idempotent-Replayed: true`) "
    "and changes nothing. The same key with a different request is refused (422); while the first "
    "request is still running, a repeat gets 409 with Retry-After. User errors (4xx) are kept and "
    "replayed; server errors (5xx) are not, so a retry runs again. Keys belong to the API token and are "
    "kept for 24 hours; an answer holding a secret shown once (a new API token) is not kept, and its "
    "repeat gets 409."
)


def idempotency_key_header(
    key: str | None = Header(
        None,
        alias=HEADER,
        min_length=1,
        max_length=idempotency.KEY_MAX,
        pattern=_KEY_PATTERN,
        description=DESCRIPTION,
    ),
) -> str | None:
    """Documents and checks the header; the route class reads it before anything runs."""
    return key


class ApiIdempotentRoute(IdempotentRoute):
    keeps_client_errors = True

    async def request_key(self, request: Request) -> str | None:
        key = request.headers.get(HEADER)
        return key if key is not None and _KEY.match(key) else None  # a bad key: the header check's 422

    async def request_fingerprint(self, request: Request) -> str:
        url = request.url
        return idempotency.fingerprint(request.method, url.path, url.query, await request.body())

    def caller_of(self, session: Session, request: Request) -> str | None:
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        # Read only (resolving the token for the route would note its use): the route checks it fully.
        token = identity_repo.api_token_by_digest(session, token_digest(secret.strip()))
        if token is None or token.revoked_at is not None:
            return None
        if token.expires_at is not None and token.expires_at <= now():
            return None
        return f"token:{token.id}"


ADOPT = {
    "dependencies": [Depends(idempotency_key_header)],
    "responses": problem_responses(409),
}
