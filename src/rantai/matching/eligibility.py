"""The hard rules of a need line: who may be shortlisted at all.

A supplier is eligible for a line when it is verified (unless the caller includes unverified
suppliers), holds every required certificate valid on the needed-by day (today when there is none), is
no large firm (`besar`) on a UMKM-only line, and lies in the line's region when one is given. These
rules become index `Filters` (`need_filters`), so that only eligible suppliers come back from a
search, and are checked again in Python (`supplier_failures`) to say why a supplier is not there.

One rule is per offer and checked in Python only: capacity. When an offer declares a monthly capacity
and the line a quantity in a comparable unit, the capacity over the months available must cover the
quantity. The months available are the days from today to the needed-by day, less the offer's lead
time, over 30; at least `min_window_days` (a line due sooner than the lead time allows is judged on a
short window, not excluded for time: lead time is no rule of its own); `horizon_months` when the line
has no needed-by day. Unknown capacity, no quantity, or units that do not convert: no capacity rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rantai.matching.facts import HISTORY, NeedLine, OfferFacts, SupplierFacts, supplier_terms
from rantai.matching.index import Filters
from rantai.matching.reasons import (
    CAPACITY_FITS,
    CAPACITY_PARTIAL,
    CAPACITY_SHORT,
    CERT_EXPIRED,
    CERT_MISSING,
    NOT_VERIFIED,
    REGION_OUTSIDE,
    SIZE_EXCLUDED,
    Reason,
)

LARGE: str = "besar"
DAYS_PER_MONTH: float = 30.0

Units = Mapping[str, tuple[str, float]]


def need_filters(
    need: NeedLine, *, include_unverified: bool = False, not_groups: tuple[str, ...] = ()
) -> Filters:
    """The line's hard rules (all but capacity) as index filters."""
    all_of = [f"cert:{code}" for code in dict.fromkeys(need.required_certs)]
    if not include_unverified:
        all_of.insert(0, "verified")
    if need.region:
        all_of.insert(0, need.region)
    return Filters(
        all_of=tuple(all_of),
        # Products only: a supplier's history documents are searched apart (`rantai.matching.history`).
        none_of=(f"scale:{LARGE}", HISTORY) if need.umkm_only else (HISTORY,),
        valid_on=need.valid_on if need.required_certs else None,
        not_groups=not_groups,
    )


def supplier_failures(
    supplier: SupplierFacts, need: NeedLine, *, include_unverified: bool = False
) -> list[Reason]:
    """The supplier-level rules `supplier` fails for `need`, in a fixed order (empty: eligible)."""
    failures = []
    if not include_unverified and not supplier.verified:
        failures.append(Reason.of(NOT_VERIFIED))
    for code in dict.fromkeys(need.required_certs):
        held, until = supplier.certificate_end(code)
        if not held:
            failures.append(Reason.of(CERT_MISSING, code=code))
        elif until is not None and until < need.valid_on:
            failures.append(Reason.of(CERT_EXPIRED, code=code, until=until))
    if need.umkm_only and supplier.size_class == LARGE:
        failures.append(Reason.of(SIZE_EXCLUDED, size=LARGE))
    if need.region and need.region not in supplier_terms(supplier):
        failures.append(Reason.of(REGION_OUTSIDE, region=need.region))
    return failures


def convert(amount: float, unit: str | None, to_unit: str | None, units: Units) -> float | None:
    """`amount` of `unit` in `to_unit`, through the units' common base (`units`: code -> (base code,
    factor to base)); None when either unit is unknown or they measure different things."""
    if unit is None or to_unit is None:
        return None
    if unit == to_unit:
        return amount
    base, factor = units.get(unit, (unit, 1.0))
    to_base, to_factor = units.get(to_unit, (to_unit, 1.0))
    if base != to_base or to_factor == 0:
        return None
    return amount * factor / to_factor


@dataclass(frozen=True, slots=True)
class Capacity:
    """An offer's capacity against a line: per month, the quantity in the offer's unit, the months
    available, and whether it covers the quantity."""

    per_month: int
    quantity: float
    months: float
    unit: str

    @property
    def ratio(self) -> float:
        """Capacity over the months available, over the quantity (1 or more: it covers it)."""
        return self.per_month * self.months / self.quantity if self.quantity > 0 else float("inf")

    @property
    def fits(self) -> bool:
        return self.ratio >= 1.0

    def reason(self) -> Reason:
        """`capacity_fits` or `capacity_short`, with the figures."""
        return Reason.of(
            CAPACITY_FITS if self.fits else CAPACITY_SHORT,
            per_month=self.per_month,
            quantity=_whole(self.quantity),
            months=round(self.months, 1),
            unit=self.unit,
        )

    def partial_reason(self) -> Reason:
        """`capacity_partial`: the share of the quantity the capacity covers (percent, rounded down)."""
        return Reason.of(
            CAPACITY_PARTIAL,
            per_month=self.per_month,
            quantity=_whole(self.quantity),
            months=round(self.months, 1),
            unit=self.unit,
            share_pct=min(99, int(100 * self.ratio)),
        )


def months_available(
    need: NeedLine, offer: OfferFacts, *, horizon_months: float = 1.0, min_window_days: int = 7
) -> float:
    """The production window for `offer` on `need`, in months (see the module docstring)."""
    if need.needed_by is None:
        return horizon_months
    days = (need.needed_by - need.today).days - (offer.lead_time_days or 0)
    return max(days, min_window_days) / DAYS_PER_MONTH


def capacity(
    offer: OfferFacts,
    need: NeedLine,
    units: Units,
    *,
    horizon_months: float = 1.0,
    min_window_days: int = 7,
) -> Capacity | None:
    """The capacity check of `offer` for `need`, or None when there is none to make."""
    if offer.capacity_per_month is None or not need.quantity or offer.unit is None:
        return None
    quantity = convert(need.quantity, need.unit, offer.unit, units)
    if quantity is None:
        return None
    months = months_available(need, offer, horizon_months=horizon_months, min_window_days=min_window_days)
    return Capacity(offer.capacity_per_month, quantity, months, offer.unit)


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 3)
