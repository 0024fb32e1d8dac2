"""The monitoring rollup (issue #15): derived tables the dashboards and the public page read instead of
the transaction tables, kept up to date by the worker and rebuildable from scratch.

- ``rebuild``: every rollup row made again from the transaction tables (``rantai analytics rollup``, after
  the demo's load, and by the worker once a day, which also takes in what the refresh does not follow:
  a buyer's kind, a reservation rule changed after the fact).
- ``refresh``: only what changed since the last refresh, found in the audit log (orders, deliveries and
  receipts, invoices and payments, awards) and in the size-class records; the worker's ``analytics.rollup``
  sweep runs it every minute (``analytics.tasks``).

What each table holds is in ``analytics.models``; how fresh the figures are, in docs/kpi.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from rantai.analytics import rollup_repository as rolled
from rantai.analytics.models import RollupAward, RollupGraduation, RollupInvoice, RollupOrder
from rantai.kit.clock import now
from rantai.reference import reservation
from rantai.reference.reservation import Winner

SIZE_RANK = {"mikro": 1, "kecil": 2, "menengah": 3, "besar": 4}
# The worker rebuilds the whole rollup once it is this old (see the module's docstring).
REBUILD_EVERY = dt.timedelta(hours=24)
# Audit entries and size records of the last minutes are read again at each refresh (``changes_since``).
OVERLAP = dt.timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Report:
    """What a rebuild or a refresh wrote."""

    orders: int
    awards: int
    invoices: int
    graduations: int
    seconds: float
    full: bool

    def summary(self) -> str:
        kind = "rebuilt" if self.full else "refreshed"
        return (
            f"Monitoring rollup {kind}: {self.orders} orders, {self.awards} award winners, "
            f"{self.invoices} invoices, {self.graduations} graduations in {self.seconds:.1f} s"
        )


def rebuild(session: Session) -> Report:
    """Make every rollup row again from the transaction tables (idempotent: the same tables give the same
    rows). Flushes; the caller commits."""
    started = time.perf_counter()
    last_event, last_size = rolled.newest_ids(session)
    orders = rolled.order_rows(session)
    rolled.replace(session, RollupOrder, RollupOrder.po_id, None, orders)
    awards = _award_rows(session, rolled.award_winners(session))
    rolled.replace(session, RollupAward, RollupAward.award_id, None, awards)
    invoices = rolled.invoice_rows(session)
    rolled.replace(session, RollupInvoice, RollupInvoice.invoice_id, None, invoices)
    graduations = _graduation_rows(rolled.size_records(session))
    rolled.replace(session, RollupGraduation, RollupGraduation.supplier_id, None, graduations)
    state = rolled.state_for_update(session)
    state.built_at = state.refreshed_at = now()
    state.last_event_id, state.last_size_record_id = last_event, last_size
    session.flush()
    return Report(
        len(orders), len(awards), len(invoices), len(graduations), time.perf_counter() - started, full=True
    )


def refresh(session: Session) -> Report:
    """Bring the rollup up to date with what changed since the last refresh (a rollup never built is
    rebuilt). Flushes; the caller commits."""
    state = rolled.state_for_update(session)
    if state.built_at is None:
        return rebuild(session)
    started = time.perf_counter()
    moment = now()
    changes = rolled.changes_since(
        session,
        last_event_id=state.last_event_id,
        last_size_record_id=state.last_size_record_id,
        overlap_from=(state.refreshed_at or moment) - OVERLAP,
    )
    orders = awards = invoices = graduations = 0
    if changes.po_ids:
        rows = rolled.order_rows(session, sorted(changes.po_ids))
        rolled.replace(session, RollupOrder, RollupOrder.po_id, sorted(changes.po_ids), rows)
        orders = len(rows)
    if changes.award_ids:
        rows = _award_rows(session, rolled.award_winners(session, sorted(changes.award_ids)))
        rolled.replace(session, RollupAward, RollupAward.award_id, sorted(changes.award_ids), rows)
        awards = len(rows)
    if changes.invoice_ids:
        rows = rolled.invoice_rows(session, sorted(changes.invoice_ids))
        rolled.replace(session, RollupInvoice, RollupInvoice.invoice_id, sorted(changes.invoice_ids), rows)
        invoices = len(rows)
    if changes.supplier_ids:
        suppliers = sorted(changes.supplier_ids)
        rows = _graduation_rows(rolled.size_records(session, suppliers))
        rolled.replace(session, RollupGraduation, RollupGraduation.supplier_id, suppliers, rows)
        graduations = len(rows)
    state.refreshed_at = moment
    state.last_event_id = changes.last_event_id
    state.last_size_record_id = changes.last_size_record_id
    session.flush()
    return Report(orders, awards, invoices, graduations, time.perf_counter() - started, full=False)


def due_for_rebuild(session: Session) -> bool:
    """Whether the worker should rebuild rather than refresh: never built, or built a day ago."""
    state = rolled.state(session)
    return state is None or state.built_at is None or now() - state.built_at >= REBUILD_EVERY


def as_of(session: Session) -> dt.datetime | None:
    """When the rollup was last brought up to date (None: never built); the dashboards show it."""
    state = rolled.state(session)
    return state.refreshed_at if state is not None else None


def _award_rows(session: Session, winners: Sequence[rolled.AwardWinner]) -> list[dict[str, Any]]:
    """One row per award and winner, with the award's verdict under the reservation rule in force for its
    buyer's kind that day (looked up once per kind and day, as ``kpi.reserved_packages`` did)."""
    rules: dict[tuple[str, dt.date], reservation.ReservationRule | None] = {}
    rows: list[dict[str, Any]] = []
    for _, group in itertools.groupby(winners, key=lambda w: w.award_id):
        lines = list(group)
        first = lines[0]
        day = first.decided_at.date()
        key = (first.buyer_type, day)
        if key not in rules:
            rules[key] = reservation.rule_in_force(session, first.buyer_type, day)
        verdict = reservation.check_award(
            rules[key],
            first.package_value,
            [Winner(name="", size_class=w.size_class, koperasi=w.cooperative) for w in lines],
        )
        for supplier in dict.fromkeys(w.supplier_id for w in lines):
            rows.append(
                {
                    "award_id": first.award_id,
                    "supplier_id": supplier,
                    "buyer_id": first.buyer_id,
                    "decided_at": first.decided_at,
                    "reserved": verdict.reserved,
                    "allowed": verdict.allowed,
                    "exception_reason": first.exception_reason,
                }
            )
    return rows


def _graduation_rows(records: Sequence[tuple[int, dt.date, str]]) -> list[dict[str, Any]]:
    """The days each supplier moved up a class: a record of a higher class than the one before it."""
    found: set[tuple[int, dt.date]] = set()
    for supplier, history in itertools.groupby(records, key=lambda r: r[0]):
        for (_, _, before), (_, day, after) in itertools.pairwise(history):
            if SIZE_RANK.get(after, 0) > SIZE_RANK.get(before, 0) > 0:
                found.add((supplier, day))
    return [{"supplier_id": s, "graduated_on": d} for s, d in sorted(found)]
