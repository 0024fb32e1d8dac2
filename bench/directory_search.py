"""Directory search latency over 100,000 suppliers with two filters, on SQLite and PostgreSQL.

The issue's figure: "Directory search with two filters over 100,000 suppliers: p95 at most 50 ms on both
databases."

For each backend a fresh database (an SQLite file in a temporary folder, a scratch PostgreSQL database
created and dropped here) gets the files of ``bench/registry/generate.py`` (100,000 suppliers, 500,000
products) through the bulk import, as ``rantai import`` does; then one bulk UPDATE marks every profile
verified (only verified suppliers are listed) and the count is checked. None of that is timed.

Queries (seeded, the same on both backends): one or two consecutive words of a real product name from the
file, with a province filter (any of the 38), and for 30% also a size class, for 20% instead a
certificate type that is valid today. Each query is timed as the directory page runs it:
``catalog.directory.search(session, DirectoryQuery(...), PageRequest(1, 20))``, which is the count query
and the first page. The baseline, measured on the same queries in the same run, interleaved: a plain
``LIKE '%word%'`` (``ILIKE`` on PostgreSQL, where LIKE is case-sensitive) over product names, joined to
the suppliers with the same filters, the same count and the same first page, with no full-text index.

Prints p50/p95/p99 in milliseconds and writes bench/out/directory_search.md.

    .venv/bin/python bench/directory_search.py [--suppliers N --products M] [--queries 500] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, func, select, text, update
from sqlalchemy.orm import Session

from rantai.catalog import directory
from rantai.catalog.directory import DirectoryQuery
from rantai.catalog.models import Product
from rantai.db import make_engine, make_session_factory, transaction
from rantai.kit.clock import now
from rantai.kit.pagination import PageRequest
from rantai.suppliers.models import Certification, SupplierProfile
from registry import generate, proposals
from registry.database import DEFAULT_POSTGRES, fresh_database, import_file, in_child
from registry.vocabulary import Vocabulary, words

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out" / "directory_search.md"
TARGET_P95_MS = 50.0
WARMUP = 20
SEED = 20261129
SIZE_SHARE = 0.3
CERTIFICATE_SHARE = 0.2
SIZE_CLASSES = ("mikro", "kecil", "menengah", "besar")
# Certificate types the generator writes on product rows (and so on their suppliers).
CERTIFICATE_TYPES = ("halal", "spp_irt", "bpom_md", "bpom_na", "sni", "tkdn")
PAGE = PageRequest(1, 20)


@dataclass(frozen=True, slots=True)
class Query:
    words: str
    province: str
    size_class: str | None
    certificate: str | None

    def label(self) -> str:
        extra = self.size_class or (f"cert {self.certificate}" if self.certificate else "")
        return f"{self.words!r} in {self.province}" + (f", {extra}" if extra else "")


def make_queries(products_csv: Path, count: int, seed: int = SEED) -> list[Query]:
    """``count`` queries of real product-name words (deterministic for a seed and a file)."""
    rng = random.Random(seed)
    with products_csv.open(encoding="utf-8", newline="") as handle:
        names = [row["nama_produk"] for row in csv.DictReader(handle) if row["nama_produk"]]
    provinces = [code for code, _ in Vocabulary().provinces]
    queries = []
    while len(queries) < count:
        found = [w for w in words(rng.choice(names)) if len(w) >= 4 and w.isalpha()]
        if not found:
            continue
        start = rng.randrange(len(found))
        picked = found[start : start + rng.choice((1, 2))]
        roll = rng.random()
        queries.append(
            Query(
                " ".join(picked),
                rng.choice(provinces),
                rng.choice(SIZE_CLASSES) if roll < SIZE_SHARE else None,
                rng.choice(CERTIFICATE_TYPES)
                if SIZE_SHARE <= roll < SIZE_SHARE + CERTIFICATE_SHARE
                else None,
            )
        )
    return queries


def full_text(session: Session, query: Query) -> int:
    """The directory as the page runs it; returns the total the page would show."""
    page = directory.search(
        session,
        DirectoryQuery(
            text=query.words,
            province_code=query.province,
            size_class=query.size_class,
            certification_type=query.certificate,
        ),
        PAGE,
    )
    return page.total


def like(session: Session, query: Query) -> int:
    """The baseline: LIKE over product names, the same filters, count and first page, no text index."""
    stmt = select(SupplierProfile).where(
        SupplierProfile.status == "verified", SupplierProfile.province_code == query.province
    )
    if query.size_class:
        stmt = stmt.where(SupplierProfile.size_class == query.size_class)
    if query.certificate:
        on = dt.date.today()  # noqa: DTZ011 - a calendar date, as the directory uses it
        stmt = stmt.where(
            exists().where(
                Certification.supplier_id == SupplierProfile.id,
                Certification.type_code == query.certificate,
                Certification.status != "rejected",
                (Certification.valid_from.is_(None)) | (Certification.valid_from <= on),
                (Certification.valid_until.is_(None)) | (Certification.valid_until >= on),
            )
        )
    stmt = stmt.where(
        exists().where(
            and_(
                Product.supplier_id == SupplierProfile.id,
                Product.is_active.is_(True),
                *(Product.name.ilike(f"%{word}%") for word in query.words.split()),
            )
        )
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    session.scalars(
        stmt.order_by(SupplierProfile.business_name, SupplierProfile.id)
        .offset(PAGE.offset)
        .limit(PAGE.per_page)
    ).all()
    return total


@dataclass
class Timings:
    name: str
    ms: list[float] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        """The nearest-rank percentile."""
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]

    @property
    def hit_share(self) -> float:
        return sum(1 for t in self.totals if t) / len(self.totals)


@dataclass
class Variant:
    """One pass over the queries: the code as it is, or with proposals applied."""

    patches: tuple[str, ...]
    timings: list[Timings]
    slowest: list[tuple[float, str, str]]
    repeats: list[tuple[str, list[float]]]  # the slowest directory queries, each run 8 times in a row
    load: float


@dataclass
class BackendResult:
    backend: str
    suppliers: int = 0
    verified: int = 0
    documents: int = 0
    analyzed: bool = False
    variants: list[Variant] = field(default_factory=list)


def mark_verified(url: str) -> tuple[int, int, int]:
    """One bulk UPDATE: every profile verified (the directory lists only those); returns the counts of
    profiles, verified profiles and search documents."""
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            moment = now()
            session.execute(
                update(SupplierProfile).values(status="verified", submitted_at=moment, verified_at=moment)
            )
        with transaction(make_session_factory(engine)) as session:
            suppliers = session.scalar(select(func.count()).select_from(SupplierProfile)) or 0
            verified = session.scalar(select(func.count()).where(SupplierProfile.status == "verified")) or 0
            documents = session.scalar(text("SELECT count(*) FROM catalog_supplier_search")) or 0
    finally:
        engine.dispose()
    return suppliers, verified, documents


def analyze(url: str) -> None:
    """Planner statistics: what autovacuum gives PostgreSQL within a minute of a bulk change (run here
    so that the run does not depend on when it wakes up). SQLite has no such daemon and the application
    never runs ANALYZE, so it is run there only with --analyze-sqlite."""
    engine = make_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()


SYSTEMS: dict[str, Callable[[Session, Query], int]] = {
    "directory.search (full-text index)": full_text,
    "baseline: LIKE over product names": like,
}


def run_queries(
    url: str,
    queries: list[Query],
    patches: tuple[str, ...],
    *,
    start_mb: float,  # noqa: ARG001 - in_child passes it; memory is not a figure here
) -> dict[str, Any]:
    """The measured work of a child process: every query through both systems, alternating which goes
    first, in one session (a page's request has its own, but the pool keeps the connection). Returns the
    ``Variant`` as a dict: classes of this script do not cross between the processes."""
    proposals.apply(patches)
    engine = make_engine(url)
    timings = [Timings(name) for name in SYSTEMS]
    systems = list(SYSTEMS.values())
    slowest: list[tuple[float, str, str]] = []
    try:
        with make_session_factory(engine)() as session:
            for number, query in enumerate([*queries[:WARMUP], *queries]):
                order = (0, 1) if number % 2 == 0 else (1, 0)
                for index in order:
                    started = time.perf_counter()
                    total = systems[index](session, query)
                    elapsed = (time.perf_counter() - started) * 1000
                    session.expunge_all()
                    if number >= WARMUP:
                        timings[index].ms.append(elapsed)
                        timings[index].totals.append(total)
                        slowest.append((elapsed, timings[index].name, query.label()))
            session.rollback()
        slowest.sort(reverse=True)
        worst = sorted(zip(timings[0].ms, queries, strict=True), key=lambda pair: pair[0], reverse=True)
    finally:
        engine.dispose()
    repeats = [(query.label(), repeat(url, query)) for _, query in worst[:3]]
    return asdict(Variant(patches, timings, slowest[:5], repeats, os.getloadavg()[0]))


def repeat(url: str, query: Query, times: int = 8) -> list[float]:
    """One directory query run ``times`` times in a row on a new connection: a plan that changes after
    some executions (PostgreSQL's generic plan for a statement psycopg prepared) shows as a jump."""
    engine = make_engine(url)
    found = []
    try:
        with make_session_factory(engine)() as session:
            for _ in range(times):
                started = time.perf_counter()
                full_text(session, query)
                found.append((time.perf_counter() - started) * 1000)
                session.expunge_all()
    finally:
        engine.dispose()
    return found


def measure(
    backend: str, args: argparse.Namespace, data: generate.Files, queries: list[Query]
) -> BackendResult:
    result = BackendResult(backend)
    print(f"== {backend}", file=sys.stderr)
    with fresh_database(backend, "rantai_bench_directory", args.postgres_url) as url:
        for kind, path in (("suppliers", data.suppliers_csv), ("products", data.products_csv)):
            run = in_child(import_file, url, kind, path, "valid_rows", ())
            print(f"  imported {run.rows:,} {kind} in {run.seconds:.0f} s", file=sys.stderr)
        result.suppliers, result.verified, result.documents = mark_verified(url)
        result.analyzed = backend == "PostgreSQL" or args.analyze_sqlite
        if result.analyzed:
            analyze(url)
        for patches in [(), *args.patch]:
            found = in_child(run_queries, url, queries, patches)
            variant = Variant(**{**found, "timings": [Timings(**t) for t in found["timings"]]})
            result.variants.append(variant)
            for timing in variant.timings:
                print(
                    f"  {_variant_label(patches)}, {timing.name}: p50 {timing.percentile(50):.1f} ms, "
                    f"p95 {timing.percentile(95):.1f} ms",
                    file=sys.stderr,
                )
    return result


def _variant_label(patches: tuple[str, ...]) -> str:
    return f"`--patch {','.join(patches)}`" if patches else "as is"


def report(
    results: Sequence[BackendResult], data: generate.Files, queries: Sequence[Query], args: argparse.Namespace
) -> str:
    with_size = sum(1 for q in queries if q.size_class)
    with_certificate = sum(1 for q in queries if q.certificate)
    two_words = sum(1 for q in queries if " " in q.words)
    lines = [
        f"# Directory search over {data.suppliers:,} suppliers (issue #3)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `bench/directory_search.py` on "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Data: the `bench/registry/generate.py` files ({data.suppliers:,} suppliers, {data.products:,} "
        "products, ~1% bad rows) imported by the bulk import as `rantai import` runs it, then every profile "
        "set to verified with one UPDATE (only verified suppliers are listed); PostgreSQL then gets "
        "`VACUUM ANALYZE` (what autovacuum does within a minute of such a change), SQLite nothing (the "
        "application never runs ANALYZE there)" + (" but here ANALYZE too." if args.analyze_sqlite else "."),
        f"{len(queries)} queries after {WARMUP} warm-up ones: one or two words of a real product name "
        f"({two_words} with two) + a province (two filters every time); {with_size} also filter a size "
        f"class, {with_certificate} a valid certificate type. Each is timed as the page runs it, "
        "`directory.search(session, DirectoryQuery(...), PageRequest(1, 20))`: the count and the first page. "
        "The LIKE baseline runs the same count and page; the two alternate on each query, in one session "
        "of a child process; load is the machine's 1-minute load average after the pass (other work "
        "sharing the 2 cores).",
        "",
        "| backend | variant | system | p50 ms | p95 ms | p99 ms | mean ms | queries with hits | mean total | load |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for result in results:
        reference = result.variants[0].timings[0].totals if result.variants else []
        for variant in result.variants:
            label = _variant_label(variant.patches)
            for timing in variant.timings:
                lines.append(
                    f"| {result.backend} | {label} | {timing.name} | {timing.percentile(50):.1f} | "
                    f"**{timing.percentile(95):.1f}** | {timing.percentile(99):.1f} | "
                    f"{statistics.mean(timing.ms):.1f} | {timing.hit_share:.0%} | "
                    f"{statistics.mean(timing.totals):,.1f} | {variant.load:.1f} |"
                )
            search, baseline = variant.timings
            p95 = search.percentile(95)
            same = (
                ""
                if not variant.patches
                else (
                    " Same totals as the code as is on every query."
                    if search.totals == reference
                    else " **Totals differ from the code as is.**"
                )
            )
            verdicts.append(
                f"- {result.backend}, {label}: p95 {p95:.1f} ms (target {TARGET_P95_MS:.0f} ms: "
                f"{'met' if p95 <= TARGET_P95_MS else '**missed**'}); the LIKE baseline's p95 "
                f"{baseline.percentile(95):.1f} ms.{same}"
            )
        verdicts.append(
            f"- {result.backend}: {result.verified:,} of {result.suppliers:,} imported profiles verified, "
            f"{result.documents:,} with a search document."
        )
    lines += ["", *verdicts, ""]
    for result in results:
        for variant in result.variants:
            label = _variant_label(variant.patches)
            lines.append(f"Slowest queries on {result.backend}, {label}:")
            lines.append("")
            lines += [f"- {ms:.0f} ms {name}: {query}" for ms, name, query in variant.slowest]
            lines.append("")
            lines.append(
                "The three slowest directory queries again, each run 8 times in a row on a new connection (ms):"
            )
            lines.append("")
            lines += [
                f"- {query}: {', '.join(f'{ms:.0f}' for ms in times)}" for query, times in variant.repeats
            ]
            lines.append("")
    patches = sorted({name for combo in args.patch for name in combo})
    if patches:
        lines.append("Patches (proposed changes to src/, applied only inside the bench's child process):")
        lines.append("")
        for name in patches:
            lines.append(f"- `{name}`: {' '.join((proposals.PATCHES[name].__doc__ or '').split())}")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=500_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("RANTAI_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument(
        "--patch",
        action="append",
        default=[],
        type=proposals.check,
        help=f"repeat the queries with these proposals applied (comma-separated): {', '.join(proposals.PATCHES)}",
    )
    parser.add_argument("--analyze-sqlite", action="store_true", help="run ANALYZE on SQLite too")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = generate.cached_files(args.suppliers, args.products)
    queries = make_queries(data.products_csv, args.queries)
    backends = [
        b for b, skip in (("SQLite", args.skip_sqlite), ("PostgreSQL", args.skip_postgres)) if not skip
    ]
    results = [measure(backend, args, data, queries) for backend in backends]
    text_out = report(results, data, queries, args)
    print(text_out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
