"""The monitoring views (issue #15) against plain GROUP BY queries on the same tables, in the same run.

A SQLite database (and PostgreSQL with `--postgres`) is migrated and loaded with the reference data, then
gets synthetic transactions written straight into the tables: `--buyers` buyers of every kind, `--suppliers`
verified suppliers spread over every kab/kota with KBLI classes and size classes, `--orders` purchase
orders of the last 18 months (one line each, part delivered), an invoice for two orders in three and a
payment for most of those. Each view then runs `--repeat` times and its p95 is printed beside the p95 of
the plain GROUP BY queries that give the same numbers (value by region, by month, by buyer; the payment
ranking's tallies) straight from SQL:

- national: `analytics.dashboard.build` for the nation (every KPI, the tables);
- province / kab/kota: the drill-down one and two levels down (Jawa Barat, then its largest kab/kota);
- map: `geo.choropleth` of the 38 provinces (outlines read once per process);
- public: `dashboard.public_figures` (the /transparansi page's data).

This measures the domain functions the routes call (no HTTP, no template). The default size is the
issue's large demo: 50,000 orders, 100,000 suppliers.

`--from-db URL` (repeatable) measures existing databases instead of synthetic ones, e.g. the large demo
(`rantai demo --scale large --no-serve`), on the day it was made (`kit.clock.today()`); each is first
upgraded to the head migration (the views' indexes and the rollup's tables).

The views read the rollup (`analytics.rollup`), so each database's rollup is rebuilt first and the rebuild
timed (the only write besides the upgrade), then the refresh of one day's worth of new orders (the newest
`--day-orders` orders' rollup rows made again, as the worker's minute sweep does, rolled back); the
baseline GROUP BY queries read the transaction tables as before.

    .venv/bin/python bench/dashboards.py [--orders 50000] [--suppliers 100000] [--buyers 40] [--repeat 15]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/rantai_bench_dash] [--from-db URL ...]
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from rantai import migrations  # noqa: E402
from rantai.analytics import dashboard, geo, rollup, rollup_repository  # noqa: E402
from rantai.analytics.models import RollupOrder  # noqa: E402
from rantai.analytics.repository import NATIONAL  # noqa: E402
from rantai.db import make_engine, make_session_factory, transaction  # noqa: E402
from rantai.identity.models import Organization  # noqa: E402
from rantai.kit.clock import today as clock_today  # noqa: E402
from rantai.orders.models import Invoice, Payment, PurchaseOrder, PurchaseOrderLine  # noqa: E402
from rantai.reference.models import Kbli, Region  # noqa: E402
from rantai.reference.service import load_reference_data  # noqa: E402
from rantai.suppliers.models import SupplierProfile  # noqa: E402
from shortlist_load import _recreate_postgres  # noqa: E402

TODAY = dt.date(2026, 12, 5)
TARGETS_MS = {"national map (SVG)": 300}  # every other view: 1,000 ms (issue #15)
KINDS = ("bumn", "bumn", "swasta_besar", "pembeli_global", "instansi_pemerintah")
SIZES = ("mikro", "mikro", "kecil", "menengah", "besar")


def fill(session: Session, *, orders: int, suppliers: int, buyers: int) -> None:
    """The synthetic transactions, in bulk statements (ids far from anything the reference load makes)."""
    rng = random.Random(20261205)
    kabkota = list(session.scalars(select(Region.code).where(Region.level == 2)))
    kbli = list(session.scalars(select(Kbli.code).where(Kbli.level == "kelompok_5d")))
    session.execute(
        insert(Organization),
        [
            {"id": 1_000_000 + b, "name": f"Pembeli Bench {b}", "org_type": KINDS[b % len(KINDS)]}
            for b in range(buyers)
        ]
        + [{"id": 2_000_000 + s, "name": f"UD Bench {s}", "org_type": "umkm"} for s in range(suppliers)],
    )
    session.execute(
        insert(SupplierProfile),
        [
            {
                "id": 3_000_000 + s,
                "organization_id": 2_000_000 + s,
                "business_name": f"UD Bench {s}",
                "legal_form": "koperasi" if s % 17 == 0 else "ud",
                "nib": f"99{s:011d}",
                "province_code": (code := rng.choice(kabkota)).split(".", maxsplit=1)[0],
                "kabkota_code": code,
                "primary_kbli": rng.choice(kbli),
                "size_class": SIZES[s % len(SIZES)],
                "status": "verified",
            }
            for s in range(suppliers)
        ],
    )
    first = TODAY - dt.timedelta(days=540)
    pos, lines, invoices, payments = [], [], [], []
    for n in range(orders):
        buyer, supplier = rng.randrange(buyers), rng.randrange(suppliers)
        issued = first + dt.timedelta(days=rng.randrange(540))
        total = rng.randrange(5, 2_000) * 1_000_000
        accepted = rng.random() < 0.9
        pos.append(
            {
                "id": 4_000_000 + n,
                "number": f"PO/BENCH/{n:07d}",
                "organization_id": 1_000_000 + buyer,
                "supplier_id": 3_000_000 + supplier,
                "supplier_organization_id": 2_000_000 + supplier,
                "status": "accepted" if accepted else rng.choice(("issued", "declined")),
                "total": total,
                "issued_at": dt.datetime.combine(issued, dt.time(9), tzinfo=dt.UTC),
                "accepted_at": dt.datetime.combine(issued, dt.time(15), tzinfo=dt.UTC) if accepted else None,
            }
        )
        delivered = rng.randrange(0, 11) if accepted else 0
        lines.append(
            {
                "po_id": 4_000_000 + n,
                "line_no": 1,
                "name": "Barang bench",
                "quantity": 10,
                "unit_price": total // 10,
                "amount": total,
                "delivered_quantity": delivered,
                "accepted_quantity": delivered,
                "invoiced_quantity": delivered,
            }
        )
        if delivered and n % 3:
            start = issued + dt.timedelta(days=rng.randrange(5, 40))
            settled = start + dt.timedelta(days=rng.randrange(3, 90)) if rng.random() < 0.8 else None
            if settled and settled > TODAY:
                settled = None
            amount = delivered * (total // 10)
            invoices.append(
                {
                    "id": 5_000_000 + n,
                    "number": f"INV/BENCH/{n:07d}",
                    "po_id": 4_000_000 + n,
                    "organization_id": 1_000_000 + buyer,
                    "supplier_id": 3_000_000 + supplier,
                    "supplier_organization_id": 2_000_000 + supplier,
                    "status": "paid" if settled else "unpaid",
                    "issued_on": start,
                    "due_on": start + dt.timedelta(days=30),
                    "clock_from": start,
                    "subtotal": amount,
                    "ppn_base": 0,
                    "ppn": 0,
                    "ppn_collected_by_buyer": 0,
                    "pph22": 0,
                    "pph23": 0,
                    "total": amount,
                    "cash_due": amount,
                    "cash_received": amount if settled else 0,
                    "settled_on": settled,
                }
            )
            if settled:
                payments.append(
                    {"invoice_id": 5_000_000 + n, "amount": amount, "paid_on": settled, "reference": "B"}
                )
    for model, rows in (
        (PurchaseOrder, pos),
        (PurchaseOrderLine, lines),
        (Invoice, invoices),
        (Payment, payments),
    ):
        for i in range(0, len(rows), 5_000):
            session.execute(insert(model), rows[i : i + 5_000])


def plain_group_by(session: Session, start: dt.date, end: dt.date, province: str | None) -> int:
    """The same numbers by plain GROUP BY queries: value by region, month and buyer, and the invoices'
    tallies per buyer (count, settled, sum of days is left to Python as days_to_pay does)."""
    live = PurchaseOrder.status.not_in(("declined", "cancelled"))
    period = (
        PurchaseOrder.issued_at >= dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC),
        PurchaseOrder.issued_at < dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC),
    )
    region = SupplierProfile.province_code if province is None else SupplierProfile.kabkota_code
    where = [live, *period] + ([SupplierProfile.province_code == province] if province else [])
    rows = 0
    rows += len(
        session.execute(
            select(region, func.count(), func.sum(PurchaseOrder.total))
            .join(SupplierProfile, SupplierProfile.id == PurchaseOrder.supplier_id)
            .where(*where)
            .group_by(region)
        ).all()
    )
    month = (
        func.strftime("%Y-%m", PurchaseOrder.issued_at)
        if session.get_bind().dialect.name == "sqlite"
        else func.to_char(PurchaseOrder.issued_at, "YYYY-MM")
    )
    rows += len(
        session.execute(
            select(month, func.sum(PurchaseOrder.total))
            .join(SupplierProfile, SupplierProfile.id == PurchaseOrder.supplier_id)
            .where(*where)
            .group_by(month)
        ).all()
    )
    rows += len(
        session.execute(
            select(PurchaseOrder.organization_id, func.sum(PurchaseOrder.total))
            .join(SupplierProfile, SupplierProfile.id == PurchaseOrder.supplier_id)
            .where(*where)
            .group_by(PurchaseOrder.organization_id)
        ).all()
    )
    rows += len(
        session.execute(
            select(Invoice.organization_id, func.count(), func.count(Invoice.settled_on)).group_by(
                Invoice.organization_id
            )
        ).all()
    )
    return rows


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def measure(label: str, fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: the outlines and the regions are read once per process
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - began)
    value = p95(samples)
    print(f"  {label:<28} p95 {value * 1000:8.1f} ms  (median {statistics.median(samples) * 1000:.1f} ms)")
    return value


def run(url: str, args: argparse.Namespace, *, synthetic: bool) -> list[tuple[str, float, float | None]]:
    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    today = TODAY
    if synthetic:
        with transaction(factory) as session:
            load_reference_data(session)
        with transaction(factory) as session:
            fill(session, orders=args.orders, suppliers=args.suppliers, buyers=args.buyers)
        if engine.dialect.name == "postgresql":
            # A database that has run a while has its statistics (autovacuum's ANALYZE); one just bulk-filled
            # has none, and PostgreSQL then plans the joins as if the tables were empty (connected UMKM's
            # DISTINCT took minutes). SQLite keeps none unless asked, in service as here.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
    else:
        today = clock_today()
    started = time.perf_counter()
    with transaction(factory) as session:
        report = rollup.rebuild(session)
    print(f"{report.summary()}; with its commit {time.perf_counter() - started:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")  # the rollup's tables, as autovacuum would
    with factory() as session:
        newest = list(
            session.scalars(select(PurchaseOrder.id).order_by(PurchaseOrder.id.desc()).limit(args.day_orders))
        )
        started = time.perf_counter()
        rows = rollup_repository.order_rows(session, newest)
        rollup_repository.replace(session, RollupOrder, RollupOrder.po_id, newest, rows)
        session.flush()
        print(
            f"refresh of a day's {len(newest)} newest orders: {(time.perf_counter() - started) * 1000:.0f} ms"
        )
        session.rollback()
    results: list[tuple[str, float, float | None]] = []
    with transaction(factory) as session:
        regions = dashboard.known_regions(session)
        start, end = dashboard.default_period(today)
        nation = dashboard.read_filters({}, today=today, regions=regions)
        # The drill-down goes where the most value is: the largest province, then its largest kab/kota.
        board = dashboard.build(session, scope=NATIONAL, filters=nation, today=today)
        top = str(board.regions.rows[0][0]) if board.regions.rows else "32"
        province = dashboard.read_filters({"province": top}, today=today, regions=regions)
        board = dashboard.build(session, scope=NATIONAL, filters=province, today=today)
        biggest = str(board.regions.rows[0][0]) if board.regions.rows else ""
        kabkota = dashboard.read_filters({"province": top, "kabkota": biggest}, today=today, regions=regions)
        areas = [geo.Area(code, code, (i * 37) % 100) for i, code in enumerate(geo.outlines()["provinces"])]
        orders = session.scalar(select(func.count()).select_from(PurchaseOrder))
        suppliers = session.scalar(select(func.count()).select_from(SupplierProfile))
        print(f"{engine.dialect.name}: {orders} orders, {suppliers} suppliers, period {start} to {end}")
        views: list[tuple[str, Callable[[], object], Callable[[], object] | None]] = [
            ("national", lambda: dashboard.build(session, scope=NATIONAL, filters=nation, today=today),
             lambda: plain_group_by(session, start, end, None)),
            (f"province ({top})", lambda: dashboard.build(session, scope=NATIONAL, filters=province, today=today),
             lambda: plain_group_by(session, start, end, top)),
            (f"kab/kota ({biggest})", lambda: dashboard.build(session, scope=NATIONAL, filters=kabkota, today=today),
             lambda: plain_group_by(session, start, end, top)),
            ("national map (SVG)", lambda: geo.choropleth("provinces", areas, title="bench"), None),
            ("public page", lambda: dashboard.public_figures(session, today=today),
             lambda: plain_group_by(session, start, end, None)),
        ]  # fmt: skip
        for label, view, baseline in views:
            view_p95 = measure(label, view, args.repeat)
            base_p95 = measure(f"  GROUP BY for {label}", baseline, args.repeat) if baseline else None
            results.append((label, view_p95, base_p95))
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--buyers", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--from-db", action="append", default=[], metavar="URL")
    parser.add_argument(
        "--day-orders", type=int, default=70, help="A day's new orders (50,000 over 24 months)"
    )
    args = parser.parse_args()
    print(f"load average at the start {os.getloadavg()}")
    tables: dict[str, list[tuple[str, float, float | None]]] = {}
    if args.from_db:
        for url in args.from_db:
            tables[make_engine(url).dialect.name] = run(url, args, synthetic=False)
    else:
        with tempfile.TemporaryDirectory() as folder:
            tables["SQLite"] = run(f"sqlite:///{folder}/bench.db", args, synthetic=True)
        if args.postgres:
            _recreate_postgres(args.postgres)
            tables["PostgreSQL"] = run(args.postgres, args, synthetic=True)
    print(f"load average at the end {os.getloadavg()}")
    print("\n| database | view | p95 ms | plain GROUP BY p95 ms | target |\n|---|---|---:|---:|---:|")
    for database, rows in tables.items():
        for label, view, base in rows:
            shown = f"{base * 1000:,.0f}" if base is not None else "–"
            target = TARGETS_MS.get(label, 1_000)
            verdict = "met" if view * 1000 <= target else "missed"
            print(f"| {database} | {label} | {view * 1000:,.0f} | {shown} | {target:,} ({verdict}) |")


if __name__ == "__main__":
    main()
