"""The comparison of an RFQ's quotes on a real database: sealed until the deadline, the buyer's only,
lowest per line, deviation from the HPS, "to confirm" after an amendment, the suppliers' facts, a fixed
number of queries whatever the number of quotes, and the XLSX export (now, or by the worker)."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from tests.factories.rfq import DAY, PAST_DEADLINE, Bidder, RfqSetup, make_rfq, quote_on

from rantai import jobs
from rantai.jobs import runner
from rantai.jobs.models import Job
from rantai.kit import clock
from rantai.sourcing.rfq import comparison, export, quotes, service
from rantai.sourcing.rfq.errors import QuoteSealed, RfqNotFound
from rantai.sourcing.rfq.models import Award, AwardLine
from rantai.sourcing.rfq.quotes import QuoteData, QuoteLineData
from rantai.sourcing.rfq.service import AmendmentData
from rantai.suppliers.models import Certification, TrackRecord


def quote_prices(
    db: Session, setup: RfqSetup, bidder: Bidder, prices: list[int], *, lead_time_days: int = 10
) -> None:
    """``bidder`` quotes line i at ``prices[i]`` for the whole quantity."""
    lines = service.repository.lines_of(db, setup.rfq.id)
    data = [
        QuoteLineData(line.id, price, line.quantity, lead_time_days, notes=f"catatan {line.line_no}")
        for line, price in zip(lines, prices, strict=True)
    ]
    valid = (clock.now() + 30 * DAY).date()
    quotes.submit(db, actor=bidder.actor, rfq=setup.rfq, data=QuoteData(lines=data, valid_until=valid))


def test_the_comparison_is_sealed_until_the_deadline(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    quote_on(db, setup, setup.bidders[0])
    with pytest.raises(QuoteSealed):
        comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
    with pytest.raises(QuoteSealed):
        export.export_now_or_later(db, actor=setup.actor, rfq=setup.rfq, locale="id")
    with clock.travel(PAST_DEADLINE):  # past the deadline, but the scheduler has not closed it yet
        with pytest.raises(QuoteSealed):
            comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
        service.close_due(db)
        assert comparison.compare(db, actor=setup.actor, rfq=setup.rfq).rows == 1


def test_a_supplier_cannot_compare(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    for bidder in setup.bidders:
        quote_on(db, setup, bidder)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        for bidder in setup.bidders:
            with pytest.raises(RfqNotFound):
                comparison.compare(db, actor=bidder.actor, rfq=setup.rfq)
            with pytest.raises(RfqNotFound):
                export.export_now_or_later(db, actor=bidder.actor, rfq=setup.rfq, locale="id")


def test_lowest_per_line_with_ties_deviation_and_totals(db: Session) -> None:
    # Each line: 5,000 bungkus with an HPS of Rp75,000,000 for the line (Rp15,000 a unit).
    setup = make_rfq(db, bidders=3, lines=2)
    first, second, third = setup.bidders
    quote_prices(db, setup, first, [12_000, 16_500])
    quote_prices(db, setup, second, [12_000, 14_000])
    quote_prices(db, setup, third, [13_000, 15_000])
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        found = comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
    one, two = found.lines
    assert [c.supplier_id for c in one.cells] == [b.profile.id for b in setup.bidders]
    assert [c.is_lowest for c in one.cells] == [True, True, False]  # a tie: both lowest
    assert one.lowest_unit_price == 12_000
    assert [c.is_lowest for c in two.cells] == [False, True, False]
    assert two.lowest_unit_price == 14_000
    assert one.hps_unit_price == Decimal("15000.00")
    assert [c.deviation_pct for c in one.cells] == [Decimal("-20.0"), Decimal("-20.0"), Decimal("-13.3")]
    assert [c.deviation_pct for c in two.cells] == [Decimal("10.0"), Decimal("-6.7"), Decimal("0.0")]
    assert one.cells[0].amount == 12_000 * 5000 and one.cells[0].amount_idr == 12_000 * 5000
    assert one.cells[0].lead_time_days == 10 and one.cells[0].notes == "catatan 1"
    totals = {s.supplier_id: s.total for s in found.suppliers}
    assert totals == {
        first.profile.id: (12_000 + 16_500) * 5000,
        second.profile.id: (12_000 + 14_000) * 5000,
        third.profile.id: (13_000 + 15_000) * 5000,
    }
    assert found.rows == 6 and not any(c.to_confirm for c in one.cells)


def test_deviation_is_exact_and_rounds_half_away_from_zero() -> None:
    # An HPS of Rp1,000 for 3 units (Rp333.33 a unit): 350 is 5.0% above, 300 is 10.0% below.
    assert comparison.deviation_pct(350, 1000, 3) == Decimal("5.0")
    assert comparison.deviation_pct(300, 1000, 3) == Decimal("-10.0")
    assert comparison.deviation_pct(10_005, 10_000_000, 1000) == Decimal("0.1")  # 0.05% rounds up
    assert comparison.deviation_pct(9_995, 10_000_000, 1000) == Decimal("-0.1")
    assert comparison.deviation_pct(100, None, 3) is None and comparison.deviation_pct(100, 0, 3) is None


def test_no_hps_gives_no_deviation(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    line = service.repository.lines_of(db, setup.rfq.id)[0]
    line.hps = None
    db.flush()
    quote_on(db, setup, setup.bidders[0])
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        cell = comparison.compare(db, actor=setup.actor, rfq=setup.rfq).lines[0].cells[0]
    assert cell.deviation_pct is None and cell.is_lowest


def test_quotes_given_before_an_amendment_are_to_confirm(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    early, late = setup.bidders
    quote_on(db, setup, early)
    service.amend(db, actor=setup.actor, rfq=setup.rfq, data=AmendmentData(reason="Spesifikasi diperjelas"))
    quote_on(db, setup, late, unit_price=11_000)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        found = comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
    flags = {c.supplier_id: c.to_confirm for c in found.lines[0].cells}
    assert flags == {early.profile.id: True, late.profile.id: False}
    assert {s.supplier_id: s.to_confirm for s in found.suppliers} == flags


def test_a_usd_rfq_keeps_cents_and_gives_rupiah(db: Session) -> None:
    setup = make_rfq(
        db, bidders=1, currency="USD", idr_rate=Decimal("16250.5"), idr_rate_date=dt.date(2026, 1, 5)
    )
    quote_on(db, setup, setup.bidders[0], unit_price=125)  # US$1.25 a unit, 5,000 units
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        found = comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
    cell = found.lines[0].cells[0]
    assert (cell.amount, cell.amount_idr) == (625_000, 101_565_625)  # $6,250 x 16,250.5
    assert found.suppliers[0].total_idr == 101_565_625
    book = openpyxl.load_workbook(io.BytesIO(export.comparison_xlsx(found, "en")))
    sheet = book.active
    assert sheet["J2"].value == Decimal("1.25") or sheet["J2"].value == 1.25
    assert sheet["R1"].value == "Amount (Rupiah)" and sheet["R2"].value == 101_565_625


def test_the_suppliers_facts(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    first, second = setup.bidders
    for bidder in setup.bidders:
        quote_on(db, setup, bidder)
    today = clock.now().date()
    db.add_all(
        [
            Certification(
                supplier_id=first.profile.id,
                type_code="halal",
                number="ID001",
                status="verified",
                valid_until=today + 300 * DAY,
            ),
            Certification(  # lapsed: not shown
                supplier_id=first.profile.id,
                type_code="svlk",
                number="V-9",
                status="verified",
                valid_until=today - DAY,
            ),
            Certification(supplier_id=second.profile.id, type_code="sni", number="S1", status="rejected"),
            TrackRecord(supplier_id=first.profile.id, awards_won=3, orders_completed=4, orders_on_time=3),
        ]
    )
    db.flush()
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        found = comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
    shown = {s.supplier_id: s for s in found.suppliers}
    one, two = shown[first.profile.id], shown[second.profile.id]
    assert one.name == first.profile.business_name and one.nib == first.profile.nib
    assert one.size_class == first.profile.size_class
    assert one.kabkota_code == first.profile.kabkota_code and one.kabkota_name
    assert [(c.type_code, c.verified, c.export_relevant) for c in one.certificates] == [("halal", True, True)]
    assert two.certificates == []
    assert (one.track_record.awards_won, one.track_record.on_time_pct) == (3, 75)
    assert two.track_record.newcomer and two.track_record.on_time_pct is None


def test_awards_won_on_rantai_count_approved_ones(db: Session) -> None:
    earlier = make_rfq(db, bidders=1)
    winner = earlier.bidders[0]
    quote = quote_on(db, earlier, winner)
    line = service.repository.lines_of(db, earlier.rfq.id)[0]
    for status in ("approved", "rejected"):
        award = Award(
            rfq_id=earlier.rfq.id,
            organization_id=earlier.org.id,
            status=status,
            total=5_000_000,
            total_idr=5_000_000,
            package_value_idr=5_000_000,
        )
        db.add(award)
        db.flush()
        db.add(
            AwardLine(
                award_id=award.id,
                rfq_line_id=line.id,
                quote_id=quote.id,
                quote_revision=1,
                supplier_id=winner.profile.id,
                supplier_organization_id=quote.supplier_organization_id,
                quantity=500,
                unit_price=10_000,
                amount=5_000_000,
            )
        )
    db.flush()
    setup = make_rfq(db, bidders=1)
    service.invite(db, actor=setup.actor, rfq=setup.rfq, supplier_ids=[winner.profile.id])
    quote_on(db, setup, winner)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        found = comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
    record = {s.supplier_id: s.track_record for s in found.suppliers}[winner.profile.id]
    assert (record.rantai_awards, record.rantai_awarded_idr) == (1, 5_000_000)
    assert not record.newcomer


@pytest.fixture
def statements(db: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    connection = db.connection()
    event.listen(connection, "before_cursor_execute", record)
    yield seen
    event.remove(connection, "before_cursor_execute", record)


def _queries_for(db: Session, statements: list[str], bidders: int) -> int:
    setup = make_rfq(db, bidders=bidders, lines=3)
    for index, bidder in enumerate(setup.bidders):
        quote_on(db, setup, bidder, unit_price=10_000 + index)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        db.flush()
        statements.clear()
        found = comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
        count = len(statements)
    assert found.rows == 3 * bidders
    return count


def test_a_fixed_number_of_queries_whatever_the_size(db: Session, statements: list[str]) -> None:
    small = _queries_for(db, statements, 2)
    large = _queries_for(db, statements, 10)
    assert small == large
    assert large <= 14


def _workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_the_xlsx_has_one_row_per_line_and_supplier(db: Session) -> None:
    setup = make_rfq(db, bidders=2, lines=2)
    first, second = setup.bidders
    quote_prices(db, setup, first, [12_000, 16_500])
    quote_prices(db, setup, second, [13_000, 14_000], lead_time_days=21)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        data = export.export_now_or_later(db, actor=setup.actor, rfq=setup.rfq, locale="id")
        english = export.comparison_xlsx(comparison.compare(db, actor=setup.actor, rfq=setup.rfq), "en")
    assert isinstance(data, bytes)
    sheet = _workbook(data)
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5 and len(rows[0]) == 17
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:Q5"
    assert _workbook(english)["A1"].value == "Line no"
    assert [cell.value for cell in _workbook(english)[1]][-3:] == [
        "Lowest on line",
        "To confirm",
        "Quote notes",
    ]
    line_no, item, quantity, unit, hps, supplier, nib, size, kabkota, price, offered, amount = rows[1][:12]
    assert (line_no, quantity, hps, price, offered, amount) == (1, 5000, 75_000_000, 12_000, 5000, 60_000_000)
    assert item == "Keripik singkong balado 250 g" and unit
    assert (supplier, nib) == (first.profile.business_name, first.profile.nib)
    assert size == (first.profile.size_class or "") and kabkota
    assert rows[1][12:] == (10, -20.0, rows[1][14], rows[1][15], "catatan 1")
    lowest = [row[14] for row in rows[1:]]
    assert lowest[0] != lowest[1] and lowest[0] == lowest[3]  # first lowest on line 1, second on line 2
    assert rows[2][5] == second.profile.business_name and rows[2][12] == 21
    assert sheet["E2"].number_format == export.RUPIAH_FORMAT
    assert sheet["L2"].number_format == export.RUPIAH_FORMAT
    assert [row[15] for row in rows[1:]] == [rows[1][15]] * 4  # none to confirm


def test_a_formula_in_user_text_stays_text(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    quote_on(db, setup, setup.bidders[0])
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        found = comparison.compare(db, actor=setup.actor, rfq=setup.rfq)
    found.lines[0].line.name = '=HYPERLINK("http://x")'
    sheet = openpyxl.load_workbook(io.BytesIO(export.comparison_xlsx(found, "id"))).active
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=HYPERLINK")
    db.expire_all()


def test_a_large_comparison_is_made_by_the_worker(
    db: Session, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    import rantai.worker  # noqa: F401, PLC0415 - registers the task, as the worker does

    setup = make_rfq(db, bidders=2)
    for bidder in setup.bidders:
        quote_on(db, setup, bidder)
    context = jobs.Context(session_factory, tmp_path)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        job = export.export_now_or_later(db, actor=setup.actor, rfq=setup.rfq, locale="en", now_max_rows=1)
        assert isinstance(job, Job) and job.kind == export.EXPORT_JOB
        state = export.finished_export(db, actor=setup.actor, rfq=setup.rfq, job_id=job.id, data_dir=tmp_path)
        assert not state.ready and state.status == "queued"
        db.commit()
        runner.run(context, job.id)
        db.expire_all()
        state = export.finished_export(db, actor=setup.actor, rfq=setup.rfq, job_id=job.id, data_dir=tmp_path)
        with pytest.raises(RfqNotFound):  # a supplier cannot fetch it
            export.finished_export(
                db, actor=setup.bidders[0].actor, rfq=setup.rfq, job_id=job.id, data_dir=tmp_path
            )
        other = make_rfq(db, bidders=1)
        with pytest.raises(RfqNotFound):  # nor through another RFQ
            export.finished_export(db, actor=other.actor, rfq=other.rfq, job_id=job.id, data_dir=tmp_path)
    assert state.status == "done" and state.path is not None
    rows = list(_workbook(state.path.read_bytes()).iter_rows(values_only=True))
    assert rows[0][0] == "Line no" and len(rows) == 3


def test_a_prepared_workbook_is_removed_after_its_keeping_time_and_its_job_reads_expired(
    db: Session, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    import rantai.worker  # noqa: F401, PLC0415 - registers the task and the sweep, as the worker does
    from rantai.sourcing.rfq.export_tasks import CLEANUP_SIGNAL  # noqa: PLC0415

    def written(ago: dt.timedelta, *paths: Path) -> None:
        stamp = (clock.now() - ago).timestamp()
        for path in paths:
            os.utime(path, (stamp, stamp))

    setup = make_rfq(db, bidders=1)
    quote_on(db, setup, setup.bidders[0])
    context = jobs.Context(session_factory, tmp_path)
    sweep = runner.SIGNALS[CLEANUP_SIGNAL]
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        job = export.export_now_or_later(db, actor=setup.actor, rfq=setup.rfq, locale="id", now_max_rows=0)
        assert isinstance(job, Job)
        db.commit()
        runner.run(context, job.id)
        db.expire_all()
        made = export.export_path(tmp_path, job.id)
        half = made.with_name("999.xlsx.part")  # left by a killed worker
        other = made.with_name("notes.txt")  # not a workbook: never touched
        half.write_bytes(b"x")
        other.write_bytes(b"x")
        # Within the keeping time nothing goes.
        written(export.EXPORT_KEEP - dt.timedelta(hours=1), made, half, other)
        sweep.run(context)
        assert made.exists() and half.exists()
        state = export.finished_export(db, actor=setup.actor, rfq=setup.rfq, job_id=job.id, data_dir=tmp_path)
        assert state.status == "done" and state.ready
        # Past it, the worker's sweep removes the workbook and the half-written file, nothing else.
        written(export.EXPORT_KEEP + dt.timedelta(hours=1), made, half, other)
        sweep.run(context)
        assert not made.exists() and not half.exists() and other.exists()
        state = export.finished_export(db, actor=setup.actor, rfq=setup.rfq, job_id=job.id, data_dir=tmp_path)
        assert (state.status, state.ready) == (export.EXPIRED, False)
    assert export.remove_old_exports(tmp_path / "nowhere", now=clock.now()) == 0
