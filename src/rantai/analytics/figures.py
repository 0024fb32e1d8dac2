"""A few live figures of the whole programme, for the public front door and the operator's home.

Counts only, over every organization: no figure names a business, so anyone may read them. The
programme's KPIs proper are ``analytics.kpi`` (issue #15); these are the headline numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from rantai.analytics import repository
from rantai.orders.state import PoStatus


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
    verified, provinces = repository.verified_suppliers_and_provinces(session)
    open_needs, buyers = repository.open_needs_and_buyers(session)
    orders, value = repository.orders_and_value(
        session, leaving_out=(PoStatus.CANCELLED.value, PoStatus.DECLINED.value)
    )
    return ProgramFigures(
        verified_suppliers=verified,
        provinces=provinces,
        open_needs=open_needs,
        buyers=buyers,
        orders=orders,
        orders_value=value,
    )


@dataclass(frozen=True, slots=True)
class SupplierStatusCounts:
    """Supplier profiles per verification status (the operator's view of the registry's pipeline)."""

    draft: int
    submitted: int
    verified: int
    rejected: int


def supplier_status_counts(session: Session) -> SupplierStatusCounts:
    counts = repository.profiles_per_status(session)
    return SupplierStatusCounts(
        draft=counts.get("draft", 0),
        submitted=counts.get("submitted", 0),
        verified=counts.get("verified", 0),
        rejected=counts.get("rejected", 0),
    )
