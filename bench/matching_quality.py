"""Matching quality on real product titles: plain BM25 against the matching engine.

Leave-one-out over PRDECT-ID (1,310 Indonesian e-commerce titles in 29 categories, CC BY 4.0): each title
in turn is the need, every other title is a candidate, and the relevant ones are those of the same
category. The need's own item is excluded from the search, so neither its text nor its label can
reach its ranking. Reports P@10 and nDCG@10 overall and per category, prints a table and writes
bench/out/matching_quality.md.

`--withheld` runs issue #14's protocol instead (`bench/matching/withheld.py`): categories removed from
the indexed catalogue (all of them, or all but a share of items chosen by a fixed hash of the item id),
inferred by the category classifier, on PRDECT-ID and on the labelled RUP Kalimantan Barat goods items.

    .venv/bin/python bench/matching_quality.py [--data PATH] [--quick] [--withheld]
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from matching.withheld import main as withheld
from rantai.catalog.relatedness import learn_related
from rantai.matching.engine import Matcher, MatcherConfig
from rantai.matching.index import Document, SearchIndex
from rantai.matching.normalize import normalize
from rantai.matching.related import RelatedWords

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "dev" / "prdect_id_products.csv"
OUT = REPO / "bench" / "out" / "matching_quality.md"
K = 10
# The targets: the engine beats plain BM25 by this much on P@10, and no category loses more.
TARGET_GAIN = 0.10
MAX_CATEGORY_LOSS = 0.05

Ranker = Callable[[Document], list[str]]


@dataclass(frozen=True, slots=True)
class Scores:
    """Mean P@10 and nDCG@10, overall and per category, of one system."""

    name: str
    precision: float
    ndcg: float
    per_category: dict[str, tuple[float, float]]


def load(path: Path) -> list[Document]:
    """The titles as documents: id = row number, name = title, category = the label."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Document(id=str(number), name=row["product_name"], category=row["category"])
        for number, row in enumerate(rows)
    ]


def precision_at_k(relevant: Sequence[bool]) -> float:
    """Share of relevant items among the first K (a short list counts its gaps as misses)."""
    return sum(relevant[:K]) / K


def ndcg_at_k(relevant: Sequence[bool], relevant_total: int) -> float:
    """Binary-relevance nDCG@K; the ideal ranking puts min(K, relevant_total) relevant items first."""
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(relevant[:K]) if hit)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(K, relevant_total)))
    return dcg / ideal if ideal else 0.0


def evaluate(name: str, documents: list[Document], rank: Ranker) -> Scores:
    """Run every document as a need against the others and average the metrics."""
    category_of = {document.id: document.category for document in documents}
    size: dict[str, int] = defaultdict(int)
    for document in documents:
        size[document.category] += 1
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for document in documents:
        ranked = [item for item in rank(document) if item != document.id][:K]
        relevant = [category_of[item] == document.category for item in ranked]
        total = sums[document.category]
        total[0] += precision_at_k(relevant)
        total[1] += ndcg_at_k(relevant, size[document.category] - 1)
        total[2] += 1
    per_category = {category: (p / n, g / n) for category, (p, g, n) in sums.items()}
    count = len(documents)
    return Scores(
        name=name,
        precision=sum(p for p, _, _ in sums.values()) / count,
        ndcg=sum(g for _, g, _ in sums.values()) / count,
        per_category=per_category,
    )


ENGINE = "engine (+ category re-rank)"


def systems(index: SearchIndex, related: RelatedWords, *, quick: bool) -> list[tuple[str, Ranker]]:
    """Plain BM25, then the engine with its steps added one at a time, then the engine with related words
    learned from the titles themselves (issue #14 item 2: what the platform learns from its catalogue)."""
    engine = MatcherConfig()
    steps = [
        ("normalized BM25", replace(engine, synonym_weight=0, feedback_weight=0, category_weight=0)),
        ("+ synonyms", replace(engine, feedback_weight=0, category_weight=0)),
        ("+ feedback (RM3)", replace(engine, category_weight=0)),
        (ENGINE, engine),
    ]
    if quick:
        steps = steps[-1:]

    def plain(document: Document) -> list[str]:
        return [hit.id for hit in index.search_plain(document.name, limit=K, exclude_ids={document.id})]

    def ranker(config: MatcherConfig, words: RelatedWords | None = None) -> Ranker:
        matcher = Matcher(index, config, words)
        return lambda document: [
            match.id for match in matcher.match(document.name, limit=K, exclude_ids={document.id})
        ]

    return [
        ("plain BM25", plain),
        *((name, ranker(config)) for name, config in steps),
        ("engine + related words (learned from the titles)", ranker(engine, related)),
    ]


def report(results: list[Scores], documents: list[Document], seconds: float) -> str:
    """The figures as markdown: a summary per system, then P@10 per category for baseline and engine."""
    baseline = results[0]
    engine = next(scores for scores in results if scores.name == ENGINE)
    size: dict[str, int] = defaultdict(int)
    for document in documents:
        size[document.category] += 1
    lines = [
        "# Matching quality (PRDECT-ID, leave-one-out)",
        "",
        f"{len(documents)} product titles, {len(size)} categories; relevant = same category; "
        f"the need's own item excluded. Run took {seconds:.0f} s.",
        "",
        "| system | P@10 | nDCG@10 |",
        "|---|---:|---:|",
    ]
    lines += [f"| {scores.name} | {scores.precision:.3f} | {scores.ndcg:.3f} |" for scores in results]
    deltas = {
        category: engine.per_category[category][0] - baseline.per_category[category][0]
        for category in baseline.per_category
    }
    worst = min(deltas, key=lambda category: deltas[category])
    gain = engine.precision - baseline.precision
    lines += [
        "",
        f"P@10 gain over plain BM25: {gain:+.3f} (target +{TARGET_GAIN:.2f}: "
        f"{'met' if gain >= TARGET_GAIN else 'not met'}). Worst category: {worst} {deltas[worst]:+.3f} "
        f"(limit -{MAX_CATEGORY_LOSS:.2f}: {'met' if deltas[worst] >= -MAX_CATEGORY_LOSS else 'not met'}).",
        "",
        "| category | items | P@10 plain | P@10 engine | delta | nDCG@10 plain | nDCG@10 engine |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for category in sorted(baseline.per_category, key=lambda category: deltas[category]):
        (bp, bn), (ep, en) = baseline.per_category[category], engine.per_category[category]
        lines.append(
            f"| {category} | {size[category]} | {bp:.3f} | {ep:.3f} | {ep - bp:+.3f} | {bn:.3f} | {en:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the harness, print and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="prdect_id_products.csv")
    parser.add_argument("--quick", action="store_true", help="plain BM25 and the engine only")
    parser.add_argument("--withheld", action="store_true", help="issue #14: categories withheld, inferred")
    args = parser.parse_args(argv)
    if args.withheld:
        return withheld(args.data)
    if not args.data.is_file():
        print(
            f"matching_quality: {args.data} not found. This benchmark reads the PRDECT-ID titles from the "
            "shared data folder beside the repository (../shared/data/dev/); pass --data PATH to use "
            "another copy.",
            file=sys.stderr,
        )
        return 2
    documents = load(args.data)
    started = time.perf_counter()
    index = SearchIndex.build(documents)
    related = learn_related([normalize(document.name) for document in documents])
    results = [evaluate(name, documents, rank) for name, rank in systems(index, related, quick=args.quick)]
    text = report(results, documents, time.perf_counter() - started)
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"written to {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
