"""`rantai export ocds` (issue #15): releases per second and peak memory on the demo and on the demo
multiplied, to show the export streams (memory follows the batch, not the data).

A SQLite file gets the reference data and the demo (`--suppliers` UMKM, the demo's needs, RFQs and orders
with deliveries, BAST, invoices and payments: what `make demo` loads). `--times N` copies every contracting
process of the demo (RFQ, lines, amendments, awards, POs and everything under them) N-1 more times with new
ids, straight into the tables (the services are measured elsewhere; this measures reading and mapping).
Then the export runs twice per size: once untraced for releases per second, once under tracemalloc for the
peak of Python memory the export itself allocates (the process's max RSS is printed too).

    .venv/bin/python bench/ocds_export.py [--suppliers 300] [--times 1 10 40] [--per-file 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import Table, func, insert, select  # noqa: E402

from rantai import migrations  # noqa: E402
from rantai.analytics import open_data  # noqa: E402
from rantai.catalog.service import ensure_categories  # noqa: E402
from rantai.db import Base, make_engine, make_session_factory, transaction  # noqa: E402
from rantai.demo.orders import load_demo_orders  # noqa: E402
from rantai.demo.procurement import load_demo_procurement, load_demo_supplier_login  # noqa: E402
from rantai.demo.registry import load_demo_registry  # noqa: E402
from rantai.demo.rfqs import load_demo_rfqs  # noqa: E402
from rantai.demo.seed import load_demo_identity  # noqa: E402
from rantai.reference.service import load_reference_data  # noqa: E402

TODAY = dt.date(2026, 12, 1)
# The tables of a contracting process, parents first; every id and every key between them is shifted.
PROCESS_TABLES = (
    "sourcing_rfq",
    "sourcing_rfq_line",
    "sourcing_rfq_amendment",
    "sourcing_quote",
    "sourcing_quote_line",
    "sourcing_award",
    "sourcing_award_line",
    "orders_po",
    "orders_po_line",
    "orders_po_revision",
    "orders_delivery",
    "orders_delivery_line",
    "orders_receipt",
    "orders_receipt_line",
    "orders_invoice",
    "orders_invoice_line",
    "orders_payment",
)
NUMBERED = {"number"}  # unique per buyer or supplier: a copy gets a suffix


def load_demo(url: str, suppliers: int) -> None:
    migrations.upgrade(url)
    engine = make_engine(url)
    with transaction(make_session_factory(engine), write=True) as session:
        load_reference_data(session)
        ensure_categories(session)
        load_demo_identity(session)
        load_demo_registry(session, suppliers=suppliers)
        load_demo_procurement(session, today=TODAY)
        load_demo_supplier_login(session, today=TODAY)
        load_demo_rfqs(session)
        load_demo_orders(session)
    engine.dispose()


def multiply(url: str, times: int) -> None:
    """Copy every process table's rows ``times - 1`` more times, ids and keys among them shifted."""
    engine = make_engine(url)
    tables: dict[str, Table] = {name: Base.metadata.tables[name] for name in PROCESS_TABLES}
    with transaction(make_session_factory(engine), write=True) as session:
        originals = {
            name: [dict(r._mapping) for r in session.execute(select(t))] for name, t in tables.items()
        }
        shift = {name: (session.scalar(select(func.max(t.c.id))) or 0) + 1 for name, t in tables.items()}
        for copy in range(1, times):
            for name, table in tables.items():
                keys = {
                    column.name: fk.column.table.name
                    for column in table.columns
                    for fk in column.foreign_keys
                    if fk.column.table.name in tables
                }
                rows: list[dict[str, Any]] = []
                for row in originals[name]:
                    new = dict(row)
                    new["id"] = row["id"] + copy * shift[name]
                    for column, target in keys.items():
                        if row[column] is not None:
                            new[column] = row[column] + copy * shift[target]
                    for column in NUMBERED & set(row):
                        new[column] = f"{row[column]}-{copy}"
                    rows.append(new)
                for start in range(0, len(rows), 5_000):
                    session.execute(insert(table), rows[start : start + 5_000])
    engine.dispose()


def export(url: str, out: Path, per_file: int, *, traced: bool) -> tuple[open_data.Exported, float, int]:
    engine = make_engine(url)
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with transaction(make_session_factory(engine)) as session:
        done = open_data.export(session, out, prefix="ocds-bench1", base_url="http://bench", size=per_file)
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    engine.dispose()
    return done, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=300)
    parser.add_argument("--times", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--per-file", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "demo.db"
        started = time.perf_counter()
        load_demo(f"sqlite:///{base}", args.suppliers)
        print(f"demo loaded in {time.perf_counter() - started:.0f} s")
        print("| data | processes | releases | files | s | releases/s | peak traced MiB | max RSS MiB |")
        print("|---|---|---|---|---|---|---|---|")
        for times in args.times:
            path = Path(tmp) / f"x{times}.db"
            path.write_bytes(base.read_bytes())
            url = f"sqlite:///{path}"
            multiply(url, times)
            done, seconds, _ = export(url, Path(tmp) / f"out{times}", args.per_file, traced=False)
            _, _, peak = export(url, Path(tmp) / f"traced{times}", args.per_file, traced=True)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"| demo x{times} | {done.processes:,} | {done.releases:,} | {done.files} | {seconds:.1f} "
                f"| {done.releases / seconds:,.0f} | {peak / 2**20:.1f} | {rss:.0f} |",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
