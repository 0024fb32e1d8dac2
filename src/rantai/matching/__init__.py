"""The matching engine: suppliers' items ranked for a buyer's need, with the reasons for each place.

A pure module (standard library and tantivy only; an import-linter contract keeps it so) that takes plain
data and returns plain data, so it could leave the codebase as its own package:

- `normalize` turns Indonesian trade text into tokens (`rantai.matching.normalize`);
- `SearchIndex` indexes `Document`s with tantivy and ranks them by BM25, selecting with `Filters`
  (region, certificates valid on a day, verified, size class, group) inside the index, keeps the facts
  a group's documents share once per group (`rantai.matching.groups`), and keeps an on-disk index
  current across processes with `update` (`rantai.matching.index`);
- `Matcher` adds synonyms, pseudo-relevance feedback and a category re-rank, and says why each `Match`
  is there (`rantai.matching.engine`);
- `Shortlister` turns product matches into explained shortlists of suppliers for a `NeedLine`: hard
  rules (`rantai.matching.eligibility`), soft features (`rantai.matching.features`), newcomer slots,
  and reasons as codes with parameters (`rantai.matching.reasons`)
  (`rantai.matching.supplier_ranking`);
- `NeedIndex` recommends open need lines to a supplier and shows what would unlock more
  (`rantai.matching.need_ranking`);
- `parse_need` reads a quick-entry line ("keripik singkong 5.000 bungkus, halal, kirim ke Kota
  Bandung") into text, quantity, unit, certificates and place (`rantai.matching.intent`).
"""

from __future__ import annotations

from rantai.matching.engine import Match, Matcher, MatcherConfig, Ranking
from rantai.matching.facts import (
    Certificate,
    NeedLine,
    OfferFacts,
    SupplierFacts,
    locality_of,
    offer_document,
    offer_from_facts,
    supplier_from_facts,
)
from rantai.matching.features import FeatureWeights
from rantai.matching.index import (
    Candidate,
    Document,
    FieldWeights,
    Filters,
    Hit,
    IndexBusy,
    SearchIndex,
)
from rantai.matching.intent import ParsedNeed, parse_need
from rantai.matching.need_ranking import Gap, NeedIndex, Opportunities, OpportunityConfig, Recommendation
from rantai.matching.normalize import normalize
from rantai.matching.reasons import Reason
from rantai.matching.related import RelatedWords
from rantai.matching.supplier_ranking import (
    Exclusion,
    Explanation,
    Shortlist,
    ShortlistConfig,
    ShortlistEntry,
    Shortlister,
)

__all__ = [
    "Candidate",
    "Certificate",
    "Document",
    "Exclusion",
    "Explanation",
    "FeatureWeights",
    "FieldWeights",
    "Filters",
    "Gap",
    "Hit",
    "IndexBusy",
    "Match",
    "Matcher",
    "MatcherConfig",
    "NeedIndex",
    "NeedLine",
    "OfferFacts",
    "Opportunities",
    "OpportunityConfig",
    "ParsedNeed",
    "Ranking",
    "Reason",
    "Recommendation",
    "RelatedWords",
    "SearchIndex",
    "Shortlist",
    "ShortlistConfig",
    "ShortlistEntry",
    "Shortlister",
    "SupplierFacts",
    "locality_of",
    "normalize",
    "offer_document",
    "offer_from_facts",
    "parse_need",
    "supplier_from_facts",
]
