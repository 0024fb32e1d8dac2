"""The awards figure's second hold-out (issue #14): a fast re-implementation of the shortlist's history
path, to choose its settings without looking at the rows `bench/matching_awards.py` measures.

The split: the evaluated protocol's histories (tender and non-tender rows less each winner's held-out
row, `random.Random(7)`), and from them, for every winner with two history rows or more, one row held out
by `random.Random(11).choice`; the rest are the histories searched. Each held-out title is analysed by
the engine's own `normalize`, searched with BM25 (k1 1.2, b 0.75) over one document per package (the
200 best), and each supplier scored as the shortlist scores one known by its history alone: 0.6 x its
relevance (text 0.45 + history 0.15) + 0.7 x `profile_fit` (type, value and delivery place, read as
`bench/matching_awards.py` reads them), the best 40 kept. As the shortlist does, the first 200 packages
(in file order) delivered to the need's place are read too, and of their suppliers not found by the
words the best 20 by fit are scored at relevance 0.1. Figures are recall@10 and MRR@10 of the real
winner. Not the app's path (no import, no index): only for exploring; the figure that counts is
`bench/matching_awards.py`'s. `--seeds` makes more second hold-outs (other `random.Random` seeds for
the held-out row; 11 is the first): their mean is steadier than one hold-out's 781 rows.

    .venv/bin/python bench/matching_awards_tune.py [--data PATH] [--ekatalog] [--seeds N]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import matching_awards as awards
from rantai.matching.history import (
    HistoryProfile,
    PastWin,
    aggregate,
    history_profile,
    profile_fit,
)
from rantai.matching.normalize import normalize

DEPTH = 200
POOL = 40


NEARBY_DEPTH = 200
NEARBY_POOL = 20
NEARBY_RELEVANCE = 0.1


def second_holdout(history: Sequence[dict[str, str]], seed: int = 11) -> awards.Split:
    by_winner: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in history:
        by_winner[row["supplier_key"]].append(row)
    chooser = random.Random(seed)
    held = {key: chooser.choice(by_winner[key]) for key in sorted(by_winner) if len(by_winner[key]) >= 2}
    chosen = {id(row) for row in held.values()}
    return awards.Split(held, [row for row in history if id(row) not in chosen])


@dataclass
class Histories:
    owners: list[str]
    postings: dict[str, list[tuple[int, int]]]
    lengths: list[int]
    average: float
    idf: dict[str, float]
    profiles: dict[str, HistoryProfile]
    delivered: dict[str, list[str]]  # a kab/kota or province code -> its packages' suppliers, in file order


def index(data: awards.Split, places: awards.Places, words: Callable[[str], list[str]]) -> Histories:
    owners, lengths = [], []
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    wins: dict[str, list[PastWin]] = defaultdict(list)
    delivered: dict[str, list[str]] = defaultdict(list)
    for number, row in enumerate(data.history):
        counts = Counter(words(row["title"]))
        owners.append(row["supplier_key"])
        lengths.append(sum(counts.values()))
        for word, count in counts.items():
            postings[word].append((number, count))
        value = int(row["value_idr"]) if row["value_idr"] else None
        kind = awards.PROCUREMENT_TYPES.get(row["procurement_type"])
        place = places.of(row)
        wins[row["supplier_key"]].append(PastWin(str(number), row["title"], 2026, value, place, kind))
        if place:
            for code in dict.fromkeys((place, place.split(".")[0])):
                delivered[code].append(row["supplier_key"])
    total = len(owners)
    idf = {w: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for w, p in postings.items()}
    profiles = {key: history_profile(found) for key, found in wins.items()}
    return Histories(owners, postings, lengths, sum(lengths) / total, idf, profiles, delivered)


def shortlist(
    histories: Histories,
    row: dict[str, str],
    places: awards.Places,
    words: Callable[[str], list[str]],
    *,
    others: int,
    fit_weight: float = 0.7,
    two_or_more: float = 0.0,
    nearby: bool = True,
) -> list[str]:
    scores: dict[int, float] = defaultdict(float)
    for word in set(words(row["title"])):
        for number, count in histories.postings.get(word, ()):
            norm = 1.2 * (0.25 + 0.75 * histories.lengths[number] / histories.average)
            scores[number] += histories.idf[word] * count * 2.2 / (count + norm)
    top = sorted(scores.items(), key=lambda pair: -pair[1])[:DEPTH]
    per: dict[str, list[float]] = defaultdict(list)
    for number, score in top:
        per[histories.owners[number]].append(score / top[0][1])
    relevance = {key: aggregate(found, others, 0.5) for key, found in per.items()}
    scale = max(relevance.values(), default=1.0)
    relevance = {key: found / scale for key, found in relevance.items()}
    place = places.of(row)
    kind = awards.PROCUREMENT_TYPES.get(row["procurement_type"])
    value = int(row["value_idr"]) if row["value_idr"] else None

    def fit_of(key: str) -> float:
        return profile_fit(histories.profiles[key], kind=kind, value=value, place=place) or 0.0

    if nearby and place:
        # The shortlist's suppliers found by place alone (`ShortlistConfig.history_nearby_*`).
        found_there = list(dict.fromkeys(histories.delivered[place][:NEARBY_DEPTH]))
        fresh = sorted((key for key in found_there if key not in relevance), key=lambda k: (-fit_of(k), k))
        relevance.update(dict.fromkeys(fresh[:NEARBY_POOL], NEARBY_RELEVANCE))
    ranked = {}
    for key, found in relevance.items():
        profile = histories.profiles[key]
        # "Won two packages or more": what the protocol's selection of held-out winners rewards.
        ranked[key] = 0.6 * found + fit_weight * fit_of(key) + two_or_more * (profile.count >= 2)
    return sorted(ranked, key=lambda key: (-ranked[key], key))[:POOL]


def measure(data: awards.Split, rank: Callable[[dict[str, str]], list[str]]) -> tuple[float, float]:
    hits, reciprocal = 0, 0.0
    for key, row in data.held.items():
        top = rank(row)[: awards.K]
        if key in top:
            hits += 1
            reciprocal += 1 / (top.index(key) + 1)
    return hits / len(data.held), reciprocal / len(data.held)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=awards.DEFAULT_DATA)
    parser.add_argument("--ekatalog", action="store_true", help="the e-katalog rows instead")
    parser.add_argument("--seeds", type=int, default=1, help="second hold-outs made (seeds 11, 12, ...)")
    args = parser.parse_args(argv)
    history = awards.split(awards.load(args.data, ekatalog=args.ekatalog)).history
    places = awards.Places(args.data)
    cache: dict[str, list[str]] = {}

    def words(text: str) -> list[str]:
        if text not in cache:
            cache[text] = normalize(text)
        return cache[text]

    tunes = [second_holdout(history, 11 + number) for number in range(args.seeds)]
    print(
        f"second hold-outs: {len(tunes)} of {len(tunes[0].held)} held-out rows, "
        f"{len(tunes[0].history)} history rows",
        flush=True,
    )
    indexed = [(tune, index(tune, places, words)) for tune in tunes]
    variants: list[tuple[str, dict[str, float]]] = [
        ("the shortlist's (best package, fit 0.7, suppliers found by place)", {}),
        ("without the suppliers found by place", {"nearby": 0}),
        ("the fit at 0.5 (the shortlist's before)", {"fit_weight": 0.5}),
        ("the fit at 0.5, without the suppliers found by place", {"fit_weight": 0.5, "nearby": 0}),
        ("the best package plus half of the next two", {"others": 2}),
        (
            "the same, plus 'won two packages or more' (the protocol's selection)",
            {"others": 2, "two_or_more": 0.1},
        ),
    ]
    print("| variant | recall@10 | MRR@10 |\n|---|---:|---:|")
    for name, settings in variants:
        figures = [
            measure(
                tune,
                lambda row, s=settings, h=histories: shortlist(
                    h,
                    row,
                    places,
                    words,
                    others=int(s.get("others", 0)),
                    fit_weight=s.get("fit_weight", 0.7),
                    two_or_more=s.get("two_or_more", 0.0),
                    nearby=bool(s.get("nearby", 1)),
                ),
            )
            for tune, histories in indexed
        ]
        recall = sum(figure[0] for figure in figures) / len(figures)
        mrr = sum(figure[1] for figure in figures) / len(figures)
        print(f"| {name} | {recall:.3f} | {mrr:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
