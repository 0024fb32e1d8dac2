"""The worker's job ``orders.render_document``: renders the PDF of an ``OrderDocument`` (a PO version, a
BAST), puts it in file storage and marks it ready, in the transaction that ends the job.

The content is read in one short transaction and the PDF made outside any (WeasyPrint takes a fraction
of a second, no lock should wait on it). A retry after a crash renders again; a file stored by an attempt
whose commit failed is left unreferenced (harmless, like an upload whose form was never saved). After the
last attempt the document is marked failed, and the page says so.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy.orm import Session

from rantai import jobs
from rantai.db import transaction
from rantai.documents.render import html_of, pdf_of
from rantai.kit.storage import LocalStorage
from rantai.orders import documents, repository
from rantai.orders.documents import BastContent, PoContent
from rantai.orders.models import OrderDocument

log = logging.getLogger("rantai.documents")
GONE = "the document's order or receipt no longer exists"


def storage_of(context: jobs.Context) -> LocalStorage:
    """The file storage the web process reads (``app.state.storage``: ``RANTAI_DATA_DIR/files``)."""
    return LocalStorage(context.data_dir / "files")


def _content(session: Session, row: OrderDocument) -> PoContent | BastContent | None:
    if row.kind == documents.PO:
        po = repository.po(session, row.subject_id)
        return documents.po_content(session, po, row.revision) if po else None
    receipt = repository.receipt(session, row.subject_id)
    po = repository.po(session, receipt.po_id) if receipt else None
    return documents.bast_content(session, po, receipt) if po and receipt else None


def _give_up(session: Session, context: jobs.Context, payload: dict[str, Any]) -> None:  # noqa: ARG001
    documents.mark_failed(session, int(payload["document_id"]))


@jobs.task(documents.RENDER_JOB, max_attempts=3, give_up=_give_up)
def render_document(attempt: jobs.Attempt) -> None:
    document_id = int(attempt.payload["document_id"])
    factory = attempt.context.factory
    with transaction(factory) as session:
        row = documents.document_by_id(session, document_id)
        content = _content(session, row) if row is not None and row.status != documents.READY else None
        done = row is None or row.status == documents.READY
    if done:  # asked twice, or rendered by an attempt whose job end was lost: nothing to do
        with transaction(factory, write=True) as session:
            attempt.complete(session)
        return
    if content is None:
        with transaction(factory, write=True) as session:
            documents.mark_failed(session, document_id)
            attempt.fail(session, GONE)
        return
    started = time.perf_counter()
    pdf = pdf_of(html_of(content))
    key = storage_of(attempt.context).put(pdf, suffix=".pdf")
    with transaction(factory, write=True) as session:
        row = documents.document_by_id(session, document_id)
        if row is None:
            attempt.fail(session, GONE)
            return
        documents.mark_ready(session, row, storage_key=key, size=len(pdf))
        attempt.complete(session)
    log.info(
        "document %s (%s) rendered in %.0f ms",
        document_id,
        content.number,
        (time.perf_counter() - started) * 1000,
    )
