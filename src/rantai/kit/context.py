"""Context carried through one request or command without passing it everywhere (the request id)."""

from __future__ import annotations

from contextvars import ContextVar

# Set by the web/API door for each request so log lines and audit entries can be traced to it.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
