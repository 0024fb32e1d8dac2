"""What fulfilment adds to a supplier's track record (issue #12 item 7), which the matcher reads.

- A goods receipt (BAST) is one delivery: on time when the day it was received is no later than the
  due day (``deliver_by``) of every PO line it received, else late (a line without a due day is never
  late); a rejection when it rejected any goods.
- A PO whose every line has been accepted in full is completed (its lifecycle moves to completed): on time
  when each line's goods were last accepted on or before its due day.
- A settled invoice (Lunas) counts as settled.

Each is added in the transaction that records the event (``suppliers.repository.add_to_track_record``),
so a rolled-back receipt or payment leaves the record as it was. A completed order also queues the
supplier for re-indexing (the index holds completed and on-time orders; an approved award's
``awards_won`` is added by ``sourcing.rfq.awards``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from rantai.catalog import index_changes
from rantai.orders.models import PurchaseOrder, PurchaseOrderLine, Receipt
from rantai.suppliers import repository as suppliers_repository


def is_late(received_on: dt.date, due: Iterable[dt.date | None]) -> bool:
    return any(day is not None and received_on > day for day in due)


def delivery_received(
    session: Session,
    po: PurchaseOrder,
    receipt: Receipt,
    lines: Iterable[PurchaseOrderLine],
    *,
    rejected: bool,
) -> None:
    """Count the receipt of ``lines`` (the PO lines it received) as one delivery."""
    late = is_late(receipt.received_on, (line.deliver_by for line in lines))
    suppliers_repository.add_to_track_record(
        session,
        po.supplier_id,
        deliveries=1,
        deliveries_on_time=0 if late else 1,
        deliveries_late=1 if late else 0,
        rejections=1 if rejected else 0,
    )


def order_completed(
    session: Session,
    po: PurchaseOrder,
    lines: Iterable[PurchaseOrderLine],
    last_accepted: Mapping[int, dt.date],
) -> None:
    """Count a PO accepted in full; ``last_accepted`` is each line's last day goods of it were accepted."""
    late = any(
        line.deliver_by is not None and line.id in last_accepted and last_accepted[line.id] > line.deliver_by
        for line in lines
    )
    suppliers_repository.add_to_track_record(
        session, po.supplier_id, orders_completed=1, orders_on_time=0 if late else 1
    )
    index_changes.mark(session, [po.supplier_id])  # the index holds completed and on-time orders


def invoice_settled(session: Session, po: PurchaseOrder) -> None:
    suppliers_repository.add_to_track_record(session, po.supplier_id, invoices_settled=1)
