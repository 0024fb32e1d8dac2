"""Reasons: why a supplier is on a shortlist, or why not, as codes with parameters.

The engine never writes a sentence; the app puts each code in the user's language. Every code the
engine gives, with its parameters (amounts in the need's or the offer's unit code given as `unit`;
money in whole Rupiah; dates as `date`):

Why a supplier is there (`ShortlistEntry.reasons`, `Recommendation.reasons`):

- `matched_offer` {name}: the supplier's best matching product, by name;
- `matched_terms` {terms}: the need's normalized words found in it, space-separated;
- `category_agrees` {category}: the product sits in the category most of the best matches share;
- `kbli_agrees` {kbli}, `hs_agrees` {hs}: its KBLI / HS code agrees with the need's (or, when the need
  gives none, with the code most of the best matches carry);
- `cert_valid` {code, until}: a required certificate the supplier holds; `until` (its last valid day)
  only when it lapses;
- `capacity_fits` {per_month, quantity, months, unit}: the monthly capacity over the months available
  covers the quantity (`unit` is the offer's unit, `quantity` converted to it);
- `capacity_partial` {per_month, quantity, months, unit, share_pct}: the capacity covers only part of
  the quantity (`share_pct` percent, at least `ShortlistConfig.min_partial_share`): a supplier for part
  of the line, shown as such rather than left out;
- `distance` {km}: from the supplier to the delivery place, whole kilometres;
- `price_fits` {unit_price, total, budget}: the lowest unit price times the quantity is within budget;
- `price_over_budget` {unit_price, total, budget}: it is above the budget (a soft point, not a rule);
- `track_record` {completed, on_time_pct}: orders completed and the share delivered on time (percent);
- `won_similar` {count, year}: the supplier won `count` packages like the need, the latest in `year`
  (its history, `rantai.matching.history`; `year` only when known);
- `won_here` {count}: `count` of the packages it won were delivered to the need's delivery place (its
  kab/kota, or its province when the need names only that);
- `newcomer` {}: the supplier has not won an award yet (it may hold a newcomer slot);
- `size_preferred` {size}: its size class is the one the buyer prefers.

Why not (`Exclusion.reasons`, `Explanation.reasons`, `Gap`):

- `not_verified` {}: the supplier is not verified;
- `cert_missing` {code}: it holds no certificate of that type;
- `cert_expired` {code, until}: its certificate lapses before the needed-by day (`until` = last day);
- `size_excluded` {size}: a UMKM-only line, and the supplier is a large firm;
- `region_outside` {region}: outside the line's region (a filter term such as `province:61`);
- `capacity_short` {per_month, quantity, months, unit}: capacity over the months available is short
  of the quantity;
- `no_matching_offer` {}: none of its products matches the need's text;
- `ranked_below` {rank, top}: eligible, but ranked below the shortlist's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ParamValue = str | int | float | date

# Codes of the soft reasons, then of the rules (see the module docstring for their parameters).
MATCHED_OFFER = "matched_offer"
MATCHED_TERMS = "matched_terms"
CATEGORY_AGREES = "category_agrees"
KBLI_AGREES = "kbli_agrees"
HS_AGREES = "hs_agrees"
CERT_VALID = "cert_valid"
CAPACITY_FITS = "capacity_fits"
CAPACITY_PARTIAL = "capacity_partial"
WON_SIMILAR = "won_similar"
WON_HERE = "won_here"
DISTANCE = "distance"
PRICE_FITS = "price_fits"
PRICE_OVER_BUDGET = "price_over_budget"
TRACK_RECORD = "track_record"
NEWCOMER = "newcomer"
SIZE_PREFERRED = "size_preferred"
NOT_VERIFIED = "not_verified"
CERT_MISSING = "cert_missing"
CERT_EXPIRED = "cert_expired"
SIZE_EXCLUDED = "size_excluded"
REGION_OUTSIDE = "region_outside"
CAPACITY_SHORT = "capacity_short"
NO_MATCHING_OFFER = "no_matching_offer"
RANKED_BELOW = "ranked_below"


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason code with its parameters, as (name, value) pairs in a fixed order (hashable)."""

    code: str
    params: tuple[tuple[str, ParamValue], ...] = ()

    @classmethod
    def of(cls, code: str, /, **params: ParamValue) -> Reason:
        """`Reason.of("distance", km=12)`."""
        return cls(code, tuple(params.items()))

    def get(self, name: str) -> ParamValue | None:
        """The parameter `name`, or None."""
        return next((value for key, value in self.params if key == name), None)

    def as_dict(self) -> dict[str, ParamValue]:
        """The parameters as a dict (for a template or a JSON answer)."""
        return dict(self.params)
