"""Related words learned from the platform's own texts (issue #14, item 2): plain data in, a table out.

Two words are related when they keep the same company: `kaos` and `tshirt` are rarely written together,
but both come with `pria`, `lengan`, `pendek`, `katun`. Each text is a set of normalized words (a product's
name and description, a need line); each word with at least `min_df` texts gets a context vector, its
positive pointwise mutual information with every word it shares a text with at least `min_count` times
(PPMI over document co-occurrence), and two words' relatedness is the cosine of their vectors (a
distributional similarity, like the word embeddings gensim trains, in closed form: no training loop, the
same answer for the same texts). Each word keeps its `per_word` best related words above
`min_similarity`.

No database here (`catalog.related` reads the texts, keeps the model file and schedules the learning),
so the quality harness learns it exactly as the platform does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from rantai.matching.related import RelatedWords

MIN_DF = 3  # texts a word must appear in to be related to anything
MIN_COUNT = 2  # texts two words must share to count as company
PER_WORD = 8  # related words kept per word (the engine takes fewer)
MIN_SIMILARITY = 0.2
MAX_VOCABULARY = 50_000  # the commonest words kept (a rarer word relates to too few texts to tell)
CELLS = 20_000_000  # similarities computed at once (words x vocabulary): about 80 MB of float32


def learn_related(
    texts: Iterable[Sequence[str]],
    *,
    min_df: int = MIN_DF,
    min_count: int = MIN_COUNT,
    per_word: int = PER_WORD,
    min_similarity: float = MIN_SIMILARITY,
) -> RelatedWords:
    """The related words of the words of `texts` (each a sequence of normalized words)."""
    from scipy import sparse  # type: ignore[import-untyped]  # noqa: PLC0415 - loaded by the job only

    documents = [sorted(set(words)) for words in texts]
    digest = hashlib.blake2b(digest_size=8)
    counts: dict[str, int] = {}
    for words in documents:
        digest.update(" ".join(words).encode())
        digest.update(b"\n")
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    version = digest.hexdigest()
    common = sorted((word for word, count in counts.items() if count >= min_df), key=lambda w: -counts[w])
    vocabulary = sorted(common[:MAX_VOCABULARY])
    if len(vocabulary) < 2:
        return RelatedWords(version=version)
    position = {word: number for number, word in enumerate(vocabulary)}
    rows: list[int] = []
    columns: list[int] = []
    for number, words in enumerate(documents):
        kept = [position[word] for word in words if word in position]
        rows.extend([number] * len(kept))
        columns.extend(kept)
    occurrences = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(documents), len(vocabulary))
    )
    together = (occurrences.T @ occurrences).tocoo()  # texts each pair of words shares
    df = np.asarray(occurrences.sum(axis=0)).ravel()
    keep = (together.row != together.col) & (together.data >= min_count)
    row, column, shared = together.row[keep], together.col[keep], together.data[keep]
    pmi = np.log(shared * len(documents) / (df[row] * df[column]))
    positive = pmi > 0
    vectors = sparse.csr_matrix(
        (pmi[positive], (row[positive], column[positive])), shape=(len(vocabulary), len(vocabulary))
    )
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    vectors = sparse.diags(1.0 / norms) @ vectors
    transposed = vectors.T.tocsr()
    triples: list[tuple[str, str, float]] = []
    chunk = max(1, CELLS // len(vocabulary))
    for start in range(0, len(vocabulary), chunk):
        similarity = (vectors[start : start + chunk] @ transposed).toarray()
        triples.extend(_best(similarity, start, vocabulary, per_word, min_similarity))
    return RelatedWords.of(triples, version=version)


def _best(
    similarity: Any, start: int, vocabulary: Sequence[str], per_word: int, min_similarity: float
) -> Iterable[tuple[str, str, float]]:
    for offset, scores in enumerate(similarity):
        number = start + offset
        scores[number] = 0.0
        count = min(per_word, len(scores) - 1)
        best = np.argpartition(-scores, count)[:count] if count < len(scores) else np.arange(len(scores))
        for other in best:
            value = float(scores[other])
            if value >= min_similarity:
                yield vocabulary[number], vocabulary[other], round(value, 4)
