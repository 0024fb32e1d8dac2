"""Matching speed: the engine against SQLite FTS5 and PostgreSQL full-text search, same corpus, same run.

A generated catalogue of N products (default 1,000,000; five per generated supplier) recombined from
real vocabulary, and 1,000 real procurement lines of the RUP of Kalimantan Barat as needs
(bench/matching/generate.py). Each need asks for the ten best of a region (the province or one of its
kab/kota) that hold a certification valid on the line's needed-by day. The engine's timed path is the
supplier shortlist (`Shortlister`): it ranks products, groups them by supplier, scores the best 40
suppliers on every soft feature (capacity, distance, price, track record, codes, size) and gives the
ten best suppliers with their reasons; the product matcher alone (the previous timed path) is timed
too, on the same index. The baselines return ten products. For each system, in one process and one
run:

- build: products/s from the same TSV stream to a searchable index (engine: tantivy on disk, each
  product an `offer_document`, its supplier's facts kept once per supplier; SQLite: a temporary file;
  PostgreSQL: the server at --postgres, in a schema of its own dropped afterwards);
- query latency p50/p95/p99 over the needs, after a warm-up pass over the first 50;
- for the engine, the process's peak resident memory (VmHWM, /proc/self/status) after its build and
  queries, before any baseline runs; the catalogue and queries are generated in a child process, so
  they do not count.

Prints a markdown table and writes bench/out/matching_speed.md.

    .venv/bin/python bench/matching_speed.py [--products N] [--queries N] [--workers N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from matching.baselines import Answer, PostgresFts, SqliteFts5, region_term
from matching.generate import RUP_CSV, Query, centroids, read_queries, read_tsv
from rantai.kit.collector import tune_for_serving
from rantai.matching import (
    Certificate,
    Document,
    Filters,
    Matcher,
    NeedLine,
    OfferFacts,
    SearchIndex,
    ShortlistEntry,
    Shortlister,
    SupplierFacts,
    offer_document,
)
from rantai.matching.facts import supplier_terms
from rantai.matching.history import GOODS, KINDS, PastWin, history_document, history_profile
from rantai.matching.index import DEFAULT_WRITER_MEMORY, default_threads

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out" / "matching_speed.md"
GENERATE = REPO / "bench" / "matching" / "generate.py"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
WARM_UP = 50
LIMIT = 10
# The issue's targets.
TARGET_P50_MS = 10.0
TARGET_P99_MS = 50.0
# The build target as the brief restates it: a full rebuild of 1M products in under a minute.
TARGET_BUILD_SECONDS = 60.0
TARGET_RSS_BYTES = 2 * 1024**3


@dataclass
class Result:
    """One system's figures."""

    name: str
    products: int = 0
    build_seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    hit_counts: list[int] = field(default_factory=list)
    size_bytes: int = 0
    skipped: str = ""
    build_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the build, by part
    documents_us: float = 0.0  # CPU µs per product of making the documents alone (engine only)

    @property
    def per_second(self) -> float:
        return self.products / self.build_seconds if self.build_seconds else 0.0

    def percentile(self, share: int) -> float:
        """The `share`-th percentile of the query latencies, in ms."""
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[share - 1]


def _spread(key: str, modulo: int) -> int:
    """A stable pseudo-random number in [0, modulo) from a key (the same in every run)."""
    return zlib.crc32(key.encode()) % modulo


# The catalogue as issue #14 leaves it: sellers gave a category for 30% of the products (by a hash of the
# product id, as bench/matching/withheld.py chooses them), the classifier inferred the rest with its
# confidence (stored when the product was written, so the build only carries it); a quarter of the
# suppliers have won packages before, 1 to 8 each, indexed as history documents (their titles are real
# RUP package names).
GIVEN_SHARE = 30
HISTORY_SHARE = 4  # one supplier in four has a history
HISTORY_MAX = 8


@functools.cache
def history_titles() -> tuple[str, ...]:
    """Real package names (RUP Kalimantan Barat), the titles of the generated award histories."""
    import csv  # noqa: PLC0415

    with RUP_CSV.open(encoding="utf-8", newline="") as handle:
        names = {" ".join(row["nama_paket"].split()) for row in csv.DictReader(handle)}
    return tuple(sorted(name for name in names if name))


def past_wins(supplier_id: str, kabkota: str = "") -> list[PastWin]:
    """The packages a generated supplier won (none for three in four), the same in every run."""
    spread = zlib.crc32(("history:" + supplier_id).encode())
    if spread % HISTORY_SHARE:
        return []
    titles = history_titles()
    count = 1 + (spread >> 4) % HISTORY_MAX
    return [
        PastWin(
            id=f"{supplier_id}-{number}",
            title=titles[(spread >> 8) * (number + 7) % len(titles)],
            year=2023 + (spread >> (number + 3)) % 4,
            value=10_000_000 * (1 + (spread >> (number + 5)) % 150),
            place=kabkota or None,
            kind=KINDS[(spread >> (number + 9)) % len(KINDS)],
        )
        for number in range(count)
    ]


def engine_documents(
    tsv: Path, start: int = 0, end: int | None = None, *, as_issue_14: bool = True
) -> Iterator[Document]:
    """The generated products of `tsv` as the app would index them: one `offer_document` per product
    with its supplier's facts (kab/kota centroid, size class, verified, certificates with their last
    valid days, awards and order history) and its offer's (unit, price, monthly capacity, lead time),
    the figures the generator does not make spread by a hash of the ids. Like the app's rebuild, which
    reads a batch of suppliers with their products, it makes one `SupplierFacts` per supplier (the
    catalogue lists a supplier's products one after another). `start` and `end`: the stretch of the
    file to read, in bytes (`tsv_parts`). `as_issue_14`: categories inferred for 70% of the products and
    award histories for a quarter of the suppliers (`past_wins`), as the app indexes them since issue #14;
    off, every product carries its category as given and nobody has a history (the runs before it)."""
    places = centroids()
    supplier_columns: tuple[str, ...] = ()
    supplier: SupplierFacts | None = None
    with tsv.open("rb") as handle:
        handle.seek(start)
        left = (end if end is not None else tsv.stat().st_size) - start
        for raw in handle:
            if left <= 0:
                break
            left -= len(raw)
            pid, supplier_id, kabkota, scale, verified, certificates, category, name, description = (
                raw.decode("utf-8").rstrip("\n").split("\t")
            )
            columns = (supplier_id, kabkota, scale, verified, certificates)
            if supplier is None or columns != supplier_columns:
                supplier = _supplier(supplier_id, kabkota, scale, verified, certificates, places)
                supplier_columns = columns
                if as_issue_14:
                    wins = past_wins(supplier_id, kabkota)
                    profile = history_profile(wins)  # as the app keeps it with each history document
                    for win in wins:
                        yield history_document(supplier, win, profile)
            spread = zlib.crc32(pid.encode())
            confidence = 1.0
            if as_issue_14 and spread % 100 >= GIVEN_SHARE:
                confidence = 0.2 + (spread >> 4) % 79 / 100  # inferred: 0.20 to 0.98
            offer = OfferFacts(
                id=pid,
                name=name,
                category=category,
                unit="buah",
                price_min=1_000 * (1 + spread % 200),
                capacity_per_month=None if (spread >> 8) % 3 == 0 else 100 * (1 + (spread >> 10) % 100),
                lead_time_days=(spread >> 20) % 21,
                category_confidence=confidence,
            )
            yield offer_document(supplier, offer, description=description)


def tsv_parts(tsv: Path, parts: int) -> list[tuple[int, int]]:
    """`parts` stretches (start, end) of the catalogue in bytes, of about equal size, each starting at
    the first product of a supplier (so a supplier's products are in one stretch, as a rebuild that
    splits its suppliers between processes has them)."""
    size = tsv.stat().st_size
    starts = [0]
    with tsv.open("rb") as handle:
        for number in range(1, parts):
            handle.seek(max(size * number // parts, starts[-1]))
            handle.readline()  # to the next line's start
            position = handle.tell()
            line = handle.readline()
            supplier = line.split(b"\t", 2)[1] if line else b""
            while line and line.split(b"\t", 2)[1] == supplier:
                position = handle.tell()
                line = handle.readline()
            starts.append(position)
    ends = [*starts[1:], size]
    return [(start, end) for start, end in zip(starts, ends, strict=True) if end > start]


def _supplier(
    supplier_id: str,
    kabkota: str,
    scale: str,
    verified: str,
    certificates: str,
    places: dict[str, tuple[float, float]],
) -> SupplierFacts:
    held = []
    for certificate in certificates.split(";") if certificates else ():
        code, _, until = certificate.partition("@")
        held.append(Certificate(code, date.fromisoformat(until) if until else None))
    lat, lng = places.get(kabkota, (None, None))
    spread = zlib.crc32(supplier_id.encode())
    completed = spread % 80
    return SupplierFacts(
        id=supplier_id,
        name=f"UD {supplier_id}",
        verified=verified == "1",
        size_class=scale,
        kabkota=kabkota,
        lat=lat,
        lng=lng,
        certificates=tuple(held),
        awards_won=(spread >> 8) % 4,  # a quarter are newcomers
        orders_completed=completed,
        orders_on_time=completed * (70 + (spread >> 12) % 31) // 100,
    )


def engine_filters(query: Query) -> Filters:
    """The region and the certification, valid on the needed-by day."""
    return Filters(
        all_of=(region_term(query.region), f"cert:{query.certification}"), valid_on=query.needed_by
    )


def need_line(query: Query, places: dict[str, tuple[float, float]]) -> NeedLine:
    """The query as a need line: the baselines' filters (region, certification valid on the needed-by
    day; open to large firms, unverified suppliers included by the caller), a delivery point at the
    region's centroid and the region as delivery place, goods as procurement type (both for the award
    histories' fit), and for half the lines a quantity and a budget."""
    lat, lng = places.get(query.region, (None, None))
    quantity = 50 * (1 + _spread(query.id, 40)) if _spread(query.id + "q", 2) else None
    return NeedLine(
        text=query.text,
        today=query.needed_by - timedelta(days=90),
        needed_by=query.needed_by,
        quantity=quantity,
        unit="buah" if quantity else None,
        budget=quantity * 60_000 if quantity else None,
        lat=lat,
        lng=lng,
        required_certs=(query.certification,),
        umkm_only=False,
        region=region_term(query.region),
        # What a buyer's need carries for the history fit: goods, delivered in the region.
        kind=GOODS,
        delivery_place=query.region,
    )


def memory_status() -> dict[str, int]:
    """VmHWM and VmRSS of this process in bytes (empty where /proc is missing)."""
    status: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key in {"VmHWM", "VmRSS"}:
                    status[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return status


def build_cpu() -> dict[str, float]:
    """CPU seconds so far of this process's main thread (which feeds the writer), of its other threads
    (tantivy's), and of its finished child processes (the text-analysis workers)."""
    process = os.times()
    main = 0.0
    try:
        with open(f"/proc/self/task/{os.getpid()}/stat", encoding="ascii") as handle:
            # utime and stime, in clock ticks: the 14th and 15th fields, counted after the command name.
            fields = handle.read().rsplit(")", 1)[1].split()
        main = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        pass
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "feeder": main,
        "tantivy": process.user + process.system - main,
        "workers": children.ru_utime + children.ru_stime,
    }


def directory_size(path: Path) -> int:
    """Bytes of the files under `path`."""
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def timed_queries(
    result: Result, queries: Sequence[Query], search: Callable[[Query], int], *, progress: str
) -> None:
    """Warm up on the first queries, then time every query; `search` returns the number of hits."""
    for query in queries[:WARM_UP]:
        search(query)
    for number, query in enumerate(queries, start=1):
        started = time.perf_counter()
        hits = search(query)
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.hit_counts.append(hits)
        if number % 250 == 0:
            print(f"  {progress}: {number} queries", file=sys.stderr)


def run_engine(
    tsv: Path, queries: Sequence[Query], workdir: Path, args: argparse.Namespace
) -> tuple[Result, Result, dict[str, int], int]:
    """Build the engine's index from the TSV stream, run the queries through the shortlist and through
    the product matcher; return both figures, memory and the count of entries or hits that broke a
    filter (must be 0)."""
    result = Result(
        "Rantai engine: supplier shortlist (BM25 + synonyms + feedback + category re-rank, grouped by "
        "supplier, soft features, newcomer slots, reasons)"
    )
    cpu_before = build_cpu()
    started = time.perf_counter()
    with ChildMemory() as children:
        index = build_engine(tsv, workdir / "engine", args, parts=args.parts)
    result.build_seconds = time.perf_counter() - started
    result.build_cpu = {part: seconds - cpu_before[part] for part, seconds in build_cpu().items()}
    result.products = len(index)
    result.size_bytes = directory_size(workdir / "engine")
    print(f"  engine: built {result.products} in {result.build_seconds:.1f} s", file=sys.stderr)
    shortlister = Shortlister(index)
    places = centroids()
    needs = {query.id: need_line(query, places) for query in queries}
    broken = 0
    if not args.python_gc:
        # Where a served worker would be: started, its index open (rantai.app.create_served_app).
        tune_for_serving()

    answers: dict[str, list[object]] = {}

    def shortlist(query: Query) -> int:
        nonlocal broken
        entries = shortlister.shortlist(needs[query.id], top=LIMIT, include_unverified=True).entries
        if args.answers:
            answers[query.id] = [answer(entry) for entry in entries]
        for entry in entries:
            held, until = entry.supplier.certificate_end(query.certification)
            outside = region_term(query.region) not in supplier_terms(entry.supplier)
            if outside or not held or (until is not None and until < query.needed_by):
                broken += 1
        return len(entries)

    timed_queries(result, queries, shortlist, progress="engine shortlist")
    if args.answers:
        args.answers.write_text(
            "".join(json.dumps([key, answers[key]], ensure_ascii=False) + "\n" for key in sorted(answers)),
            encoding="utf-8",
        )
    products = Result("Rantai engine: product matcher alone (the previous timed path; ten products)")
    matcher = Matcher(index)

    def match(query: Query) -> int:
        nonlocal broken
        matches = matcher.match(query.text, limit=LIMIT, filters=engine_filters(query))
        wanted = {region_term(query.region), f"cert:{query.certification}"}
        for found in matches:
            cert_end = dict(found.valid_until).get(f"cert:{query.certification}")
            if set(found.matched_filters) != wanted or (cert_end is not None and cert_end < query.needed_by):
                broken += 1
        return len(matches)

    timed_queries(products, queries, match, progress="engine matcher")
    memory = memory_status()
    memory["children"] = children.peak
    memory["parts"] = args.parts
    result.documents_us = documents_cost(tsv)
    return result, products, memory, broken


def answer(entry: ShortlistEntry) -> list[object]:
    """What a shortlist entry tells the buyer, as JSON: the supplier, its offer, the score (to 12 digits),
    the reasons with their parameters, the features and the other offers (`--answers`: two versions of
    the code give the same shortlists when these files are equal)."""
    return [
        entry.supplier.id,
        entry.offer.id,
        entry.offer.name,
        round(entry.score, 12),
        entry.newcomer,
        [[reason.code, [[name, str(value)] for name, value in reason.params]] for reason in entry.reasons],
        sorted((name, round(value, 12)) for name, value in entry.features.items()),
        [offer.id for offer in entry.other_offers],
    ]


def build_engine(tsv: Path, path: Path, args: argparse.Namespace, *, parts: int) -> SearchIndex:
    """The engine's index of the catalogue: in `parts` processes (a stretch of the file each, joined),
    or in this one (with --threads and --workers) when `parts` is 1."""
    if parts > 1:
        return SearchIndex.build_parallel(
            [
                functools.partial(engine_documents, tsv, start, end, as_issue_14=not args.plain_catalogue)
                for start, end in tsv_parts(tsv, parts)
            ],
            path=path,
            plain=False,
            memory=args.memory,
        )
    return SearchIndex.build(
        engine_documents(tsv, as_issue_14=not args.plain_catalogue),
        path=path,
        plain=False,
        threads=args.threads,
        memory=args.memory,
        workers=args.workers,
    )


def run_engine_in_one_process(tsv: Path, workdir: Path, args: argparse.Namespace) -> Result:
    """The build as it was before the parallel build (one process feeding tantivy, text workers), on
    the same catalogue in the same run; build figures only."""
    result = Result(
        "Rantai engine built in one process (one process feeding tantivy, text workers: how it was "
        "built before the parallel build; same documents)"
    )
    cpu_before = build_cpu()
    started = time.perf_counter()
    index = build_engine(tsv, workdir / "engine-one", args, parts=1)
    result.build_seconds = time.perf_counter() - started
    result.build_cpu = {part: seconds - cpu_before[part] for part, seconds in build_cpu().items()}
    result.products = len(index)
    result.size_bytes = directory_size(workdir / "engine-one")
    print(
        f"  engine in one process: built {result.products} in {result.build_seconds:.1f} s", file=sys.stderr
    )
    return result


class ChildMemory:
    """While in use, samples the resident memory of this process's child processes (the build's) every
    50 ms; `peak` is the largest sum seen, bytes."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _children()))


def _children() -> list[int]:
    pids: list[int] = []
    for task in Path("/proc/self/task").iterdir():
        try:
            pids += [int(pid) for pid in (task / "children").read_text().split()]
        except OSError:
            continue
    return pids


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def documents_cost(tsv: Path, sample: int = 100_000) -> float:
    """CPU µs per product of reading the TSV and making the offer documents, without indexing them:
    the part of the feeder's time that is the app's own (its bulk import builds the same documents)."""
    started = time.process_time()
    count = sum(1 for _ in itertools.islice(engine_documents(tsv), sample))
    return (time.process_time() - started) / max(1, count) * 1e6


def run_sqlite(tsv: Path, queries: Sequence[Query], workdir: Path) -> Result:
    """The SQLite FTS5 baseline in a temporary file."""
    system = SqliteFts5(workdir / "fts5.db")
    result = Result(system.name)
    started = time.perf_counter()
    result.products = system.build(read_tsv(tsv))
    result.build_seconds = time.perf_counter() - started
    result.size_bytes = system.size()
    print(f"  sqlite: built in {result.build_seconds:.1f} s", file=sys.stderr)

    def search(query: Query) -> int:
        return len(system.search(query, limit=LIMIT).ids)

    timed_queries(result, queries, search, progress="sqlite")
    system.close()
    return result


def run_postgres(tsv: Path, queries: Sequence[Query], url: str) -> Result:
    """The PostgreSQL baseline, or a skipped result when the server is unreachable."""
    result = Result(PostgresFts.name)
    try:
        import psycopg  # noqa: PLC0415 - only this baseline needs a driver

        connection = psycopg.connect(url, connect_timeout=5)
    except Exception as error:
        result.skipped = f"PostgreSQL unreachable at {url}: {error}".strip()
        print(f"  postgres: skipped ({result.skipped})", file=sys.stderr)
        return result
    system = PostgresFts(connection, f"rantai_bench_speed_{os.getpid()}")
    try:
        started = time.perf_counter()
        result.products = system.build(read_tsv(tsv))
        result.build_seconds = time.perf_counter() - started
        result.size_bytes = system.size()
        print(f"  postgres: built in {result.build_seconds:.1f} s", file=sys.stderr)

        def search(query: Query) -> int:
            answer: Answer = system.search(query, limit=LIMIT)
            return len(answer.ids)

        timed_queries(result, queries, search, progress="postgres")
        version = connection.info.server_version
        result.name += f" (PostgreSQL {version // 10000}.{version % 10000})"
    finally:
        system.close()
    return result


def generate(workdir: Path, products: int, queries: int) -> tuple[Path, Path, float]:
    """Write the catalogue and the queries as TSV in a child process; return their paths and seconds."""
    tsv, queries_tsv = workdir / "products.tsv", workdir / "queries.tsv"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own script, run with our own interpreter
        [
            sys.executable,
            str(GENERATE),
            "--products",
            str(products),
            "--queries",
            str(queries),
            "--tsv",
            str(tsv),
            "--queries-tsv",
            str(queries_tsv),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return tsv, queries_tsv, time.perf_counter() - started


def _mb(value: int) -> str:
    return f"{value / 1024**2:,.0f} MB"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(
    results: list[Result],
    *,
    queries: Sequence[Query],
    memory: dict[str, int],
    broken: int,
    setup: dict[str, str],
) -> str:
    """The figures as markdown: one table, then the targets, then how the run was set up."""
    engine = results[0]
    lines = [
        "# Matching speed (generated catalogue, RUP Kalimantan Barat needs)",
        "",
        f"{engine.products:,} products, {len(queries):,} needs, top {LIMIT} with a region and a "
        "certification filter (valid on the needed-by day): ten suppliers from the shortlist, ten "
        "products from the matcher and the baselines; the engine's include their reasons. "
        f"Latencies after a warm-up over the first {WARM_UP} needs; build from the same TSV stream.",
        "",
        "| system | build | products/s | p50 ms | p95 ms | p99 ms | mean hits | index size |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        if result.skipped:
            lines.append(f"| {result.name} | skipped: {result.skipped} | | | | | | |")
            continue
        if not result.latencies_ms:  # a build only
            lines.append(
                f"| {result.name} | {result.build_seconds:.1f} s | {result.per_second:,.0f} | | | | | "
                f"{_mb(result.size_bytes)} |"
            )
            continue
        if not result.products:  # timed on the engine's index: no build of its own
            lines.append(
                f"| {result.name} | (same index) | | {result.percentile(50):.2f} | "
                f"{result.percentile(95):.2f} | {result.percentile(99):.2f} | "
                f"{statistics.mean(result.hit_counts):.1f} | |"
            )
            continue
        lines.append(
            f"| {result.name} | {result.build_seconds:.1f} s | {result.per_second:,.0f} | "
            f"{result.percentile(50):.2f} | {result.percentile(95):.2f} | {result.percentile(99):.2f} | "
            f"{statistics.mean(result.hit_counts):.1f} | {_mb(result.size_bytes)} |"
        )
    baselines = [
        result for result in results[1:] if not result.skipped and result.products and result.latencies_ms
    ]
    builds = [result for result in results if not result.skipped and result.products and result.build_cpu]
    hwm = memory.get("VmHWM", 0)
    children, parts = memory.get("children", 0), memory.get("parts", 1)
    together = hwm + children  # an upper bound: the two peaks need not fall at the same moment
    p50 = engine.percentile(50)
    lines += [
        "",
        f"Engine peak resident memory (VmHWM, build and queries): {_mb(hwm)} in the benchmark's process"
        + (
            f", {_mb(children)} in the {parts} build processes together (the largest sum sampled "
            f"every 50 ms); both at most {_mb(together)}"
            if parts > 1
            else ""
        )
        + f"; resident after the queries: {_mb(memory.get('VmRSS', 0))}. Engine hits that broke a "
        f"filter: {broken}.",
        "",
    ]
    for result in builds:
        per_product = {part: seconds / result.products * 1e6 for part, seconds in result.build_cpu.items()}
        lines.append(
            f"Build CPU per product, {result.name.split(':')[0]}: "
            + ", ".join(f"{part} {micro:.1f} µs" for part, micro in per_product.items() if micro >= 0.05)
            + f" (total {sum(per_product.values()):.1f} µs; wall {result.build_seconds / result.products * 1e6:.1f} µs)."
        )
    lines += [
        "",
        "In one process the feeder is its main thread (reads the stream, makes tantivy documents), "
        "tantivy's threads index them and the workers normalize the text; in parallel, the workers are "
        "the build processes (each does all three for its stretch). Reading the rows and making the "
        "offer documents alone (SupplierFacts, OfferFacts, offer_document: what the app's bulk import "
        f"does) takes {engine.documents_us:.1f} µs per product (measured apart on the first 100,000 rows).",
        "",
        "| target | figure | verdict |",
        "|---|---:|---|",
        f"| p50 at most {TARGET_P50_MS:.0f} ms | {p50:.2f} ms | {_verdict(p50 <= TARGET_P50_MS)} |",
        f"| p99 at most {TARGET_P99_MS:.0f} ms | {engine.percentile(99):.2f} ms | "
        f"{_verdict(engine.percentile(99) <= TARGET_P99_MS)} |",
        f"| full build of the catalogue ({engine.products:,} documents) in under "
        f"{TARGET_BUILD_SECONDS:.0f} s | {engine.build_seconds:.1f} s ({engine.per_second:,.0f}/s) | "
        f"{_verdict(engine.build_seconds < TARGET_BUILD_SECONDS)} |",
        f"| resident memory at most 2 GB | {_mb(together)} | {_verdict(0 < together <= TARGET_RSS_BYTES)} |",
    ]
    for baseline in baselines:
        faster = p50 < baseline.percentile(50)
        lines.append(
            f"| p50 faster than {baseline.name} | {p50:.2f} vs {baseline.percentile(50):.2f} ms | "
            f"{_verdict(faster)} |"
        )
    lines += ["", "Setup:", ""]
    lines += [f"- {key}: {value}" for key, value in setup.items()]
    return "\n".join(lines) + "\n"


def _load() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the three systems, print and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--products", type=int, default=1_000_000, help="catalogue size (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=1000, help="needs to run (default 1,000)")
    parser.add_argument(
        "--parts",
        type=int,
        default=os.cpu_count() or 1,
        help="processes building the engine's index, one part each (default: one per core; 1: one "
        "process, with --threads and --workers)",
    )
    parser.add_argument("--threads", type=int, default=default_threads(), help="tantivy indexing threads")
    parser.add_argument(
        "--workers",
        type=int,
        default=max(0, (os.cpu_count() or 1) - 1),
        help="processes analysing text during the engine's build (default: one per core but one)",
    )
    parser.add_argument(
        "--memory", type=int, default=DEFAULT_WRITER_MEMORY, help="tantivy writer memory, bytes"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("RANTAI_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="PostgreSQL URL for the baseline (default %(default)s)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL baseline")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite FTS5 baseline")
    parser.add_argument(
        "--no-one-process",
        action="store_true",
        help="skip building the engine's index a second time in one process (the before figure)",
    )
    parser.add_argument(
        "--plain-catalogue",
        action="store_true",
        help="every category given, no award histories (the catalogue of the runs before issue #14)",
    )
    parser.add_argument(
        "--answers",
        type=Path,
        help="write each need's shortlist (suppliers, offers, scores, reasons, features) to this file as "
        "JSON lines, to compare two versions of the code",
    )
    parser.add_argument(
        "--python-gc",
        action="store_true",
        help="keep Python's default garbage collector instead of tuning it as a served worker does "
        "(rantai.kit.collector.tune_for_serving): the figure before that tuning",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the markdown report")
    args = parser.parse_args(argv)
    url = args.postgres.replace("postgresql+psycopg://", "postgresql://")
    load_before = _load()
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="rantai-matching-speed-") as scratch:
        workdir = Path(scratch)
        print(f"generating {args.products:,} products and {args.queries:,} needs...", file=sys.stderr)
        tsv, queries_tsv, generate_seconds = generate(workdir, args.products, args.queries)
        queries = read_queries(queries_tsv)
        engine, products, memory, broken = run_engine(tsv, queries, workdir, args)
        results = [engine, products]
        if args.parts > 1 and not args.no_one_process:
            results.append(run_engine_in_one_process(tsv, workdir, args))
        if args.no_sqlite:
            results.append(Result(SqliteFts5.name, skipped="--no-sqlite"))
        else:
            results.append(run_sqlite(tsv, queries, workdir))
        if args.no_postgres:
            results.append(Result(PostgresFts.name, skipped="--no-postgres"))
        else:
            results.append(run_postgres(tsv, queries, url))
    setup = {
        "run": f"{started:%Y-%m-%d %H:%M} UTC, {(datetime.now(UTC) - started).total_seconds():.0f} s in all",
        "machine": f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"load average (1/5/15 min) {load_before} before, {_load()} after",
        "software": f"Python {platform.python_version()}, tantivy-py {_version('tantivy')}, "
        f"SQLite {sqlite3.sqlite_version}",
        "engine build": (
            f"{args.parts} processes (SearchIndex.build_parallel), each a stretch of the catalogue with a "
            f"tantivy writer of 1 thread and {_mb(args.memory // args.parts)}, joined into one index"
            if args.parts > 1
            else f"one process, tantivy writer {args.threads} thread(s), {_mb(args.memory)}, "
            f"{args.workers} text-analysis worker process(es)"
        )
        + "; on disk, no plain-BM25 fields"
        + (
            f"; before: one process, tantivy writer {args.threads} thread(s), {_mb(args.memory)}, "
            f"{args.workers} text-analysis worker process(es)"
            if args.parts > 1 and not args.no_one_process
            else ""
        ),
        "catalogue": f"generated in {generate_seconds:.0f} s by bench/matching/generate.py (seeded; real "
        "vocabulary from RUP Kalbar 2023-2025 and PRDECT-ID), not counted in any build; "
        + (
            "every category as given, no award histories (--plain-catalogue)"
            if args.plain_catalogue
            else f"sellers' categories on {GIVEN_SHARE}% of the products, the rest inferred with a "
            f"confidence of 0.20-0.98; one supplier in {HISTORY_SHARE} with 1-{HISTORY_MAX} won packages "
            "as history documents (real RUP package names)"
        ),
        "needs": f"{len(queries)} distinct RUP package names (goods lines), "
        f"{sum('.' not in q.region for q in queries)} filtered on the province, "
        f"{sum('.' in q.region for q in queries)} on a kab/kota; needed-by days "
        f"{min(q.needed_by for q in queries)} to {max(q.needed_by for q in queries)}",
        "shortlist process": (
            "Python's default garbage collector (--python-gc)"
            if args.python_gc
            else "garbage collector tuned as a served worker's (rantai.kit.collector.tune_for_serving, "
            "after the index opened)"
        ),
    }
    text = report(results, queries=queries, memory=memory, broken=broken, setup=setup)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}")
    return 0


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
