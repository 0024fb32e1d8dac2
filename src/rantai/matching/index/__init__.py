"""A thin wrapper over tantivy: plain documents in, BM25-ranked plain hits out.

One job per module:

- `types`: what goes in and comes out (`Document`, `Filters`, `FieldWeights`, `Hit`, `Candidate`) and
  the keys standing for a category or a group;
- `schema`: the tantivy schema, its analyzers, and a `Document` encoded into its fields and back;
- `searching`: the search modes (normalized and weighted BM25, plain BM25, candidates and their hits);
- `writing`: a bulk build, updates of whole groups, the meta sidecar, `IndexBusy`;
- `workers`: text analysed in worker processes for a bulk build;
- `parallel` and `segments`: a build on every core, its parts joined into one index;
- `files`: durable writes of the index's own files;
- `opening`: `SearchIndex`, built, opened or created, with the searching and writing sides mixed in.
"""

from __future__ import annotations

from rantai.matching.index.opening import SearchIndex
from rantai.matching.index.schema import TEXT_FIELDS
from rantai.matching.index.searching import remember, term_weights
from rantai.matching.index.types import (
    Candidate,
    Document,
    EncodedFacts,
    FieldWeights,
    Filters,
    Hit,
    category_key,
    group_key,
)
from rantai.matching.index.writing import DEFAULT_WRITER_MEMORY, META_FILE, IndexBusy, default_threads

__all__ = [
    "DEFAULT_WRITER_MEMORY",
    "META_FILE",
    "TEXT_FIELDS",
    "Candidate",
    "Document",
    "EncodedFacts",
    "FieldWeights",
    "Filters",
    "Hit",
    "IndexBusy",
    "SearchIndex",
    "category_key",
    "default_threads",
    "group_key",
    "remember",
    "term_weights",
]
