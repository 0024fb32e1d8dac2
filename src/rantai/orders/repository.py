"""Every query of the orders domain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.orders.tax import Rate, Rates
from rantai.reference.models import TaxRate


def _rate(session: Session, code: str, on: dt.date) -> Rate:
    row = session.scalars(
        select(TaxRate)
        .where(TaxRate.code == code, TaxRate.effective_from <= on)
        .order_by(TaxRate.effective_from.desc())
        .limit(1)
    ).first()
    if row is None:
        raise LookupError(f"no {code} rate in force on {on} (is the reference data loaded?)")
    return Rate(Decimal(row.percent), row.base_numerator, row.base_denominator)


def rates_on(session: Session, on: dt.date) -> Rates:
    """The PPN, PPh 22 and PPh 23 rates in force on a day (``ref_tax_rate``)."""
    return Rates(
        ppn=_rate(session, "ppn", on), pph22=_rate(session, "pph22", on), pph23=_rate(session, "pph23", on)
    )
