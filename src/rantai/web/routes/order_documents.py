"""Printable PO versions and BAST (issue #12): the document as a page (``/print``) and its PDF, rendered by
the worker (``rantai.documents.tasks``) and served from file storage once ready. While the job runs the
PDF's address answers 202 with a page that reloads itself. Who may see them: whoever may see the PO
(``purchase_orders.get_po``: its buyer and its supplier; anyone else is told it does not exist).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import begin_writing
from rantai.documents import render
from rantai.orders import documents, purchase_orders
from rantai.orders.models import OrderDocument, PurchaseOrder
from rantai.web.auth import require_viewer
from rantai.web.downloads import content_disposition
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.templating import render as render_page

router = APIRouter()

STYLESHEET_HREF = "/print/document.css"
REFRESH_SECONDS = 2  # the job takes about a second; the page asks again until the PDF is there


def _po(db: Session, viewer: Viewer, po_id: int) -> PurchaseOrder:
    return purchase_orders.get_po(db, actor=viewer.actor, po_id=po_id)


def _revision(po: PurchaseOrder, revision: int) -> int:
    """The version asked for, or the one in force."""
    return revision if 1 <= revision <= po.revision else po.revision


def _page(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers={"Cache-Control": "private, no-cache"})


@router.get("/print/document.css")
def stylesheet() -> Response:
    """The printed documents' stylesheet (the PDF gets the same file from ``rantai.documents``)."""
    return Response(
        render.stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/orders/{po_id:id}/print")
def print_po(
    po_id: int, revision: int = 0, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    po = _po(db, viewer, po_id)
    number = _revision(po, revision)
    screen = render.Screen(
        STYLESHEET_HREF,
        (
            (f"/orders/{po.id}", viewer._("Back to the order")),
            (f"/orders/{po.id}/po.pdf?revision={number}", viewer._("Download PDF")),
        ),
    )
    return _page(render.html_of(documents.po_content(db, po, number), screen=screen))


@router.get("/orders/{po_id:id}/po.pdf")
def po_pdf(
    request: Request,
    po_id: int,
    revision: int = 0,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    po = _po(db, viewer, po_id)
    number = _revision(po, revision)
    row = _document(db, documents.PO, po.id, number)
    name = f"{po.number.replace('/', '-')}-v{number}.pdf"
    return _pdf(
        request,
        viewer,
        row,
        po,
        number=po.number,
        name=name,
        print_href=f"/orders/{po.id}/print?revision={number}",
    )


@router.get("/orders/{po_id:id}/receipts/{receipt_id:id}/print")
def print_bast(
    po_id: int, receipt_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    po = _po(db, viewer, po_id)
    receipt = documents.receipt_of(db, po, receipt_id)
    screen = render.Screen(
        STYLESHEET_HREF,
        (
            (f"/orders/{po.id}", viewer._("Back to the order")),
            (f"/orders/{po.id}/receipts/{receipt.id}/bast.pdf", viewer._("Download PDF")),
        ),
    )
    return _page(render.html_of(documents.bast_content(db, po, receipt), screen=screen))


@router.get("/orders/{po_id:id}/receipts/{receipt_id:id}/bast.pdf")
def bast_pdf(
    request: Request,
    po_id: int,
    receipt_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    po = _po(db, viewer, po_id)
    receipt = documents.receipt_of(db, po, receipt_id)
    row = _document(db, documents.BAST, receipt.id)
    return _pdf(
        request,
        viewer,
        row,
        po,
        number=receipt.number,
        name=f"{receipt.number.replace('/', '-')}.pdf",
        print_href=f"/orders/{po.id}/receipts/{receipt.id}/print",
    )


def _document(db: Session, kind: str, subject_id: int, revision: int = 1) -> OrderDocument:
    """The document's PDF row; one never asked for (a PO or BAST made before PDFs existed, or loaded in
    bulk such as the demo's history) is asked for now, so the link leads to a PDF a few seconds later
    rather than to an error. Asking twice gives the same row (``documents.request``)."""
    row = documents.document(db, kind, subject_id, revision)
    if row is None:
        begin_writing(db)  # a GET reads; this one queues the render once
        row = documents.request(db, kind, subject_id, revision)
    return row


def _pdf(
    request: Request,
    viewer: Viewer,
    row: OrderDocument | None,
    po: PurchaseOrder,
    *,
    number: str,
    name: str,
    print_href: str,
) -> Response:
    """The stored PDF; while it is queued a 202 page that reloads itself; when it failed, or its file is
    gone, a 404 page pointing to the printable page."""
    data: bytes | None = None
    if row is not None and row.status == documents.READY and row.storage_key:
        try:
            data = request.app.state.storage.get(row.storage_key)
        except FileNotFoundError:
            data = None
    if data is not None:
        return Response(
            data,
            media_type="application/pdf",
            headers={
                "Content-Disposition": content_disposition("inline", name, fallback="dokumen.pdf"),
                "Cache-Control": "private, no-cache",
            },
        )
    preparing = row is not None and row.status == documents.QUEUED
    response = render_page(
        request,
        "order_documents/pending.html",
        viewer,
        {"number": number, "preparing": preparing, "print_href": print_href, "back_href": f"/orders/{po.id}"},
        status_code=202 if preparing else 404,
    )
    if preparing:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
