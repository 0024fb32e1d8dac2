"""Explained shortlists of suppliers for a procurement need line.

need line -> hard rules as index filters -> `Matcher` ranks products (synonyms, feedback, category
re-rank) -> products grouped by supplier (best product each, a few others kept) -> the best `pool`
suppliers by text are read and scored on soft features (`rantai.matching.features`) -> the capacity
rule -> newcomer slots -> the `top` entries, each with its reasons (`rantai.matching.reasons`).

Only the `pool` best suppliers by text relevance (40 by default) are read from the index and scored:
reading a stored document is the costly step of a search, and a supplier further down matches the
need's words too weakly for the other features to lift it into a shortlist of ten.

Newcomer slots: a newcomer is a supplier that has won no award yet. A shortlist of `top` keeps room for
round(top * newcomer_slots / 10) qualified newcomers (at least one when top >= 3, and
`newcomer_slots` = 2 by default: 2 of 10, 1 of 5): when fewer are among the `top` best scores, the
best-scoring eligible newcomers whose text relevance is at least `newcomer_min_text` replace the
lowest-ranked non-newcomers, and take the last places.

With `explain_exclusions`, the need's text is also searched without the hard rules (a shallower
search), and the good text matches (relative text score at least `exclusion_min_text`) that fail a
rule are listed with the rules they fail, for the "why not" view.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, cast

from rantai.matching.eligibility import Capacity, Units, capacity, need_filters, supplier_failures
from rantai.matching.engine import Matcher, MatcherConfig, Ranking
from rantai.matching.facts import (
    HISTORY,
    NeedLine,
    OfferFacts,
    SupplierFacts,
    offer_from_facts,
    supplier_from_facts,
)
from rantai.matching.features import (
    FeatureWeights,
    capacity_feature,
    codes_feature,
    combine,
    distance_feature,
    majority_code,
    price_feature,
    size_feature,
    track_record_feature,
)
from rantai.matching.history import (
    HistoryProfile,
    HistoryScore,
    HistoryWeights,
    PastWin,
    delivered_term,
    profile_from_facts,
    score_histories,
    win_from_facts,
)
from rantai.matching.index import Candidate, Filters, Hit, SearchIndex, remember
from rantai.matching.normalize import normalize
from rantai.matching.reading import perishable
from rantai.matching.reasons import (
    CATEGORY_AGREES,
    CERT_VALID,
    MATCHED_OFFER,
    MATCHED_TERMS,
    NEWCOMER,
    NO_MATCHING_OFFER,
    RANKED_BELOW,
    Reason,
)
from rantai.matching.related import RelatedWords
from rantai.matching.rerank import Reranked

_EXPLAIN_DEPTH: Final = 50  # a supplier's own products searched by `explain`
_FACTS: Final = "shortlist-facts"  # the `SearchIndex.memo` of parsed document facts
_HISTORY_FACTS: Final = "shortlist-history"  # the `SearchIndex.memo` of parsed history documents
_HISTORY_SUPPLIERS: Final = "shortlist-history-suppliers"  # ... and of their suppliers' facts, by group


@dataclass(frozen=True, slots=True)
class ShortlistConfig:
    """The shortlist's knobs (the matcher's own are in `MatcherConfig`)."""

    weights: FeatureWeights = field(default_factory=FeatureWeights)
    newcomer_slots: int = 2  # places per 10 kept for newcomers
    newcomer_min_text: float = 0.5  # a newcomer's least text relevance to take a newcomer slot
    depth: int = 200  # products fetched from the index
    pool: int = 40  # suppliers read and scored, best by text relevance
    other_offers: int = 2  # other matching products given per entry
    offers_tried: int = 4  # products of one supplier tried against the capacity rule
    # Suppliers beyond the pool whose products are sold in a unit the need's quantity converts to, read
    # and scored too (`Shortlister._sold_alike`).
    alike_pool: int = 20
    # When some scored offers are sold in a unit the need's quantity converts to, the capacity value of
    # one sold in a unit that does not (so none of its figures can be compared): a worse fit.
    unit_differs: float = 0.25
    # The least share of the quantity a supplier's capacity must cover to be shortlisted for part of it.
    min_partial_share: float = 0.1
    # Unit code -> (base unit code, factor to base): 1 kg = 1000 gram. The app passes the reference table.
    units: Units = field(default_factory=dict)
    horizon_months: float = 1.0  # production window when a line has no needed-by day
    min_window_days: int = 7  # the shortest production window considered
    distance_scale_km: float = 300.0
    # Perishable goods and daily services (`reading.perishable`): distance weighs this many times more,
    # on a scale this many times shorter.
    perishable_distance_boost: float = 3.0
    track_prior_orders: float = 10.0
    track_prior_rate: float = 0.7
    category_support: float = 0.5  # share of the category vote above which `category_agrees` is said
    code_consensus: int = 20  # best offers whose KBLI/HS vote when the need gives no codes
    # Histories (`rantai.matching.history`): the history documents searched (0: off), the suppliers
    # known by their history alone that are read and scored, and how fast a past package's weight halves.
    history_depth: int = 200
    history_pool: int = 40
    history_half_life_years: float = 2.0
    # A supplier's history relevance: its best package's plus `history_others_weight` times each of its
    # next `history_others` packages' (`rantai.matching.history.aggregate`; 0: the best package alone).
    # On the 2026 awards' second hold-outs (docs/benchmarks.md, the run of 2026-12-06 08:40 UTC), half of
    # the next one: tender 0.446 to 0.461 (mean of seven), e-katalog 0.497 to 0.501; the next two cost on
    # e-katalog rows, whose short titles repeat (0.488).
    history_others: int = 1
    history_others_weight: float = 0.5
    # How a history's words and its fit to the need's type, value and delivery place weigh.
    history_weights: HistoryWeights = field(default_factory=HistoryWeights)
    # Suppliers whose packages share no word with the need but were delivered to its delivery place: the
    # history documents of that place read (0: off), the best suppliers by fit among them scored, and
    # the relevance they are given (`rantai.matching.history.score_histories`' `nearby`). On seven second
    # hold-outs of the 2026 awards' tender rows 200, 20 and 0.1 raised recall@10 of the real winner from
    # 0.425 to 0.446 (the e-katalog one: 0.495 to 0.497); measured, 0.502 to 0.517 (docs/benchmarks.md,
    # the run of 2026-12-06 08:03 UTC).
    history_nearby_depth: int = 200
    history_nearby_pool: int = 20
    history_nearby_relevance: float = 0.1
    exclusion_depth: int = 60  # products fetched by the search without hard rules
    # Relative text score of a "good text match": an item holding two of a three-word need's words
    # ("keripik singkong" for "keripik singkong balado") scores about half the best, on either side of 0.5.
    exclusion_min_text: float = 0.4


@dataclass(frozen=True, slots=True)
class ShortlistEntry:
    """One supplier on a shortlist: its rank (1 = first), its best matching offer, score (0..1), whether
    it is a newcomer, the reasons, each feature's value (0..1) and a few other matching offers."""

    rank: int
    supplier: SupplierFacts
    offer: OfferFacts
    score: float
    newcomer: bool
    reasons: tuple[Reason, ...]
    features: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    other_offers: tuple[OfferFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A good text match that fails a hard rule, with the rules it fails."""

    supplier: SupplierFacts
    offer: OfferFacts | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Shortlist:
    """The entries, best first, and (when asked) the good text matches excluded by a rule."""

    entries: tuple[ShortlistEntry, ...]
    excluded: tuple[Exclusion, ...] = ()
    more: bool = False  # more eligible suppliers rank below the entries (a "show more" can ask for them)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a supplier is (not) on a need's shortlist.

    `included`: it is among the `top` entries. `entry`: its place in the full ranking whenever it is
    eligible (rank may exceed `top`). `reasons`: why not, when not included: the rules it fails,
    `no_matching_offer`, or `ranked_below` {rank, top}. `supplier` is None only when no product of it
    matches the text.
    """

    supplier_id: str
    included: bool
    entry: ShortlistEntry | None
    reasons: tuple[Reason, ...]
    supplier: SupplierFacts | None = None


@dataclass(slots=True)
class _Group:
    """One supplier's matching products, best first."""

    items: list[Reranked[Candidate]]


@dataclass(frozen=True, slots=True)
class _Offer:
    """A read product: the ranking item, its hit and its facts."""

    item: Reranked[Candidate]
    hit: Hit
    supplier: SupplierFacts
    offer: OfferFacts


# A document's facts parsed (`Shortlister._read`), or () when they are not a shortlist's.
_Parsed = tuple[SupplierFacts, OfferFacts] | tuple[()]
# A history document's supplier, package and the supplier's history profile (`Shortlister._past`), or ()
# for another document.
_Past = tuple[str, PastWin, HistoryProfile | None] | tuple[()]
# The history documents found by the need's words (ranked), and some delivered to its delivery place.
_PastFound = tuple[list[Reranked[Candidate]], list[Reranked[Candidate]]]


@dataclass(slots=True)
class _Scored:
    """An eligible supplier with its chosen offer, scored."""

    chosen: _Offer
    group: _Group
    text: float
    capacity: Capacity | None
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)

    @property
    def newcomer(self) -> bool:
        return self.chosen.supplier.awards_won == 0


def _rank_order(item: _Scored) -> tuple[float, int, str]:
    """Best score first; equal scores by supplier id (numeric ids in number order), so the order of the
    suppliers found does not depend on where their documents sit in the index (which a rebuild or a
    merge changes)."""
    supplier_id = item.chosen.supplier.id
    return (-item.score, len(supplier_id), supplier_id)


@dataclass(frozen=True, slots=True)
class _Short:
    """A supplier whose matching offers all fail the capacity rule."""

    chosen: _Offer
    text: float
    reason: Reason


def newcomer_slots(top: int, per_ten: int) -> int:
    """Places kept for newcomers in a shortlist of `top` (see the module docstring)."""
    if per_ten <= 0 or top <= 0:
        return 0
    slots = int(top * per_ten / 10 + 0.5)
    if top >= 3:
        slots = max(1, slots)
    return min(slots, top)


def group_by_supplier(ranked: Sequence[Reranked[Candidate]]) -> list[_Group]:
    """Ranked products grouped by their group key, groups in the order of their best product."""
    groups: dict[int, _Group] = {}
    for position, item in enumerate(ranked):
        # A document without a group stands alone (negative keys never clash with real ones).
        key = item.hit.group or -1 - position
        if key in groups:
            groups[key].items.append(item)
        else:
            groups[key] = _Group([item])
    return list(groups.values())


class Shortlister:
    """Shortlists the suppliers of a `SearchIndex` built from `offer_document`s for need lines."""

    def __init__(
        self,
        index: SearchIndex,
        config: ShortlistConfig | None = None,
        matcher_config: MatcherConfig | None = None,
        related: RelatedWords | None = None,
    ) -> None:
        self.index = index
        self.config = config or ShortlistConfig()
        # Related words learned from the platform's texts widen the need's words (issue #14 item 2).
        self.matcher = Matcher(index, matcher_config, related)
        # Past packages carry no category: their search has no category vote. Package titles start with
        # what is bought after purchase words already passed over, and their best few are too alike for
        # feedback terms: on the award histories (bench/matching_awards.py) the head weight and feedback
        # each cost recall (0.436 without both, 0.412 with).
        self.history_matcher = Matcher(
            index,
            replace(self.matcher.config, category_weight=0.0, feedback_weight=0.0, head_weight=1.0),
        )

    def shortlist(
        self,
        need: NeedLine,
        *,
        top: int = 10,
        include_unverified: bool = False,
        explain_exclusions: bool = False,
        exclude_suppliers: Collection[str] = (),
    ) -> Shortlist:
        """The `top` best eligible suppliers for `need`, with their reasons; with `explain_exclusions`,
        also the good text matches a hard rule keeps out."""
        excluded_groups = tuple(dict.fromkeys(exclude_suppliers))
        past = self._search_histories(need, include_unverified, excluded_groups)
        ranking = self._rank(need, include_unverified=include_unverified, not_groups=excluded_groups)
        scored, short, _ = self._score(
            need, ranking, past, include_unverified=include_unverified, not_groups=excluded_groups
        )
        entries = self._entries(self._select(scored, top), ranking.tokens)
        exclusions: tuple[Exclusion, ...] = ()
        if explain_exclusions:
            listed = {entry.supplier.id for entry in entries}
            exclusions = self._exclusions(
                need,
                short,
                skip=listed,
                not_groups=excluded_groups,
                limit=max(top, 1),
                include_unverified=include_unverified,
            )
        return Shortlist(entries, exclusions, more=len(scored) > top)

    def explain(
        self, need: NeedLine, supplier_id: str, *, top: int = 10, include_unverified: bool = False
    ) -> Explanation:
        """Why `supplier_id` is or is not on the shortlist of `top` for `need`."""
        past = self._search_histories(need, include_unverified, ())
        ranking = self._rank(need, include_unverified=include_unverified)
        scored, _, histories = self._score(need, ranking, past, include_unverified=include_unverified)
        mine = next((item for item in scored if item.chosen.supplier.id == supplier_id), None)
        if mine is None:
            # Not among the scored: read its own products, scored on the ranking's scale.
            own = self.matcher.rescore(
                ranking, limit=_EXPLAIN_DEPTH, filters=Filters(none_of=(HISTORY,), in_groups=(supplier_id,))
            )
            if not own and ranking.query:
                # Nothing under the ranking's query (feedback terms may differ): try the need's own words.
                own = self.matcher.rank(
                    need.text,
                    depth=_EXPLAIN_DEPTH,
                    filters=Filters(none_of=(HISTORY,), in_groups=(supplier_id,)),
                ).ranked
            offers = self._read(item for item in own)
            if not offers:
                return Explanation(supplier_id, False, None, (Reason.of(NO_MATCHING_OFFER),))
            supplier = offers[0].supplier
            failures = supplier_failures(supplier, need, include_unverified=include_unverified)
            if failures:
                return Explanation(supplier_id, False, None, tuple(failures), supplier)
            best = ranking.ranked[0].score if ranking.ranked else own[0].score
            chosen = self._choose(need, _Group(list(own)), offers[0], best)
            if isinstance(chosen, _Short):
                return Explanation(supplier_id, False, None, (chosen.reason,), supplier)
            mine = chosen
            scored = [*scored, mine]
            self._features(need, scored, histories)
            scored.sort(key=_rank_order)
        selected = self._select(scored, top)
        if any(item is mine for item in selected):
            entry = self._entries(selected, ranking.tokens)[[item is mine for item in selected].index(True)]
            return Explanation(supplier_id, True, entry, (), mine.chosen.supplier)
        others = [item for item in scored if not any(item is chosen for chosen in selected)]
        rank = len(selected) + 1 + others.index(mine)
        entry = self._entry(mine, rank, ranking.tokens)
        return Explanation(
            supplier_id,
            False,
            entry,
            (Reason.of(RANKED_BELOW, rank=rank, top=top),),
            mine.chosen.supplier,
        )

    # The steps.

    def _rank(self, need: NeedLine, *, include_unverified: bool, not_groups: tuple[str, ...] = ()) -> Ranking:
        filters = need_filters(need, include_unverified=include_unverified, not_groups=not_groups)
        return self.matcher.rank(need.text, depth=self.config.depth, filters=filters)

    def _read(
        self,
        items: Iterator[Reranked[Candidate]] | Sequence[Reranked[Candidate]],
        *,
        terms: bool = False,
    ) -> list[_Offer]:
        """The facts of ranked products (those without shortlist facts are left out); their normalized
        text only with `terms` (for the reasons of the entries shown)."""
        items = list(items)
        offers = []
        hits = self.index.hits((item.hit for item in items), terms=terms)
        # Parsed once per document while the index sees no other commit (`SearchIndex.memo`).
        parsed_facts = cast("dict[str, _Parsed]", self.index.memo(_FACTS))
        for item, hit in zip(items, hits, strict=True):
            parsed = parsed_facts.get(hit.id)
            if parsed is None:
                try:
                    parsed = (supplier_from_facts(hit.facts), offer_from_facts(hit.facts))
                except (ValueError, TypeError):
                    parsed = ()  # not a shortlist's facts
                remember(parsed_facts, hit.id, parsed)
            if parsed:
                offers.append(_Offer(item, hit, parsed[0], parsed[1]))
        return offers

    def _score(
        self,
        need: NeedLine,
        ranking: Ranking,
        past: _PastFound,
        *,
        include_unverified: bool,
        not_groups: tuple[str, ...] = (),
    ) -> tuple[list[_Scored], list[_Short], dict[str, HistoryScore]]:
        """The eligible suppliers of the `pool` best groups (and of the best groups selling in a unit the
        need's quantity converts to, and of the best histories), scored best first; those the capacity
        rule keeps out; and the suppliers' histories that fit the need."""
        histories, known_by_history = self._histories(need, *past)
        scored: list[_Scored] = []
        short: list[_Short] = []
        if ranking.ranked:
            best = max(item.score for item in ranking.ranked) or 1.0
            groups = group_by_supplier(ranking.ranked)[: self.config.pool]
            groups += self._sold_alike(need, ranking, groups, include_unverified, not_groups)
            firsts = {id(offer.item): offer for offer in self._read(group.items[0] for group in groups)}
            for group in groups:
                first = firsts.get(id(group.items[0]))
                if first is None:
                    continue
                # The index applied the rules; facts that disagree (written at another time) are left out.
                if supplier_failures(first.supplier, need, include_unverified=include_unverified):
                    continue
                chosen = self._choose(need, group, first, best)
                if isinstance(chosen, _Short):
                    short.append(chosen)
                else:
                    scored.append(chosen)
        # Suppliers known by the packages they won, not by a matching product (works and services).
        seen = {item.chosen.supplier.id for item in scored} | {item.chosen.supplier.id for item in short}
        for supplier_id, offer in known_by_history.items():
            if supplier_id in seen or supplier_failures(
                offer.supplier, need, include_unverified=include_unverified
            ):
                continue
            scored.append(_Scored(offer, _Group([offer.item]), histories[supplier_id].relevance, None))
        self._features(need, scored, histories)
        scored.sort(key=_rank_order)
        return scored, short, histories

    def _search_histories(
        self, need: NeedLine, include_unverified: bool, not_groups: tuple[str, ...]
    ) -> _PastFound:
        """The history documents matching the need, ranked, and some of those delivered to its delivery
        place.

        Searched one after the other with the products: tantivy-py 0.27 holds the interpreter while it
        searches, so a search in another thread ran no faster (2 threads x 100 searches took 57 ms, 200
        in one thread 59 ms) and the shortlist's figures were the same with or without it."""
        config = self.config
        if config.history_depth <= 0:
            return [], []
        filters = need_filters(need, include_unverified=include_unverified, not_groups=not_groups)
        filters = replace(
            filters,
            all_of=(*filters.all_of, HISTORY),
            none_of=tuple(term for term in filters.none_of if term != HISTORY),
        )
        ranked = self.history_matcher.rank(need.text, depth=config.history_depth, filters=filters).ranked
        place = need.delivery_place
        if not place or config.history_nearby_depth <= 0 or config.history_nearby_pool <= 0:
            return ranked, []
        delivered = replace(filters, all_of=(*filters.all_of, delivered_term(place)))
        # A supplier's first package there is all `_histories` reads of it (its profile is the same on
        # every package), so only that one is kept: a third of the documents to decode.
        nearby: dict[int, Reranked[Candidate]] = {}
        for candidate in self.index.holding(delivered, limit=config.history_nearby_depth):
            if candidate.group not in nearby:
                nearby[candidate.group] = Reranked(candidate, 0.0, 0.0, 0.0)
        return ranked, list(nearby.values())

    def _histories(
        self,
        need: NeedLine,
        ranked: list[Reranked[Candidate]],
        nearby: Sequence[Reranked[Candidate]] = (),
    ) -> tuple[dict[str, HistoryScore], dict[str, _Offer]]:
        """The suppliers whose past packages (`ranked`, as `_search_histories` found them) match the
        need, and the best by fit of those that delivered packages to its place (`nearby`), with their
        `HistoryScore`, and the best `history_pool` of them as offers named by their best package (for
        those known by history alone)."""
        config = self.config
        if not ranked and not nearby:
            return {}, {}
        found = []
        firsts: dict[str, Reranked[Candidate]] = {}
        for item, past in zip(ranked, self._past(ranked), strict=True):
            if past:
                group, win, profile = past
                found.append((group, item.hit.score, win, profile))
                firsts.setdefault(group, item)
        delivered = []
        for item, past in zip(nearby, self._past(nearby), strict=True):
            if past:
                group, win, profile = past
                delivered.append((group, win, profile))
                if group not in firsts:
                    firsts[group] = item
        scores = score_histories(
            found,
            year=need.today.year,
            half_life_years=config.history_half_life_years,
            kind=need.kind,
            value=need.budget,
            place=need.delivery_place,
            weights=config.history_weights,
            others=config.history_others,
            others_weight=config.history_others_weight,
            nearby=delivered,
            nearby_pool=config.history_nearby_pool,
            nearby_relevance=config.history_nearby_relevance,
        )
        offers: dict[str, _Offer] = {}
        # The best histories by their words and their fit to the need, as the shortlist weighs them.
        weights = config.weights

        def pooled_by(supplier_id: str) -> float:
            score = scores[supplier_id]
            return -(
                weights.text * score.relevance
                + weights.history * score.value
                + weights.history_fit * (score.fit or 0.0)
            )

        pooled = sorted((supplier_id for supplier_id in firsts if supplier_id in scores), key=pooled_by)[
            : config.history_pool
        ]
        # Only the pooled suppliers' first packages are read whole (with their words, for the reasons).
        pooled_hits = self.index.hits((firsts[supplier_id].hit for supplier_id in pooled), terms=True)
        # A history document's supplier facts are its group's (`history_document`): parsed once per
        # supplier and index commit.
        suppliers = cast("dict[str, SupplierFacts | None]", self.index.memo(_HISTORY_SUPPLIERS))
        for supplier_id, hit in zip(pooled, pooled_hits, strict=True):
            item = firsts[supplier_id]
            if hit.group in suppliers:
                supplier = suppliers[hit.group]
            else:
                try:
                    supplier = supplier_from_facts(hit.facts)
                except (ValueError, TypeError):
                    supplier = None
                remember(suppliers, hit.group, supplier)
            if supplier is None:
                continue
            offer = OfferFacts(id="", name=scores[supplier_id].best.title)
            offers[supplier_id] = _Offer(item, hit, supplier, offer)
        return scores, offers

    def _past(self, ranked: Sequence[Reranked[Candidate]]) -> list[_Past]:
        """The package, supplier and history profile of each ranked history document (() for another
        document), parsed once per document while the index sees no other commit (`SearchIndex.memo`,
        keyed by the document's address): a shortlist finds about 150 packages, mostly found by earlier
        shortlists too, and decoding them per hit was a third of the history search's time."""
        memo = cast("dict[tuple[int, int], _Past]", self.index.memo(_HISTORY_FACTS))
        keys = [(item.hit.address.segment_ord, item.hit.address.doc) for item in ranked]
        found = [memo.get(key) for key in keys]
        missing = [number for number, past in enumerate(found) if past is None]
        if missing:
            hits = self.index.hits((ranked[number].hit for number in missing), terms=False)
            for number, hit in zip(missing, hits, strict=True):
                win = win_from_facts(hit.facts)
                past: _Past = (hit.group, win, profile_from_facts(hit.facts)) if win and hit.group else ()
                found[number] = past
                remember(memo, keys[number], past)
        return cast("list[_Past]", found)

    def _sold_alike(
        self,
        need: NeedLine,
        ranking: Ranking,
        groups: list[_Group],
        include_unverified: bool,
        not_groups: tuple[str, ...],
    ) -> list[_Group]:
        """The best groups, beyond `groups`, whose matching products are sold in a unit the need's
        quantity converts to ("kopi arabika 2 ton": green beans by the kg, not ground coffee by the
        pack), scored on the ranking's scale: a bulk need's sellers may sit below the text pool."""
        units = self._alike_units(need)
        if not units or self.config.alike_pool <= 0:
            return []
        filters = need_filters(need, include_unverified=include_unverified, not_groups=not_groups)
        filters = replace(filters, any_of=(*filters.any_of, tuple(f"unit:{code}" for code in units)))
        found = self.matcher.rescore(ranking, limit=self.config.depth // 2, filters=filters)
        seen = {item.hit.group for group in groups for item in group.items}
        fresh = [group for group in group_by_supplier(found) if group.items[0].hit.group not in seen]
        return fresh[: self.config.alike_pool]

    def _alike_units(self, need: NeedLine) -> tuple[str, ...]:
        """The unit codes the need's quantity converts to (its own first); () without a quantity."""
        if not need.quantity or not need.unit:
            return ()
        units = self.config.units
        base = units.get(need.unit, (need.unit, 1.0))[0]
        alike = [code for code, (code_base, _) in sorted(units.items()) if code_base == base]
        return tuple(dict.fromkeys([need.unit, *alike]))

    def _choose(self, need: NeedLine, group: _Group, first: _Offer, best: float) -> _Scored | _Short:
        """The supplier's best product that passes the capacity rule, or the reason none does."""
        config = self.config
        tried = [first]
        check = self._capacity(first.offer, need)
        if check is not None and not check.fits:
            for offer in self._read(group.items[1 : config.offers_tried]):
                tried.append(offer)
                check = self._capacity(offer.offer, need)
                if check is None or check.fits:
                    break
        chosen = tried[-1]
        if check is not None and not check.fits:
            # No offer covers the quantity: the one covering most of it, if it covers enough to be worth
            # a part of the line (issue #14: shown as covering part, not dropped).
            checks = [(offer, self._capacity(offer.offer, need)) for offer in tried]
            partial = max(
                ((offer, found) for offer, found in checks if found is not None),
                key=lambda pair: pair[1].ratio,
            )
            if partial[1].ratio < config.min_partial_share:
                return _Short(first, min(1.0, first.item.score / best) if best > 0 else 0.0, check.reason())
            chosen, check = partial
        text = min(1.0, chosen.item.score / best) if best > 0 else 0.0
        return _Scored(chosen, group, text, check)

    def _capacity(self, offer: OfferFacts, need: NeedLine) -> Capacity | None:
        config = self.config
        return capacity(
            offer,
            need,
            config.units,
            horizon_months=config.horizon_months,
            min_window_days=config.min_window_days,
        )

    def _features(
        self, need: NeedLine, scored: list[_Scored], histories: dict[str, HistoryScore] | None = None
    ) -> None:
        """Fill in each scored supplier's features, score and reasons (with `histories`, the history
        feature: a supplier's past packages as a second document)."""
        config = self.config
        weights = config.weights.as_dict()
        scale_km = config.distance_scale_km
        if perishable(normalize(need.text)):
            weights["distance"] *= config.perishable_distance_boost
            scale_km /= config.perishable_distance_boost
        alike = set(self._alike_units(need))
        sold_alike = [item for item in scored if item.chosen.offer.unit in alike]
        # The codes the best matches agree on are those of the offers sold as the need counts, if any.
        for item in sold_alike:
            # The category vote of the best matches (sold otherwise) does not lower an offer sold as the
            # need counts below its own text relevance.
            item.text = max(item.text, min(1.0, item.chosen.item.text_score))
        by_text = sorted(sold_alike or scored, key=lambda item: -item.text)[: config.code_consensus]
        kbli_targets = need.kbli or _one(
            majority_code((item.chosen.offer.kbli, item.text) for item in by_text)
        )
        hs_targets = need.hs or _one(majority_code((item.chosen.offer.hs, item.text) for item in by_text))
        # The fit to the need's type, value and place counts when some history says something of them.
        fitted = bool(histories) and any(score.fit is not None for score in (histories or {}).values())
        for item in scored:
            supplier, offer, hit = item.chosen.supplier, item.chosen.offer, item.chosen.hit
            reasons = [Reason.of(MATCHED_OFFER, name=offer.name)]
            if item.chosen.item.category_support >= config.category_support and (
                offer.category or hit.category
            ):
                reasons.append(Reason.of(CATEGORY_AGREES, category=offer.category or hit.category))
            codes, code_reasons = codes_feature(
                offer, kbli_targets, hs_targets, stated_kbli=bool(need.kbli), stated_hs=bool(need.hs)
            )
            reasons += code_reasons
            for code in dict.fromkeys(need.required_certs):
                _, until = supplier.certificate_end(code)
                reasons.append(
                    Reason.of(CERT_VALID, code=code)
                    if until is None
                    else Reason.of(CERT_VALID, code=code, until=until)
                )
            capacity_value, capacity_reason = capacity_feature(item.capacity)
            if sold_alike and offer.unit not in alike:
                capacity_value = min(capacity_value, config.unit_differs)
            distance_value, distance_reason = distance_feature(supplier, need, scale_km=scale_km)
            price_value, price_reason = price_feature(offer, need, config.units)
            track_value, track_reason = track_record_feature(
                supplier, prior_orders=config.track_prior_orders, prior_rate=config.track_prior_rate
            )
            size_value, size_reason = size_feature(supplier, need)
            reasons += [
                reason
                for reason in (capacity_reason, distance_reason, price_reason, track_reason, size_reason)
                if reason is not None
            ]
            history = histories.get(supplier.id) if histories else None
            if history is not None:
                # The second document: as close to the need as the best package it won.
                item.text = max(item.text, history.relevance)
                if (won := history.reason()) is not None:
                    reasons.append(won)
                if (here := history.place_reason()) is not None:
                    reasons.append(here)
            if item.newcomer:
                reasons.append(Reason.of(NEWCOMER))
            item.features = {
                "text": item.text,
                "codes": codes,
                "capacity": capacity_value,
                "distance": distance_value,
                "price": price_value,
                "track_record": track_value,
                "size": size_value,
            }
            if histories:
                item.features["history"] = history.value if history is not None else 0.0
                if fitted:
                    item.features["history_fit"] = (history.fit or 0.0) if history is not None else 0.0
            item.score = combine(item.features, weights)
            item.reasons = reasons

    def _select(self, scored: list[_Scored], top: int) -> list[_Scored]:
        """The `top` best, with the newcomer slots filled (see the module docstring)."""
        if top <= 0:
            return []
        head = scored[:top]
        wanted = newcomer_slots(top, self.config.newcomer_slots) - sum(item.newcomer for item in head)
        if wanted <= 0:
            return head
        newcomers = [
            item for item in scored[top:] if item.newcomer and item.text >= self.config.newcomer_min_text
        ][:wanted]
        for newcomer in newcomers:
            last = next((i for i in range(len(head) - 1, -1, -1) if not head[i].newcomer), None)
            if last is None:
                break
            del head[last]
            head.append(newcomer)
        return head

    def _entries(self, selected: list[_Scored], tokens: Sequence[str]) -> tuple[ShortlistEntry, ...]:
        """The entries for `selected`, ranked in that order, with the words of the need (`tokens`, as
        the ranking normalized them) they match and a few other offers of each supplier (read in one
        pass)."""
        others = [
            [other for other in item.group.items if other is not item.chosen.item][: self.config.other_offers]
            for item in selected
        ]
        wanted = [item.chosen.item for item in selected] + [other for group in others for other in group]
        read = {id(offer.item): offer for offer in self._read(wanted, terms=True)}
        need_terms = set(tokens)
        entries = []
        for rank, (item, other_items) in enumerate(zip(selected, others, strict=True), start=1):
            chosen = read.get(id(item.chosen.item), item.chosen)
            matched = [term for term in dict.fromkeys(chosen.hit.terms) if term in need_terms]
            reasons = list(item.reasons)
            if matched:
                reasons.insert(1, Reason.of(MATCHED_TERMS, terms=" ".join(matched)))
            entries.append(
                ShortlistEntry(
                    rank=rank,
                    supplier=item.chosen.supplier,
                    offer=item.chosen.offer,
                    score=item.score,
                    newcomer=item.newcomer,
                    reasons=tuple(reasons),
                    features=dict(item.features),
                    other_offers=tuple(read[id(other)].offer for other in other_items if id(other) in read),
                )
            )
        return tuple(entries)

    def _entry(self, item: _Scored, rank: int, tokens: Sequence[str]) -> ShortlistEntry:
        """One entry at `rank` (for `explain`)."""
        return replace(self._entries([item], tokens)[0], rank=rank)

    def _exclusions(
        self,
        need: NeedLine,
        short: list[_Short],
        *,
        skip: set[str],
        not_groups: tuple[str, ...],
        limit: int,
        include_unverified: bool,
    ) -> tuple[Exclusion, ...]:
        """Good text matches that fail a rule, best text match first."""
        config = self.config
        found: dict[str, tuple[float, Exclusion]] = {}
        for item in short:
            found[item.chosen.supplier.id] = (
                item.text,
                Exclusion(item.chosen.supplier, item.chosen.offer, (item.reason,)),
            )
        unfiltered = self.matcher.rank(
            need.text,
            depth=config.exclusion_depth,
            filters=Filters(none_of=(HISTORY,), not_groups=not_groups),
        )
        if unfiltered.ranked:
            best = max(item.score for item in unfiltered.ranked) or 1.0
            good = [
                group
                for group in group_by_supplier(unfiltered.ranked)
                if group.items[0].score / best >= config.exclusion_min_text
            ]
            for offer in self._read(group.items[0] for group in good):
                supplier = offer.supplier
                if supplier.id in skip or supplier.id in found:
                    continue
                failures = supplier_failures(supplier, need, include_unverified=include_unverified)
                if failures:
                    found[supplier.id] = (
                        offer.item.score / best,
                        Exclusion(supplier, offer.offer, tuple(failures)),
                    )
        ranked = sorted(found.values(), key=lambda pair: -pair[0])
        return tuple(exclusion for _, exclusion in ranked[:limit])


def _one(code: str | None) -> tuple[str, ...]:
    return (code,) if code else ()
