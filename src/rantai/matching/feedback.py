"""Pseudo-relevance feedback (RM3-style): widen a need with the words of its best first-pass hits.

A buyer's need is short ("kaos polos"); the suppliers' items that match it best also say what else such
items are called ("katun", "combed", "oblong"). The terms that weigh most across the top hits, weighted
by how well each hit matched and by how rare the term is, join the query with a small weight.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

from rantai.matching.index import Hit
from rantai.matching.normalize import Phrase


def feedback_terms(
    hits: Sequence[Hit],
    *,
    doc_freq: Callable[[str], int],
    num_docs: int,
    terms: int,
) -> dict[Phrase, float]:
    """The `terms` best expansion terms from `hits`, weights summing to 1 (empty if there is nothing)."""
    if not hits or terms <= 0 or num_docs <= 0:
        return {}
    top_score = max(hit.score for hit in hits) or 1.0
    weights: dict[str, float] = defaultdict(float)
    for hit in hits:
        if not hit.terms:
            continue
        relevance = hit.score / top_score
        for term, count in Counter(hit.terms).items():
            weights[term] += relevance * count / len(hit.terms)
    scored = {}
    for term, weight in weights.items():
        df = doc_freq(term)
        # A term in one document only is that document's own word (a model number), not a description
        # the other hits share; df >= 2 keeps feedback about what the hits have in common.
        if df >= 2:
            scored[term] = weight * math.log(1 + num_docs / df)
    best = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:terms]
    total = sum(weight for _, weight in best)
    return {(term,): weight / total for term, weight in best} if total > 0 else {}


def interpolate(
    original: Mapping[Phrase, float], expansion: Mapping[Phrase, float], weight: float
) -> dict[Phrase, float]:
    """RM3's mix: (1 - weight) * original + weight * expansion, each side first scaled to sum to 1."""
    if not expansion or weight <= 0:
        return dict(original)
    original_total = sum(original.values()) or 1.0
    mixed = {phrase: (1 - weight) * value / original_total for phrase, value in original.items()}
    for phrase, value in expansion.items():
        mixed[phrase] = mixed.get(phrase, 0.0) + weight * value
    return mixed
