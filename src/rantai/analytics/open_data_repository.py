"""The queries of the OCDS open data (issue #15): one batch of RFQs and everything that followed from them,
read as plain rows (Core selects, no ORM objects kept), so an export holds one batch in memory at a time.

Published are the RFQs a public-sector buyer (a BUMN, a government agency) sent; a private or global
buyer's purchases are its business's and stay off the open data (docs/ocds.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from rantai.identity.models import Organization
from rantai.identity.roles import OrgType
from rantai.orders.models import (
    Delivery,
    DeliveryLine,
    Invoice,
    Payment,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderRevision,
    Receipt,
    ReceiptLine,
)
from rantai.reference.models import Region, Unit
from rantai.sourcing.models import NeedLine
from rantai.sourcing.rfq.models import Award, AwardLine, Rfq, RfqAmendment, RfqLine
from rantai.suppliers.models import SupplierProfile

PUBLIC_BUYERS = (OrgType.BUMN.value, OrgType.INSTANSI_PEMERINTAH.value)
PUBLISHED_RFQ = ("open", "evaluation", "awarded", "cancelled")

# A result row of the selects below (a named tuple of plain values); typed loosely because each select
# has its own columns, read by position or name by open_data.
AnyRow = Any


def _published() -> tuple[ColumnElement[bool], ...]:
    """The WHERE of a published RFQ: sent (a draft never is) by a public-sector buyer."""
    return (
        Rfq.sent_at.is_not(None),
        Rfq.status.in_(PUBLISHED_RFQ),
        Rfq.organization_id.in_(select(Organization.id).where(Organization.org_type.in_(PUBLIC_BUYERS))),
    )


def count_published(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Rfq).where(*_published())) or 0


def rfq_batch(session: Session, *, after_id: int = 0, offset: int = 0, limit: int) -> Sequence[AnyRow]:
    """A batch of published RFQs in id order: after ``after_id`` (an export's keyset) or at ``offset``
    (an API page)."""
    stmt = (
        select(
            Rfq.id,
            Rfq.organization_id,
            Rfq.number,
            Rfq.title,
            Rfq.description,
            Rfq.status,
            Rfq.published,
            Rfq.currency,
            Rfq.sent_at,
            Rfq.deadline,
            Rfq.revision,
            Rfq.cancelled_at,
        )
        .where(*_published(), Rfq.id > after_id)
        .order_by(Rfq.id)
        .offset(offset)
        .limit(limit)
    )
    return session.execute(stmt).all()


def rfq_lines(session: Session, rfq_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(
            RfqLine.rfq_id,
            RfqLine.id,
            RfqLine.line_no,
            RfqLine.name,
            RfqLine.quantity,
            Unit.name_id,
            RfqLine.hps,
            NeedLine.umkm_only,
            NeedLine.kemitraan_code,
            NeedLine.procurement_type,
        )
        .outerjoin(Unit, Unit.code == RfqLine.unit_code)
        .outerjoin(NeedLine, NeedLine.id == RfqLine.need_line_id)
        .where(RfqLine.rfq_id.in_(rfq_ids))
        .order_by(RfqLine.rfq_id, RfqLine.line_no)
    )
    return session.execute(stmt).all()


def amendments(session: Session, rfq_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(
            RfqAmendment.rfq_id,
            RfqAmendment.revision,
            RfqAmendment.made_at,
            RfqAmendment.reason,
            RfqAmendment.previous_deadline,
            RfqAmendment.previous_lines,
        )
        .where(RfqAmendment.rfq_id.in_(rfq_ids))
        .order_by(RfqAmendment.rfq_id, RfqAmendment.revision)
    )
    return session.execute(stmt).all()


def approved_awards(session: Session, rfq_ids: Sequence[int]) -> Sequence[AnyRow]:
    """Approved awards only: a pending or rejected award is the buyer's internal business."""
    stmt = (
        select(
            Award.rfq_id,
            Award.id,
            Award.decided_at,
            Award.approved_at,
            Award.reservation_note,
            Award.exception_reason.is_not(None),
        )
        .where(Award.rfq_id.in_(rfq_ids), Award.status == "approved")
        .order_by(Award.id)
    )
    return session.execute(stmt).all()


def award_lines(session: Session, award_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(
            AwardLine.award_id,
            AwardLine.rfq_line_id,
            AwardLine.supplier_id,
            AwardLine.quantity,
            AwardLine.unit_price,
            AwardLine.amount,
            AwardLine.size_class,
        )
        .where(AwardLine.award_id.in_(award_ids))
        .order_by(AwardLine.award_id, AwardLine.id)
    )
    return session.execute(stmt).all()


def orders(session: Session, award_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(
            PurchaseOrder.rfq_id,
            PurchaseOrder.id,
            PurchaseOrder.number,
            PurchaseOrder.award_id,
            PurchaseOrder.supplier_id,
            PurchaseOrder.status,
            PurchaseOrder.currency,
            PurchaseOrder.total,
            PurchaseOrder.issued_at,
            PurchaseOrder.accepted_at,
            PurchaseOrder.declined_at,
        )
        .where(PurchaseOrder.award_id.in_(award_ids))
        .order_by(PurchaseOrder.id)
    )
    return session.execute(stmt).all()


def order_lines(session: Session, po_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(
            PurchaseOrderLine.po_id,
            PurchaseOrderLine.id,
            PurchaseOrderLine.line_no,
            PurchaseOrderLine.name,
            PurchaseOrderLine.quantity,
            PurchaseOrderLine.unit_price,
            PurchaseOrderLine.amount,
            Unit.name_id,
            AwardLine.rfq_line_id,
        )
        .outerjoin(Unit, Unit.code == PurchaseOrderLine.unit_code)
        .outerjoin(AwardLine, AwardLine.id == PurchaseOrderLine.award_line_id)
        .where(PurchaseOrderLine.po_id.in_(po_ids))
        .order_by(PurchaseOrderLine.po_id, PurchaseOrderLine.line_no)
    )
    return session.execute(stmt).all()


def order_versions(session: Session, po_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(
            PurchaseOrderRevision.po_id,
            PurchaseOrderRevision.revision,
            PurchaseOrderRevision.made_at,
            PurchaseOrderRevision.reason,
            PurchaseOrderRevision.accepted_at,
            PurchaseOrderRevision.content,
        )
        .where(PurchaseOrderRevision.po_id.in_(po_ids))
        .order_by(PurchaseOrderRevision.po_id, PurchaseOrderRevision.revision)
    )
    return session.execute(stmt).all()


def deliveries(session: Session, po_ids: Sequence[int]) -> Sequence[AnyRow]:
    shipped = (
        select(func.coalesce(func.sum(DeliveryLine.quantity), 0))
        .where(DeliveryLine.delivery_id == Delivery.id)
        .scalar_subquery()
    )
    stmt = (
        select(Delivery.po_id, Delivery.id, Delivery.number, Delivery.shipped_on, shipped)
        .where(Delivery.po_id.in_(po_ids))
        .order_by(Delivery.id)
    )
    return session.execute(stmt).all()


def receipts(session: Session, po_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(
            Receipt.po_id,
            Receipt.id,
            Receipt.number,
            Receipt.received_on,
            func.coalesce(func.sum(ReceiptLine.accepted), 0),
            func.coalesce(func.sum(ReceiptLine.rejected), 0),
        )
        .outerjoin(ReceiptLine, ReceiptLine.receipt_id == Receipt.id)
        .where(Receipt.po_id.in_(po_ids))
        .group_by(Receipt.po_id, Receipt.id, Receipt.number, Receipt.received_on)
        .order_by(Receipt.id)
    )
    return session.execute(stmt).all()


def invoices(session: Session, po_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(
            Invoice.po_id,
            Invoice.id,
            Invoice.number,
            Invoice.issued_on,
            Invoice.due_on,
            Invoice.total,
            Invoice.settled_on,
        )
        .where(Invoice.po_id.in_(po_ids))
        .order_by(Invoice.id)
    )
    return session.execute(stmt).all()


def payments(session: Session, invoice_ids: Sequence[int]) -> Sequence[AnyRow]:
    stmt = (
        select(Payment.invoice_id, Payment.id, Payment.amount, Payment.paid_on)
        .where(Payment.invoice_id.in_(invoice_ids))
        .order_by(Payment.id)
    )
    return session.execute(stmt).all()


def suppliers(session: Session, supplier_ids: Sequence[int]) -> Sequence[AnyRow]:
    """What a supplier party shows: names, NIB, the NPWP (the mapper drops a person's), size class,
    whether a cooperative, and its province and kab/kota names; never the phone, email or address."""
    province = aliased(Region)
    kabkota = aliased(Region)
    stmt = (
        select(
            SupplierProfile.id,
            SupplierProfile.business_name,
            SupplierProfile.nib,
            SupplierProfile.legal_form,
            SupplierProfile.npwp,
            SupplierProfile.size_class,
            Organization.org_type,
            province.name,
            kabkota.name,
        )
        .join(Organization, Organization.id == SupplierProfile.organization_id)
        .outerjoin(province, province.code == SupplierProfile.province_code)
        .outerjoin(kabkota, kabkota.code == SupplierProfile.kabkota_code)
        .where(SupplierProfile.id.in_(supplier_ids))
    )
    return session.execute(stmt).all()


def buyers(session: Session, organization_ids: Sequence[int]) -> Sequence[AnyRow]:
    """A buyer's name, kind and region (its own, and the province above a kab/kota)."""
    own = aliased(Region)
    parent = aliased(Region)
    stmt = (
        select(Organization.id, Organization.name, Organization.org_type, own.level, own.name, parent.name)
        .outerjoin(own, own.code == Organization.region_code)
        .outerjoin(parent, parent.code == own.parent_code)
        .where(Organization.id.in_(organization_ids))
    )
    return session.execute(stmt).all()
