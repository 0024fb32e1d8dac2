"""A supplier's history: the packages it won, as a second document per supplier (issue #14, item 3).

Suppliers of works and services often have no product list: they are known by the contracts they won.
The app gives each past award of a supplier to the index as a `history_document` (the award's title as
its text, the supplier's filter terms and facts as its group's, and the filter term `history`, which
keeps it out of product searches). The shortlist searches the histories for the need's words beside the
products and scores each supplier's history (`score_histories`) on two sides:

- its words (`HistoryScore.value`): how close the need is to the best package it won (BM25 relative to
  the best history found), halved every `half_life_years` (optionally plus a share of its next best
  packages: `aggregate`, off in the shortlist);
- its fit (`HistoryScore.fit`, the shortlist's `history_fit` feature): what the need carries beside its words, against the supplier's whole
  history (`HistoryProfile`, kept with each of its history documents): the procurement type (goods,
  works, consulting, other services: a consultant rarely wins goods), the package's value against the
  supplier's usual one, and the delivery place (the kab/kota and province it delivered to before). The
  delivery place is where the need is delivered, never who the buyer is.

A supplier whose past packages share no word with the need is still found when it delivered packages to
the need's delivery place before (`delivered_term`, the filter term each history document carries for
its kab/kota and province): the shortlist reads some of those documents and `score_histories` scores the
best of those suppliers by their fit, at a low relevance (`nearby`), so that the fit can lift them. On
the 2026 awards about a third of the held-out winners that share no word with the package title had
delivered to the same place before.

How the parts weigh (`HistoryWeights`, and `history_fit` against the words) was fitted on the central-government awards of 2026 with a second
hold-out of the histories, disjoint from the rows `bench/matching_awards.py` measures (docs/benchmarks.md).
The reason says how many similar packages it won and the year of the latest (`won_similar`).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from rantai.matching.facts import HISTORY, SupplierFacts, supplier_part, with_term
from rantai.matching.index import Document, EncodedFacts
from rantai.matching.reasons import WON_HERE, WON_SIMILAR, Reason

# Procurement types (jenis pengadaan) as the engine names them.
GOODS: Final = "goods"  # barang
WORKS: Final = "works"  # pekerjaan konstruksi
CONSULTING: Final = "consulting"  # jasa konsultansi
SERVICES: Final = "services"  # jasa lainnya
KINDS: Final = (GOODS, WORKS, CONSULTING, SERVICES)


@dataclass(frozen=True, slots=True)
class PastWin:
    """A package a supplier won: its id, title, year and value (whole Rupiah) when known, where it was
    delivered (a kab/kota code such as "61.71", or a province code) and its procurement type (`KINDS`)."""

    id: str
    title: str
    year: int | None = None
    value: int | None = None
    place: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryProfile:
    """What a supplier's whole history says beside its titles: how many packages, how many of each
    procurement type, how many delivered to each kab/kota and province, and its usual value (the
    median, whole Rupiah)."""

    count: int
    kinds: Mapping[str, int]
    places: Mapping[str, int]
    usual_value: int | None

    def encode(self) -> list[object]:
        return [self.count, dict(self.kinds), dict(self.places), self.usual_value]

    @staticmethod
    def decode(raw: object) -> HistoryProfile | None:
        if not isinstance(raw, list) or len(raw) != 4:
            return None
        count, kinds, places, usual = raw
        if not isinstance(count, int) or not isinstance(kinds, dict) or not isinstance(places, dict):
            return None
        return HistoryProfile(count, kinds, places, usual if isinstance(usual, int) else None)


def history_profile(wins: Iterable[PastWin]) -> HistoryProfile:
    """The profile of a supplier's packages (all of them, not only those a need finds)."""
    count = 0
    kinds: Counter[str] = Counter()
    places: Counter[str] = Counter()
    values = []
    for win in wins:
        count += 1
        if win.kind:
            kinds[win.kind] += 1
        for place in _places(win.place):
            places[place] += 1
        if win.value is not None and win.value > 0:
            values.append(win.value)
    values.sort()
    return HistoryProfile(count, dict(kinds), dict(places), values[len(values) // 2] if values else None)


@dataclass(frozen=True, slots=True)
class HistoryWeights:
    """How the parts of a history's fit weigh: the share of the supplier's packages of the need's type
    (`kind`), the closeness of the need's value to its usual value (`size`: 1 when equal, e^-1 at
    `size_scale` times more or less), and the delivery place (`place`: the shares it delivered to the
    need's kab/kota and province, weighed `kabkota` to `province`)."""

    kind: float = 1.0
    size: float = 1.0
    # The place weighs most: on a second hold-out of the 2026 awards' histories (disjoint from the
    # measured rows) 1:1:3 ranked best of the weights tried (recall@10 0.416 against 0.403 at 1:1:1).
    place: float = 3.0
    kabkota: float = 0.4
    province: float = 0.6
    size_scale: float = math.e


@dataclass(frozen=True, slots=True)
class HistoryScore:
    """How a supplier's history fits a need: `value` (0..1: the best package's relevance, discounted by
    its age), `relevance` (the best package's), the `similar` packages (relevance at least `similar_at`),
    the year of the latest of them, the best package, and `fit` (0..1: the need's type, value and
    delivery place against the supplier's whole history; None when the need carries none of them or the
    history does not say)."""

    value: float
    relevance: float
    similar: int
    latest_year: int | None
    best: PastWin
    fit: float | None = None
    here: int = 0  # its packages delivered to the need's delivery place

    def reason(self) -> Reason | None:
        """`won_similar` {count, year}, when some package is similar."""
        if not self.similar:
            return None
        if self.latest_year is None:
            return Reason.of(WON_SIMILAR, count=self.similar)
        return Reason.of(WON_SIMILAR, count=self.similar, year=self.latest_year)

    def place_reason(self) -> Reason | None:
        """`won_here` {count}, when some of its packages were delivered to the need's place."""
        return Reason.of(WON_HERE, count=self.here) if self.here else None


def delivered_term(place: str) -> str:
    """The filter term of the history documents of packages delivered to `place` (a kab/kota or province
    code); a package delivered to a kab/kota holds its province's term too."""
    return f"delivered:{place}"


def history_document(
    supplier: SupplierFacts, win: PastWin, profile: HistoryProfile | None = None
) -> Document:
    """The index document of one package `supplier` won (its id is `award:<win.id>`), with the profile of
    the supplier's whole history when given."""
    filters, lapsing, facts, locality = supplier_part(supplier)
    filters = with_term(filters, HISTORY)
    for place in _places(win.place):
        filters = with_term(filters, delivered_term(place))
    data: dict[str, object] = {"h": [win.id, win.title, win.year, win.value, win.place, win.kind]}
    if profile is not None:
        data["hp"] = profile.encode()
    return Document(
        f"award:{win.id}",
        win.title,
        "",
        "",
        filters,
        lapsing,
        locality,
        supplier.id,
        EncodedFacts(_encode(data)),
        facts,
    )


def win_from_facts(facts: Mapping[str, object]) -> PastWin | None:
    """The package of a history hit's facts, or None for another document."""
    raw = facts.get("h")
    if not isinstance(raw, list) or len(raw) not in (4, 6):
        return None
    identifier, title, year, value = raw[:4]
    place, kind = raw[4:] if len(raw) == 6 else (None, None)
    return PastWin(
        str(identifier),
        str(title),
        year if isinstance(year, int) else None,
        value if isinstance(value, int) else None,
        place if isinstance(place, str) else None,
        kind if isinstance(kind, str) else None,
    )


def profile_from_facts(facts: Mapping[str, object]) -> HistoryProfile | None:
    """The supplier's history profile kept with a history hit, or None."""
    return HistoryProfile.decode(facts.get("hp"))


def profile_fit(
    profile: HistoryProfile,
    *,
    kind: str | None = None,
    value: int | None = None,
    place: str | None = None,
    weights: HistoryWeights | None = None,
) -> float | None:
    """How the need's type, value and delivery place (each when known) fit the supplier's history: a
    weighted mean of the parts known on both sides (0..1), or None when none is."""
    weights = weights or HistoryWeights()
    parts: list[tuple[float, float]] = []
    typed = sum(profile.kinds.values())
    if kind and typed:
        parts.append((weights.kind, profile.kinds.get(kind, 0) / typed))
    if value and value > 0 and profile.usual_value:
        distance = abs(math.log(value / profile.usual_value)) / math.log(weights.size_scale)
        parts.append((weights.size, math.exp(-distance)))
    # Shares of all its packages: one whose place is unknown counts as delivered elsewhere (on the 2026
    # awards this ranks better than shares of the placed packages alone: 0.498 against 0.485).
    if place and profile.count:
        province = profile.places.get(place.split(".", 1)[0], 0) / profile.count
        if "." not in place:
            parts.append((weights.place, province))
        else:
            kabkota = profile.places.get(place, 0) / profile.count
            shares = weights.kabkota * kabkota + weights.province * province
            parts.append((weights.place, shares / (weights.kabkota + weights.province)))
    total = sum(weight for weight, _ in parts)
    if total <= 0:
        return None
    return sum(weight * share for weight, share in parts) / total


def score_histories(
    found: Iterable[tuple[str, float, PastWin]] | Iterable[tuple[str, float, PastWin, HistoryProfile | None]],
    *,
    year: int,
    half_life_years: float = 2.0,
    similar_at: float = 0.5,
    kind: str | None = None,
    value: int | None = None,
    place: str | None = None,
    weights: HistoryWeights | None = None,
    others: int = 0,
    others_weight: float = 0.5,
    nearby: Iterable[tuple[str, PastWin, HistoryProfile | None]] = (),
    nearby_pool: int = 0,
    nearby_relevance: float = 0.1,
) -> dict[str, HistoryScore]:
    """Each supplier's `HistoryScore` from its history hits: (supplier id, BM25 score, package[, the
    supplier's profile]), any order, and the need's procurement type, value and delivery place (kab/kota
    or province code) when known. A package's relevance is relative to the best score among them all; a
    package's age is `year` less its year (none: as recent as `year`).

    With `others`, a supplier's relevance (and value) is its best package's plus `others_weight` times
    each of its next `others` packages' (`aggregate`), relative to the best supplier's: a supplier that
    won several packages like the need ranks above one that won a single one as close. (Issue #14: on
    the 2026 awards' tender rows, half of the next two raised recall@10 of the real winner a little,
    0.408 to 0.428 on a second hold-out and 0.501 to 0.504 measured; on the e-katalog rows, whose short
    titles repeat, it lowered it, 0.505 to 0.483; half of the next one gained on both sides' second
    hold-outs, and the shortlist counts it: `ShortlistConfig.history_others`.)

    `nearby`: packages (supplier id, package, the supplier's profile) delivered to the need's place,
    found without its words; of their suppliers not among the hits, the `nearby_pool` best by fit are
    scored too, with relevance (and value) `nearby_relevance`."""
    weights = weights or HistoryWeights()
    hits = [(hit[0], hit[1], hit[2], hit[3] if len(hit) > 3 else None) for hit in found]
    best = max((score for _, score, _, _ in hits), default=0.0)
    scores = (
        _scored_by_words(
            hits,
            best,
            year=year,
            half_life_years=half_life_years,
            similar_at=similar_at,
            kind=kind,
            value=value,
            place=place,
            weights=weights,
            others=others,
            others_weight=others_weight,
        )
        if best > 0
        else {}
    )
    if nearby_pool > 0 and place:
        scores.update(
            _nearby(
                nearby,
                set(scores),
                pool=nearby_pool,
                relevance=nearby_relevance,
                kind=kind,
                value=value,
                place=place,
                weights=weights,
            )
        )
    return scores


def _nearby(
    nearby: Iterable[tuple[str, PastWin, HistoryProfile | None]],
    known: set[str],
    *,
    pool: int,
    relevance: float,
    kind: str | None,
    value: int | None,
    place: str,
    weights: HistoryWeights,
) -> dict[str, HistoryScore]:
    """The `pool` best suppliers by fit among those of `nearby` not `known`, at `relevance`."""
    fits: dict[str, tuple[float, PastWin, HistoryProfile]] = {}
    for supplier_id, win, profile in nearby:
        if supplier_id in known or supplier_id in fits or profile is None:
            continue
        fit = profile_fit(profile, kind=kind, value=value, place=place, weights=weights)
        if fit is not None:
            fits[supplier_id] = (fit, win, profile)
    chosen = sorted(fits, key=lambda supplier_id: (-fits[supplier_id][0], supplier_id))[:pool]
    return {
        supplier_id: HistoryScore(
            value=relevance,
            relevance=relevance,
            similar=0,
            latest_year=None,
            best=fits[supplier_id][1],
            fit=fits[supplier_id][0],
            here=fits[supplier_id][2].places.get(place, 0),
        )
        for supplier_id in chosen
    }


def _scored_by_words(
    hits: list[tuple[str, float, PastWin, HistoryProfile | None]],
    best: float,
    *,
    year: int,
    half_life_years: float,
    similar_at: float,
    kind: str | None,
    value: int | None,
    place: str | None,
    weights: HistoryWeights,
    others: int,
    others_weight: float,
) -> dict[str, HistoryScore]:
    """`score_histories` for the suppliers of the hits (their best score `best` > 0)."""
    per: dict[str, list[tuple[float, PastWin]]] = {}
    profiles: dict[str, HistoryProfile] = {}
    for supplier_id, score, win, profile in hits:
        per.setdefault(supplier_id, []).append((score / best, win))
        if profile is not None:
            profiles.setdefault(supplier_id, profile)

    def weighed(pair: tuple[float, PastWin]) -> float:
        relevance, win = pair
        age = max(0, year - win.year) if win.year is not None else 0
        return float(relevance * 0.5 ** (age / half_life_years))

    relevances = {
        supplier_id: aggregate([relevance for relevance, _ in wins], others, others_weight)
        for supplier_id, wins in per.items()
    }
    # The best supplier's aggregate is 1 (with `others` 0, the best package's relevance already is).
    scale = max(relevances.values())
    scores = {}
    for supplier_id, wins in per.items():
        ages = [weighed(pair) for pair in wins]
        top = wins[max(range(len(wins)), key=lambda number: (ages[number], wins[number][0]))]
        similar = [win for relevance, win in wins if relevance >= similar_at]
        years = [win.year for win in similar if win.year is not None]
        profile = profiles.get(supplier_id)
        scores[supplier_id] = HistoryScore(
            value=aggregate(ages, others, others_weight) / scale,
            relevance=relevances[supplier_id] / scale,
            similar=len(similar),
            latest_year=max(years) if years else None,
            best=top[1],
            fit=profile_fit(profile, kind=kind, value=value, place=place, weights=weights)
            if profile is not None
            else None,
            here=profile.places.get(place, 0) if profile is not None and place else 0,
        )
    return scores


def aggregate(scores: Iterable[float], others: int, others_weight: float) -> float:
    """The best of `scores` plus `others_weight` times each of the next `others` best (0 when empty)."""
    if others <= 0:
        return max(scores, default=0.0)
    ranked = sorted(scores, reverse=True)
    if not ranked:
        return 0.0
    return ranked[0] + others_weight * sum(ranked[1 : 1 + others])


def _places(code: str | None) -> tuple[str, ...]:
    """A delivery place's kab/kota code and its province's (a province code alone, itself)."""
    if not code:
        return ()
    parts = code.split(".")
    return (".".join(parts[:2]), parts[0]) if len(parts) > 1 else (parts[0],)


def _encode(data: Mapping[str, object]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True)
