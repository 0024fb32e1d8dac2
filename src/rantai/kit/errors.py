"""Errors a user can cause. Each carries an HTTP status and a translatable message.

The message is an English msgid that the doors translate into the user's language; ``params`` fill its
placeholders. Services raise these; doors turn them into a page, a problem+json body or a CLI message.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rantai.kit.text import N_


class UserError(Exception):
    """Something the user can fix. Nothing has been written when it is raised."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"

    def __init__(self, message: str, /, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the doors send with this error (none by default)."""
        return {}


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


class Gone(UserError):
    """It existed and was removed on purpose (a prepared file past its keeping time): ask for it again."""

    status_code = 410
    code = "gone"


class Invalid(UserError):
    status_code = 422
    code = "invalid"


class TooManyAttempts(UserError):
    status_code = 429
    code = "too-many-attempts"


MSG_BUSY = N_("Rantai is busy right now; nothing was saved. Try again in a moment.")


class Busy(UserError):
    """The database could not take the change in time (a lock held by another request, a serialization
    failure). Nothing was saved, and the same request is expected to work a moment later (issue #9)."""

    status_code = 503
    code = "busy"
    retry_after_seconds: ClassVar[int] = 2

    def __init__(self, message: str = MSG_BUSY, /, **params: Any) -> None:
        super().__init__(message, **params)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}
