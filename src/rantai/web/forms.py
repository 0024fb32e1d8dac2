"""Posted forms for synchronous handlers.

Handlers that touch the database are plain ``def`` functions, which FastAPI runs in its thread pool. An
``async def`` handler calling the synchronous database would run the query on the event loop: when that
query waits for a row lock, the whole process stops serving, including the request holding the lock
(issue #9, finding 2). Reading the body is the only thing that needs ``await``, so it happens here, in a
dependency, before the handler runs.

Creating forms carry a one-time ``form_key`` (``templates/_form_key.html``), and ``FormKeyRoute`` makes
a second POST with the same key answer like the first instead of creating again (issue #10).
"""

from __future__ import annotations

import hashlib
import json
import re

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from rantai.idempotent import IdempotentRoute
from rantai.identity import idempotency
from rantai.identity import service as identity
from rantai.kit.ids import new_token, token_digest
from rantai.kit.text import ascii_digits
from rantai.settings import Settings
from rantai.web.requestctx import CSRF_COOKIE, SESSION_COOKIE


async def posted_form(request: Request) -> FormData:
    """The request's form (cached by Starlette, so the CSRF check and the handler parse it once)."""
    return await request.form()


PostedForm = Depends(posted_form)


def text_fields(form: FormData) -> dict[str, str]:
    """The text fields of a form (the last value of a repeated name), files left out."""
    return {key: value for key, value in form.items() if isinstance(value, str)}


def chosen_file(form: FormData, name: str) -> UploadFile | None:
    """The file sent as ``name``, if one was chosen."""
    upload = form.get(name)
    return upload if isinstance(upload, UploadFile) and upload.filename else None


def read_upload(upload: UploadFile, limit: int) -> bytes:
    """At most ``limit`` bytes of an upload, read synchronously from its spooled file (in a worker thread)."""
    upload.file.seek(0)
    return upload.file.read(limit)


def posted_version(posted: FormData) -> int | None:
    """The version of the record a form or button was made from (``rantai.lifecycle``): None when absent
    or not a plain number, which the service then treats as "the version just read"."""
    raw = posted.get("version")
    if isinstance(raw, str) and ascii_digits(raw) and len(raw) <= 9:
        return int(raw)
    return None


# --- form keys: a double-clicked form makes no twins (issue #10) -----------------------------------

FORM_KEY_FIELD = "form_key"
_FORM_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_NOT_COMPARED = frozenset({FORM_KEY_FIELD, "csrf_token"})
FORM_WAIT_SECONDS = 10.0


def new_form_key() -> str:
    """A one-time key for a form, made when the page is drawn (``_form_key.html``). Nothing is stored
    until the form is sent: the first POST claims the key, a second one with it gets the first answer."""
    return new_token(18)


class FormKeyRoute(IdempotentRoute):
    """A browser POST carrying ``form_key`` runs once per key and caller (``rantai.idempotent``).

    The second of two double-clicked POSTs waits for the first (up to ``FORM_WAIT_SECONDS``) and gets
    its answer, the same redirect. Only answers below 400 are kept: a form with errors is shown again
    with a new key, and a user error changes nothing, so running it again is harmless. HTMX requests
    redraw part of a page and carry the form's key unchanged (a need's "add a line"), so they run as
    without a key."""

    keeps_client_errors = False
    wait_seconds = FORM_WAIT_SECONDS
    is_form = True

    async def request_key(self, request: Request) -> str | None:
        if request.headers.get("hx-request") == "true":
            return None  # a part of the page redrawn (a need's "add a line"), never a creation
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return None
        key = (await request.form()).get(FORM_KEY_FIELD)  # parsed once: the handler reads the same form
        return key if isinstance(key, str) and _FORM_KEY.match(key) else None

    async def request_fingerprint(self, request: Request) -> str:
        # The parsed fields, not the raw body: a browser draws a new multipart boundary for every send.
        form = await request.form()
        fields: list[list[str]] = []
        for name, value in form.multi_items():
            if name in _NOT_COMPARED or "password" in name:
                continue  # no password goes into a fast digest kept in the database
            if isinstance(value, UploadFile):
                value.file.seek(0)
                digest = hashlib.sha256()
                while chunk := value.file.read(1 << 20):
                    digest.update(chunk)
                value.file.seek(0)
                fields.append([name, value.filename or "", digest.hexdigest()])
            else:
                fields.append([name, value])
        body = json.dumps(sorted(fields)).encode()
        return idempotency.fingerprint(request.method, request.url.path, request.url.query, body)

    def caller_of(self, session: Session, request: Request) -> str | None:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            settings: Settings = request.app.state.settings
            resolved = identity.resolve_session(
                session, token, max_age_seconds=settings.session_max_age_seconds, touch=False
            )
            if resolved is not None:
                return f"user:{resolved[1].id}"
        csrf = request.cookies.get(CSRF_COOKIE)
        # A form sent before logging in (registration) belongs to the browser that drew it.
        return f"browser:{token_digest(csrf)[:40]}" if csrf else None
