"""Rantai's procurement facts as OCDS 1.1.5 releases: one RFQ is one contracting process (one ``ocid``).

What becomes what (docs/ocds.md has the full table):

- the RFQ, once sent: a ``tender`` release (``tenderAmendment`` after an amendment), and a
  ``tenderCancellation`` release when cancelled;
- each approved award: an ``award`` release holding one OCDS award per winning supplier (a split award is
  several), the items and quantities each won at its unit price;
- each purchase order: a ``contract`` release when issued, another when the supplier accepts or declines it
  (status ``pending`` then ``active`` or ``cancelled``), one per later amendment (``contractAmendment``);
- each delivery (surat jalan) and BAST: an ``implementation`` release with a ``milestone`` (types
  ``delivery`` and ``assessment``); each invoice a ``financing`` milestone due on its due date;
- each payment: an ``implementation`` release with a ``transaction`` from the buyer to the supplier (the
  invoice's milestone marked met by the payment that settles it).

Release ids are ``<ocid>-<what>-<row id>``: the same fact gives the same release id in every export, and a
release never changes once the fact it states happened (a later fact is a later release), so a consumer
may keep what it fetched. Dates are UTC timestamps; a day without a time (a shipment, a payment) is midnight
WIB (Asia/Jakarta) of that day.

Privacy (UU 27/2022): a party is an organization, never a person. No contact point, street address, email
or phone is published; an NPWP only when it is a business's own (never a sole proprietor's, and never one of
16 digits not starting with 0, which is a NIK: PMK 112/2022); the NIB, which is public, identifies
suppliers. Users (officers, owners) never appear. Quote prices appear only as the winners' awarded unit
prices, after the award.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Json = dict[str, Any]

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

# PP 7/2021 size class -> the party-scale extension's closed codelist.
SCALE_OF_SIZE_CLASS = {"mikro": "micro", "kecil": "small", "menengah": "medium", "besar": "large"}
SIZE_CLASSES = frozenset(SCALE_OF_SIZE_CLASS)
KEMITRAAN_PATTERNS = frozenset(
    {
        "inti_plasma",
        "subkontrak",
        "waralaba",
        "perdagangan_umum",
        "distribusi_keagenan",
        "rantai_pasok",
        "bagi_hasil",
        "kerja_sama_operasional",
        "usaha_patungan",
    }
)
RESERVATION_STANDINGS = frozenset({"no_rule", "below_floor", "above_ceiling", "reserved"})
# Minor units per unit of each currency an RFQ may use (IDR is whole Rupiah, USD cents).
MINOR_UNITS = {"IDR": 1, "USD": 100}
# A procurement type (jenis pengadaan, as the need line and the matching engine name it) -> OCDS's
# mainProcurementCategory and the extendedProcurementCategory code that says which kind of services.
# The codelist: where consultingServices is in use, services means non-consulting services only.
CATEGORY_OF_PROCUREMENT_TYPE = {
    "goods": ("goods", "goods"),
    "works": ("works", "works"),
    "consulting": ("services", "consultingServices"),
    "services": ("services", "services"),
}

# ---- The facts the mapper reads: plain data, filled by the query side (rantai.analytics.open_data). ----


@dataclass(frozen=True, slots=True)
class Place:
    """Where an organization sits, by region names only (no street address)."""

    province: str | None = None
    locality: str | None = None  # kab/kota


@dataclass(frozen=True, slots=True)
class BuyerFacts:
    organization_id: int
    name: str
    org_type: str  # rantai.identity.roles.OrgType value
    place: Place = Place()


@dataclass(frozen=True, slots=True)
class SupplierFacts:
    supplier_id: int
    name: str
    nib: str
    legal_form: str | None = None
    npwp: str | None = None
    size_class: str | None = None  # mikro | kecil | menengah | besar
    cooperative: bool = False
    # The business holds personal data (a sole proprietorship, or its NPWP is a NIK): see
    # suppliers.service.holds_personal_data. Its NPWP is then never published.
    personal: bool = False
    place: Place = Place()


@dataclass(frozen=True, slots=True)
class TenderLineFacts:
    line_id: int
    line_no: int
    name: str
    quantity: int
    unit: str | None = None  # the unit's name
    hps: int | None = None  # minor units, the whole line
    umkm_only: bool = False
    kemitraan: str | None = None
    procurement_type: str | None = None  # the need line's: goods | works | consulting | services


@dataclass(frozen=True, slots=True)
class AmendmentFacts:
    """An RFQ amendment (adendum) and what it changed: the deadline and the line quantities before it."""

    revision: int
    made_at: dt.datetime
    reason: str
    previous_deadline: dt.datetime | None = None
    previous_quantities: Mapping[int, int] = field(default_factory=dict)  # RFQ line id -> quantity


@dataclass(frozen=True, slots=True)
class TenderFacts:
    rfq_id: int
    number: str
    title: str
    status: str  # RFQ status
    currency: str
    sent_at: dt.datetime
    deadline: dt.datetime
    published: bool = False
    description: str | None = None
    revision: int = 1
    amendments: Sequence[AmendmentFacts] = ()
    cancelled_at: dt.datetime | None = None
    lines: Sequence[TenderLineFacts] = ()


@dataclass(frozen=True, slots=True)
class AwardLineFacts:
    line_id: int  # the RFQ line
    supplier_id: int
    quantity: int
    unit_price: int  # minor units
    amount: int  # minor units
    size_class: str | None = None  # the winner's class when awarded


@dataclass(frozen=True, slots=True)
class AwardFacts:
    award_id: int
    decided_at: dt.datetime
    approved_at: dt.datetime | None
    reservation_standing: str | None = None
    exception: bool = False
    lines: Sequence[AwardLineFacts] = ()


@dataclass(frozen=True, slots=True)
class OrderLineFacts:
    line_id: int
    line_no: int
    name: str
    quantity: int
    unit_price: int  # minor units
    amount: int
    unit: str | None = None
    rfq_line_id: int | None = None


@dataclass(frozen=True, slots=True)
class DeliveryFacts:
    delivery_id: int
    number: str  # the surat jalan's
    shipped_on: dt.date
    quantity: int  # units shipped, all lines


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    receipt_id: int
    number: str  # BAST/...
    received_on: dt.date
    accepted: int
    rejected: int


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    payment_id: int
    amount: int  # minor units, cash
    paid_on: dt.date


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    invoice_id: int
    number: str
    issued_on: dt.date
    due_on: dt.date
    total: int  # minor units, with tax
    settled_on: dt.date | None = None
    payments: Sequence[PaymentFacts] = ()


@dataclass(frozen=True, slots=True)
class PoRevisionFacts:
    """A version of a PO as it was issued (1) or amended (2 on): its lines by line number (quantity, unit
    price) and total, as ``PurchaseOrderRevision.content`` keeps them."""

    revision: int
    made_at: dt.datetime
    reason: str | None = None
    accepted_at: dt.datetime | None = None
    total: int | None = None
    lines: Mapping[int, tuple[int, int]] = field(default_factory=dict)  # line_no -> (quantity, unit price)


@dataclass(frozen=True, slots=True)
class OrderFacts:
    po_id: int
    number: str
    award_id: int  # a PO is made from an approved award
    supplier_id: int
    status: str
    currency: str
    total: int  # minor units
    issued_at: dt.datetime
    accepted_at: dt.datetime | None = None
    declined_at: dt.datetime | None = None
    revisions: Sequence[PoRevisionFacts] = ()  # amendments (revision 2 on)
    lines: Sequence[OrderLineFacts] = ()
    deliveries: Sequence[DeliveryFacts] = ()
    receipts: Sequence[ReceiptFacts] = ()
    invoices: Sequence[InvoiceFacts] = ()


@dataclass(frozen=True, slots=True)
class ProcessFacts:
    """One RFQ and everything that followed from it."""

    tender: TenderFacts
    buyer: BuyerFacts
    suppliers: Mapping[int, SupplierFacts] = field(default_factory=dict)
    awards: Sequence[AwardFacts] = ()
    orders: Sequence[OrderFacts] = ()


# ---- Small pieces ----


def ocid(prefix: str, rfq_id: int) -> str:
    """The contracting process's id: the publisher's prefix and the RFQ's id (``ocds-xxxxxx-rfq-12``)."""
    return f"{prefix}-rfq-{rfq_id}"


def timestamp(moment: dt.datetime | dt.date) -> str:
    """An OCDS date-time: a stored moment in UTC (naive ones are UTC, as stored), a day at midnight WIB."""
    if isinstance(moment, dt.datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.datetime.combine(moment, dt.time(), WIB).isoformat()


def value(minor: int, currency: str) -> Json:
    """An OCDS Value from minor units: whole Rupiah stay integers, cents become a number with 2 decimals."""
    per_unit = MINOR_UNITS.get(currency, 1)
    if per_unit == 1 or minor % per_unit == 0:
        return {"amount": minor // per_unit, "currency": currency}
    return {"amount": float(Decimal(minor) / per_unit), "currency": currency}


def publishable_npwp(supplier: SupplierFacts) -> str | None:
    """The NPWP a supplier party may carry: none for a business holding personal data, none that is a NIK
    (16 digits not starting with 0), whatever the caller said (belt and braces)."""
    npwp = (supplier.npwp or "").strip()
    if not npwp or supplier.personal or not npwp.isascii() or not npwp.isdigit():
        return None
    if len(npwp) == 16 and not npwp.startswith("0"):
        return None
    return npwp


def _address(place: Place) -> Json:
    address = {"countryName": "Indonesia"}
    if place.locality:
        address["locality"] = place.locality
    if place.province:
        address["region"] = place.province
    return address


def buyer_party_id(buyer: BuyerFacts) -> str:
    return f"ORG-{buyer.organization_id}"


def supplier_party_id(supplier: SupplierFacts) -> str:
    return f"NIB-{supplier.nib}"


def buyer_party(buyer: BuyerFacts, roles: Sequence[str]) -> Json:
    return {
        "id": buyer_party_id(buyer),
        "name": buyer.name,
        "address": _address(buyer.place),
        "roles": list(roles),
    }


def supplier_party(supplier: SupplierFacts, roles: Sequence[str]) -> Json:
    details: Json = {"rantaiCooperative": supplier.cooperative}
    if supplier.size_class in SIZE_CLASSES:
        details["scale"] = SCALE_OF_SIZE_CLASS[supplier.size_class]
        details["rantaiSizeClass"] = supplier.size_class
    party: Json = {
        "id": supplier_party_id(supplier),
        "name": supplier.name,
        "identifier": {"scheme": "ID-NIB", "id": supplier.nib, "legalName": supplier.name},
        "address": _address(supplier.place),
        "details": details,
        "roles": list(roles),
    }
    npwp = publishable_npwp(supplier)
    if npwp:
        party["additionalIdentifiers"] = [{"scheme": "ID-NPWP", "id": npwp}]
    return party


def _reference(party: Json) -> Json:
    return {"id": party["id"], "name": party["name"]}


def _item(item_id: str, name: str, quantity: int, unit: str | None, unit_price: Json | None = None) -> Json:
    item: Json = {"id": item_id, "description": name, "quantity": quantity}
    unit_json: Json = {}
    if unit:
        unit_json["name"] = unit
    if unit_price is not None:
        unit_json["value"] = unit_price
    if unit_json:
        item["unit"] = unit_json
    return item


def _line_extras(line: TenderLineFacts | None) -> Json:
    if line is None:
        return {}
    extras: Json = {"rantaiReservedForUMKM": line.umkm_only}
    if line.kemitraan in KEMITRAAN_PATTERNS:
        extras["rantaiKemitraan"] = line.kemitraan
    return extras


# ---- Releases ----


class _Builder:
    """Builds one process's releases; knows the roles each party holds by each moment (OCDS replaces a
    party's ``roles`` list with the latest release's, so every release states all roles held so far)."""

    def __init__(self, process: ProcessFacts, prefix: str) -> None:
        self.p = process
        self.ocid = ocid(prefix, process.tender.rfq_id)
        self.currency = process.tender.currency
        self.lines = {line.line_id: line for line in process.tender.lines}
        self.first_payment: dict[int, dt.date] = {}
        for order in process.orders:
            for invoice in order.invoices:
                for payment in invoice.payments:
                    known = self.first_payment.get(order.supplier_id)
                    if known is None or payment.paid_on < known:
                        self.first_payment[order.supplier_id] = payment.paid_on

    def _paid_by(self, supplier_id: int | None, on: dt.date | None) -> bool:
        if on is None:
            return False
        if supplier_id is None:
            return any(first <= on for first in self.first_payment.values())
        first = self.first_payment.get(supplier_id)
        return first is not None and first <= on

    def _buyer(self, on: dt.date | None) -> Json:
        roles = ["buyer", "procuringEntity"]
        if self._paid_by(None, on):
            roles.append("payer")
        return buyer_party(self.p.buyer, roles)

    def _supplier(self, supplier_id: int, on: dt.date | None) -> Json:
        roles = ["supplier"]
        if self._paid_by(supplier_id, on):
            roles.append("payee")
        return supplier_party(self.p.suppliers[supplier_id], roles)

    def release(
        self,
        what: str,
        date: dt.datetime | dt.date,
        tags: list[str],
        body: Json,
        supplier_ids: Iterable[int] = (),
    ) -> Json:
        day = date.astimezone(WIB).date() if isinstance(date, dt.datetime) else date
        buyer = self._buyer(day)
        parties = [buyer] + [self._supplier(s, day) for s in dict.fromkeys(supplier_ids)]
        release: Json = {
            "ocid": self.ocid,
            "id": f"{self.ocid}-{what}",
            "date": timestamp(date),
            "tag": tags,
            "initiationType": "tender",
            "language": "id",
            "parties": parties,
            "buyer": _reference(buyer),
        }
        release.update(body)
        return release

    # The tender

    def tender(self) -> list[Json]:
        """The tender as sent, then as each amendment left it (each amendment a release of its own, so the
        earlier ones never change): the quantities and deadline of each revision are the current ones with
        the later amendments undone."""
        t = self.p.tender
        amendments = sorted(t.amendments, key=lambda a: a.revision)
        quantities = {line.line_id: line.quantity for line in t.lines}
        deadline = t.deadline
        states: list[tuple[dict[int, int], dt.datetime]] = [(dict(quantities), deadline)]
        for amendment in reversed(amendments):
            quantities = quantities | dict(amendment.previous_quantities)
            deadline = amendment.previous_deadline or deadline
            states.append((dict(quantities), deadline))
        states.reverse()  # states[0]: as sent; states[k]: after the k-th amendment
        releases = [
            self.release("tender-1", t.sent_at, ["tender"], {"tender": self._tender_body(*states[0])})
        ]
        for index, amendment in enumerate(amendments, start=1):
            body = self._tender_body(*states[index])
            body["amendments"] = [
                {"id": str(a.revision), "date": timestamp(a.made_at), "rationale": a.reason}
                for a in amendments[:index]
            ]
            releases.append(
                self.release(
                    f"tender-{amendment.revision}", amendment.made_at, ["tenderAmendment"], {"tender": body}
                )
            )
        if t.status == "cancelled" and t.cancelled_at is not None:
            releases.append(
                self.release(
                    "tender-cancelled",
                    t.cancelled_at,
                    ["tenderCancellation"],
                    {"tender": {"id": t.number, "status": "cancelled"}},
                )
            )
        return releases

    def _tender_body(self, quantities: Mapping[int, int], deadline: dt.datetime) -> Json:
        t = self.p.tender
        items = [
            _item(f"L{line.line_id}", line.name, quantities.get(line.line_id, line.quantity), line.unit)
            | _line_extras(line)
            for line in t.lines
        ]
        body: Json = {
            "id": t.number,
            "title": t.title,
            "status": "active",
            "procuringEntity": {"id": buyer_party_id(self.p.buyer), "name": self.p.buyer.name},
            "items": items,
            "tenderPeriod": {"startDate": timestamp(t.sent_at), "endDate": timestamp(deadline)},
            # Published to every supplier the matcher finds eligible: qualified suppliers (selective);
            # invited by name only: suppliers of the buyer's choice (limited).
            "procurementMethod": "selective" if t.published else "limited",
            "procurementMethodDetails": "Permintaan penawaran (RFQ) di Rantai",
            "rantaiReservedForUMKM": any(line.umkm_only for line in t.lines),
        }
        if t.description:
            body["description"] = t.description
        kinds = {line.procurement_type for line in t.lines}
        if len(kinds) == 1 and (kind := kinds.pop()) in CATEGORY_OF_PROCUREMENT_TYPE:
            main, extended = CATEGORY_OF_PROCUREMENT_TYPE[kind]
            body["mainProcurementCategory"] = main
            body["additionalProcurementCategories"] = [extended]
        if t.lines and all(line.hps is not None for line in t.lines):
            body["value"] = value(sum(line.hps or 0 for line in t.lines), t.currency)
        return body

    # Awards

    def awards(self) -> list[Json]:
        approved = sorted(
            ((a.approved_at, a) for a in self.p.awards if a.approved_at is not None),
            key=lambda pair: (pair[0], pair[1].award_id),
        )
        releases = []
        for index, (approved_at, award) in enumerate(approved):
            by_supplier: dict[int, list[AwardLineFacts]] = {}
            for line in award.lines:
                by_supplier.setdefault(line.supplier_id, []).append(line)
            ocds_awards = []
            for supplier_id, lines in by_supplier.items():
                supplier = self.p.suppliers[supplier_id]
                ocds_award: Json = {
                    "id": award_id(award.award_id, supplier_id),
                    "title": f"{self.p.tender.title}: {supplier.name}",
                    "status": "active",
                    "date": timestamp(approved_at),
                    "value": value(sum(line.amount for line in lines), self.currency),
                    "suppliers": [{"id": supplier_party_id(supplier), "name": supplier.name}],
                    "items": [self._award_item(line) for line in lines],
                }
                if award.reservation_standing in RESERVATION_STANDINGS:
                    ocds_award["rantaiReservation"] = {
                        "standing": award.reservation_standing,
                        "exception": award.exception,
                    }
                ocds_awards.append(ocds_award)
            body: Json = {"awards": ocds_awards}
            if index == len(approved) - 1 and self.p.tender.status == "awarded":
                body["tender"] = {"id": self.p.tender.number, "status": "complete"}
            releases.append(
                self.release(f"award-{award.award_id}", approved_at, ["award"], body, by_supplier)
            )
        return releases

    def _award_item(self, line: AwardLineFacts) -> Json:
        tender_line = self.lines.get(line.line_id)
        name = tender_line.name if tender_line else f"L{line.line_id}"
        unit = tender_line.unit if tender_line else None
        return _item(
            f"L{line.line_id}", name, line.quantity, unit, value(line.unit_price, self.currency)
        ) | _line_extras(tender_line)

    # Contracts and their implementation

    @staticmethod
    def _contract_ref(order: OrderFacts) -> Json:
        """A contract's id and its award's (OCDS requires ``awardID`` on every contract object)."""
        return {"id": contract_id(order.po_id), "awardID": award_id(order.award_id, order.supplier_id)}

    def _contract_items(self, order: OrderFacts, version: PoRevisionFacts | None) -> list[Json]:
        """The PO's lines as ``version`` states them (as they stand now when no version is known)."""
        items = []
        for line in order.lines:
            quantity, unit_price = (version.lines if version else {}).get(
                line.line_no, (line.quantity, line.unit_price)
            )
            item_id = f"L{line.rfq_line_id}" if line.rfq_line_id else f"PO{order.po_id}-{line.line_no}"
            extras = _line_extras(self.lines.get(line.rfq_line_id) if line.rfq_line_id else None)
            items.append(
                _item(item_id, line.name, quantity, line.unit, value(unit_price, order.currency)) | extras
            )
        return items

    def contract(self, order: OrderFacts) -> list[Json]:
        """Issued (as version 1 said), accepted or declined, then each amendment as its version said: a
        release per event, so none changes when a later one happens."""
        ref = self._contract_ref(order)
        versions = {v.revision: v for v in order.revisions}
        first = versions.get(1)
        total = first.total if first and first.total is not None else order.total
        contract: Json = {
            **ref,
            "title": order.number,
            "status": "pending",
            "value": value(total, order.currency),
            "items": self._contract_items(order, first),
        }
        s = [order.supplier_id]
        releases = [
            self.release(
                f"contract-{order.po_id}-issued", order.issued_at, ["contract"], {"contracts": [contract]}, s
            )
        ]
        accepted_at = first.accepted_at if first else order.accepted_at
        if accepted_at is not None:
            releases.append(
                self.release(
                    f"contract-{order.po_id}-accepted",
                    accepted_at,
                    ["contractUpdate"],
                    {"contracts": [{**ref, "status": "active", "dateSigned": timestamp(accepted_at)}]},
                    s,
                )
            )
        if order.declined_at is not None:
            releases.append(
                self.release(
                    f"contract-{order.po_id}-declined",
                    order.declined_at,
                    ["contractUpdate"],
                    {"contracts": [{**ref, "status": "cancelled"}]},
                    s,
                )
            )
        if order.status == "completed" and order.receipts:
            # A PO completes when a BAST accepts the last of it (orders.fulfilment): dated by that BAST.
            done_on = max(receipt.received_on for receipt in order.receipts)
            releases.append(
                self.release(
                    f"contract-{order.po_id}-completed",
                    done_on,
                    ["contractTermination"],
                    {"contracts": [{**ref, "status": "terminated"}]},
                    s,
                )
            )
        amendments = sorted((v for v in order.revisions if v.revision > 1), key=lambda v: v.revision)
        for index, version in enumerate(amendments):
            amended: Json = {
                **ref,
                "amendments": [
                    {"id": str(v.revision), "date": timestamp(v.made_at), "rationale": v.reason or ""}
                    for v in amendments[: index + 1]
                ],
                "items": self._contract_items(order, version),
            }
            if version.total is not None:
                amended["value"] = value(version.total, order.currency)
            releases.append(
                self.release(
                    f"contract-{order.po_id}-amendment-{version.revision}",
                    version.made_at,
                    ["contractAmendment"],
                    {"contracts": [amended]},
                    s,
                )
            )
        return releases

    def implementation(self, order: OrderFacts) -> list[Json]:
        ref = self._contract_ref(order)
        s = [order.supplier_id]

        def milestone_release(what: str, day: dt.date, milestone: Json) -> Json:
            body = {"contracts": [{**ref, "implementation": {"milestones": [milestone]}}]}
            return self.release(what, day, ["implementation"], body, s)

        releases = []
        for delivery in order.deliveries:
            releases.append(
                milestone_release(
                    f"delivery-{delivery.delivery_id}",
                    delivery.shipped_on,
                    {
                        "id": f"D{delivery.delivery_id}",
                        "title": f"Surat jalan {delivery.number}",
                        "description": f"Dikirim {delivery.quantity} unit",
                        "type": "delivery",
                        "status": "met",
                        "dateMet": timestamp(delivery.shipped_on),
                    },
                )
            )
        for receipt in order.receipts:
            releases.append(
                milestone_release(
                    f"bast-{receipt.receipt_id}",
                    receipt.received_on,
                    {
                        "id": f"B{receipt.receipt_id}",
                        "title": f"BAST {receipt.number}",
                        "description": f"Diterima {receipt.accepted} unit, ditolak {receipt.rejected} unit",
                        "type": "assessment",
                        "status": "met",
                        "dateMet": timestamp(receipt.received_on),
                    },
                )
            )
        for invoice in order.invoices:
            milestone: Json = {
                "id": f"I{invoice.invoice_id}",
                "title": f"Faktur {invoice.number}",
                "description": "Pembayaran faktur: " + _money_words(invoice.total, order.currency),
                "type": "financing",
                "status": "scheduled",
                "dueDate": timestamp(invoice.due_on),
                "value": value(invoice.total, order.currency),
            }
            releases.append(milestone_release(f"invoice-{invoice.invoice_id}", invoice.issued_on, milestone))
            payments = sorted(invoice.payments, key=lambda p: (p.paid_on, p.payment_id))
            for index, payment in enumerate(payments):
                implementation: Json = {
                    "transactions": [
                        {
                            "id": f"P{payment.payment_id}",
                            "date": timestamp(payment.paid_on),
                            "value": value(payment.amount, order.currency),
                            "payer": {"id": buyer_party_id(self.p.buyer), "name": self.p.buyer.name},
                            "payee": {
                                "id": supplier_party_id(self.p.suppliers[order.supplier_id]),
                                "name": self.p.suppliers[order.supplier_id].name,
                            },
                        }
                    ]
                }
                if index == len(payments) - 1 and invoice.settled_on is not None:
                    implementation["milestones"] = [
                        {"id": milestone["id"], "status": "met", "dateMet": timestamp(invoice.settled_on)}
                    ]
                releases.append(
                    self.release(
                        f"payment-{payment.payment_id}",
                        payment.paid_on,
                        ["implementation"],
                        {"contracts": [{**ref, "implementation": implementation}]},
                        s,
                    )
                )
        return releases


def _money_words(minor: int, currency: str) -> str:
    shown = value(minor, currency)
    return f"{currency} {shown['amount']}"


def award_id(award: int, supplier_id: int) -> str:
    """An OCDS award is one winner's part of a Rantai award (a split award is several)."""
    return f"A{award}-S{supplier_id}"


def contract_id(po_id: int) -> str:
    return f"PO{po_id}"


def releases(process: ProcessFacts, *, prefix: str) -> list[Json]:
    """Every release of one contracting process, in date order (ties keep the order facts happen in)."""
    builder = _Builder(process, prefix)
    made = builder.tender() + builder.awards()
    for order in process.orders:
        made += builder.contract(order) + builder.implementation(order)
    return sorted(made, key=lambda r: _instant(r["date"]))


def _instant(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


# ---- The way back: awards read from OCDS (the award import reads OCDS release packages through this) ----


@dataclass(frozen=True, slots=True)
class AwardRead:
    """One supplier's award as an OCDS publisher states it: what the award import needs of it."""

    ocid: str
    award_id: str
    title: str
    buyer: str
    supplier: str
    supplier_identifier: str | None  # scheme-id, e.g. ID-NIB-9120001234567, when the party has one
    amount: Decimal | None
    currency: str | None
    date: dt.date | None
    items: tuple[str, ...] = ()
    # What an award import identifies the winner by, when the party states it (identifier or
    # additionalIdentifiers with the schemes ID-NIB and ID-NPWP).
    supplier_nib: str | None = None
    supplier_npwp: str | None = None
    method: str | None = None  # the tender's procurementMethodDetails, else its procurementMethod
    package_code: str | None = None  # the tender's id
    delivery_region: str | None = None  # an item's deliveryAddress (locality, else region), if stated
    procurement_type: str | None = None  # goods | works | consulting | services, when the tender says

    @property
    def value_idr(self) -> int | None:
        """The value in whole Rupiah, when stated in Rupiah."""
        if self.currency != "IDR" or self.amount is None:
            return None
        return int(self.amount)


def _day(stamp: object) -> dt.date | None:
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(stamp[:10])
        except ValueError:
            return None


def _object(value: object) -> Json:
    """A JSON object, or an empty one for anything else (read data is not trusted to be well formed)."""
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return (
        str(value).strip() or None if isinstance(value, str | int) and not isinstance(value, bool) else None
    )


def _identifiers(party: Json) -> dict[str, str]:
    """A party's identifiers by scheme (its ``identifier`` first, then ``additionalIdentifiers``)."""
    found: dict[str, str] = {}
    for raw in [party.get("identifier"), *(party.get("additionalIdentifiers") or [])]:
        entry = _object(raw)
        scheme, ident = _text(entry.get("scheme")), _text(entry.get("id"))
        if scheme and ident and scheme not in found:
            found[scheme] = ident
    return found


def _delivery_region(items: object) -> str | None:
    for item in items if isinstance(items, list) else []:
        address = _object(_object(item).get("deliveryAddress"))
        region = _text(address.get("locality")) or _text(address.get("region"))
        if region:
            return region
    return None


def _procurement_type(tender: Json, *, consulting_in_use: bool) -> str | None:
    """The procurement type a tender's categories state: goods, works, consulting (services with the
    extended code consultingServices) or services (services said to be non-consulting: with the extended
    code services, or plain where the package uses consultingServices elsewhere, as the codelist reads).
    Plain services in a package that never says consultingServices may be either: None."""
    main = tender.get("mainProcurementCategory")
    extra = tender.get("additionalProcurementCategories")
    additional = {c for c in extra if isinstance(c, str)} if isinstance(extra, list) else set()
    if main in ("goods", "works"):
        return str(main)
    if main == "services" or (main is None and additional & {"services", "consultingServices"}):
        if "consultingServices" in additional:
            return "consulting"
        if "services" in additional or consulting_in_use:
            return "services"
    return None


def _uses_consulting(tenders: Iterable[Json]) -> bool:
    for tender in tenders:
        extra = tender.get("additionalProcurementCategories")
        if isinstance(extra, list) and "consultingServices" in extra:
            return True
    return False


def _releases_of(package: Json) -> Iterable[Json]:
    """The releases of a release package, or the compiled releases of a record package."""
    if isinstance(package.get("releases"), list):
        yield from (r for r in package["releases"] if isinstance(r, dict))
    for record in package.get("records") or []:
        if isinstance(record, dict) and isinstance(record.get("compiledRelease"), dict):
            yield record["compiledRelease"]


def awards_read(package: Json) -> Iterable[AwardRead]:
    """Every active award of a release or record package, one per supplier (a joint award of several
    suppliers is one per supplier, each with the whole value, as OCDS states it). A release without
    awards, or an award cancelled or pending, gives nothing; a field missing is None, never a guess."""
    releases = list(_releases_of(package))
    # A release package states the tender in its own releases, the award in others: what is known of
    # each process's tender is gathered first (later releases override earlier fields, as merging does).
    tenders: dict[object, Json] = {}
    for release in releases:
        tenders[release.get("ocid")] = tenders.get(release.get("ocid"), {}) | _object(release.get("tender"))
    consulting_in_use = _uses_consulting(tenders.values())
    for release in releases:
        parties = {p.get("id"): p for p in release.get("parties") or [] if isinstance(p, dict)}
        buyer_name = _object(release.get("buyer")).get("name") or next(
            (p.get("name") for p in parties.values() if "buyer" in (p.get("roles") or [])), None
        )
        tender = tenders.get(release.get("ocid"), {})
        for award in release.get("awards") or []:
            if not isinstance(award, dict) or award.get("status") not in (None, "active"):
                continue
            amount_value = _object(award.get("value"))
            raw_amount = amount_value.get("amount")
            amount = (
                Decimal(str(raw_amount))
                if isinstance(raw_amount, int | float) and not isinstance(raw_amount, bool)
                else None
            )
            items = tuple(
                str(i["description"])
                for i in award.get("items") or []
                if isinstance(i, dict) and i.get("description")
            )
            for supplier_ref in award.get("suppliers") or []:
                if not isinstance(supplier_ref, dict):
                    continue
                party = _object(parties.get(supplier_ref.get("id")))
                identifier = _object(party.get("identifier"))
                scheme, ident = identifier.get("scheme"), identifier.get("id")
                schemes = _identifiers(party)
                yield AwardRead(
                    ocid=str(release.get("ocid") or ""),
                    award_id=str(award.get("id") or ""),
                    title=str(award.get("title") or tender.get("title") or ""),
                    buyer=str(buyer_name or ""),
                    supplier=str(supplier_ref.get("name") or party.get("name") or ""),
                    supplier_identifier=f"{scheme}-{ident}" if scheme and ident else None,
                    amount=amount,
                    currency=amount_value.get("currency"),
                    date=_day(award.get("date")) or _day(release.get("date")),
                    items=items,
                    supplier_nib=schemes.get("ID-NIB"),
                    supplier_npwp=schemes.get("ID-NPWP"),
                    method=_text(tender.get("procurementMethodDetails"))
                    or _text(tender.get("procurementMethod")),
                    package_code=_text(tender.get("id")),
                    delivery_region=_delivery_region(award.get("items"))
                    or _delivery_region(tender.get("items")),
                    procurement_type=_procurement_type(tender, consulting_in_use=consulting_in_use),
                )
