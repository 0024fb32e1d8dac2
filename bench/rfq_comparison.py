"""The RFQ comparison's speed (issue #11 item 3): an RFQ with 200 quotes on 50 lines, on SQLite.

Builds a fresh SQLite database (migrated, reference data loaded) in a temporary directory, then through
the real services: a buyer, a need, 200 verified suppliers invited to one RFQ of 50 lines, each quoting
every line (10,000 cells), the clock moved past the deadline and the scheduler's close run. Then times,
each in a fresh session (nothing cached in the identity map, as for a page): ``comparison.compare``
(the page's data) and ``export.comparison_xlsx`` (the workbook of 10,000 rows, which the page leaves to
the worker above ``EXPORT_NOW_MAX_ROWS``), then the page itself through the app (``GET
/rfqs/<id>/comparison`` as the logged-in buyer: compare, its first 10 supplier columns drawn; target p95
<= 300 ms). Prints p50/p95 and the query count.

    PYTHONPATH=src .venv/bin/python bench/rfq_comparison.py [--runs 30] [--suppliers 200] [--lines 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test factories build the data through the real services


SUPPLIERS_SHOWN = 10  # rantai.web.routes.comparison.SUPPLIERS_PER_PAGE


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def build(url: str, suppliers: int, lines: int) -> tuple[Any, Any, int, Any]:
    """A fresh database with one RFQ of ``lines`` lines quoted by ``suppliers`` suppliers, closed."""
    from tests.factories.rfq import PAST_DEADLINE, make_rfq, quote_on  # noqa: PLC0415

    from rantai import migrations  # noqa: PLC0415
    from rantai.catalog.service import ensure_categories  # noqa: PLC0415
    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.kit import clock  # noqa: PLC0415
    from rantai.reference.service import load_reference_data  # noqa: PLC0415
    from rantai.sourcing.rfq import service  # noqa: PLC0415

    migrations.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        load_reference_data(session)
        ensure_categories(session)
    with transaction(factory, write=True) as session:
        setup = make_rfq(session, bidders=suppliers, lines=lines)
        for index, bidder in enumerate(setup.bidders):
            quote_on(session, setup, bidder, unit_price=10_000 + 7 * index, lead_time_days=7 + index % 30)
        rfq_id, actor, email = setup.rfq.id, setup.actor, setup.user.email
    with clock.travel(PAST_DEADLINE), transaction(factory, write=True) as session:
        service.close_due(session)
    return engine, factory, rfq_id, (actor, email)


def page_times(factory: Any, url: str, data_dir: Path, rfq_id: int, email: str, runs: int) -> list[float]:
    """The comparison page as the buyer gets it (``GET /rfqs/<id>/comparison``, its first page of supplier
    columns): the app in this process over the same database, logged in, timed request to response."""
    from fastapi.testclient import TestClient  # noqa: PLC0415
    from tests.factories.identity import PASSWORD, csrf_of  # noqa: PLC0415
    from tests.factories.rfq import PAST_DEADLINE  # noqa: PLC0415

    from rantai.app import create_app  # noqa: PLC0415
    from rantai.kit import clock  # noqa: PLC0415
    from rantai.settings import Settings  # noqa: PLC0415

    app = create_app(Settings(database_url=url, data_dir=data_dir, log_level="WARNING"), factory)
    times: list[float] = []
    with clock.travel(PAST_DEADLINE), TestClient(app) as client:
        form = {"email": email, "password": PASSWORD, "csrf_token": csrf_of(client)}
        if client.post("/login", data=form, follow_redirects=False).status_code != 303:
            raise SystemExit("the buyer could not log in")
        for _ in range(runs + 2):
            begin = time.perf_counter()
            response = client.get(f"/rfqs/{rfq_id}/comparison")
            times.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"the comparison page answered {response.status_code}")
    return times[2:]  # the first two warm the templates and the connection pool


def measure(engine: Any, factory: Any, rfq_id: int, actor: Any, runs: int) -> None:
    """Time ``compare`` (every run) and the workbook (a fifth of the runs, at least 3), past the deadline."""
    from sqlalchemy import event  # noqa: PLC0415
    from tests.factories.rfq import PAST_DEADLINE  # noqa: PLC0415

    from rantai.db import transaction  # noqa: PLC0415
    from rantai.kit import clock  # noqa: PLC0415
    from rantai.sourcing.rfq import comparison, export, repository  # noqa: PLC0415

    statements: list[str] = []

    def record(*params: Any) -> None:
        statements.append(str(params[2]))

    event.listen(engine, "before_cursor_execute", record)
    compare_ms: list[float] = []
    xlsx_ms: list[float] = []
    rows = queries = size = 0
    with clock.travel(PAST_DEADLINE):
        for run in range(runs):
            with transaction(factory) as session:
                rfq = repository.rfq(session, rfq_id)
                if rfq is None:
                    raise SystemExit("the RFQ is missing")
                statements.clear()
                begin = time.perf_counter()
                found = comparison.compare(session, actor=actor, rfq=rfq)
                compare_ms.append((time.perf_counter() - begin) * 1000)
                queries, rows = len(statements), found.rows
                if run < max(3, runs // 5):
                    begin = time.perf_counter()
                    size = len(export.comparison_xlsx(found, "id"))
                    xlsx_ms.append((time.perf_counter() - begin) * 1000)
    print(f"cells (export rows): {rows}; queries per compare: {queries}; {size:,} bytes of XLSX")
    for name, values in (("compare()", compare_ms), ("comparison_xlsx()", xlsx_ms)):
        print(
            f"{name:18} p50 {statistics.median(values):7.1f} ms   "
            f"p95 {_percentile(values, 95):7.1f} ms   ({len(values)} runs)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--suppliers", type=int, default=200)
    parser.add_argument("--lines", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine, factory, rfq_id, (actor, email) = build(url, args.suppliers, args.lines)
        print(f"built in {time.perf_counter() - started:.1f} s: {args.suppliers} quotes x {args.lines} lines")
        measure(engine, factory, rfq_id, actor, args.runs)
        pages = page_times(factory, url, Path(tmp) / "data", rfq_id, email, args.runs)
        print(
            f"{'the page (HTTP)':18} p50 {statistics.median(pages):7.1f} ms   "
            f"p95 {_percentile(pages, 95):7.1f} ms   ({len(pages)} runs; "
            f"{SUPPLIERS_SHOWN} supplier columns of {args.suppliers}, target p95 <= 300 ms)"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
