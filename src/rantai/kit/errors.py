"""Errors a user can cause. Each carries an HTTP status and a translatable message.

The message is an English msgid that the doors translate into the user's language; ``params`` fill its
placeholders. Services raise these; doors turn them into a page, a problem+json body or a CLI message.
"""

from __future__ import annotations

from typing import Any, ClassVar


class UserError(Exception):
    """Something the user can fix. Nothing has been written when it is raised."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"

    def __init__(self, message: str, /, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


class NotFound(UserError):
    status_code = 404
    code = "not-found"


class Forbidden(UserError):
    status_code = 403
    code = "forbidden"


class Unauthorized(UserError):
    status_code = 401
    code = "unauthorized"


class Conflict(UserError):
    status_code = 409
    code = "conflict"


class Invalid(UserError):
    status_code = 422
    code = "invalid"


class TooManyAttempts(UserError):
    status_code = 429
    code = "too-many-attempts"
