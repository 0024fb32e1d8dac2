"""The category classifier (issue #14): a product's platform category, KBLI class and HS heading, each with
a confidence, inferred from its name and description where its owner gave none.

Plain data in, plain answers out: no database here (`catalog.inference` reads the examples, stores the
answers on the products and keeps the model file), so the quality harness trains it exactly as the
platform does.

The model: one TF-IDF space over words (1-2 grams) and character 3-5 grams within words (Indonesian titles
are short, misspelt and glued: `kemejapria`, `kaos/tshirt`), and for each of the three answers a
nearest-neighbour vote among the labelled examples: the `NEIGHBOURS` most similar ones vote for their
label with their cosine similarity squared. KBLI has 1,790 classes and BTKI thousands of headings: a flat
linear model would hold a weight per class and feature (hundreds of millions of numbers); the neighbours'
matrix holds only the examples' own n-grams. Each answer's raw confidence (its share of the vote, times
the best similarity: a weak best match is unsure) is calibrated on examples held out of training
(isotonic regression: raw score -> share of correct answers), so "0.8" means right about 8 times in 10
on data like the examples. Only held-out examples whose label the rest also holds count (a KBLI class
known by its one reference title cannot be answered right when that title is held out); without
`MIN_CALIBRATION` of them the raw score is kept, capped at 1.

The platform category is the answer that acts unseen: it votes in every shortlist's category re-rank
(`matching.rerank`), so its confidence is measured on the texts it will classify, the platform's own
products (`Example.confirmed`), never on the reference titles or another catalogue: a neighbour vote
among title-like examples is right on held-out titles of the same kind far more often than on a seller's
listing (issue #14, "Categories withheld": answers taught by the KBLI titles and another catalogue,
calibrated on their own held-out lines at a mean confidence of 0.46-0.48, lowered P@10 when they voted).
So the category head is calibrated on held-out confirmed products when there are `MIN_CALIBRATION` of
them (with fewer, like the other answers), and gives no answer at all when no confirmed product taught
it (nothing measured it on this platform's texts); the KBLI and HS answers, suggestions a person reads
on the product form, keep the calibration on every held-out example.

The examples: products whose owners confirmed a category (and their KBLI and HS codes), and the
reference titles (KBLI 2020 classes with their descriptions; BTKI 2022 lines with their Indonesian
descriptions), which also teach the platform categories through each category's KBLI prefixes.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

NEIGHBOURS = 10
CHUNK = 256  # queries whose similarities are computed at once
MIN_CALIBRATION = 30  # held-out examples of an answer needed to calibrate it
HELD_OUT = 5  # one example in HELD_OUT is held out for calibration (by a hash of its text)
FORMAT = 1  # of the pickled model; a file of another format is not loaded
HEADS = ("category", "kbli", "hs")
# Answers whose confidence must be measured on confirmed products (see the module's docstring).
MEASURED_ON_CONFIRMED = frozenset({"category"})


@dataclass(frozen=True, slots=True)
class Example:
    """A text and what is known of it: a platform category code, a KBLI class (5 digits), an HS heading
    (4 digits, dotted: `09.01`); any may be None. `confirmed`: a product of this platform whose owner
    chose its codes (False for the reference titles and texts of other catalogues)."""

    text: str
    category: str | None = None
    kbli: str | None = None
    hs: str | None = None
    confirmed: bool = True


@dataclass(frozen=True, slots=True)
class Guess:
    """One inferred code with its calibrated confidence (0..1)."""

    code: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Inference:
    """What the model says of one text: each answer or None."""

    category: Guess | None
    kbli: Guess | None
    hs: Guess | None


def _normalized(text: str) -> str:
    return " ".join(text.casefold().split())


def _space() -> Any:
    """Words and character n-grams, the joined vector scaled to length 1 (similarities are cosines).

    scikit-learn is imported here and when a model is loaded, not with the catalog: the web and the
    command line load the catalog's services on every start, and most starts classify nothing."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]  # noqa: PLC0415
    from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]  # noqa: PLC0415
    from sklearn.preprocessing import Normalizer  # type: ignore[import-untyped]  # noqa: PLC0415

    union = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=1,
                    token_pattern=r"(?u)\b[^\W\d_]{2,}\b",  # noqa: S106 - not a password
                ),
            ),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)),
        ]
    )
    return Pipeline([("union", union), ("length", Normalizer())])


class _Head:
    """One answer's neighbours: the labelled examples' vectors and labels, and the calibration."""

    def __init__(self, matrix: Any, labels: list[str]) -> None:
        self.matrix = matrix.T.tocsr()  # features x examples: a query times it gives its similarities
        self.labels = labels
        self.calibration: Any = None  # an IsotonicRegression
        self.abstains = False  # no answer at all (never measured on the platform's texts)

    def raw(self, queries: Any) -> list[tuple[str, float] | None]:
        """Each query's best label and raw score (vote share times best similarity), or None.

        Queries go `CHUNK` at a time: character n-grams make a query similar to most of the 11,552 BTKI
        lines, and 2,000 rows of those similarities at once held a quarter of a gigabyte."""
        answers: list[tuple[str, float] | None] = []
        for start in range(0, queries.shape[0], CHUNK):
            answers.extend(self._raw(queries[start : start + CHUNK]))
        return answers

    def _raw(self, queries: Any) -> list[tuple[str, float] | None]:
        similarities = (queries @ self.matrix).tocsr()
        answers: list[tuple[str, float] | None] = []
        for row in range(similarities.shape[0]):
            start, end = similarities.indptr[row], similarities.indptr[row + 1]
            values = similarities.data[start:end]
            if not len(values):
                answers.append(None)
                continue
            columns = similarities.indices[start:end]
            if len(values) > NEIGHBOURS:  # the best few without sorting them all
                nearest = np.argpartition(-values, NEIGHBOURS)[:NEIGHBOURS]
                best = nearest[np.argsort(-values[nearest])]
            else:
                best = np.argsort(-values)
            votes: dict[str, float] = {}
            for position in best:
                label = self.labels[columns[position]]
                votes[label] = votes.get(label, 0.0) + float(values[position]) ** 2
            label, vote = max(votes.items(), key=lambda item: item[1])
            answers.append((label, vote / sum(votes.values()) * float(values[best[0]])))
        return answers

    def guesses(self, queries: Any) -> list[Guess | None]:
        if getattr(self, "abstains", False):  # a model file written before the attribute has it False
            return [None] * queries.shape[0]
        answers = self.raw(queries)
        if self.calibration is None:
            return [Guess(answer[0], round(min(answer[1], 1.0), 3)) if answer else None for answer in answers]
        scores = np.array([answer[1] if answer else 0.0 for answer in answers])
        calibrated = self.calibration.predict(scores) if len(scores) else scores
        return [
            Guess(answer[0], round(float(value), 3)) if answer else None
            for answer, value in zip(answers, calibrated, strict=True)
        ]


class CategoryModel:
    """A trained classifier. `version` names it (stored with every inference it makes)."""

    def __init__(self, space: Any, heads: dict[str, _Head], version: str, counts: dict[str, int]) -> None:
        self._space = space
        self._heads = heads
        self.version = version
        self.counts = counts  # labelled examples per answer

    @classmethod
    def train(cls, examples: Iterable[Example]) -> CategoryModel:
        """A model learnt from `examples` (deterministic: the same examples give the same model)."""
        kept = [
            Example(_normalized(e.text), e.category, e.kbli, e.hs, e.confirmed)
            for e in examples
            if e.text.strip() and (e.category or e.kbli or e.hs)
        ]
        digest = hashlib.sha256()
        for example in kept:
            line = f"{example.text}\t{example.category}\t{example.kbli}\t{example.hs}"
            digest.update(f"{line}\t{'' if example.confirmed else 'reference'}\n".encode())
        space = _space()
        matrix = space.fit_transform([example.text for example in kept]).tocsr()
        held = np.array([_held_out(example.text) for example in kept], dtype=bool)
        heads: dict[str, _Head] = {}
        counts: dict[str, int] = {}
        for name in HEADS:
            given: list[str | None] = [getattr(example, name) for example in kept]
            rows = [i for i, label in enumerate(given) if label]
            counts[name] = len(rows)
            if not rows:
                continue
            labels = [given[i] or "" for i in rows]
            head = _Head(matrix[rows], labels)
            train_rows = [j for j, i in enumerate(rows) if not held[i]]
            # Only a label also among the rest can be answered right: a KBLI class known from its one
            # reference title alone, held out, would teach that every answer is wrong.
            seen = {labels[j] for j in train_rows}
            test_rows = [j for j, i in enumerate(rows) if held[i] and labels[j] in seen]
            if name in MEASURED_ON_CONFIRMED:
                confirmed = [j for j in test_rows if kept[rows[j]].confirmed]
                if not any(kept[i].confirmed for i in rows):
                    head.abstains = True
                elif len(confirmed) >= MIN_CALIBRATION:
                    test_rows = confirmed
            if len(test_rows) >= MIN_CALIBRATION and train_rows:
                partial = _Head(matrix[rows][train_rows], [labels[j] for j in train_rows])
                answers = partial.raw(matrix[rows][test_rows])
                scores = [answer[1] if answer else 0.0 for answer in answers]
                right = [
                    1.0 if answer and answer[0] == labels[j] else 0.0
                    for answer, j in zip(answers, test_rows, strict=True)
                ]
                from sklearn.isotonic import IsotonicRegression  # type: ignore[import-untyped]  # noqa: PLC0415

                calibration = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
                calibration.fit(scores, right)
                head.calibration = calibration
            heads[name] = head
        return cls(space, heads, digest.hexdigest()[:12], counts)

    def infer(self, texts: Sequence[str]) -> list[Inference]:
        """The model's answers for each of `texts`, in order."""
        if not texts:
            return []
        queries = self._space.transform([_normalized(text) for text in texts])
        answers = {name: head.guesses(queries) for name, head in self._heads.items()}
        none: list[Guess | None] = [None] * len(texts)
        return [
            Inference(category, kbli, hs)
            for category, kbli, hs in zip(
                answers.get("category", none), answers.get("kbli", none), answers.get("hs", none), strict=True
            )
        ]

    def save(self, path: Path) -> None:
        """Write the model to `path` (a temporary file renamed over it: readers never see half a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        with partial.open("wb") as out:
            pickle.dump((FORMAT, self), out, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)

    @staticmethod
    def load(path: Path) -> CategoryModel | None:
        """The model saved at `path`, or None when there is none or it is of another format.

        Only files this platform wrote are loaded (its own data folder): pickle runs code from the file.
        """
        try:
            with path.open("rb") as handle:
                loaded = pickle.load(handle)  # noqa: S301 - our own file, in our own data folder
        except FileNotFoundError:
            return None
        if not (isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == FORMAT):
            return None
        model = loaded[1]
        return model if isinstance(model, CategoryModel) else None


def _held_out(text: str) -> bool:
    return hashlib.blake2b(text.encode(), digest_size=2).digest()[0] % HELD_OUT == 0


def category_by_kbli(prefixes: Mapping[str, Sequence[str]], kbli: str) -> str | None:
    """The platform category whose KBLI prefix is the longest one `kbli` starts with, or None."""
    best: tuple[int, str] | None = None
    for category, starts in prefixes.items():
        for start in starts:
            if kbli.startswith(start) and (best is None or len(start) > best[0]):
                best = (len(start), category)
    return best[1] if best else None


def reference_examples(
    kbli_classes: Iterable[tuple[str, str, str]],
    hs_lines: Iterable[tuple[str, str]],
    category_prefixes: Mapping[str, Sequence[str]],
) -> list[Example]:
    """Examples from the reference titles: each KBLI class (code, title, description; its platform
    category by the categories' KBLI prefixes) and each BTKI line (code, full Indonesian description;
    its heading is the first four digits)."""
    examples = []
    for code, title, description in kbli_classes:
        text = f"{title} {description[:300]}"
        examples.append(Example(text, category_by_kbli(category_prefixes, code), code, None, confirmed=False))
    for code, description in hs_lines:
        examples.append(Example(description, None, None, code[:5], confirmed=False))
    return examples
