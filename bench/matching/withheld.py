"""Issue #14's "categories withheld" protocol for bench/matching_quality.py.

Two labelled sets, each a leave-one-out like the main harness (the need's own item excluded; relevant =
same label): PRDECT-ID (1,310 e-commerce titles, 29 categories) and the goods items of the RUP of
Kalimantan Barat 2023-2025 labelled by their package's category (`bench/matching/generate.py`'s
families: one item per distinct goods item, its most frequent package category; categories with fewer
than 30 lines left out). For each set:

- plain BM25 (the baseline) and the engine with every item's category (the ceiling);
- the engine with a share kept of the sellers' categories: 0%, 30% (items whose blake2b(id) mod 100 is
  below 30), 100%; each without inference and with the rest inferred by the category classifier
  (`rantai.catalog.classifier`), confidence-weighted;
- each of those again with related words (issue #14 item 2, `rantai.catalog.relatedness`) learned from
  the indexed catalogue's own titles, as the platform learns them from its products (no label used).

The classifier never sees the evaluated set's labels but for the share kept (as a platform learns from
the products whose owners confirmed a category): it learns from the reference titles (KBLI 2020 classes,
BTKI 2022 lines; the platform categories through their KBLI prefixes) and from the other set's labels.
The other set is another catalogue, not this platform's confirmed products (`Example.confirmed` False):
it teaches, but does not calibrate the category answer, so with no category kept the classifier gives
none (`rantai.catalog.classifier`'s docstring says why).
"""

from __future__ import annotations

import csv
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from matching.generate import Vocabulary
from rantai.catalog import repository as catalog_repository
from rantai.catalog.classifier import CategoryModel, Example, reference_examples
from rantai.catalog.relatedness import learn_related
from rantai.matching.engine import Matcher
from rantai.matching.index import Document, SearchIndex
from rantai.matching.normalize import normalize
from rantai.matching.related import RelatedWords
from rantai.reference.datasets import DATASETS, read_contents

K = 10
SHARES = (0, 30, 100)
TARGET_GAIN = 0.05
OUT = Path(__file__).resolve().parents[1] / "out" / "matching_withheld.md"


def kept(item_id: str, share: int) -> bool:
    """Whether the item keeps its seller's category at this share (a fixed hash of its id)."""
    return int.from_bytes(hashlib.blake2b(item_id.encode(), digest_size=4).digest(), "big") % 100 < share


def rup_items(data: Path) -> list[Document]:
    """The labelled RUP goods items (id = position)."""
    vocabulary = Vocabulary(titles_csv=data, rup_csv=data.parent / "rup_kalbar_2023_2025.csv")
    return [
        Document(id=f"r{number}", name=family.heads[0], category=family.category)
        for number, (family, _) in enumerate(vocabulary._rup_families())
    ]


def prdect_items(data: Path) -> list[Document]:
    """The PRDECT-ID titles (id = p + row number)."""
    with data.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Document(id=f"p{number}", name=row["product_name"], category=row["category"])
        for number, row in enumerate(rows)
    ]


def reference() -> list[Example]:
    """The reference titles as the platform trains on them."""
    datasets = {dataset.name: dataset for dataset in DATASETS}
    kbli = [
        (row["code"], row["title"], row["description"])
        for row in datasets["kbli"].build(read_contents(datasets["kbli"]))
        if len(row["code"]) == 5 and row["code"].isdigit()
    ]
    hs = [
        (row["code"], row["full_description_id"])
        for row in datasets["hs_code"].build(read_contents(datasets["hs_code"]))
        if row["level"] == 8
    ]
    prefixes = {row["code"]: row["kbli_prefixes"].split() for row in catalog_repository.shipped_categories()}
    return reference_examples(kbli, hs, prefixes)


def precision(documents: list[Document], rank: Callable[[Document], list[str]]) -> float:
    """Mean P@10 of the leave-one-out, relevance by the true labels."""
    truth = {document.id: document.category for document in documents}
    total = 0.0
    for document in documents:
        ranked = [item for item in rank(document) if item != document.id][:K]
        total += sum(truth[item] == document.category for item in ranked) / K
    return total / len(documents)


def catalogue(documents: list[Document], share: int, model: CategoryModel | None) -> list[Document]:
    """The indexed catalogue: categories kept at `share`, the rest inferred by `model` (if any)."""
    rest = [document for document in documents if not kept(document.id, share)]
    guesses = (
        dict(zip((d.id for d in rest), model.infer([d.name for d in rest]), strict=True)) if model else {}
    )
    indexed = []
    for document in documents:
        if kept(document.id, share):
            indexed.append(document)
            continue
        guess = guesses[document.id].category if document.id in guesses else None
        indexed.append(
            replace(
                document,
                category=guess.code if guess else "",
                category_confidence=guess.confidence if guess else 1.0,
            )
        )
    return indexed


def engine(indexed: list[Document], related: RelatedWords | None = None) -> Callable[[Document], list[str]]:
    matcher = Matcher(SearchIndex.build(indexed, plain=False), related=related)
    return lambda d: [m.id for m in matcher.match(d.name, limit=K, exclude_ids={d.id})]


RELATED = " + related words"


def run_set(name: str, documents: list[Document], other: list[Document], ref: list[Example]) -> list[str]:
    started = time.perf_counter()
    index = SearchIndex.build(documents)
    plain = precision(
        documents, lambda d: [h.id for h in index.search_plain(d.name, limit=K, exclude_ids={d.id})]
    )
    rows = [("plain BM25 (baseline)", plain)]
    # The other set is another catalogue: it teaches the classifier but is not this platform's products
    # (`Example.confirmed`), so it does not measure how sure the category answers are here.
    foreign = [Example(d.name, category=f"{name}-other:{d.category}", confirmed=False) for d in other]
    # What the platform learns related words from: the catalogue's own texts (titles here), no labels.
    related = learn_related([normalize(d.name) for d in documents])
    for share in SHARES:
        with_categories = catalogue(documents, share, None)
        label = f"engine, {share}% of sellers' categories, no inference"
        rows.append((label, precision(documents, engine(with_categories))))
        rows.append((label + RELATED, precision(documents, engine(with_categories, related))))
        if share < 100:
            own = [Example(d.name, category=d.category) for d in documents if kept(d.id, share)]
            model = CategoryModel.train([*ref, *foreign, *own])
            inferred = catalogue(documents, share, model)
            label = f"engine, {share}% of sellers' categories, the rest inferred"
            rows.append((label, precision(documents, engine(inferred))))
            rows.append((label + RELATED, precision(documents, engine(inferred, related))))
        print(f"  {name} {share}% done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    lines = [
        f"### {name}: {len(documents)} items, {len({d.category for d in documents})} labels "
        f"({time.perf_counter() - started:.0f} s); related words: {len(related)} words",
        "",
        "| system | P@10 | vs plain BM25 |",
        "|---|---:|---:|",
        *(f"| {label} | {value:.3f} | {value - plain:+.3f} |" for label, value in rows),
        "",
    ]
    withheld = dict(rows)["engine, 0% of sellers' categories, the rest inferred"]
    mixed = dict(rows)["engine, 30% of sellers' categories, the rest inferred"]
    none = dict(rows)["engine, 0% of sellers' categories, no inference"]
    mixed_plain = dict(rows)["engine, 30% of sellers' categories, no inference"]
    withheld_related = dict(rows)["engine, 0% of sellers' categories, the rest inferred" + RELATED]
    mixed_related = dict(rows)["engine, 30% of sellers' categories, the rest inferred" + RELATED]
    lines.append(
        f"With related words: withheld {withheld_related - plain:+.3f} over plain BM25 "
        f"({'met' if withheld_related - plain >= TARGET_GAIN else 'not met'}); mixed "
        f"{mixed_related - withheld_related:+.3f} over withheld "
        f"({'better' if mixed_related > withheld_related else 'not better'})."
    )
    lines.append(
        f"Withheld (all inferred): {withheld - plain:+.3f} over plain BM25 (target +{TARGET_GAIN:.2f}: "
        f"{'met' if withheld - plain >= TARGET_GAIN else 'not met'}). 30% kept vs none: without inference "
        f"{mixed_plain - none:+.3f}, with inference {mixed - withheld:+.3f} "
        f"({'better' if mixed_plain > none and mixed > withheld else 'not better'})."
    )
    return [*lines, ""]


def main(data: Path) -> int:
    prdect = prdect_items(data)
    rup = rup_items(data)
    ref = reference()
    lines = ["# Matching quality with categories withheld (issue #14)", ""]
    lines += run_set("PRDECT-ID", prdect, rup, ref)
    lines += run_set("RUP Kalimantan Barat goods items", rup, prdect, ref)
    text = "\n".join(lines)
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    return 0


__all__: Sequence[str] = ("main",)
