"""OCDS open data (issue #15): the platform's procurement streamed in batches of RFQs into the mapping
(``rantai.ocds``), as release and record packages: written to a directory by ``rantai export ocds`` and
paged by ``/api/v1/ocds/releases`` and ``/api/v1/ocds/records``.

A batch of RFQs is read with everything that followed from them (``open_data_repository``, plain rows),
mapped, written and dropped before the next: memory follows the batch size, not the data. An export's file
``k`` holds what the API's page ``k`` holds at the same page size, so every package's ``uri`` is the API
address that serves the same releases.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from rantai.analytics import open_data_repository as repo
from rantai.identity.roles import OrgType
from rantai.kit.clock import now
from rantai.ocds import mapping as m
from rantai.ocds import packages
from rantai.suppliers.service import SOLE_PROPRIETOR_FORMS, npwp_is_nik
from rantai.tabular.cells import LegalForm

DEFAULT_BATCH = 100  # RFQs per batch, per exported file and per API page at most


@dataclass(frozen=True, slots=True)
class Batch:
    """One batch of contracting processes: its 1-based number and each process's releases."""

    number: int
    processes: list[list[m.Json]]

    @property
    def releases(self) -> list[m.Json]:
        return [r for process in self.processes for r in process]


def _group(rows: Sequence[repo.AnyRow]) -> dict[int, list[repo.AnyRow]]:
    grouped: dict[int, list[repo.AnyRow]] = defaultdict(list)
    for row in rows:
        grouped[int(row[0])].append(row)
    return grouped


def _facts(session: Session, rfqs: Sequence[repo.AnyRow]) -> list[m.ProcessFacts]:
    """The facts of a batch of RFQs, read with one query per table."""
    rfq_ids = [int(r.id) for r in rfqs]
    lines = _group(repo.rfq_lines(session, rfq_ids))
    amended = _group(repo.amendments(session, rfq_ids))
    awards = _group(repo.approved_awards(session, rfq_ids))
    award_ids = [int(a.id) for rows in awards.values() for a in rows]
    award_lines = _group(repo.award_lines(session, award_ids)) if award_ids else {}
    order_rows = repo.orders(session, award_ids) if award_ids else []
    po_ids = [int(o.id) for o in order_rows]
    po_lines = _group(repo.order_lines(session, po_ids)) if po_ids else {}
    po_versions = _group(repo.order_versions(session, po_ids)) if po_ids else {}
    deliveries = _group(repo.deliveries(session, po_ids)) if po_ids else {}
    receipts = _group(repo.receipts(session, po_ids)) if po_ids else {}
    invoice_rows = _group(repo.invoices(session, po_ids)) if po_ids else {}
    invoice_ids = [int(i.id) for rows in invoice_rows.values() for i in rows]
    payments = _group(repo.payments(session, invoice_ids)) if invoice_ids else {}

    supplier_ids = sorted(
        {int(x.supplier_id) for rows in award_lines.values() for x in rows}
        | {int(o.supplier_id) for o in order_rows}
    )
    suppliers = (
        {int(s[0]): _supplier(s) for s in repo.suppliers(session, supplier_ids)} if supplier_ids else {}
    )
    buyers = {
        int(b[0]): _buyer(b) for b in repo.buyers(session, sorted({int(r.organization_id) for r in rfqs}))
    }
    orders_by_rfq: dict[int, list[m.OrderFacts]] = defaultdict(list)
    for o in order_rows:
        orders_by_rfq[int(o.rfq_id)].append(
            m.OrderFacts(
                po_id=o.id,
                number=o.number,
                award_id=o.award_id,
                supplier_id=o.supplier_id,
                status=o.status,
                currency=o.currency,
                total=o.total,
                issued_at=o.issued_at,
                accepted_at=o.accepted_at,
                declined_at=o.declined_at,
                revisions=[_po_version(v) for v in po_versions.get(o.id, [])],
                lines=[
                    m.OrderLineFacts(x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8])
                    for x in po_lines.get(o.id, [])
                ],
                deliveries=[m.DeliveryFacts(d[1], d[2], d[3], int(d[4])) for d in deliveries.get(o.id, [])],
                receipts=[
                    m.ReceiptFacts(r[1], r[2], r[3], int(r[4]), int(r[5])) for r in receipts.get(o.id, [])
                ],
                invoices=[
                    m.InvoiceFacts(
                        i[1],
                        i[2],
                        i[3],
                        i[4],
                        i[5],
                        settled_on=i[6],
                        payments=[m.PaymentFacts(p[1], p[2], p[3]) for p in payments.get(i[1], [])],
                    )
                    for i in invoice_rows.get(o.id, [])
                ],
            )
        )
    facts = []
    for r in rfqs:
        facts.append(
            m.ProcessFacts(
                tender=m.TenderFacts(
                    rfq_id=r.id,
                    number=r.number,
                    title=r.title,
                    status=r.status,
                    currency=r.currency,
                    sent_at=r.sent_at,
                    deadline=r.deadline,
                    published=r.published,
                    description=r.description,
                    revision=r.revision,
                    amendments=[_amendment(a) for a in amended.get(r.id, [])],
                    cancelled_at=r.cancelled_at,
                    lines=[
                        m.TenderLineFacts(x[1], x[2], x[3], x[4], x[5], x[6], bool(x[7]), x[8], x[9])
                        for x in lines.get(r.id, [])
                    ],
                ),
                buyer=buyers[r.organization_id],
                suppliers=suppliers,
                awards=[
                    m.AwardFacts(
                        award_id=a[1],
                        decided_at=a[2],
                        approved_at=a[3],
                        reservation_standing=a[4],
                        exception=bool(a[5]),
                        lines=[
                            m.AwardLineFacts(x[1], x[2], x[3], x[4], x[5], x[6])
                            for x in award_lines.get(a[1], [])
                        ],
                    )
                    for a in awards.get(r.id, [])
                ],
                orders=orders_by_rfq.get(r.id, []),
            )
        )
    return facts


def _amendment(row: repo.AnyRow) -> m.AmendmentFacts:
    """An amendment with the quantities its lines had before it (``previous_lines``: id and quantity)."""
    _, revision, made_at, reason, previous_deadline, previous_lines = row
    before = {
        int(line["id"]): int(line["quantity"])
        for line in previous_lines or []
        if isinstance(line, dict) and line.get("id") is not None and line.get("quantity") is not None
    }
    return m.AmendmentFacts(revision, made_at, reason, previous_deadline, before)


def _po_version(row: repo.AnyRow) -> m.PoRevisionFacts:
    """A PO version with its lines as its kept content says (line number, quantity, unit price)."""
    _, revision, made_at, reason, accepted_at, content = row
    content = content if isinstance(content, dict) else {}
    lines = {
        int(line["line_no"]): (int(line["quantity"]), int(line["unit_price"]))
        for line in content.get("lines") or []
        if isinstance(line, dict)
        and all(line.get(k) is not None for k in ("line_no", "quantity", "unit_price"))
    }
    total = content.get("total")
    return m.PoRevisionFacts(
        revision, made_at, reason, accepted_at, int(total) if isinstance(total, int) else None, lines
    )


def _supplier(row: repo.AnyRow) -> m.SupplierFacts:
    supplier_id, name, nib, legal_form, npwp, size_class, org_type, province, kabkota = row
    return m.SupplierFacts(
        supplier_id=int(supplier_id),
        name=str(name),
        nib=str(nib),
        legal_form=str(legal_form),
        npwp=npwp,
        size_class=size_class,
        cooperative=legal_form == LegalForm.KOPERASI or org_type == OrgType.KOPERASI,
        # suppliers.service.holds_personal_data, from the row: the mapper then never publishes the NPWP.
        personal=legal_form in SOLE_PROPRIETOR_FORMS or npwp_is_nik(npwp),
        place=m.Place(province, kabkota),
    )


def _buyer(row: repo.AnyRow) -> m.BuyerFacts:
    organization_id, name, org_type, level, own, parent = row
    place = m.Place(own) if level == 1 else m.Place(parent, own)
    return m.BuyerFacts(int(organization_id), str(name), str(org_type), place)


def batches(session: Session, *, prefix: str, size: int = DEFAULT_BATCH) -> Iterator[Batch]:
    """Every published process's releases, a batch of ``size`` RFQs at a time (keyset on the RFQ id)."""
    after, number = 0, 0
    while True:
        rfqs = repo.rfq_batch(session, after_id=after, limit=size)
        if not rfqs:
            return
        number += 1
        after = int(rfqs[-1].id)
        yield Batch(number, [m.releases(f, prefix=prefix) for f in _facts(session, rfqs)])


def page(session: Session, *, prefix: str, number: int, size: int) -> tuple[Batch, int]:
    """Page ``number`` of the published processes (``size`` RFQs each) and how many processes there are."""
    rfqs = repo.rfq_batch(session, offset=(number - 1) * size, limit=size)
    processes = [m.releases(f, prefix=prefix) for f in _facts(session, rfqs)] if rfqs else []
    return Batch(number, processes), repo.count_published(session)


def page_uri(base_url: str, kind: str, number: int, size: int) -> str:
    """The API address of a page (``kind`` releases or records): an exported file names the same."""
    return f"{base_url.rstrip('/')}/api/v1/ocds/{kind}?page={number}&per_page={size}"


def release_package(
    batch: Batch, *, base_url: str, size: int, published_at: dt.datetime, license_url: str | None = None
) -> m.Json:
    return packages.release_package(
        batch.releases,
        uri=page_uri(base_url, "releases", batch.number, size),
        published_at=published_at,
        base_url=base_url,
        license_url=license_url,
    )


def record_package(
    batch: Batch, *, base_url: str, size: int, published_at: dt.datetime, license_url: str | None = None
) -> m.Json:
    releases_uri = page_uri(base_url, "releases", batch.number, size)
    return packages.record_package(
        [packages.record(process, package_uri=releases_uri) for process in batch.processes if process],
        uri=page_uri(base_url, "records", batch.number, size),
        published_at=published_at,
        base_url=base_url,
        release_packages=[releases_uri],
        license_url=license_url,
    )


@dataclass(frozen=True, slots=True)
class Exported:
    files: int
    processes: int
    releases: int


def export(
    session: Session,
    out: Path,
    *,
    prefix: str,
    base_url: str,
    size: int = DEFAULT_BATCH,
    license_url: str | None = None,
) -> Exported:
    """Write ``releases-00001.json`` and ``records-00001.json``, ... into ``out``: one pair per batch of
    ``size`` RFQs, each file written and forgotten before the next batch is read."""
    out.mkdir(parents=True, exist_ok=True)
    at, lic = now(), license_url
    files = processes = releases = 0
    for batch in batches(session, prefix=prefix, size=size):
        name = f"{batch.number:05d}.json"
        for kind, package in (
            (
                "releases",
                release_package(batch, base_url=base_url, size=size, published_at=at, license_url=lic),
            ),
            (
                "records",
                record_package(batch, base_url=base_url, size=size, published_at=at, license_url=lic),
            ),
        ):
            with (out / f"{kind}-{name}").open("w", encoding="utf-8") as file:
                json.dump(package, file, ensure_ascii=False, separators=(",", ":"))
            files += 1
        processes += len(batch.processes)
        releases += len(batch.releases)
    return Exported(files, processes, releases)
