"""Printed POs and BAST (issue #12): rendered to a real PDF by WeasyPrint whose text says the number,
the lines and the total; bilingual labels for a foreign buyer; the render job requested with the PO,
its amendment and the BAST, stored in file storage and marked ready."""

from __future__ import annotations

import io
import time
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories.orders import Ordered, make_po

from rantai import jobs
from rantai.documents import tasks
from rantai.documents.render import html_of, pdf_of
from rantai.i18n import translate
from rantai.jobs.models import Job
from rantai.kit.clock import today
from rantai.orders import documents, fulfilment, purchase_orders, repository
from rantai.orders.fulfilment import Received
from rantai.orders.models import OrderDocument, Receipt

QUANTITY = 5000  # the need factory's line


def both(message: str) -> str:
    """A label as a foreign buyer's document shows it: Bahasa Indonesia, then English."""
    indonesian = translate("id", message)
    return indonesian if indonesian == message else f"{indonesian} / {message}"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def receipt_of(db: Session, made: Ordered) -> Receipt:
    (line,) = repository.po_lines(db, made.po.id)
    day = today()
    delivery = fulfilment.record_delivery(
        db,
        actor=made.setup.bidders[0].actor,
        po=made.po,
        note_number="SJ-0042",
        shipped_on=day,
        quantities={line.id: 300},
    )
    return fulfilment.record_receipt(
        db,
        actor=made.setup.actor,
        po=made.po,
        received_on=day,
        delivery_id=delivery.id,
        lines_received={line.id: Received(accepted=290, rejected=10, reason="Kemasan sobek")},
    )


def test_a_po_prints_to_a_pdf_that_says_its_number_lines_and_total(db: Session) -> None:
    made = make_po(db, accepted=False)
    content = documents.po_content(db, made.po)
    html = html_of(content)
    html_of(content)  # the template compiled once; the figure below is one render as the worker does it
    pdf_of(html)  # WeasyPrint and Pango loaded once per worker process, not per document
    started = time.perf_counter()
    data = pdf_of(html_of(content))
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"\none PO rendered to PDF in {elapsed_ms:.0f} ms ({len(data):,} bytes)")  # noqa: T201
    text = pdf_text(data)
    assert made.po.number in text
    # A domestic buyer's document is in Bahasa Indonesia alone.
    assert translate("id", "Purchase order") in text
    assert "Pemasok" in text and "Harga satuan" in text and "Unit price" not in text
    assert "Rp50.000.000" in text  # 5,000 x Rp10.000, the Indonesian way
    assert made.setup.bidders[0].profile.nib in text
    assert made.setup.org.name in text
    assert elapsed_ms < 5000  # "ready within seconds"


def test_a_foreign_buyers_documents_say_every_label_in_both_languages(db: Session) -> None:
    made = make_po(db)
    made.po.second_language = "en"
    receipt = receipt_of(db, made)
    po_html = html_of(documents.po_content(db, made.po))
    for label in ("Pemasok / Supplier", "Harga satuan / Unit price", "Jumlah / Quantity", "Satuan / Unit"):
        assert label in po_html
    assert both("Number") in po_html and both("Purchase order") in po_html  # "Nomor / Number"
    bast_html = html_of(documents.bast_content(db, made.po, receipt))
    assert "Diterima / Accepted" in bast_html and "Ditolak / Rejected" in bast_html
    text = pdf_text(pdf_of(po_html))
    assert "Pemasok / Supplier" in text and "Harga satuan / Unit price" in text
    made.po.second_language = None
    assert "Pemasok / Supplier" not in html_of(documents.po_content(db, made.po))


def test_the_bast_prints_like_the_po(db: Session) -> None:
    made = make_po(db)
    receipt = receipt_of(db, made)
    text = pdf_text(pdf_of(html_of(documents.bast_content(db, made.po, receipt))))
    assert receipt.number in text and made.po.number in text
    assert "SJ-0042" in text and "Kemasan sobek" in text
    assert "290" in text and "10" in text


def test_an_amended_po_prints_each_version_as_it_was(db: Session) -> None:
    made = make_po(db)
    (line,) = repository.po_lines(db, made.po.id)
    purchase_orders.amend(
        db,
        actor=made.setup.actor,
        po=made.po,
        data=purchase_orders.Amendment(reason="Tambah 500 unit", quantities={line.id: QUANTITY + 500}),
    )
    first = html_of(documents.po_content(db, made.po, 1))
    second = html_of(documents.po_content(db, made.po, 2))
    assert "Rp50.000.000" in first and "Tambah 500 unit" not in first
    assert "Rp55.000.000" in second and "Tambah 500 unit" in second
    kinds = {(d.kind, d.revision) for d in db.scalars(select(OrderDocument)) if d.subject_id == made.po.id}
    assert {("po", 1), ("po", 2)} <= kinds


def test_the_render_job_stores_each_pdf_and_marks_it_ready(
    db: Session, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    import rantai.worker  # noqa: F401, PLC0415 - registers every task, as the worker does

    made = make_po(db)
    receipt = receipt_of(db, made)
    po_doc = documents.document(db, documents.PO, made.po.id, 1)
    bast_doc = documents.document(db, documents.BAST, receipt.id)
    assert po_doc is not None and bast_doc is not None
    assert (po_doc.status, bast_doc.status) == ("queued", "queued")
    queued = [
        job.id
        for job in db.scalars(select(Job).where(Job.kind == documents.RENDER_JOB))
        if job.payload["document_id"] in {po_doc.id, bast_doc.id}
    ]
    assert len(queued) == 2
    # Asking again for a document queued or ready adds no second job.
    assert documents.request(db, documents.PO, made.po.id, 1) is po_doc
    assert len(list(db.scalars(select(Job).where(Job.kind == documents.RENDER_JOB)))) == len(queued)

    queue = jobs.InlineQueue(jobs.Context(session_factory, tmp_path))
    for job_id in queued:
        queue.push(job_id)
    assert queue.run_pending() == 2
    for row, number in ((po_doc, made.po.number), (bast_doc, receipt.number)):
        db.refresh(row)
        assert row.status == "ready" and row.rendered_at is not None and row.storage_key
        stored = tasks.storage_of(queue.context).get(row.storage_key)
        assert row.size == len(stored) and number in pdf_text(stored)
    assert {db.get(Job, job_id).status for job_id in queued} == {"done"}  # type: ignore[union-attr]


def test_a_document_whose_subject_is_gone_fails_without_retrying(
    db: Session, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    import rantai.worker  # noqa: F401, PLC0415

    row = OrderDocument(kind=documents.BAST, subject_id=2_000_000_000, revision=1)
    db.add(row)
    db.flush()
    job = jobs.enqueue(db, documents.RENDER_JOB, {"document_id": row.id})
    queue = jobs.InlineQueue(jobs.Context(session_factory, tmp_path))
    queue.push(job.id)
    queue.run_pending()
    db.refresh(row)
    db.refresh(job)
    assert (row.status, job.status, job.attempts) == ("failed", "failed", 1)
    # Asked again (the document can be made once more), it is queued again.
    assert documents.request(db, documents.BAST, row.subject_id).status == "queued"
