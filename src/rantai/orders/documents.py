"""Printable documents of an order (issue #12): what a PO version and a BAST say, as plain data, and the
PDF of each, rendered by a job and kept in file storage (``OrderDocument``).

The orders domain decides what a document says (which version's lines and terms, which numbers of the
parties may be printed); how it looks (the HTML template, WeasyPrint) is ``rantai.documents``, above the
domains, because domain packages import no Jinja2. A document is requested in the transaction that
makes its subject (``request``: a PO issued or amended, a BAST recorded); the job ``RENDER_JOB`` renders
it after the commit, and the doors serve it once ``ready``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from rantai import jobs
from rantai.identity import repository as identity_repository
from rantai.kit.clock import now
from rantai.kit.text import N_
from rantai.orders import repository
from rantai.orders.errors import OrderNotFound
from rantai.orders.models import OrderDocument, PurchaseOrder, Receipt
from rantai.reference import repository as reference_repository
from rantai.sourcing.rfq import service as rfq_service
from rantai.suppliers import repository as supplier_repository
from rantai.suppliers.service import holds_personal_data

PO = "po"
BAST = "bast"
KINDS = (PO, BAST)
QUEUED, READY, FAILED = "queued", "ready", "failed"
RENDER_JOB = "orders.render_document"
MSG_RECEIPT_NOT_FOUND = N_("There is no such goods receipt.")


# --- what a document says ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signatory:
    """A party as printed: its name, its registration numbers, and who signs for it (if known)."""

    name: str
    nib: str | None = None
    npwp: str | None = None
    signer: str | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name_id: str
    name_en: str


@dataclass(frozen=True, slots=True)
class PoLine:
    line_no: int
    name: str
    quantity: int
    unit: Unit | None
    unit_price: int
    amount: int


@dataclass(frozen=True, slots=True)
class PoContent:
    """One version of a PO as it was issued or amended (its lines and terms from the version's record)."""

    number: str
    revision: int
    reason: str | None  # why it was amended (None for the first version)
    issued_at: dt.datetime
    version_at: dt.datetime
    currency: str
    buyer: Signatory
    supplier: Signatory
    lines: tuple[PoLine, ...]
    total: int
    payment_terms_days: int
    incoterm: str | None
    incoterm_place: str | None
    second_language: str | None


@dataclass(frozen=True, slots=True)
class BastLine:
    line_no: int
    name: str
    unit: Unit | None
    accepted: int
    rejected: int
    reason: str | None


@dataclass(frozen=True, slots=True)
class BastContent:
    number: str
    received_on: dt.date
    po_number: str
    delivery_note: str | None  # the supplier's surat jalan number
    buyer: Signatory
    supplier: Signatory
    lines: tuple[BastLine, ...]
    note: str | None
    second_language: str | None


def _units(session: Session, codes: Sequence[str | None]) -> dict[str, Unit]:
    found = reference_repository.units_by_code(session, sorted({c for c in codes if c}))
    return {code: Unit(code, unit.name_id, unit.name_en) for code, unit in found.items()}


def _user_name(session: Session, user_id: int | None) -> str | None:
    user = identity_repository.user_by_id(session, user_id) if user_id else None
    return user.full_name if user else None


def _buyer(session: Session, organization_id: int, signer_id: int | None) -> Signatory:
    org = identity_repository.organization_by_id(session, organization_id)
    settings = rfq_service.buyer_settings(session, organization_id)
    return Signatory(name=org.name if org else "", npwp=settings.npwp, signer=_user_name(session, signer_id))


def _supplier(session: Session, po: PurchaseOrder) -> Signatory:
    profile = supplier_repository.by_id(session, po.supplier_id)
    if profile is None:
        return Signatory(name="")
    # A sole proprietor's NPWP is its owner's NIK (personal data, UU 27/2022): a PDF is one file for
    # every reader, so it is printed only when it is the business's own number.
    npwp = None if holds_personal_data(profile) else profile.npwp
    return Signatory(name=profile.business_name, nib=profile.nib, npwp=npwp)


def po_content(session: Session, po: PurchaseOrder, revision: int | None = None) -> PoContent:
    """What version ``revision`` (default: the one in force) of the PO says."""
    number = revision or po.revision
    version = repository.revision(session, po.id, number)
    content: dict[str, Any] = dict(version.content) if version else {}
    raw_lines: list[dict[str, Any]] = list(content.get("lines") or [])
    if not raw_lines:  # no version record: the PO as it stands
        raw_lines = [
            {
                "line_no": line.line_no,
                "name": line.name,
                "unit_code": line.unit_code,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in repository.po_lines(session, po.id)
        ]
    units = _units(session, [line.get("unit_code") for line in raw_lines])
    return PoContent(
        number=po.number,
        revision=number,
        reason=version.reason if version else None,
        issued_at=po.issued_at,
        version_at=version.made_at if version else po.issued_at,
        currency=str(content.get("currency") or po.currency),
        buyer=_buyer(session, po.organization_id, version.made_by_user_id if version else None),
        supplier=_supplier(session, po),
        lines=tuple(
            PoLine(
                line_no=int(line["line_no"]),
                name=str(line["name"]),
                quantity=int(line["quantity"]),
                unit=units.get(str(line.get("unit_code") or "")),
                unit_price=int(line["unit_price"]),
                amount=int(line["amount"]),
            )
            for line in sorted(raw_lines, key=lambda line: int(line["line_no"]))
        ),
        total=int(content.get("total") or po.total),
        payment_terms_days=int(content.get("payment_terms_days") or po.payment_terms_days),
        incoterm=content.get("incoterm", po.incoterm),
        incoterm_place=content.get("incoterm_place", po.incoterm_place),
        second_language=po.second_language,
    )


def receipt_of(session: Session, po: PurchaseOrder, receipt_id: int) -> Receipt:
    """A receipt of this PO (the caller has found the PO readable: ``purchase_orders.get_po``)."""
    found = repository.receipt(session, receipt_id)
    if found is None or found.po_id != po.id:
        raise OrderNotFound(MSG_RECEIPT_NOT_FOUND)
    return found


def bast_content(session: Session, po: PurchaseOrder, receipt: Receipt) -> BastContent:
    """What a goods receipt (BAST) says, line by line."""
    po_lines = {line.id: line for line in repository.po_lines(session, po.id)}
    received = sorted(
        repository.receipt_lines(session, receipt.id),
        key=lambda line: po_lines[line.po_line_id].line_no if line.po_line_id in po_lines else 0,
    )
    units = _units(session, [line.unit_code for line in po_lines.values()])
    delivery = repository.delivery(session, receipt.delivery_id) if receipt.delivery_id else None
    lines = []
    for line in received:
        ordered = po_lines.get(line.po_line_id)
        lines.append(
            BastLine(
                line_no=ordered.line_no if ordered else 0,
                name=ordered.name if ordered else "",
                unit=units.get(ordered.unit_code or "") if ordered else None,
                accepted=line.accepted,
                rejected=line.rejected,
                reason=line.reason,
            )
        )
    return BastContent(
        number=receipt.number,
        received_on=receipt.received_on,
        po_number=po.number,
        delivery_note=delivery.number if delivery else None,
        buyer=_buyer(session, po.organization_id, receipt.recorded_by_user_id),
        supplier=_supplier(session, po),
        lines=tuple(lines),
        note=receipt.note,
        second_language=po.second_language,
    )


# --- the PDF: requested with its subject, rendered by a job -----------------------------------------------


def request(session: Session, kind: str, subject_id: int, revision: int = 1) -> OrderDocument:
    """The PDF of a PO version (``kind`` PO, the PO's id) or a BAST (BAST, the receipt's id), queued for
    the render job in the caller's transaction (sent when it commits). Asking again for a document that
    failed queues it again; one queued or ready is left as it is."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    found = repository.document(session, kind, subject_id, revision)
    if found is None:
        found = OrderDocument(kind=kind, subject_id=subject_id, revision=revision, status=QUEUED)
        session.add(found)
    elif found.status == FAILED:
        found.status = QUEUED
        found.requested_at = now()
    else:
        return found
    session.flush()
    jobs.enqueue(session, RENDER_JOB, {"document_id": found.id})
    return found


def document(session: Session, kind: str, subject_id: int, revision: int = 1) -> OrderDocument | None:
    return repository.document(session, kind, subject_id, revision)


def document_by_id(session: Session, document_id: int) -> OrderDocument | None:
    return repository.document_by_id(session, document_id)


def mark_ready(session: Session, row: OrderDocument, *, storage_key: str, size: int) -> None:
    row.status = READY
    row.storage_key = storage_key
    row.size = size
    row.rendered_at = now()
    session.flush()


def mark_failed(session: Session, document_id: int) -> None:
    row = repository.document_by_id(session, document_id)
    if row is not None and row.status != READY:
        row.status = FAILED
        session.flush()
