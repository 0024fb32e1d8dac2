"""A supplier's history: the packages it won, as a second document per supplier (issue #14, item 3).

Suppliers of works and services often have no product list: they are known by the contracts they won.
The app gives each past award of a supplier to the index as a `history_document` (the award's title as
its text, the supplier's filter terms and facts as its group's, and the filter term `history`, which
keeps it out of product searches). The shortlist searches the histories for the need's words beside the
products and scores each supplier's history (`score_histories`): how close the need is to the best
package it delivered (BM25 relative to the best history found), and how recently (halved every
`half_life_years`). The reason says how many similar packages it won and the year of the latest
(`won_similar`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rantai.matching.facts import HISTORY, SupplierFacts, supplier_part
from rantai.matching.index import Document, EncodedFacts
from rantai.matching.reasons import WON_SIMILAR, Reason


@dataclass(frozen=True, slots=True)
class PastWin:
    """A package a supplier won: its id, title, year and value (whole Rupiah) when known."""

    id: str
    title: str
    year: int | None = None
    value: int | None = None


@dataclass(frozen=True, slots=True)
class HistoryScore:
    """How a supplier's history fits a need: `value` (0..1: the best package's relevance, discounted by
    its age), the `similar` packages (relevance at least `similar_at`), the year of the latest of them, and
    the best package."""

    value: float
    relevance: float
    similar: int
    latest_year: int | None
    best: PastWin

    def reason(self) -> Reason | None:
        """`won_similar` {count, year}, when some package is similar."""
        if not self.similar:
            return None
        if self.latest_year is None:
            return Reason.of(WON_SIMILAR, count=self.similar)
        return Reason.of(WON_SIMILAR, count=self.similar, year=self.latest_year)


def history_document(supplier: SupplierFacts, win: PastWin) -> Document:
    """The index document of one package `supplier` won (its id is `award:<win.id>`)."""
    filters, lapsing, facts, locality = supplier_part(supplier)
    values = [win.title, win.year, win.value]
    return Document(
        f"award:{win.id}",
        win.title,
        "",
        "",
        (*filters, HISTORY),
        lapsing,
        locality,
        supplier.id,
        EncodedFacts(_encode({"h": [win.id, *values]})),
        facts,
    )


def win_from_facts(facts: Mapping[str, object]) -> PastWin | None:
    """The package of a history hit's facts, or None for another document."""
    raw = facts.get("h")
    if not isinstance(raw, list) or len(raw) != 4:
        return None
    identifier, title, year, value = raw
    return PastWin(
        str(identifier),
        str(title),
        year if isinstance(year, int) else None,
        value if isinstance(value, int) else None,
    )


def score_histories(
    found: Iterable[tuple[str, float, PastWin]],
    *,
    year: int,
    half_life_years: float = 2.0,
    similar_at: float = 0.5,
) -> dict[str, HistoryScore]:
    """Each supplier's `HistoryScore` from its history hits: (supplier id, BM25 score, package), any
    order. Relevance is relative to the best score among them all; a package's age is `year` less its
    year (none: as recent as `year`)."""
    hits = list(found)
    best = max((score for _, score, _ in hits), default=0.0)
    if best <= 0:
        return {}
    per: dict[str, list[tuple[float, PastWin]]] = {}
    for supplier_id, score, win in hits:
        per.setdefault(supplier_id, []).append((score / best, win))

    def weighed(pair: tuple[float, PastWin]) -> float:
        relevance, win = pair
        age = max(0, year - win.year) if win.year is not None else 0
        return float(relevance * 0.5 ** (age / half_life_years))

    scores = {}
    for supplier_id, wins in per.items():
        top = max(wins, key=lambda pair: (weighed(pair), pair[0]))
        similar = [win for relevance, win in wins if relevance >= similar_at]
        years = [win.year for win in similar if win.year is not None]
        scores[supplier_id] = HistoryScore(
            value=weighed(top),
            relevance=top[0],
            similar=len(similar),
            latest_year=max(years) if years else None,
            best=top[1],
        )
    return scores


def _encode(data: Mapping[str, object]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True)
