"""How fast each buyer pays (issue #12): one function, for the buyer's profile, beside every PO a supplier
sees, and for the monitoring.

For every invoice, the days from its date (an invoice can only follow the goods receipt, BAST, so its
date is the later of the two) to its settlement; an invoice not yet settled counts with its age so far,
so a buyer that does not pay is not flattered by leaving invoices open. Per buyer:

- ``average_days``: the mean of those days over all its invoices (settled and open);
- ``on_time_rate``: of the invoices whose outcome is known (settled, or open past their due date), the
  share settled on or before the due date;
- ``overdue_share``: of all its invoices, the share open past their due date today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from rantai.identity import repository as identity_repository
from rantai.orders import repository
from rantai.orders.errors import MSG_BUYER_NOT_FOUND, OrderNotFound


@dataclass(frozen=True, slots=True)
class DaysToPay:
    invoices: int
    settled: int
    average_days: float
    on_time_rate: float | None  # None: no invoice whose outcome is known yet
    overdue_share: float

    @classmethod
    def of_counts(cls, counts: PayCounts) -> DaysToPay:
        """From a buyer's counts (at least one invoice). The monitoring's rollup tallies the same counts
        in SQL (`analytics.kpi`)."""
        return cls(
            invoices=counts.invoices,
            settled=counts.settled,
            average_days=counts.days / counts.invoices,
            on_time_rate=counts.on_time / counts.known if counts.known else None,
            overdue_share=counts.overdue / counts.invoices,
        )


class PayCounts(Protocol):
    """A buyer's invoices, the settled ones, the days of all (settled: to settlement; open: their age),
    those whose outcome is known, those settled on time, and those open past their due day."""

    @property
    def invoices(self) -> int: ...
    @property
    def settled(self) -> int: ...
    @property
    def days(self) -> int: ...
    @property
    def known(self) -> int: ...
    @property
    def on_time(self) -> int: ...
    @property
    def overdue(self) -> int: ...


@dataclass(slots=True)
class _Tally:
    invoices: int = 0
    settled: int = 0
    days: int = 0
    known: int = 0
    on_time: int = 0
    overdue: int = 0


def days_to_pay(
    session: Session, *, on: dt.date, organization_ids: Sequence[int] | None = None
) -> dict[int, DaysToPay]:
    """Days-to-pay of each buyer (all buyers with invoices, or those named) as of the day ``on``."""
    tallies: dict[int, _Tally] = {}
    for buyer, start, due, settled in repository.pay_clock_rows(session, organization_ids):
        tally = tallies.setdefault(buyer, _Tally())
        tally.invoices += 1
        if settled is not None:
            tally.settled += 1
            tally.days += max(0, (settled - start).days)
            tally.known += 1
            tally.on_time += settled <= due
        else:
            tally.days += max(0, (on - start).days)
            if on > due:
                tally.known += 1
                tally.overdue += 1
    return {buyer: DaysToPay.of_counts(tally) for buyer, tally in tallies.items()}


def published(session: Session, *, organization_id: int, on: dt.date) -> DaysToPay:
    """A buyer's days-to-pay as published to anyone logged in: only the aggregate (no invoice, no
    supplier). A buyer without invoices has zero of everything; an organization that does not exist is
    not found."""
    if identity_repository.organization_by_id(session, organization_id) is None:
        raise OrderNotFound(MSG_BUYER_NOT_FOUND)
    found = days_to_pay(session, on=on, organization_ids=[organization_id])
    return found.get(organization_id) or DaysToPay(
        invoices=0, settled=0, average_days=0.0, on_time_rate=None, overdue_share=0.0
    )
