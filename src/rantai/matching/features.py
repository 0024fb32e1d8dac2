"""The soft features of a (supplier, offer) for a need line: each a value in 0..1, with its reason.

A feature the facts cannot say anything about (no price, no location, no code) is neutral (0.5), so
that missing data neither helps nor hurts much. The shortlist's score is the weighted mean of the
features (`combine`):

- `text`: the matcher's score of the best product, relative to the best of the search (1 = the best);
- `codes`: KBLI and HS agreement with the need's codes, or, when the need gives none, with the code
  most of the best matches carry: 1 when one code starts with the other, 0.5 when they share the
  KBLI group (3 digits) or the HS heading (4 digits), else 0; the mean of the two when both are known
  (a reason names the agreement only with a code the need stated);
- `capacity`: 0.5 when the capacity just covers the quantity, rising to 1 at twice the quantity, and
  half the share covered below it (a supplier covering part);
- `distance`: exp(-km / scale), 1 next door, 0.37 at `scale` km (300 by default; for perishable goods
  and daily services a third of it, and distance weighs more: `rantai.matching.reading`);
- `price`: 1 when the lowest unit price times the quantity is within the budget, (budget / total)^2
  above it (0.69 at 20% over, 0.25 at twice the budget);
- `track_record`: the on-time share of completed orders, smoothed towards a prior (0.7 over 10
  orders) so that 1 of 1 on time (0.73) does not beat 45 of 50 (0.87);
- `size`: 1 when the supplier's size class is the preferred one, 0 when it is another, neutral when
  the buyer states no preference;
- `history`: when some supplier's past packages fit the need, the relevance of the best package a
  supplier won, halved every two years of age (0 without one; `rantai.matching.history`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from rantai.matching.eligibility import Capacity, Units, convert
from rantai.matching.facts import NeedLine, OfferFacts, SupplierFacts
from rantai.matching.geo import haversine_km
from rantai.matching.reasons import (
    DISTANCE,
    HS_AGREES,
    KBLI_AGREES,
    PRICE_FITS,
    PRICE_OVER_BUDGET,
    SIZE_PREFERRED,
    TRACK_RECORD,
    Reason,
)

NEUTRAL: Final = 0.5
FEATURES: Final = (
    "text",
    "codes",
    "capacity",
    "distance",
    "price",
    "track_record",
    "size",
    "history",
    "history_fit",
)
_KBLI_GROUP: Final = 3  # digits of a KBLI group (golongan)
_HS_HEADING: Final = 4  # digits of an HS heading (pos)


@dataclass(frozen=True, slots=True)
class FeatureWeights:
    """How much each feature counts in the score (any non-negative scale; the score divides by the sum)."""

    text: float = 0.45
    codes: float = 0.10
    capacity: float = 0.10
    distance: float = 0.10
    price: float = 0.10
    track_record: float = 0.10
    size: float = 0.05
    history: float = 0.15  # counted only when some supplier's history fits the need
    # How the need's procurement type, value and delivery place fit the supplier's past packages
    # (`rantai.matching.history.profile_fit`); counted only when some history fits and the need carries
    # one of them. A little more than the words, as fitted on the 2026 central-government awards
    # (bench/matching_awards.py, second hold-outs disjoint from the measured rows): 0.5 while the bench
    # read fewer delivery places; 0.7 once it read the kecamatan named by a satker and suppliers found by
    # place alone came in (recall@10 0.446 against 0.430 at 0.5 over seven second hold-outs; 0.6 0.441,
    # 0.8 0.448, 1.0 0.436; with the earlier place reading 0.6 gave nothing, 0.407 against 0.406).
    history_fit: float = 0.7

    def of(self, name: str) -> float:
        """The weight of feature `name`."""
        return float(getattr(self, name))

    def as_dict(self) -> dict[str, float]:
        """Every feature's weight."""
        return {name: self.of(name) for name in FEATURES}


def combine(values: Mapping[str, float], weights: FeatureWeights | Mapping[str, float]) -> float:
    """The weighted mean of the feature values (0..1)."""
    weight = weights.as_dict() if isinstance(weights, FeatureWeights) else weights
    total = sum(weight[name] for name in values)
    if total <= 0:
        return 0.0
    return sum(weight[name] * value for name, value in values.items()) / total


def code_agreement(code: str | None, targets: Iterable[str], partial: int) -> float | None:
    """1 when `code` and a target start alike (one is the other's prefix), 0.5 when they share the
    first `partial` digits, 0 otherwise; None when there is nothing to compare."""
    wanted = [target for target in targets if target]
    if not code or not wanted:
        return None
    if any(code.startswith(target) or target.startswith(code) for target in wanted):
        return 1.0
    if len(code) >= partial and any(target[:partial] == code[:partial] for target in wanted):
        return 0.5
    return 0.0


def codes_feature(
    offer: OfferFacts,
    kbli: Iterable[str],
    hs: Iterable[str],
    *,
    stated_kbli: bool = True,
    stated_hs: bool = True,
) -> tuple[float, list[Reason]]:
    """KBLI/HS agreement of `offer` with the target codes, and the reasons for full agreement with codes
    the need stated (`stated_*` False: the targets are the best matches' consensus, which counts in the
    value but is no agreement to tell the buyer of: issue #14)."""
    kbli_value = code_agreement(offer.kbli, kbli, _KBLI_GROUP)
    hs_value = code_agreement(offer.hs, hs, _HS_HEADING)
    known = [value for value in (kbli_value, hs_value) if value is not None]
    reasons = []
    if stated_kbli and kbli_value == 1.0 and offer.kbli:
        reasons.append(Reason.of(KBLI_AGREES, kbli=offer.kbli))
    if stated_hs and hs_value == 1.0 and offer.hs:
        reasons.append(Reason.of(HS_AGREES, hs=offer.hs))
    return (sum(known) / len(known) if known else NEUTRAL), reasons


def majority_code(weighted: Iterable[tuple[str | None, float]], *, least: int = 2) -> str | None:
    """The code with the largest total weight among (code, weight) pairs, if at least `least` pairs
    carry it (one product's code is no consensus); None otherwise."""
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for code, weight in weighted:
        if code:
            totals[code] += weight
            counts[code] += 1
    if not totals:
        return None
    best = max(sorted(totals), key=lambda code: totals[code])
    return best if counts[best] >= least else None


def capacity_feature(check: Capacity | None) -> tuple[float, Reason | None]:
    """0.5 at a capacity just covering the quantity, 1 from twice it, half the share covered below it
    (a supplier covering part of the quantity, shown as such); neutral when unknown."""
    if check is None:
        return NEUTRAL, None
    if not check.fits:
        return max(0.0, 0.5 * check.ratio), check.partial_reason()
    value = min(1.0, max(0.0, 0.5 + 0.5 * (check.ratio - 1.0)))
    return value, check.reason()


def distance_feature(
    supplier: SupplierFacts, need: NeedLine, *, scale_km: float = 300.0
) -> tuple[float, Reason | None]:
    """exp(-km / scale_km) from the supplier to the nearest delivery point; neutral when either is
    unknown."""
    points = need.delivery_points
    if supplier.lat is None or supplier.lng is None or not points:
        return NEUTRAL, None
    km = min(haversine_km(supplier.lat, supplier.lng, lat, lng) for lat, lng in points)
    return math.exp(-km / scale_km), Reason.of(DISTANCE, km=round(km))


def price_feature(offer: OfferFacts, need: NeedLine, units: Units) -> tuple[float, Reason | None]:
    """1 within budget, (budget / total)^2 above it; neutral without a price, quantity, budget or a
    unit to convert the quantity to."""
    if offer.price_min is None or not need.quantity or need.budget is None:
        return NEUTRAL, None
    quantity = convert(need.quantity, need.unit, offer.unit, units)
    if quantity is None:
        return NEUTRAL, None
    total = round(offer.price_min * quantity)
    params = {"unit_price": offer.price_min, "total": total, "budget": need.budget}
    if total <= need.budget:
        return 1.0, Reason.of(PRICE_FITS, **params)
    return (need.budget / total) ** 2 if total > 0 else 0.0, Reason.of(PRICE_OVER_BUDGET, **params)


def track_record_feature(
    supplier: SupplierFacts, *, prior_orders: float = 10.0, prior_rate: float = 0.7
) -> tuple[float, Reason | None]:
    """The on-time share smoothed towards `prior_rate` as if over `prior_orders` more orders."""
    completed = max(0, supplier.orders_completed)
    on_time = min(max(0, supplier.orders_on_time), completed)
    value = (on_time + prior_orders * prior_rate) / (completed + prior_orders)
    if completed == 0:
        return value, None
    return value, Reason.of(TRACK_RECORD, completed=completed, on_time_pct=round(100 * on_time / completed))


def size_feature(supplier: SupplierFacts, need: NeedLine) -> tuple[float, Reason | None]:
    """1 for the preferred size class, 0 for another; neutral without a preference."""
    if not need.preferred_size:
        return NEUTRAL, None
    if supplier.size_class == need.preferred_size:
        return 1.0, Reason.of(SIZE_PREFERRED, size=need.preferred_size)
    return 0.0, None
