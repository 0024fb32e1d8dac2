"""The matching engine: suppliers' items ranked for a buyer's need, with the reasons for each place.

A pure module (standard library and tantivy only; an import-linter contract keeps it so) that takes plain
data and returns plain data, so it could leave the codebase as its own package:

- `normalize` turns Indonesian trade text into tokens (`rantai.matching.normalize`);
- `SearchIndex` indexes `Document`s with tantivy and ranks them by BM25, selecting with `Filters`
  (region, certificates valid on a day, verified, size class) inside the index (`rantai.matching.index`);
- `Matcher` adds synonyms, pseudo-relevance feedback and a category re-rank, and says why each `Match`
  is there (`rantai.matching.engine`).
"""

from __future__ import annotations

from rantai.matching.engine import Match, Matcher, MatcherConfig
from rantai.matching.index import Candidate, Document, FieldWeights, Filters, Hit, SearchIndex
from rantai.matching.normalize import normalize

__all__ = [
    "Candidate",
    "Document",
    "FieldWeights",
    "Filters",
    "Hit",
    "Match",
    "Matcher",
    "MatcherConfig",
    "SearchIndex",
    "normalize",
]
