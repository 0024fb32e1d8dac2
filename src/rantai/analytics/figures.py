"""A few live figures of the whole programme, for the public front door and the operator's home.

Counts only, over every organization: no figure names a business, so anyone may read them. The public
transparency page (issue #13's monitoring work) holds the KPIs proper; these are the headline numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from rantai.orders.models import PurchaseOrder
from rantai.orders.state import PoStatus
from rantai.sourcing.models import Need
from rantai.suppliers.models import SupplierProfile


@dataclass(frozen=True, slots=True)
class ProgramFigures:
    verified_suppliers: int
    provinces: int  # provinces where a verified supplier is
    open_needs: int
    buyers: int  # organizations that have published a need
    orders: int  # purchase orders issued and not cancelled or declined
    orders_value: int  # their total, whole Rupiah


def program_figures(session: Session) -> ProgramFigures:
    """The headline numbers, in three queries (the suppliers', the needs', the orders')."""
    verified, provinces = session.execute(
        select(func.count(), func.count(distinct(SupplierProfile.province_code))).where(
            SupplierProfile.status == "verified"
        )
    ).one()
    open_needs, buyers = session.execute(
        select(
            func.count().filter(Need.status == "open"),
            func.count(distinct(Need.organization_id)).filter(Need.published_at.is_not(None)),
        )
    ).one()
    orders, value = session.execute(
        select(func.count(), func.coalesce(func.sum(PurchaseOrder.total), 0)).where(
            PurchaseOrder.status.not_in([PoStatus.CANCELLED.value, PoStatus.DECLINED.value])
        )
    ).one()
    return ProgramFigures(
        verified_suppliers=int(verified),
        provinces=int(provinces),
        open_needs=int(open_needs or 0),
        buyers=int(buyers or 0),
        orders=int(orders),
        orders_value=int(value or 0),
    )


@dataclass(frozen=True, slots=True)
class SupplierStatusCounts:
    """Supplier profiles per verification status (the operator's view of the registry's pipeline)."""

    draft: int
    submitted: int
    verified: int
    rejected: int


def supplier_status_counts(session: Session) -> SupplierStatusCounts:
    counts = dict(
        session.execute(select(SupplierProfile.status, func.count()).group_by(SupplierProfile.status)).all()
    )
    return SupplierStatusCounts(
        draft=int(counts.get("draft", 0)),
        submitted=int(counts.get("submitted", 0)),
        verified=int(counts.get("verified", 0)),
        rejected=int(counts.get("rejected", 0)),
    )
