"""The matcher: from a buyer's need (free text) to ranked, explained supplier items.

need text -> normalize -> the head word weighed up -> + synonyms -> BM25 -> + feedback terms -> BM25 -> category re-rank.
Each step can be switched off in `MatcherConfig` (weight 0), which the quality harness uses to show
what each step is worth. Filters (region, certificates valid on the needed-by date, verified, size
class) select inside both searches, so every ranked item is eligible.

Only the items shown are read from the index's store: the feedback step reads the few first-pass hits
it learns from, the re-rank works on scores and category keys, and the `limit` best items are read
last, with what the app needs to say why each is there.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from rantai.matching.feedback import feedback_terms, interpolate
from rantai.matching.index import Candidate, FieldWeights, Filters, SearchIndex, term_weights
from rantai.matching.normalize import Phrase, normalize, synonym_pairs
from rantai.matching.reading import head_of
from rantai.matching.related import NO_RELATED_WORDS, RelatedWords, expansions
from rantai.matching.rerank import Reranked, category_votes, rerank_by_category


@dataclass(frozen=True, slots=True)
class MatcherConfig:
    """The matcher's knobs. A weight of 0 switches its step off."""

    fields: FieldWeights = field(default_factory=FieldWeights)
    # The need's head word (`reading.head_of`) scores this many times its strongest modifier (1: off).
    head_weight: float = 1.5
    synonym_weight: float = 1.0  # of a synonym, against the need's phrase it stands for (IDF-equalized)
    # Related words learned from the catalogue (issue #14 item 2, `matching.related`): a related word
    # weighs at most this share of the need's word (times its strength and the IDF guard), at most
    # `related_per_word` of them per need word, none much commoner than it (`related_max_commoner`).
    related_weight: float = 0.5
    related_per_word: int = 2
    related_max_commoner: float = 0.5
    related_max_share: float = 0.01  # need words held by a larger share of the items are not widened
    feedback_docs: int = 5  # first-pass hits read for feedback terms
    feedback_terms: int = 10  # terms taken from them
    feedback_weight: float = 0.3  # RM3's lambda: the expansion's share of the final query
    rerank_depth: int = 100  # hits fetched for re-ranking: the pool the category vote can promote from
    rerank_neighbours: int = 50  # of those, the hits that vote for a category
    vote_power: float = 2.0  # each vote is (score / best score) ** vote_power
    category_weight: float = 1.0  # the vote share's weight against the relative BM25 score (both 0..1)


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked item for a need, with the reasons for its place.

    The reasons are plain data for the app to put in the user's words: which of the need's words the
    item holds, which other words of the item matched (synonyms of the need's words, or words the best
    items share), the item's name as the supplier wrote it, which of the search's filter terms it holds
    and, for those that lapse, their last valid day.
    """

    id: str
    score: float
    category: str
    text_score: float  # BM25 relative to the best hit (0..1)
    category_support: float  # the share of the best hits that sit in this item's category (0..1)
    matched_terms: tuple[str, ...]  # the need's own normalized words found in the item
    name: str = ""  # the item's name as indexed (Document.name)
    related_terms: tuple[str, ...] = ()  # the item's words matched through synonyms or feedback
    matched_filters: tuple[str, ...] = ()  # the search's filter terms the item holds
    valid_until: tuple[tuple[str, date], ...] = ()  # of those, the lapsing ones with their last day


@dataclass(frozen=True, slots=True)
class Ranking:
    """A need's ranked candidates before their stored fields are read, with what scored them: the need's
    normalized tokens, the final weighted query (synonyms and feedback included), and the scale of the
    re-rank (best BM25 score, category vote shares), so that other items can be scored alike."""

    tokens: tuple[str, ...]
    query: Mapping[Phrase, float]
    ranked: list[Reranked[Candidate]]
    top_score: float = 1.0
    votes: Mapping[Hashable, float] = field(default_factory=dict)
    same_as: Mapping[Phrase, Phrase] = field(default_factory=dict)  # synonym -> the need's word


class Matcher:
    """Ranks the items of a `SearchIndex` for a need."""

    def __init__(
        self, index: SearchIndex, config: MatcherConfig | None = None, related: RelatedWords | None = None
    ) -> None:
        self.index = index
        self.config = config or MatcherConfig()
        self.related = related or NO_RELATED_WORDS  # learned by the platform, given as data

    def query_for(self, need: str) -> tuple[list[str], dict[Phrase, float]]:
        """The need's normalized tokens and its weighted query with synonyms (before feedback)."""
        tokens, query, _ = self._query(need)
        return tokens, query

    def _query(self, need: str) -> tuple[list[str], dict[Phrase, float], dict[Phrase, Phrase]]:
        """`query_for`, and which synonym stands for which word of the need.

        A synonym stands for a phrase of the need (`benih` for `bibit`): its weight is `synonym_weight`
        times that phrase's, lowered by the ratio of their IDFs when the synonym is the rarer word, so
        that an item matching the synonym scores about `synonym_weight` times an item matching the
        need's own phrase (BM25 alone would rank a rare synonym above the need's own word). A synonym of
        one word of the need is searched together with it (`SearchIndex.candidates`' `same_as`), so an
        item naming both counts once.
        """
        tokens = normalize(need)
        query = term_weights(tokens)
        head = head_of(tokens) if len(query) > 1 else None
        if head is not None and self.config.head_weight != 1.0:
            # The thing asked for counts more than what qualifies it (issue #14: "tas belanja kain" is a
            # bag): the head scores `head_weight` times the strongest modifier, however common it is.
            own = self._idf((head,)) or 1.0
            strongest = max(self._idf(phrase) for phrase in query if phrase != (head,))
            query[(head,)] *= self.config.head_weight * max(1.0, strongest / own)
        same_as: dict[Phrase, Phrase] = {}
        widened = (
            expansions(
                self.related,
                query,
                doc_freq=self.index.doc_freq,
                num_docs=len(self.index),
                weight=self.config.related_weight,
                per_word=self.config.related_per_word,
                max_commoner=self.config.related_max_commoner,
                max_share=self.config.related_max_share,
            )
            if self.related
            else {}
        )
        if self.config.synonym_weight > 0:
            for found, phrase in synonym_pairs(tokens):
                own = sum(query.get((token,), 1.0) for token in found) / len(found)
                weight = self.config.synonym_weight * own * min(1.0, self._idf(found) / self._idf(phrase))
                query[phrase] = max(query.get(phrase, 0.0), weight)
                if len(found) == 1:
                    same_as[phrase] = found
        for word, (source, weight) in widened.items():
            # A related word found with its need word counts once, like a synonym: it is there to find
            # the items that say the thing otherwise, not to score twice those that say both.
            if (word,) not in query:
                query[(word,)] = weight
                same_as[(word,)] = (source,)
        return tokens, query, same_as

    def _idf(self, phrase: Phrase) -> float:
        """BM25's IDF of a phrase in item names (the sum of its words', as tantivy scores a phrase)."""
        total = len(self.index)
        return sum(
            math.log(1 + (total - df + 0.5) / (df + 0.5))
            for df in (self.index.doc_freq(token) for token in phrase)
        )

    def match(
        self,
        need: str,
        *,
        limit: int = 10,
        exclude_ids: Collection[str] = (),
        filters: Filters | Sequence[str] = (),
    ) -> list[Match]:
        """The `limit` best items for `need` that pass `filters`, best first.

        `filters` is a `Filters`, or a list of terms every item must hold (`["province:61"]`).
        """
        selected = Filters.of(filters)
        if limit <= 0:
            return []
        ranking = self.rank(need, depth=limit, exclude_ids=exclude_ids, filters=selected)
        reranked = ranking.ranked[:limit]
        hits = self.index.hits(item.hit for item in reranked)
        tokens, query = ranking.tokens, ranking.query
        need_terms = set(tokens)
        query_terms = {word for phrase in query for word in phrase} - need_terms
        wanted = selected.wanted()
        return [
            Match(
                id=hit.id,
                score=item.score,
                category=hit.category,
                text_score=item.text_score,
                category_support=item.category_support,
                matched_terms=tuple(dict.fromkeys(term for term in hit.terms if term in need_terms)),
                name=hit.name,
                related_terms=tuple(dict.fromkeys(term for term in hit.terms if term in query_terms)),
                matched_filters=tuple(term for term in hit.filters if term in wanted),
                valid_until=tuple((term, day) for term, day in hit.valid_until if term in wanted),
            )
            for item, hit in zip(reranked, hits, strict=True)
        ]

    def rank(
        self,
        need: str,
        *,
        depth: int,
        exclude_ids: Collection[str] = (),
        filters: Filters | Sequence[str] = (),
    ) -> Ranking:
        """At least `depth` (when there are as many) candidates for `need` that pass `filters`, re-ranked,
        best first; stored fields are not read but for the few feedback learns from."""
        config = self.config
        selected = Filters.of(filters)
        tokens, query, same_as = self._query(need)
        if not query or depth <= 0:
            return Ranking(tuple(tokens), query, [], same_as=same_as)
        depth = max(depth, config.rerank_depth if config.category_weight > 0 else depth)

        def search(weighted: dict[Phrase, float], count: int) -> list[Candidate]:
            return self.index.candidates(
                weighted,
                limit=count,
                fields=config.fields,
                exclude_ids=exclude_ids,
                filters=selected,
                same_as=same_as,
            )

        if config.feedback_weight > 0 and config.feedback_terms > 0 and config.feedback_docs > 0:
            # Only the best few first-pass hits feed back, so only they are searched for and read.
            first = self.index.hits(search(query, config.feedback_docs))
            expansion = feedback_terms(
                first,
                doc_freq=self.index.doc_freq,
                num_docs=len(self.index),
                terms=config.feedback_terms,
            )
            query = interpolate(query, expansion, config.feedback_weight)
        found = search(query, depth)
        if not found:
            return Ranking(tuple(tokens), query, [], same_as=same_as)
        top_score = max(candidate.score for candidate in found) or 1.0
        votes = (
            category_votes(found, neighbours=config.rerank_neighbours, power=config.vote_power)
            if config.category_weight > 0
            else {}
        )
        reranked = rerank_by_category(
            found,
            neighbours=config.rerank_neighbours,
            weight=config.category_weight,
            power=config.vote_power,
            top_score=top_score,
            votes=votes,
        )
        return Ranking(tuple(tokens), query, reranked, top_score, votes, same_as)

    def rescore(
        self, ranking: Ranking, *, limit: int, filters: Filters | Sequence[str] = ()
    ) -> list[Reranked[Candidate]]:
        """The `limit` best items passing `filters` for the query of `ranking`, scored on its scale (a
        relative text score above 1 means better than the best item `ranking` found)."""
        if not ranking.query or limit <= 0:
            return []
        config = self.config
        found = self.index.candidates(
            ranking.query, limit=limit, fields=config.fields, filters=filters, same_as=ranking.same_as
        )
        return rerank_by_category(
            found,
            neighbours=config.rerank_neighbours,
            weight=config.category_weight,
            power=config.vote_power,
            top_score=ranking.top_score,
            votes=ranking.votes,
        )
