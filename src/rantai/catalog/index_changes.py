"""Record which suppliers' matching-index documents went out of date, in the transaction that changed them.

A supplier's documents in the matching index carry its products and its facts (verified, size class,
place, certificates, track record), so a change to any of those tables outdates them. A listener on
every ORM flush (and every lifecycle move of a profile, `rantai.lifecycle.on_move`) adds one `IndexChange`
row per touched supplier; bulk paths that write with Core
(imports, the demo) call `mark` themselves (through `directory.refresh`, which they already call).
The rows are the outbox `rantai.catalog.search_index` drains: because they commit with the change, no
change is lost when a process dies. The commit that wrote them sends the worker the signal to drain
(`catalog.tasks`, issue #10); web processes never write the index themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from rantai import jobs
from rantai.catalog.models import IndexChange, Product, ProductCertification
from rantai.db import table_of
from rantai.lifecycle import on_move
from rantai.suppliers.models import Certification, SupplierKbli, SupplierProfile, TrackRecord

INDEX_SIGNAL = "catalog.index"  # the worker's drain (catalog.tasks)
# Tables whose rows carry the supplier id themselves.
_BY_SUPPLIER_ID = (Product, Certification, TrackRecord, SupplierKbli)


def mark(session: Session, supplier_ids: Iterable[int]) -> None:
    """Queue these suppliers for re-indexing (in the session's transaction)."""
    rows = [{"supplier_id": sid} for sid in dict.fromkeys(supplier_ids)]
    if rows:
        session.connection().execute(insert(table_of(IndexChange)), rows)
        jobs.signal_after_commit(session, INDEX_SIGNAL)


def forget(session: Session, change_ids: list[int]) -> None:
    """Delete changes the index holds now."""
    for start in range(0, len(change_ids), 1000):
        session.execute(delete(IndexChange).where(IndexChange.id.in_(change_ids[start : start + 1000])))


def _touched(session: Session) -> set[int]:
    """Supplier ids of every object the flush wrote, read from the pre-flush lists."""
    ids: set[int] = set()
    product_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, SupplierProfile):
            ids.add(obj.id)
        elif isinstance(obj, _BY_SUPPLIER_ID):
            ids.add(obj.supplier_id)
        elif isinstance(obj, ProductCertification):
            product_ids.add(obj.product_id)
    if product_ids:
        ids.update(
            session.connection().scalars(select(Product.supplier_id).where(Product.id.in_(product_ids)))
        )
    ids.discard(None)  # type: ignore[arg-type,unused-ignore]  # an object whose flush failed has no id
    return ids


@on_move
def _after_move(session: Session, row: Any) -> None:
    # A verification move changes what the index says of a supplier ("verified") without an ORM flush.
    if isinstance(row, SupplierProfile):
        mark(session, [row.id])


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    touched = _touched(session)
    if touched:
        mark(session, sorted(touched))
