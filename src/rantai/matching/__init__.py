"""The matching engine: suppliers' items ranked for a buyer's need, with the reasons for each place.

A pure module (standard library and tantivy only; an import-linter contract keeps it so) that takes plain
data and returns plain data, so it could leave the codebase as its own package:

- `normalize` turns Indonesian trade text into tokens (`rantai.matching.normalize`);
- `SearchIndex` indexes `Document`s with tantivy and ranks them by BM25 (`rantai.matching.index`);
- `Matcher` adds synonyms, pseudo-relevance feedback and a category re-rank (`rantai.matching.engine`).
"""

from __future__ import annotations

from rantai.matching.engine import Match, Matcher, MatcherConfig
from rantai.matching.index import Document, FieldWeights, Hit, SearchIndex
from rantai.matching.normalize import normalize

__all__ = [
    "Document",
    "FieldWeights",
    "Hit",
    "Match",
    "Matcher",
    "MatcherConfig",
    "SearchIndex",
    "normalize",
]
