"""Days-to-pay for every buyer over 50,000 invoices (issue #12: at most 1 s).

A database (a SQLite file, and PostgreSQL with `--postgres`) gets 200 buyers and 50,000 invoices (a
third settled on time, a third settled late, a third still open, some of those overdue), written straight
into the tables (the invoices' own rules are tested elsewhere; this measures reading them). Then
`orders.days_to_pay.days_to_pay` runs for all buyers, `--repeat` times; the baseline in the same run is
the straightforward way: load every invoice as an ORM object and tally in Python.

    .venv/bin/python bench/days_to_pay.py [--invoices 50000] [--buyers 200] [--repeat 7]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/rantai_bench_dtp]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from rantai import migrations  # noqa: E402
from rantai.db import make_engine, make_session_factory, transaction  # noqa: E402
from rantai.identity.models import Organization  # noqa: E402
from rantai.orders.days_to_pay import days_to_pay  # noqa: E402
from rantai.orders.models import Invoice, PurchaseOrder  # noqa: E402
from rantai.reference.models import Region  # noqa: E402
from rantai.suppliers.models import SupplierProfile  # noqa: E402
from shortlist_load import _recreate_postgres  # noqa: E402

TODAY = dt.date(2026, 12, 5)


def fill(session: Session, invoices: int, buyers: int) -> None:
    """Buyers, one supplier, one PO per buyer, and the invoices, in bulk statements."""
    rng = random.Random(20261205)
    session.execute(
        insert(Region),
        [
            {"code": "32", "name": "Jawa Barat", "level": 1},
            {"code": "32.73", "name": "Kota Bandung", "level": 2, "parent_code": "32"},
        ],
    )
    session.execute(
        insert(Organization),
        [{"id": 1_000_000 + b, "name": f"BUMN {b}", "org_type": "bumn"} for b in range(buyers)]
        + [{"id": 2_000_000, "name": "UD Bench", "org_type": "umkm"}],
    )
    session.execute(
        insert(SupplierProfile),
        [
            {
                "id": 3_000_000,
                "organization_id": 2_000_000,
                "business_name": "UD Bench",
                "legal_form": "ud",
                "nib": "9990000000001",
                "province_code": "32",
                "kabkota_code": "32.73",
            }
        ],
    )
    session.execute(
        insert(PurchaseOrder),
        [
            {
                "id": 4_000_000 + b,
                "number": f"PO/2026/B{b}/000001",
                "organization_id": 1_000_000 + b,
                "supplier_id": 3_000_000,
                "supplier_organization_id": 2_000_000,
                "total": 0,
            }
            for b in range(buyers)
        ],
    )
    rows = []
    for number in range(invoices):
        buyer = rng.randrange(buyers)
        issued = TODAY - dt.timedelta(days=rng.randrange(1, 365))
        due = issued + dt.timedelta(days=30)
        kind = number % 3
        settled = None
        if kind == 0:
            settled = min(TODAY, issued + dt.timedelta(days=rng.randrange(0, 30)))
        elif kind == 1:
            settled = min(TODAY, issued + dt.timedelta(days=rng.randrange(31, 120)))
        rows.append(
            {
                "number": f"INV/2026/B/{number:06d}",
                "po_id": 4_000_000 + buyer,
                "organization_id": 1_000_000 + buyer,
                "supplier_id": 3_000_000,
                "supplier_organization_id": 2_000_000,
                "status": "paid" if settled else "unpaid",
                "issued_on": issued,
                "due_on": due,
                "clock_from": issued,
                "settled_on": settled,
                "subtotal": 1_000_000,
                "ppn_base": 0,
                "ppn": 0,
                "ppn_collected_by_buyer": 0,
                "pph22": 0,
                "pph23": 0,
                "total": 1_000_000,
                "cash_due": 1_000_000,
                "cash_received": 1_000_000 if settled else 0,
            }
        )
        if len(rows) == 5000:
            session.execute(insert(Invoice), rows)
            rows = []
    if rows:
        session.execute(insert(Invoice), rows)


def baseline(session: Session) -> dict[int, tuple[int, float]]:
    """The straightforward way: every invoice as an ORM object, tallied in Python."""
    tally: dict[int, list[int]] = {}
    for invoice in session.scalars(select(Invoice)):
        end = invoice.settled_on or TODAY
        tally.setdefault(invoice.organization_id, []).append((end - invoice.clock_from).days)
    return {buyer: (len(days), sum(days) / len(days)) for buyer, days in tally.items()}


def measure(name: str, url: str, args: argparse.Namespace) -> tuple[str, list[float], list[float], int]:
    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    print(f"[{name}] writing {args.invoices:,} invoices ...", file=sys.stderr, flush=True)
    with transaction(factory) as session:
        fill(session, args.invoices, args.buyers)
    ours, theirs = [], []
    buyers = 0
    for _ in range(args.repeat):
        with factory() as session:
            started = time.perf_counter()
            result = days_to_pay(session, on=TODAY)
            ours.append(time.perf_counter() - started)
            buyers = len(result)
        with factory() as session:
            started = time.perf_counter()
            base = baseline(session)
            theirs.append(time.perf_counter() - started)
        if {b: r.invoices for b, r in result.items()} != {b: n for b, (n, _) in base.items()}:
            raise RuntimeError("days_to_pay and the baseline disagree on the invoices per buyer")
    engine.dispose()
    return name, ours, theirs, buyers


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="rantai-bench-dtp-") as tmp:
        results.append(measure("SQLite", f"sqlite:///{Path(tmp) / 'dtp.db'}", args))
        if args.postgres:
            _recreate_postgres(args.postgres)
            results.append(measure("PostgreSQL", args.postgres, args))
    print(
        f"\n### Days-to-pay of every buyer over {args.invoices:,} invoices ({args.repeat} runs, "
        f"load {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)\n"
    )
    print("| database | buyers | days_to_pay median s | max s | baseline (ORM objects) median s | target |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, ours, theirs, buyers in results:
        print(
            f"| {name} | {buyers} | **{statistics.median(ours):.3f}** | {max(ours):.3f} | "
            f"{statistics.median(theirs):.3f} | 1 s |"
        )


if __name__ == "__main__":
    main()
