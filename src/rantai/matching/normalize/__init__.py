"""Indonesian text normalization built for trade language (product titles, procurement lines).

Each step is its own module so it can be tested and replaced alone: `fold` (case, punctuation, accents),
`quantity` (numbers and units), `tokenize`, `stopwords`, `stem`, `variants` (spelling) and `synonyms`
(query-time widening). `normalize` chains all but synonyms.
"""

from __future__ import annotations

from rantai.matching.normalize.fold import fold_text
from rantai.matching.normalize.phrases import Phrase
from rantai.matching.normalize.pipeline import normalize, normalize_text
from rantai.matching.normalize.quantity import canonical_number, parse_number, quantity_token
from rantai.matching.normalize.stem import stem
from rantai.matching.normalize.stopwords import is_stopword, remove_stopwords
from rantai.matching.normalize.synonyms import SynonymTable, expand_synonyms, synonym_pairs, synonym_table
from rantai.matching.normalize.tokenize import tokenize
from rantai.matching.normalize.variants import VariantTable, fold_variants, variant_table

__all__ = [
    "Phrase",
    "SynonymTable",
    "VariantTable",
    "canonical_number",
    "expand_synonyms",
    "fold_text",
    "fold_variants",
    "is_stopword",
    "normalize",
    "normalize_text",
    "parse_number",
    "quantity_token",
    "remove_stopwords",
    "stem",
    "synonym_pairs",
    "synonym_table",
    "tokenize",
    "variant_table",
]
