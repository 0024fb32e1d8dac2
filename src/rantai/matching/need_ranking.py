"""The supplier's side: which open need lines to quote for, and what would unlock more of them.

`NeedIndex.build(lines)` indexes the open need lines (id -> `NeedLine`) in memory. For one supplier and
its offers, `NeedIndex.opportunities` finds the lines its products are relevant to and splits them:

- recommended: the lines it is eligible for (every hard rule of `rantai.matching.eligibility`), scored
  on the shortlist's soft features (text relevance, codes, capacity, distance, price, size class) with
  their reasons, best first;
- gaps: among the relevant lines it is not eligible for, those a single change would open, grouped by
  that change, largest total budget first: one certificate type missing or lapsing before the
  needed-by day (`Gap(kind="cert", code=...)`), more monthly capacity for one offer
  (`Gap(kind="capacity", offer_id=..., needed_per_month=...)`: the capacity that opens all of its
  lines), or verification (`Gap(kind="verification")`). A line that fails two rules, or a rule the
  supplier cannot change by itself (region, size class), opens no gap.

Relevance of a line to an offer: the share of the line's idf-weighted words (normalized, quantities and
bare numbers left out; idf over the open lines) found in the offer's name and category, widened by
the synonym table. A line is relevant when its best offer reaches `min_relevance` (0.5):
"kaos polos" is relevant to "Kaos Polos Katun Combed" (1.0), "keripik singkong" to "Keripik Pisang"
only in part (the rarer "singkong" weighs more), "meja kantor" not to "Kaos Polos" (0).

The offer's name must hold at least one of the line's words (or a synonym of it); its category's words
only add to the share. A category is broad and its label is the supplier's filing, not what the item is:
"Gula Aren Cair" filed under "Makanan dan Minuman" is no offer for "Makan dan Minum Jamuan Tamu", nor a
bamboo basket under "Mebel dan Kerajinan" one for "Mebel".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rantai.matching.eligibility import Capacity, Units, capacity, supplier_failures
from rantai.matching.facts import NeedLine, OfferFacts, SupplierFacts
from rantai.matching.features import (
    FeatureWeights,
    capacity_feature,
    codes_feature,
    combine,
    distance_feature,
    price_feature,
    size_feature,
)
from rantai.matching.index import Document, FieldWeights, SearchIndex, term_weights
from rantai.matching.normalize import expand_synonyms, normalize
from rantai.matching.reasons import (
    CAPACITY_SHORT,
    CERT_EXPIRED,
    CERT_MISSING,
    CERT_VALID,
    MATCHED_OFFER,
    MATCHED_TERMS,
    NOT_VERIFIED,
    Reason,
)


@dataclass(frozen=True, slots=True)
class OpportunityConfig:
    """The knobs of the supplier's view."""

    min_relevance: float = 0.5  # share of a line's idf-weighted words an offer must hold
    depth: int = 500  # lines fetched per offer before relevance is measured
    weights: FeatureWeights = field(default_factory=lambda: FeatureWeights(track_record=0.0))
    units: Units = field(default_factory=dict)
    horizon_months: float = 1.0
    min_window_days: int = 7
    distance_scale_km: float = 300.0


@dataclass(frozen=True, slots=True)
class Recommendation:
    """An open line the supplier is eligible for, with its best offer for it, score and reasons."""

    line_id: str
    need: NeedLine
    offer: OfferFacts
    score: float
    relevance: float
    reasons: tuple[Reason, ...]
    features: dict[str, float] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class Gap:
    """One change that would open `lines` relevant lines worth `value` Rupiah (their budgets' sum;
    lines without a budget count 0).

    kind "cert": get or renew the certificate type `code` (valid to the lines' needed-by days);
    kind "capacity": raise offer `offer_id`'s monthly capacity to `needed_per_month`;
    kind "verification": get verified.
    """

    kind: str
    lines: int
    value: int
    line_ids: tuple[str, ...]
    code: str | None = None
    offer_id: str | None = None
    needed_per_month: int | None = None


@dataclass(frozen=True, slots=True)
class Opportunities:
    """Recommended lines (best first) and gaps (largest value first)."""

    recommended: tuple[Recommendation, ...]
    gaps: tuple[Gap, ...]


def _content(tokens: Sequence[str]) -> list[str]:
    """Words that say what the goods are: quantities and bare numbers left out."""
    return [token for token in tokens if ":" not in token and not token.replace(".", "").isdigit()]


def _widened(tokens: list[str]) -> set[str]:
    """`tokens` and the words of their synonyms."""
    words = set(tokens)
    for phrase in expand_synonyms(tokens):
        words.update(phrase)
    return words


class NeedIndex:
    """Open need lines, searchable by a supplier's offers."""

    def __init__(
        self, index: SearchIndex, lines: Mapping[str, NeedLine], config: OpportunityConfig | None = None
    ) -> None:
        self.index = index
        self.lines = dict(lines)
        self.config = config or OpportunityConfig()
        self._words = {
            line_id: tuple(dict.fromkeys(_content(normalize(line.text)))) for line_id, line in lines.items()
        }
        frequency: Counter[str] = Counter()
        for words in self._words.values():
            frequency.update(words)
        total = max(1, len(self._words))
        self._idf = {word: math.log(1 + total / count) for word, count in frequency.items()}

    @classmethod
    def build(cls, lines: Mapping[str, NeedLine], config: OpportunityConfig | None = None) -> NeedIndex:
        """Index `lines` (id -> line) in memory."""
        index = SearchIndex.build(
            (Document(id=line_id, name=line.text) for line_id, line in lines.items()), plain=False
        )
        return cls(index, lines, config)

    def __len__(self) -> int:
        return len(self.lines)

    def relevance(
        self, line_id: str, offer_words: set[str], name_words: set[str] | None = None
    ) -> tuple[float, tuple[str, ...]]:
        """The share of line `line_id`'s idf-weighted words in `offer_words`, and the words found.

        With `name_words` (the words of the offer's name, a subset of `offer_words`), a line none of
        whose words is among them scores 0: the other words (the category's) only add to a share.
        """
        words = self._words.get(line_id, ())
        total = sum(self._idf.get(word, 0.0) for word in words)
        if total <= 0:
            return 0.0, ()
        if name_words is not None and name_words.isdisjoint(words):
            return 0.0, ()
        found = tuple(word for word in words if word in offer_words)
        return sum(self._idf.get(word, 0.0) for word in found) / total, found

    def opportunities(
        self, supplier: SupplierFacts, offers: Sequence[OfferFacts], *, top: int = 20
    ) -> Opportunities:
        """The `top` recommended lines for `supplier` and the gaps (see the module docstring)."""
        config = self.config
        recommended: list[Recommendation] = []
        certs: dict[str, list[str]] = defaultdict(list)
        verification: list[str] = []
        capacities: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for line_id, (share, found, offer) in self._relevant(offers).items():
            need = self.lines[line_id]
            failures = supplier_failures(supplier, need)
            check = capacity(
                offer,
                need,
                config.units,
                horizon_months=config.horizon_months,
                min_window_days=config.min_window_days,
            )
            if check is not None and not check.fits:
                failures.append(check.reason())
            if not failures:
                recommended.append(self._recommend(line_id, need, supplier, offer, share, found, check))
            elif len(failures) == 1:
                failure = failures[0]
                if failure.code in (CERT_MISSING, CERT_EXPIRED):
                    certs[str(failure.get("code"))].append(line_id)
                elif failure.code == NOT_VERIFIED:
                    verification.append(line_id)
                elif failure.code == CAPACITY_SHORT and check is not None:
                    capacities[offer.id].append((line_id, math.ceil(check.quantity / check.months)))
        recommended.sort(key=lambda item: (-item.score, item.line_id))
        gaps = [self._gap("cert", ids, code=code) for code, ids in certs.items()]
        if verification:
            gaps.append(self._gap("verification", verification))
        for offer_id, needs in capacities.items():
            gaps.append(
                self._gap(
                    "capacity",
                    [line_id for line_id, _ in needs],
                    offer_id=offer_id,
                    needed_per_month=max(per_month for _, per_month in needs),
                )
            )
        gaps.sort(key=lambda gap: (-gap.value, -gap.lines, gap.kind, gap.code or gap.offer_id or ""))
        return Opportunities(tuple(recommended[:top]), tuple(gaps))

    def _relevant(self, offers: Sequence[OfferFacts]) -> dict[str, tuple[float, tuple[str, ...], OfferFacts]]:
        """line id -> (relevance, words found, best offer) for the lines relevant to one of `offers`."""
        config = self.config
        best: dict[str, tuple[float, tuple[str, ...], OfferFacts]] = {}
        for offer in offers:
            name_words = _widened(_content(normalize(offer.name)))
            if not name_words:
                continue
            words = name_words | _widened(_content(normalize(offer.category)))
            # Only lines holding a word of the name can be relevant: the name's words are the query.
            for hit in self.index.search_weighted(
                term_weights(sorted(name_words)), limit=config.depth, fields=FieldWeights(description=0)
            ):
                share, found = self.relevance(hit.id, words, name_words)
                if share >= config.min_relevance and share > best.get(hit.id, (-1.0, (), offer))[0]:
                    best[hit.id] = (share, found, offer)
        return best

    def _recommend(
        self,
        line_id: str,
        need: NeedLine,
        supplier: SupplierFacts,
        offer: OfferFacts,
        share: float,
        found: tuple[str, ...],
        check: Capacity | None,
    ) -> Recommendation:
        config = self.config
        reasons = [Reason.of(MATCHED_OFFER, name=offer.name), Reason.of(MATCHED_TERMS, terms=" ".join(found))]
        codes, code_reasons = codes_feature(offer, need.kbli, need.hs)
        reasons += code_reasons
        for code in dict.fromkeys(need.required_certs):
            _, until = supplier.certificate_end(code)
            reasons.append(
                Reason.of(CERT_VALID, code=code)
                if until is None
                else Reason.of(CERT_VALID, code=code, until=until)
            )
        capacity_value, capacity_reason = capacity_feature(check)
        distance_value, distance_reason = distance_feature(supplier, need, scale_km=config.distance_scale_km)
        price_value, price_reason = price_feature(offer, need, config.units)
        size_value, size_reason = size_feature(supplier, need)
        reasons += [
            reason
            for reason in (capacity_reason, distance_reason, price_reason, size_reason)
            if reason is not None
        ]
        features = {
            "text": share,
            "codes": codes,
            "capacity": capacity_value,
            "distance": distance_value,
            "price": price_value,
            "size": size_value,
        }
        return Recommendation(
            line_id, need, offer, combine(features, config.weights), share, tuple(reasons), features
        )

    def _gap(
        self,
        kind: str,
        line_ids: list[str],
        *,
        code: str | None = None,
        offer_id: str | None = None,
        needed_per_month: int | None = None,
    ) -> Gap:
        ordered = tuple(sorted(line_ids))
        value = sum(self.lines[line_id].budget or 0 for line_id in ordered)
        return Gap(kind, len(ordered), value, ordered, code, offer_id, needed_per_month)
