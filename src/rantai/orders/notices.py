"""What orders tell people (through ``rantai.notifications``). A supplier's catalog managers open its
orders at ``/orders/<id>``, and so do the buyer's procurement officers: the page shows each side what it
may do, so every link leads where its reader may go."""

from __future__ import annotations

from sqlalchemy.orm import Session

from rantai.identity import recipients
from rantai.identity import repository as identity_repo
from rantai.identity.policy import Action
from rantai.kit.text import N_
from rantai.notifications import kinds
from rantai.notifications.service import notify
from rantai.orders.models import Invoice, PurchaseOrder

MSG_PO_ISSUED = N_("%(buyer)s issued purchase order %(number)s to your business. Accept or decline it.")
MSG_PO_AMENDED = N_("%(buyer)s amended purchase order %(number)s: %(reason)s. Accept the new version.")
MSG_PO_ACCEPTED = N_("%(supplier)s accepted purchase order %(number)s.")
MSG_PO_DECLINED = N_("%(supplier)s declined purchase order %(number)s.")
MSG_PO_CANCELLED = N_("%(buyer)s cancelled purchase order %(number)s: %(reason)s")
MSG_SHIPPED = N_("%(supplier)s shipped goods on purchase order %(number)s (delivery note %(note)s).")
MSG_RECEIVED = N_("%(buyer)s recorded goods receipt %(receipt)s on purchase order %(number)s.")
MSG_INVOICE = N_("%(supplier)s sent invoice %(invoice)s on purchase order %(number)s, due %(due)s.")
MSG_PAID = N_("%(buyer)s recorded a payment of %(amount)s on invoice %(invoice)s.")


def link(po_id: int) -> str:
    return f"/orders/{po_id}"


def _name(session: Session, organization_id: int) -> str:
    org = identity_repo.organization_by_id(session, organization_id)
    return org.name if org else ""


def _to_supplier(
    session: Session, po: PurchaseOrder, kind: kinds.Kind, message: str, **params: object
) -> None:
    people = recipients.members(session, po.supplier_organization_id, action=Action.MANAGE_CATALOG)
    values = {"buyer": _name(session, po.organization_id), "number": po.number, **params}
    notify(
        session,
        people,
        kind,
        message=message,
        params=values,
        link=link(po.id),
        organization_id=po.supplier_organization_id,
    )


def _to_buyer(session: Session, po: PurchaseOrder, kind: kinds.Kind, message: str, **params: object) -> None:
    people = recipients.members(session, po.organization_id, action=Action.CREATE_NEED)
    values = {"supplier": _name(session, po.supplier_organization_id), "number": po.number, **params}
    notify(
        session,
        people,
        kind,
        message=message,
        params=values,
        link=link(po.id),
        organization_id=po.organization_id,
    )


def po_issued(session: Session, po: PurchaseOrder) -> None:
    _to_supplier(session, po, kinds.PO_ISSUED, MSG_PO_ISSUED)


def po_amended(session: Session, po: PurchaseOrder, reason: str) -> None:
    _to_supplier(session, po, kinds.PO_ISSUED, MSG_PO_AMENDED, reason=reason)


def po_answered(session: Session, po: PurchaseOrder, *, accepted: bool) -> None:
    _to_buyer(session, po, kinds.PO_ANSWERED, MSG_PO_ACCEPTED if accepted else MSG_PO_DECLINED)


def po_cancelled(session: Session, po: PurchaseOrder, reason: str) -> None:
    _to_supplier(session, po, kinds.PO_CANCELLED, MSG_PO_CANCELLED, reason=reason)


def shipped(session: Session, po: PurchaseOrder, note: str) -> None:
    _to_buyer(session, po, kinds.DELIVERY_SHIPPED, MSG_SHIPPED, note=note)


def received(session: Session, po: PurchaseOrder, receipt_number: str) -> None:
    _to_supplier(session, po, kinds.GOODS_RECEIVED, MSG_RECEIVED, receipt=receipt_number)


def invoiced(session: Session, po: PurchaseOrder, invoice: Invoice) -> None:
    _to_buyer(
        session,
        po,
        kinds.INVOICE_RECEIVED,
        MSG_INVOICE,
        invoice=invoice.number,
        due=invoice.due_on.strftime("%d-%m-%Y"),
    )


def paid(session: Session, po: PurchaseOrder, invoice: Invoice, amount_text: str) -> None:
    _to_supplier(session, po, kinds.PAYMENT_RECEIVED, MSG_PAID, invoice=invoice.number, amount=amount_text)
