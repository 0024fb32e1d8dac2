"""The printed PO and BAST through the browser door (issue #12): the page version for the PO's buyer and
supplier, the PDF answered 202 "being prepared" (reloading itself) until the worker's job stored it,
then the PDF itself; anyone else is told the order does not exist."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from tests.factories.identity import log_in, make_org, make_user
from tests.factories.orders import make_po
from tests.integration.orders.test_order_documents import receipt_of

from rantai import jobs
from rantai.identity.roles import OrgType
from rantai.jobs.models import Job
from rantai.orders import documents
from rantai.orders.models import OrderDocument


def _run_render_jobs(db: Session, job_queue: jobs.InlineQueue) -> None:
    """The worker's turn: the PO and receipt were written through the test's session, which sends no
    job to the queue on commit, so the test sends them as the queue would."""
    for job in db.scalars(select(Job).where(Job.kind == documents.RENDER_JOB, Job.status == "queued")):
        job_queue.push(job.id)
    job_queue.run_pending()


def test_the_buyer_and_the_supplier_print_the_po_and_get_its_pdf_once_rendered(
    client: TestClient, db: Session, job_queue: jobs.InlineQueue
) -> None:
    job_queue.immediate = False
    made = make_po(db)
    receipt = receipt_of(db, made)
    po = made.po
    log_in(client, made.setup.bidders[0].user)
    detail = client.get(f"/orders/{po.id}").text  # the PO's page links its printed forms
    assert f'href="/orders/{po.id}/print"' in detail and f'href="/orders/{po.id}/po.pdf"' in detail
    assert f'href="/orders/{po.id}/receipts/{receipt.id}/bast.pdf"' in detail
    page = client.get(f"/orders/{po.id}/print")
    assert page.status_code == 200 and po.number in page.text
    assert (
        'href="/print/document.css"' in page.text and f'href="/orders/{po.id}/po.pdf?revision=1"' in page.text
    )
    css = client.get("/print/document.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")

    waiting = client.get(f"/orders/{po.id}/po.pdf")
    assert waiting.status_code == 202 and waiting.headers["refresh"] == "2"
    assert 'data-testid="pdf-pending"' in waiting.text and po.number in waiting.text
    _run_render_jobs(db, job_queue)
    pdf = client.get(f"/orders/{po.id}/po.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and "PO-" in pdf.headers["content-disposition"]
    assert po.number in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()

    log_in(client, made.setup.user)  # the buyer: the BAST as a page and as a PDF
    bast_page = client.get(f"/orders/{po.id}/receipts/{receipt.id}/print")
    assert (
        bast_page.status_code == 200
        and receipt.number in bast_page.text
        and "Kemasan sobek" in bast_page.text
    )
    bast = client.get(f"/orders/{po.id}/receipts/{receipt.id}/bast.pdf")
    assert bast.status_code == 200 and bast.content.startswith(b"%PDF-")
    # A receipt is found only under its own PO; a version that does not exist shows the one in force.
    assert client.get(f"/orders/{po.id}/receipts/{receipt.id + 1000}/print").status_code == 404
    assert 'data-testid="doc-version">1<' in client.get(f"/orders/{po.id}/print?revision=9").text


def test_a_foreign_buyers_printed_po_is_bilingual(client: TestClient, db: Session) -> None:
    made = make_po(db)
    made.po.second_language = "en"
    db.flush()
    log_in(client, made.setup.user)
    page = client.get(f"/orders/{made.po.id}/print")
    assert page.status_code == 200
    assert "Pemasok / Supplier" in page.text and "Harga satuan / Unit price" in page.text
    assert 'lang="id-en"' in page.text


def test_a_stranger_is_told_the_documents_do_not_exist(client: TestClient, db: Session) -> None:
    made = make_po(db)
    receipt = receipt_of(db, made)
    stranger = make_user(db, make_org(db, OrgType.BUMN))
    log_in(client, stranger)
    po_id = made.po.id
    for url in (
        f"/orders/{po_id}/print",
        f"/orders/{po_id}/po.pdf",
        f"/orders/{po_id}/receipts/{receipt.id}/print",
        f"/orders/{po_id}/receipts/{receipt.id}/bast.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert made.po.number not in response.text and receipt.number not in response.text


def test_a_document_never_asked_for_is_made_when_first_opened(
    client: TestClient, db: Session, job_queue: jobs.InlineQueue
) -> None:
    """A PO or BAST written without its PDF (before PDFs existed, or loaded in bulk like the demo's
    history) is asked for on its first opening: the link leads to "being prepared", then to the PDF."""
    job_queue.immediate = False
    made = make_po(db)
    receipt = receipt_of(db, made)
    po = made.po
    db.execute(delete(OrderDocument))
    db.commit()
    log_in(client, made.setup.user)
    for url in (f"/orders/{po.id}/po.pdf", f"/orders/{po.id}/receipts/{receipt.id}/bast.pdf"):
        first = client.get(url)
        assert first.status_code == 202 and 'data-testid="pdf-pending"' in first.text, url
        assert client.get(url).status_code == 202  # asked for once: still the one row, still queued
    assert db.scalar(select(func.count()).select_from(OrderDocument)) == 2
    _run_render_jobs(db, job_queue)
    for url in (f"/orders/{po.id}/po.pdf", f"/orders/{po.id}/receipts/{receipt.id}/bast.pdf"):
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), url
