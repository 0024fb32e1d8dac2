"""The RFQ comparison's speed (issue #11 item 3): an RFQ with 200 quotes on 50 lines, on SQLite.

Builds a fresh SQLite database (migrated, reference data loaded) in a temporary directory, then through
the real services: a buyer, a need, 200 verified suppliers invited to one RFQ of 50 lines, each quoting
every line (10,000 cells), the clock moved past the deadline and the scheduler's close run. Then times,
each in a fresh session (nothing cached in the identity map, as for a page): ``comparison.compare``
(the page's data; target p95 <= 300 ms) and ``export.comparison_xlsx`` (the workbook of 10,000 rows,
which the page leaves to the worker above ``EXPORT_NOW_MAX_ROWS``). Prints p50/p95 and the query count.

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


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--suppliers", type=int, default=200)
    parser.add_argument("--lines", type=int, default=50)
    args = parser.parse_args()

    from sqlalchemy import event  # noqa: PLC0415
    from tests.factories.rfq import PAST_DEADLINE, make_rfq, quote_on  # noqa: PLC0415

    from rantai import migrations  # noqa: PLC0415
    from rantai.catalog.service import ensure_categories  # noqa: PLC0415
    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.kit import clock  # noqa: PLC0415
    from rantai.reference.service import load_reference_data  # noqa: PLC0415
    from rantai.sourcing.rfq import comparison, export, repository, service  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        migrations.upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            load_reference_data(session)
            ensure_categories(session)
        with transaction(factory, write=True) as session:
            setup = make_rfq(session, bidders=args.suppliers, lines=args.lines)
            for index, bidder in enumerate(setup.bidders):
                quote_on(session, setup, bidder, unit_price=10_000 + 7 * index, lead_time_days=7 + index % 30)
            rfq_id, actor = setup.rfq.id, setup.actor
        with clock.travel(PAST_DEADLINE):
            with transaction(factory, write=True) as session:
                service.close_due(session)
            print(f"built in {time.perf_counter() - started:.1f} s: {args.suppliers} quotes x {args.lines} lines")
            statements: list[str] = []

            def record(*params: Any) -> None:
                statements.append(str(params[2]))

            event.listen(engine, "before_cursor_execute", record)
            compare_ms: list[float] = []
            xlsx_ms: list[float] = []
            rows = 0
            for run in range(args.runs):
                with transaction(factory) as session:
                    rfq = repository.rfq(session, rfq_id)
                    assert rfq is not None
                    statements.clear()
                    begin = time.perf_counter()
                    found = comparison.compare(session, actor=actor, rfq=rfq)
                    compare_ms.append((time.perf_counter() - begin) * 1000)
                    queries = len(statements)
                    if run < max(3, args.runs // 5):  # the workbook is slower: fewer runs
                        begin = time.perf_counter()
                        data = export.comparison_xlsx(found, "id")
                        xlsx_ms.append((time.perf_counter() - begin) * 1000)
                    rows = found.rows
        print(f"cells (export rows): {rows}; queries per compare: {queries}; {len(data):,} bytes of XLSX")
        print(
            f"compare():        p50 {statistics.median(compare_ms):7.1f} ms   "
            f"p95 {_percentile(compare_ms, 95):7.1f} ms   ({len(compare_ms)} runs)"
        )
        print(
            f"comparison_xlsx: p50 {statistics.median(xlsx_ms):7.1f} ms   "
            f"p95 {_percentile(xlsx_ms, 95):7.1f} ms   ({len(xlsx_ms)} runs)"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
