"""The matcher: from a buyer's need (free text) to ranked, explained supplier items.

need text -> normalize -> + synonyms -> BM25 -> + feedback terms -> BM25 -> category re-rank.
Each step can be switched off in `MatcherConfig` (weight 0), which the quality harness uses to show
what each step is worth.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from rantai.matching.feedback import feedback_terms, interpolate
from rantai.matching.index import FieldWeights, Hit, SearchIndex, term_weights
from rantai.matching.normalize import Phrase, expand_synonyms, normalize
from rantai.matching.rerank import rerank_by_category


@dataclass(frozen=True, slots=True)
class MatcherConfig:
    """The matcher's knobs. A weight of 0 switches its step off."""

    fields: FieldWeights = field(default_factory=FieldWeights)
    synonym_weight: float = 0.5  # of a synonym phrase, against 1 for each word of the need
    feedback_docs: int = 5  # first-pass hits read for feedback terms
    feedback_terms: int = 10  # terms taken from them
    feedback_weight: float = 0.3  # RM3's lambda: the expansion's share of the final query
    rerank_depth: int = 100  # hits fetched for re-ranking: the pool the category vote can promote from
    rerank_neighbours: int = 50  # of those, the hits that vote for a category
    vote_power: float = 2.0  # each vote is (score / best score) ** vote_power
    category_weight: float = 1.0  # the vote share's weight against the relative BM25 score (both 0..1)


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked item for a need, with the reasons for its place."""

    id: str
    score: float
    category: str
    text_score: float  # BM25 relative to the best hit (0..1)
    category_support: float  # the share of the best hits that sit in this item's category (0..1)
    matched_terms: tuple[str, ...]  # the need's own normalized words found in the item


class Matcher:
    """Ranks the items of a `SearchIndex` for a need."""

    def __init__(self, index: SearchIndex, config: MatcherConfig | None = None) -> None:
        self.index = index
        self.config = config or MatcherConfig()

    def query_for(self, need: str) -> tuple[list[str], dict[Phrase, float]]:
        """The need's normalized tokens and its weighted query with synonyms (before feedback)."""
        tokens = normalize(need)
        query = term_weights(tokens)
        if self.config.synonym_weight > 0:
            for phrase in expand_synonyms(tokens):
                query[phrase] = max(query.get(phrase, 0.0), self.config.synonym_weight)
        return tokens, query

    def match(
        self,
        need: str,
        *,
        limit: int = 10,
        exclude_ids: Collection[str] = (),
        filters: Sequence[str] = (),
    ) -> list[Match]:
        """The `limit` best items for `need`, best first."""
        config = self.config
        tokens, query = self.query_for(need)
        if not query:
            return []
        depth = max(limit, config.rerank_depth if config.category_weight > 0 else limit)

        def search(weighted: dict[Phrase, float], count: int) -> list[Hit]:
            return self.index.search_weighted(
                weighted, limit=count, fields=config.fields, exclude_ids=exclude_ids, filters=filters
            )

        if config.feedback_weight > 0 and config.feedback_terms > 0:
            first = search(query, max(depth, config.feedback_docs))
            expansion = feedback_terms(
                first[: config.feedback_docs],
                doc_freq=self.index.doc_freq,
                num_docs=len(self.index),
                terms=config.feedback_terms,
            )
            hits = search(interpolate(query, expansion, config.feedback_weight), depth)
        else:
            hits = search(query, depth)
        reranked = rerank_by_category(
            hits, neighbours=config.rerank_neighbours, weight=config.category_weight, power=config.vote_power
        )
        need_terms = set(tokens)
        return [
            Match(
                id=item.hit.id,
                score=item.score,
                category=item.hit.category,
                text_score=item.text_score,
                category_support=item.category_support,
                matched_terms=tuple(dict.fromkeys(term for term in item.hit.terms if term in need_terms)),
            )
            for item in reranked[:limit]
        ]
