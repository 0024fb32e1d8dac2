"""A supplier's tax status as it declares it (issue #12): PKP or not (a PKP charges PPN and gives an
e-Faktur serial), and its certificate for the 0.5% final tax of PP 55/2022 with the date it is valid
until (with it the buyer withholds no PPh 22/23). Invoices read it on their date (``invoices.parties_for``);
changing it is the profile's business, audited in its log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity.policy import Action, Actor, can
from rantai.kit.text import N_
from rantai.orders import repository
from rantai.orders.errors import MSG_NOT_ALLOWED, OrderForbidden, OrderInvalid
from rantai.orders.models import SupplierTax
from rantai.suppliers.models import SupplierProfile

CERTIFICATE_MAX = 64
MSG_CERTIFICATE = N_("The certificate number is at most %(max)s characters.")
MSG_VALID_UNTIL = N_("A certificate that ended before today does not count; give its new valid-until date.")


def tax_status(session: Session, profile: SupplierProfile) -> SupplierTax:
    """The profile's declared tax status (not PKP, no certificate, when it declared none)."""
    return repository.supplier_tax(session, profile.id) or SupplierTax(supplier_id=profile.id, pkp=False)


def may_change(actor: Actor | None, profile: SupplierProfile) -> bool:
    return can(actor, Action.EDIT_SUPPLIER_PROFILE, profile)


def change_tax_status(
    session: Session,
    *,
    actor: Actor | None,
    profile: SupplierProfile,
    pkp: bool,
    final_tax_certificate: str | None,
    final_tax_valid_until: dt.date | None,
    today: dt.date,
) -> SupplierTax:
    """Declare PKP status and the PP 55/2022 certificate. Invoices made before keep the tax they had."""
    if not may_change(actor, profile):
        raise OrderForbidden(MSG_NOT_ALLOWED)
    certificate = (final_tax_certificate or "").strip() or None
    if certificate is not None and len(certificate) > CERTIFICATE_MAX:
        raise OrderInvalid(MSG_CERTIFICATE, field="final_tax_certificate", max=CERTIFICATE_MAX)
    until = final_tax_valid_until if certificate is not None else None
    if until is not None and until < today:
        raise OrderInvalid(MSG_VALID_UNTIL, field="final_tax_valid_until")
    row = repository.supplier_tax(session, profile.id)
    before = None if row is None else _facts(row)
    if row is None:
        row = SupplierTax(supplier_id=profile.id)
        session.add(row)
    row.pkp = pkp
    row.final_tax_certificate = certificate
    row.final_tax_valid_until = until
    session.flush()
    audit.record(
        session,
        Event.SUPPLIER_TAX_CHANGED,
        profile.id,
        [profile.organization_id],
        by=actor,
        before=before,
        after=_facts(row),
    )
    return row


def _facts(row: SupplierTax) -> dict[str, object]:
    return {
        "pkp": row.pkp,
        "final_tax_certificate": row.final_tax_certificate,
        "final_tax_valid_until": row.final_tax_valid_until.isoformat() if row.final_tax_valid_until else None,
    }
