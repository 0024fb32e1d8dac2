"""The monitoring rollup (issue #15): the figures the dashboards read from it equal those of the transaction
tables (the KPI definitions) on the hand fixture and its edges, for every scope and filter; a new order
and a payment reach it through the worker's sweep; a rebuild is idempotent. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories.analytics import END, JUTA, ON, START, Monitoring, _po
from tests.integration.analytics.test_grouped_in_sql import NARROWINGS, m, scopes

from rantai import jobs
from rantai.analytics import dashboard, kpi, rollup
from rantai.analytics.kpi import Dimension
from rantai.analytics.models import RollupAward, RollupGraduation, RollupInvoice, RollupOrder, RollupState
from rantai.analytics.repository import NATIONAL, Narrowing
from rantai.analytics.tasks import ROLLUP_SIGNAL
from rantai.audit import log as audit
from rantai.audit.events import Event
from rantai.kit import clock
from rantai.orders.models import Invoice, Payment

__all__ = ["m"]  # the fixture of test_grouped_in_sql: the hand fixture and the edges, rolled up

PERIODS = [
    (START, END),
    (dt.date(2025, 7, 1), dt.date(2026, 7, 1)),
    (dt.date(2026, 4, 1), dt.date(2026, 4, 2)),
]


def _both(fn: Any, **kwargs: Any) -> tuple[Any, Any]:
    return fn(rolled=True, **kwargs), fn(rolled=False, **kwargs)


@pytest.mark.parametrize("by", list(Dimension))
def test_values_from_the_rollup_equal_the_transaction_tables(
    db: Session, m: Monitoring, by: Dimension
) -> None:
    for scope in scopes(m):
        for narrowing in NARROWINGS:
            for start, end in PERIODS:
                rolled, live = _both(
                    kpi.value_by, session=db, start=start, end=end, by=by, scope=scope, narrowing=narrowing
                )
                assert rolled == live, (scope, narrowing, start)


def test_every_kpi_from_the_rollup_equals_the_transaction_tables(db: Session, m: Monitoring) -> None:
    for scope in scopes(m):
        for start, end in PERIODS:
            for fn in (kpi.participating_buyers, kpi.reserved_packages, kpi.inclusion):
                rolled, live = _both(fn, session=db, start=start, end=end, scope=scope)
                assert rolled == live, (fn.__name__, scope, start)
        for on in (ON, dt.date(2026, 4, 1), dt.date(2027, 1, 1)):
            rolled, live = _both(kpi.connected_umkm, session=db, on=on, scope=scope)
            assert rolled == live, (scope, on)
        for year in (2025, 2026):
            rolled, live = _both(kpi.umk_share, session=db, year=year, scope=scope)
            assert rolled == live, (scope, year)
    for on in (ON, dt.date(2026, 3, 25), dt.date(2026, 6, 9), dt.date(2026, 6, 10)):
        rolled, live = _both(kpi.payment_discipline, session=db, on=on)
        assert rolled == live, on
    # Not empty: A1 and A2 lay in the BUMN's reserved range; S3 and S6 moved up a class in the period.
    assert kpi.reserved_packages(db, start=START, end=END, rolled=True).reserved == 2
    assert kpi.inclusion(db, start=START, end=END, rolled=True).graduations == 2


def _rows(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    found: dict[str, list[tuple[Any, ...]]] = {}
    for model in (RollupOrder, RollupAward, RollupInvoice, RollupGraduation):
        columns = list(model.__table__.columns)
        found[model.__tablename__] = sorted(tuple(row) for row in db.execute(select(*columns)))
    return found


def test_a_rebuild_is_idempotent(db: Session, m: Monitoring) -> None:
    before = _rows(db)
    assert len(before["analytics_rollup_order"]) == 13  # the fixture's 10 live orders and 3 of its edges
    report = rollup.rebuild(db)
    assert report.full and report.orders == 13
    assert _rows(db) == before
    # A refresh with nothing new re-derives at most what its overlap window reads again: the same rows.
    assert not rollup.refresh(db).full
    assert _rows(db) == before


def test_a_new_order_and_a_payment_reach_the_rollup_through_the_worker(
    db: Session, m: Monitoring, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    import rantai.worker  # noqa: F401, PLC0415 - registers the sweep, as the worker does

    assert jobs.tasks.SIGNALS[ROLLUP_SIGNAL].sweep  # run every minute by the worker
    # A new order from the BUMN and the open invoice of P4 settled, as the orders service records them.
    new = _po(db, m.bumn, m.suppliers["S7"], issued=dt.date(2026, 6, 28), accepted=dt.date(2026, 6, 29),
              total=12 * JUTA)  # fmt: skip
    audit.record(db, Event.PO_ISSUED, new.id, [new.organization_id], by=None)
    invoice = db.scalars(select(Invoice).where(Invoice.po_id == m.orders["P4"].id)).one()
    db.add(Payment(invoice_id=invoice.id, amount=40 * JUTA, paid_on=dt.date(2026, 6, 20), reference="TRF-2"))
    invoice.status, invoice.settled_on, invoice.cash_received = "paid", dt.date(2026, 6, 20), 40 * JUTA
    audit.record(db, Event.INVOICE_SETTLE, invoice.id, [invoice.organization_id], by=None)
    db.commit()

    def figures(rolled: bool) -> tuple[Any, ...]:
        return (
            kpi.value_by(db, start=START, end=END, by=Dimension.BUYER, rolled=rolled),
            kpi.payment_discipline(db, on=ON, rolled=rolled),
            kpi.connected_umkm(db, on=ON, rolled=rolled),
        )

    assert figures(rolled=True) != figures(rolled=False)  # not in the rollup yet
    jobs.tasks.SIGNALS[ROLLUP_SIGNAL].run(jobs.Context(session_factory, tmp_path))
    db.expire_all()
    assert figures(rolled=True) == figures(rolled=False)
    row = db.get(RollupOrder, new.id)
    assert row is not None and row.po_value == 12 * JUTA
    assert db.get(RollupOrder, m.orders["P4"].id).paid == 40 * JUTA  # type: ignore[union-attr]
    state = db.get(RollupState, "rollup")
    assert state is not None and state.refreshed_at is not None and state.refreshed_at > state.built_at  # type: ignore[operator]


def test_the_worker_rebuilds_a_day_old_rollup(db: Session, m: Monitoring) -> None:
    assert not rollup.due_for_rebuild(db)
    with clock.travel(rollup.REBUILD_EVERY):
        assert rollup.due_for_rebuild(db)
    assert rollup.as_of(db) is not None


def test_the_month_and_buyer_tables_from_one_grouping(db: Session, m: Monitoring) -> None:
    """The dashboard's month and buyer tables come from one GROUP BY: the same rows as ``value_by``
    (without the distinct suppliers they do not show), read from the rollup or the tables."""
    for scope in scopes(m):
        for narrowing in NARROWINGS:
            for rolled in (True, False):
                months, buyers = kpi.value_by_month_and_buyer(
                    db, start=START, end=END, scope=scope, narrowing=narrowing, rolled=rolled
                )
                for rows, by in ((months, Dimension.MONTH), (buyers, Dimension.BUYER)):
                    alone = kpi.value_by(db, start=START, end=END, by=by, scope=scope, narrowing=narrowing)
                    assert rows == [replace(r, suppliers=0) for r in alone], (scope, narrowing, by)


def test_the_provinces_and_their_kabkota_from_one_grouping(db: Session, m: Monitoring) -> None:
    """A province's drill-down reads its kab/kota and inclusion's provinces from one GROUP BY (province,
    kab/kota): the same rows as ``value_by`` province and ``value_by`` kab/kota narrowed to each province,
    read from the rollup or the tables."""
    for scope in scopes(m):
        for start, end in PERIODS:
            for rolled in (True, False):
                provinces, kabkota = kpi.value_by_province_and_kabkota(
                    db, start=start, end=end, scope=scope, rolled=rolled
                )
                alone = kpi.value_by(db, start=start, end=end, by=Dimension.PROVINCE, scope=scope)
                assert provinces == alone, (scope, start, rolled)
                for province in {r.key for r in alone} | {"32", "99"}:
                    narrowed = kpi.value_by(
                        db,
                        start=start,
                        end=end,
                        by=Dimension.KABKOTA,
                        scope=scope,
                        narrowing=Narrowing(province_code=province),
                    )
                    assert kabkota.get(province, []) == narrowed, (scope, start, rolled, province)


@pytest.mark.parametrize("params", [{"province": "32"}, {"province": "32", "sector": "C"}])
def test_a_province_board_counts_inclusion_nationally(
    db: Session, m: Monitoring, params: dict[str, str]
) -> None:
    """The drill-down's inclusion is the scope's over every province, whichever GROUP BY gave it."""
    filters = dashboard.read_filters(
        {"start": START.isoformat(), "end": (END - dt.timedelta(days=1)).isoformat(), **params},
        today=ON,
        regions=dashboard.known_regions(db),
    )
    for scope in scopes(m):
        board = dashboard.build(db, scope=scope, filters=filters, today=ON)
        assert board.inclusion == kpi.inclusion(db, start=START, end=END, scope=scope), scope
        assert board.connected == kpi.connected_umkm(db, on=ON, scope=scope), scope
        assert board.participating == kpi.participating_buyers(db, start=START, end=END, scope=scope), scope


def test_the_live_counts_read_an_index_alone(db: Session, m: Monitoring) -> None:
    """The two figures still read live on every view, the verified UMKM a scope reaches and the buyers that
    sent an RFQ, are counted from covering indexes (migration 0034) on SQLite, which keeps no statistics."""
    engine = db.get_bind()
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    seen: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        counted = statement.startswith("SELECT count(*)") and "FROM supplier_profile" in statement
        if counted or "FROM sourcing_rfq" in statement:
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        kpi.connected_umkm(db, on=ON, scope=NATIONAL)
        kpi.participating_buyers(db, start=START, end=END, scope=NATIONAL)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    indexes = ("ix_supplier_profile_status_class_area", "ix_sourcing_rfq_org_sent")
    assert len(seen) == len(indexes)
    for (statement, params), index in zip(seen, indexes, strict=True):
        rows = db.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
        plan = " | ".join(str(row[-1]) for row in rows)
        assert f"COVERING INDEX {index}" in plan, plan
