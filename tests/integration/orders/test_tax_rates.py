"""The tax rate table on a real database: loaded with the reference data, the rate in force by date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from rantai.orders import repository


def test_the_ppn_rule_changes_on_1_january_2025(db: Session) -> None:
    before = repository.rates_on(db, dt.date(2024, 12, 31))
    after = repository.rates_on(db, dt.date(2025, 1, 1))
    assert (before.ppn.percent, before.ppn.base_numerator, before.ppn.base_denominator) == (Decimal(11), 1, 1)
    assert (after.ppn.percent, after.ppn.base_numerator, after.ppn.base_denominator) == (Decimal(12), 11, 12)
    assert after.pph22.percent == Decimal("1.5")
    assert after.pph23.percent == Decimal(2)
    # 11% in effect under both rules on Rp10.000.000.
    assert before.ppn.tax(10_000_000) == after.ppn.tax(10_000_000) == 1_100_000
