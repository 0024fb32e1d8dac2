"""Bulk import speed and memory: 100,000 suppliers + 500,000 products from CSV, on SQLite and PostgreSQL.

The issue's figure: "Import 100,000 suppliers + 500,000 products from CSV with full validation: at most
60 s on SQLite and 90 s on PostgreSQL on this 2-core machine, peak memory at most 500 MB; report rows/s."

For each backend, a fresh database (an SQLite file in a temporary folder; a scratch PostgreSQL database
created and dropped here) is migrated and given the reference data, the categories and the demo logins
(not timed). Then the two files (``bench/registry/generate.py``, ~1% bad rows) are imported as
``rantai import suppliers|products FILE --email operator@demo.rantai.id --organization "Operator Rantai"``
does: ``catalog.import_jobs.run_import`` in one ``rantai.db.transaction``, each import in its own child process,
which reports its wall time, its CPU time and its peak resident memory (VmHWM).

The baseline, measured in the same run on the same backend: the per-row service path
(``registry/baseline.py``: create_profile / create_product and the directory refresh the pages do) on a
5,000-supplier / 25,000-product file from the same generator, reported as rows/s and extrapolated, so
labelled, to the full row count.

``--patch NAME`` repeats the bulk import with a change proposed for src/ applied by monkeypatching in the
child (``registry/proposals.py``), to measure it without touching the code.

Prints a markdown table and writes bench/out/import_registry.md.

    .venv/bin/python bench/import_registry.py [--suppliers N --products M] [--skip-postgres] [--patch NAME]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from registry import generate, proposals
from registry.baseline import per_row_import
from registry.database import (
    DEFAULT_POSTGRES,
    ChildRun,
    fingerprint,
    fresh_database,
    import_file,
    in_child,
)
from registry.generate import Files

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out" / "import_registry.md"
TARGET_SECONDS = {"SQLite": 60.0, "PostgreSQL": 90.0}
TARGET_PEAK_MB = 500.0
MODE = "valid_rows"  # the CLI's default: good rows are kept, bad ones reported


@dataclass
class BackendResult:
    backend: str
    bulk: list[ChildRun] = field(default_factory=list)
    patched: dict[str, list[ChildRun]] = field(default_factory=dict)
    baseline: ChildRun | None = None
    fingerprints: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)


def bulk_import(url: str, data: Files, patches: tuple[str, ...]) -> list[ChildRun]:
    runs = []
    for kind, path in (("suppliers", data.suppliers_csv), ("products", data.products_csv)):
        run = in_child(import_file, url, kind, path, MODE, patches)
        print(
            f"    {kind}: {run.rows:,} rows in {run.seconds:.1f} s ({run.rows_per_second:,.0f} rows/s), "
            f"peak {run.peak_mb:.0f} MB, load {run.load:.1f}",
            file=sys.stderr,
        )
        runs.append(run)
    return runs


def measure(backend: str, args: argparse.Namespace, full: Files, small: Files) -> BackendResult:
    result = BackendResult(backend)
    slug = backend.lower()
    print(f"== {backend}", file=sys.stderr)
    if not args.skip_bulk:
        with fresh_database(backend, f"rantai_bench_{slug}_import", args.postgres_url) as url:
            print("  bulk import (as is)", file=sys.stderr)
            result.bulk = bulk_import(url, full, ())
            result.fingerprints[""] = fingerprint(url)
    for patches in args.patch:
        combo = ",".join(patches)
        with fresh_database(backend, f"rantai_bench_{slug}_patched", args.postgres_url) as url:
            print(f"  bulk import with --patch {combo}", file=sys.stderr)
            result.patched[combo] = bulk_import(url, full, patches)
            result.fingerprints[combo] = fingerprint(url)
    if not args.skip_baseline:
        with fresh_database(backend, f"rantai_bench_{slug}_baseline", args.postgres_url) as url:
            print("  baseline: per-row services", file=sys.stderr)
            result.baseline = in_child(per_row_import, url, small.suppliers_csv, small.products_csv, ())
            run = result.baseline
            print(
                f"    {run.rows:,} rows in {run.seconds:.1f} s ({run.rows_per_second:,.0f} rows/s), "
                f"peak {run.peak_mb:.0f} MB",
                file=sys.stderr,
            )
    return result


def _total(runs: Sequence[ChildRun]) -> tuple[int, float, float, float]:
    rows = sum(r.rows for r in runs)
    seconds = sum(r.seconds for r in runs)
    return rows, seconds, max(r.peak_mb for r in runs), sum(r.cpu_seconds for r in runs)


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(results: Sequence[BackendResult], full: Files, small: Files, args: argparse.Namespace) -> str:
    lines = [
        f"# Bulk import: {full.suppliers:,} suppliers + {full.products:,} products (issue #3)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `bench/import_registry.py` on "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; mode `{MODE}` (the CLI's default).",
        f"Files: {full.suppliers:,} suppliers ({full.bad_suppliers:,} rows with a defect) and "
        f"{full.products:,} products ({full.bad_products:,} with a defect), from `bench/registry/generate.py`.",
        "Each import runs in its own child process as `rantai import` runs it; seconds are its wall time "
        "(import and commit), peak MB its VmHWM (interpreter and modules included), CPU s its own user + "
        "system time (a PostgreSQL server's work is not in it), load the machine's 1-minute load average "
        "at the end (other work sharing the 2 cores).",
        "",
        "| backend | what | rows | rejected | seconds | rows/s | peak MB | CPU s | load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for result in results:
        b = result.backend
        variants = [("bulk import", result.bulk)] + [
            (f"bulk import, `--patch {name}`", runs) for name, runs in result.patched.items()
        ]
        for label, runs in variants:
            if not runs:
                continue
            for run in runs:
                lines.append(
                    f"| {b} | {label}: {run.label} | {run.rows:,} | {run.rejected:,} | {run.seconds:.1f} | "
                    f"{run.rows_per_second:,.0f} | {run.peak_mb:.0f} | {run.cpu_seconds:.1f} | {run.load:.1f} |"
                )
            rows, seconds, peak, cpu = _total(runs)
            lines.append(
                f"| {b} | **{label}: total** | **{rows:,}** | {sum(r.rejected for r in runs):,} | "
                f"**{seconds:.1f}** | **{rows / seconds:,.0f}** | **{peak:.0f}** | {cpu:.1f} | |"
            )
            verdicts.append(
                f"- {b}, {label}: {seconds:.1f} s for {rows:,} rows (target {TARGET_SECONDS[b]:.0f} s: "
                f"{_verdict(seconds <= TARGET_SECONDS[b])}), peak {peak:.0f} MB (target "
                f"{TARGET_PEAK_MB:.0f} MB: {_verdict(peak <= TARGET_PEAK_MB)})."
            )
        if result.baseline is not None:
            run = result.baseline
            lines.append(
                f"| {b} | baseline: per-row services, {small.suppliers:,} + {small.products:,} rows | "
                f"{run.rows:,} | {run.rejected:,} | {run.seconds:.1f} | {run.rows_per_second:,.0f} | "
                f"{run.peak_mb:.0f} | {run.cpu_seconds:.1f} | {run.load:.1f} |"
            )
            full_rows = full.suppliers + full.products
            lines.append(
                f"| {b} | baseline *extrapolated* to {full_rows:,} rows at that rate | {full_rows:,} | | "
                f"*{full_rows / run.rows_per_second:,.0f}* | *{run.rows_per_second:,.0f}* | | | |"
            )
            if result.bulk:
                rows, seconds, _, _ = _total(result.bulk)
                verdicts.append(
                    f"- {b}: the bulk import runs {rows / seconds / run.rows_per_second:.1f}x the per-row "
                    f"services' rate ({rows / seconds:,.0f} against {run.rows_per_second:,.0f} rows/s)."
                )
        verdicts += _same_data(result)
    lines += ["", *verdicts, ""]
    if args.patch:
        lines.append("Patches (proposed changes to src/, applied only inside the bench's child process):")
        lines.append("")
        for name in sorted({name for patches in args.patch for name in patches}):
            doc = " ".join((proposals.PATCHES[name].__doc__ or "").split())
            lines.append(f"- `{name}`: {doc}")
        lines.append("")
    return "\n".join(lines)


def _same_data(result: BackendResult) -> list[str]:
    """Whether each patched import wrote what the code as it is wrote (row counts and content digests)."""
    reference = result.fingerprints.get("")
    notes = []
    for combo, found in result.fingerprints.items():
        if not combo or reference is None:
            continue
        differ = [name for name in reference if reference[name] != found.get(name)]
        verdict = "the same rows in every table" if not differ else "different rows in " + ", ".join(differ)
        notes.append(f"- {result.backend}, `--patch {combo}` wrote {verdict} (compared with the code as is).")
    return notes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=500_000)
    parser.add_argument("--baseline-suppliers", type=int, default=5_000)
    parser.add_argument("--baseline-products", type=int, default=25_000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-bulk", action="store_true", help="only the patched variants and the baseline")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("RANTAI_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument(
        "--patch",
        action="append",
        default=[],
        type=proposals.check,
        help=f"repeat the bulk import with these proposals applied (comma-separated): {', '.join(proposals.PATCHES)}",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    full = generate.cached_files(args.suppliers, args.products)
    small = generate.cached_files(args.baseline_suppliers, args.baseline_products)
    backends = [
        b for b, skip in (("SQLite", args.skip_sqlite), ("PostgreSQL", args.skip_postgres)) if not skip
    ]
    results = [measure(backend, args, full, small) for backend in backends]
    text = report(results, full, small, args)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
