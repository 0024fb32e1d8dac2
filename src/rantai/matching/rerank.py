"""Re-ranking by neighbourhood category: favour hits whose category the best hits agree on.

A need for "kaos polos" may match a few items by one lucky word; the bulk of its best hits sit in one
category (clothing), and items from that category are the likelier answers. Each of the top
`neighbours` hits votes for its own category with its relative BM25 score raised to `power` (squaring
lets the close matches speak louder than the long tail of one-word matches, a soft k-nearest-neighbours
vote); a hit's final score adds `weight` times the share of the vote its category won. Only the
indexed items' categories are used (never anything known about the need itself), so it works the same
for a need typed by a buyer.

Anything with a `score` and a `category` can be re-ranked: a `Hit` (category label) or a `Candidate`
(category key, read from an index column without the stored fields).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from operator import attrgetter
from typing import Generic, NamedTuple, Protocol, TypeVar


class Ranked(Protocol):
    """A search result as the re-rank sees it: a score and something that names its category
    (empty or 0 for none)."""

    @property
    def score(self) -> float: ...

    @property
    def category(self) -> Hashable: ...


R = TypeVar("R", bound=Ranked)
_score_of = attrgetter("score")


class Reranked(NamedTuple, Generic[R]):
    """A hit with its relative text score, its category's share of the vote and the combined score (a
    named tuple: quicker to make than a frozen dataclass, and a shortlist makes hundreds)."""

    hit: R
    text_score: float
    category_support: float
    score: float


def category_votes(hits: Sequence[Ranked], *, neighbours: int, power: float = 2.0) -> dict[Hashable, float]:
    """Each category's share (0..1) of the vote among the top `neighbours` hits, each voting
    (score / best score) ** power for its own category."""
    top = [hit for hit in hits[:neighbours] if hit.category]
    if not top:
        return {}
    top_score = max(hit.score for hit in top) or 1.0
    votes: Counter[Hashable] = Counter()
    for hit in top:
        votes[hit.category] += (hit.score / top_score) ** power
    total = sum(votes.values())
    return {category: vote / total for category, vote in votes.items()}


def rerank_by_category(
    hits: Sequence[R],
    *,
    neighbours: int,
    weight: float,
    power: float = 2.0,
    top_score: float | None = None,
    votes: Mapping[Hashable, float] | None = None,
) -> list[Reranked[R]]:
    """`hits` re-scored as relative BM25 + `weight` * category vote share, best first.

    `top_score` and `votes` default to those of `hits` themselves; pass another search's to score hits
    on its scale (the shortlist scores one supplier's items against the ranking of all).
    """
    if not hits:
        return []
    if top_score is None:
        top_score = max(hit.score for hit in hits) or 1.0
    if votes is None:
        votes = category_votes(hits, neighbours=neighbours, power=power) if weight > 0 else {}
    reranked = []
    for hit in hits:
        text_score = hit.score / top_score
        support = votes.get(hit.category, 0.0)
        reranked.append(Reranked(hit, text_score, support, text_score + weight * support))
    # Stable sort (reversed too): equal scores keep BM25's order.
    return sorted(reranked, key=_score_of, reverse=True)
