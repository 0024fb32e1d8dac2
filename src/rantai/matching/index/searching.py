"""Searching the index: BM25-ranked plain hits out.

Two ways to search the same index:

- `search` / `search_weighted`: BM25 over the normalized text (`rantai.matching.normalize`), with
  weighted terms and phrases so that the matcher can add synonyms and feedback terms;
- `search_plain`: the baseline the quality harness compares against, BM25 with tantivy's default
  tokenizer on the raw text (no normalization, no synonyms). Its fields are only indexed when the index
  is built with `plain=True`.

Either selects with `Filters` inside the tantivy query (how the filter fields are laid out: `schema`).

`search_weighted` fetches every hit's stored fields. The matcher, which ranks a hundred hits and shows
ten, uses `candidates` (scores, category and group keys from columns, no stored fields) and `hits`
(stored fields for the few it shows).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Final, TypeVar, cast

import tantivy

from rantai.matching.groups import GroupFacts
from rantai.matching.index.schema import (
    CATEGORY_KEY,
    DAY_BITS,
    FACTS,
    FILTER,
    FILTER_UNTIL,
    GROUP,
    GROUP_KEY,
    LAST_DAY,
    PLAIN_ANALYZER,
    PLAIN_PREFIX,
    TITLE,
    day_number,
    decode_until,
    term_hash,
    words_of,
)
from rantai.matching.index.types import Candidate, FieldWeights, Filters, Hit
from rantai.matching.normalize import Phrase, normalize

# Documents (and as many derived values per `Searching.memo`) a process keeps per searcher: the demo's
# 12,000 products fit; a read document takes about 2.3 KB (27 MB for the demo's).
KEPT_PER_SEARCHER: Final = 20_000
_K = TypeVar("_K")
_V = TypeVar("_V")


def term_weights(tokens: Iterable[str]) -> dict[Phrase, float]:
    """A weighted query from normalized tokens: each token once, weighted by how often it occurs."""
    weights: dict[Phrase, float] = {}
    for token in tokens:
        weights[(token,)] = weights.get((token,), 0.0) + 1.0
    return weights


class Searching:
    """`SearchIndex`'s reading side: the searches, stored fields of hits, and `reload`."""

    has_plain: bool
    until_in_columns: bool  # `has_until_column`
    _index: tantivy.Index
    _schema: tantivy.Schema
    _searcher: tantivy.Searcher
    _groups: GroupFacts
    _kept: _Snapshot | None

    def __len__(self) -> int:
        return int(self._searcher.num_docs)

    def reload(self) -> None:
        """See the commits made since this index was opened or last reloaded, by any process."""
        self._groups.load()  # first: group facts are written before the commit they go with
        self._index.reload()
        self._searcher = self._index.searcher()

    def group_facts(self, group: str) -> Mapping[str, object]:
        """The facts kept for `group` (`Document.group_facts`; empty when none). Shared: do not change."""
        return self._groups.get(group)

    def doc_freq(self, term: str, field_name: str = "name") -> int:
        """How many documents hold the normalized `term` in `field_name` (kept with the searcher: a
        shortlist asks for about 70, for its synonyms' and feedback terms' weights)."""
        snapshot = self._snapshot()
        key = (field_name, term)
        count = snapshot.doc_freqs.get(key)
        if count is None:
            count = int(snapshot.searcher.doc_freq(field_name, term))
            remember(snapshot.doc_freqs, key, count)
        return count

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Filters | Sequence[str] = (),
    ) -> list[Hit]:
        """BM25 over the normalized text of `text` (no synonyms, no feedback)."""
        return self.search_weighted(
            term_weights(normalize(text)),
            limit=limit,
            fields=fields,
            exclude_ids=exclude_ids,
            filters=filters,
        )

    def search_weighted(
        self,
        query: Mapping[Phrase, float],
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Filters | Sequence[str] = (),
    ) -> list[Hit]:
        """BM25 for weighted normalized terms and phrases: {('keripik',): 1.0, ('makanan', 'ringan'): 0.5}."""
        return self.hits(
            self.candidates(query, limit=limit, fields=fields, exclude_ids=exclude_ids, filters=filters)
        )

    def candidates(
        self,
        query: Mapping[Phrase, float],
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Filters | Sequence[str] = (),
        same_as: Mapping[Phrase, Phrase] = {},
    ) -> list[Candidate]:
        """Like `search_weighted`, without reading stored fields: scores and category keys only.

        `same_as` maps phrases of `query` to another phrase of it they stand for (a synonym to the need's
        word): in each field a document scores the best of such a group, not their sum, so that an item
        saying `jilbab kerudung hijab` counts the idea once.
        """
        groups: dict[Phrase, list[tuple[Phrase, float]]] = {}
        for phrase, weight in query.items():
            if weight > 0 and phrase:
                groups.setdefault(same_as.get(phrase, phrase), []).append((phrase, weight))
        clauses: list[tantivy.Query] = []
        for field_name, field_weight in fields.items():
            for members in groups.values():
                alike = [
                    tantivy.Query.boost_query(self._phrase_query(field_name, phrase), weight * field_weight)
                    for phrase, weight in members
                ]
                clauses.append(alike[0] if len(alike) == 1 else tantivy.Query.disjunction_max_query(alike))
        return self._run(clauses, limit=limit, exclude_ids=exclude_ids, filters=Filters.of(filters))

    def holding(self, filters: Filters | Sequence[str], *, limit: int) -> list[Candidate]:
        """Up to `limit` documents that pass `filters`, whatever their words, all scored alike (in the
        index's order): for documents found by what they hold, not by what they say (a supplier's past
        packages delivered to a place: `rantai.matching.history.delivered_term`)."""
        return self._run(
            [tantivy.Query.all_query()], limit=limit, exclude_ids=(), filters=Filters.of(filters)
        )

    def _phrase_query(self, field_name: str, phrase: Phrase) -> tantivy.Query:
        if len(phrase) == 1:
            return tantivy.Query.term_query(self._schema, field_name, phrase[0])
        return tantivy.Query.phrase_query(self._schema, field_name, list(phrase))

    def search_plain(
        self,
        text: str,
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Filters | Sequence[str] = (),
    ) -> list[Hit]:
        """Plain BM25: tantivy's default tokenizer on the raw text, every searched field counting the same.

        This is what `Index.parse_query` would do with the words of `text` (OR of terms over the default
        fields), without its query syntax, so any need text is accepted. Needs an index built with
        `plain=True` (ValueError otherwise).
        """
        if not self.has_plain:
            raise ValueError("this index was built without the plain-BM25 fields (plain=False)")
        clauses = [
            tantivy.Query.term_query(self._schema, PLAIN_PREFIX + field_name, token)
            for field_name, _ in fields.items()
            for token in PLAIN_ANALYZER.analyze(text)
        ]
        return self.hits(
            self._run(clauses, limit=limit, exclude_ids=exclude_ids, filters=Filters.of(filters))
        )

    def hits(self, candidates: Iterable[Candidate], *, terms: bool = True) -> list[Hit]:
        """The stored fields of `candidates`, in their order; `terms=False` leaves out the normalized
        text (`Hit.terms` empty).

        A document read once is kept with the searcher that read it (`_Snapshot`): a shortlist reads a
        product for its score, again for its reasons and again in the search without hard rules, and the
        next shortlists read many of the same products (issue #9: server CPU per page)."""
        snapshot = self._snapshot()
        searcher, kept = snapshot.searcher, snapshot.hits
        hits = []
        for candidate in candidates:
            address = candidate.address
            key = (address.segment_ord, address.doc)
            known = kept.get(key)
            if known is None:
                known = self._read(searcher.doc(address))
                remember(kept, key, known)
            hit, text = known
            # Positional: `replace` costs twice as much.
            hits.append(
                Hit(
                    hit.id,
                    candidate.score,
                    hit.category,
                    tuple(text.split()) if terms else (),
                    hit.name,
                    hit.filters,
                    hit.valid_until,
                    hit.group,
                    hit.facts,
                )
            )
        return hits

    def memo(self, name: str) -> dict[object, object]:
        """A dict for what a caller derives from this index's documents (keyed by document id, say),
        emptied when the index sees another commit (`reload`) or when it grows past `KEPT_PER_SEARCHER`
        entries (`remember`). Shared by threads: store only values that do not change."""
        return self._snapshot().memo(name)

    def _snapshot(self) -> _Snapshot:
        """What is kept for the current searcher (a new one after `reload`)."""
        snapshot = self._kept
        if snapshot is None or snapshot.searcher is not self._searcher:
            snapshot = self._kept = _Snapshot(self._searcher)
        return snapshot

    def _read(self, stored: tantivy.Document) -> tuple[Hit, str]:
        """A read document's stored fields (score 0, no words) and its normalized words as one text."""
        title = stored.get_first(TITLE)
        facts = stored.get_first(FACTS)
        own: Mapping[str, object] = json.loads(facts) if facts else {}
        group = str(stored.get_first(GROUP) or "")
        shared = self._groups.get(group) if group else None
        filters = tuple(str(term) for term in stored.get_all(FILTER))
        hit = Hit(
            id=str(stored.get_first("id")),
            score=0.0,
            category=str(stored.get_first("category_label") or ""),
            name=bytes(title).decode() if title is not None else "",
            filters=filters,
            valid_until=decode_until(filters, [int(value) for value in stored.get_all(FILTER_UNTIL)]),
            group=group,
            facts={**shared, **own} if shared else own,
        )
        return hit, words_of(stored)

    def _run(
        self,
        should: list[tantivy.Query],
        *,
        limit: int,
        exclude_ids: Collection[str],
        filters: Filters,
    ) -> list[Candidate]:
        if not should or limit <= 0:
            return []
        occur = tantivy.Occur
        text_query = tantivy.Query.boolean_query([(occur.Should, clause) for clause in should])
        subqueries = [(occur.Must, text_query), *self._filter_clauses(filters)]
        for excluded in exclude_ids:
            subqueries.append((occur.MustNot, tantivy.Query.term_query(self._schema, "id", excluded)))
        query = tantivy.Query.boolean_query(subqueries)
        found = self._searcher.search(query, limit=limit, count=False).hits
        if not found:
            return []
        addresses = [address for _, address in found]
        # Unsigned columns: ints, or None for a document without a value.
        keys = cast("list[int | None]", self._searcher.fast_field_values(CATEGORY_KEY, addresses))
        groups = cast("list[int | None]", self._searcher.fast_field_values(GROUP_KEY, addresses))
        # Positional, and tantivy's scores already floats, its column values ints (or None): a shortlist
        # makes about 270 candidates (issue #9: server CPU per page).
        return [
            Candidate(score, key or 0, address, group or 0)
            for (score, address), key, group in zip(found, keys, groups, strict=True)
        ]

    def _filter_clauses(self, filters: Filters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Boolean clauses that select, each scoring 0 so that BM25 stays as it is."""
        occur = tantivy.Occur
        clauses = []
        for term in filters.all_of:
            clauses.append((occur.Must, tantivy.Query.const_score_query(self._holds(term, filters), 0.0)))
        for group in filters.any_of:
            either = tantivy.Query.boolean_query(
                [(occur.Should, self._holds(term, filters)) for term in group]
            )
            clauses.append((occur.Must, tantivy.Query.const_score_query(either, 0.0)))
        for term in filters.none_of:
            clauses.append((occur.MustNot, tantivy.Query.term_query(self._schema, FILTER, term)))
        if filters.in_groups:
            member = tantivy.Query.boolean_query(
                [
                    (occur.Should, tantivy.Query.term_query(self._schema, GROUP, name))
                    for name in dict.fromkeys(filters.in_groups)
                ]
            )
            clauses.append((occur.Must, tantivy.Query.const_score_query(member, 0.0)))
        for name in filters.not_groups:
            clauses.append((occur.MustNot, tantivy.Query.term_query(self._schema, GROUP, name)))
        return clauses

    def _holds(self, term: str, filters: Filters) -> tantivy.Query:
        """Documents that hold `term`, and still hold it on `filters.valid_on` if a day is given.

        Lapsed = the term's end day falls before the day asked for; terms with no end never lapse, and a
        term no document gives an end (a province, say) is not tested. The test reads the end days'
        column where the index has one (`until_in_columns`): a range over the inverted index instead
        gathers every document whose term ended before that day, whatever the rest of the query selects
        (on issue #14's million products, 0.4 ms of each 1.4 ms search; the column, 0.2 ms)."""
        holds = tantivy.Query.term_query(self._schema, FILTER, term)
        if filters.valid_on is None:
            return holds
        day = day_number(filters.valid_on)
        if day == 0 or not self._can_lapse(term):
            return holds
        lapsed = self._ending(term, 0, day - 1, in_columns=self.until_in_columns)
        occur = tantivy.Occur
        return tantivy.Query.boolean_query([(occur.Must, holds), (occur.MustNot, lapsed)])

    def _can_lapse(self, term: str) -> bool:
        """Whether some document gives `term` an end day (asked once per term and index commit)."""
        snapshot = self._snapshot()
        known = snapshot.lapsing.get(term)
        if known is None:
            ends = self._ending(term, 0, LAST_DAY, in_columns=False)
            known = bool(snapshot.searcher.search(ends, limit=1, count=False).hits)
            remember(snapshot.lapsing, term, known)
        return known

    def _ending(self, term: str, first: int, last: int, *, in_columns: bool) -> tantivy.Query:
        """Documents that give `term` an end day numbered `first` to `last` (`day_number`), read from the
        end days' column or from the inverted index."""
        base = term_hash(term) << DAY_BITS
        return tantivy.Query.range_query(
            self._schema,
            FILTER_UNTIL,
            tantivy.FieldType.Unsigned,
            base + first,
            base + last,
            use_inverted_index=not in_columns,
        )


def has_until_column(searcher: tantivy.Searcher) -> bool:
    """Whether the index keeps its lapsing terms' end days as a column (built since issue #14's speed
    work); an older index is still searched right, through its inverted index, until it is rebuilt."""
    try:
        searcher.fast_field_values(FILTER_UNTIL, [])
    except ValueError:
        return False
    return True


class _Snapshot:
    """Documents read through one searcher, its terms' document frequencies, and what callers derived
    from them (`Searching.memo`).

    A searcher sees the index as of one commit, so a document address means the same document for as long
    as it lives; a reload makes a new searcher and, with it, a new snapshot. Each dict is emptied when it
    reaches `KEPT_PER_SEARCHER` entries rather than kept in least-recently-used order: threads share it,
    and `dict.clear` is one step for them (a working set larger than that is read again from time to time).
    """

    __slots__ = ("_memos", "doc_freqs", "hits", "lapsing", "searcher")

    def __init__(self, searcher: tantivy.Searcher) -> None:
        self.searcher = searcher
        self.hits: dict[tuple[int, int], tuple[Hit, str]] = {}
        self.doc_freqs: dict[tuple[str, str], int] = {}
        self.lapsing: dict[str, bool] = {}  # filter term -> whether some document gives it an end day
        self._memos: dict[str, dict[object, object]] = {}

    def memo(self, name: str) -> dict[object, object]:
        return self._memos.setdefault(name, {})


def remember(kept: dict[_K, _V], key: _K, value: _V) -> None:
    """Store `value` under `key` in a dict of a snapshot (`Searching.memo`), emptying it first when full."""
    if len(kept) >= KEPT_PER_SEARCHER:
        kept.clear()
    kept[key] = value
