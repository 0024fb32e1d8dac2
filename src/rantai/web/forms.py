"""Posted forms for synchronous handlers.

Handlers that touch the database are plain ``def`` functions, which FastAPI runs in its thread pool. An
``async def`` handler calling the synchronous database would run the query on the event loop: when that
query waits for a row lock, the whole process stops serving, including the request holding the lock
(issue #9, finding 2). Reading the body is the only thing that needs ``await``, so it happens here, in a
dependency, before the handler runs.
"""

from __future__ import annotations

from fastapi import Depends, Request
from starlette.datastructures import FormData, UploadFile

from rantai.kit.text import ascii_digits


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
