"""The plain facts the shortlist ranks by: a supplier, one of its offers (a product), and a need line.

The app builds one `Document` per active product with `offer_document`, which copies the supplier's
facts into the document's filter terms (so eligibility is decided inside the index) and gives them as
the document's `group_facts` (kept once per supplier beside the index), the offer's own as its `facts`:
the shortlist rebuilds `SupplierFacts` and `OfferFacts` from a hit, without a database. The offer is
stored as a list in the order of `OfferFacts`' fields (about half the bytes of a dict; so a field is
only ever added at the end), the supplier as a dict; both are read back by `offer_from_facts` and
`supplier_from_facts`, which also read the older layout (both as dicts, in each document).

Filter terms of an offer document: `verified` (a verified supplier), `scale:<size class>`,
`kabkota:<code>` and `province:<first two digits>` (the supplier's kab/kota, Kemendagri code),
`cert:<code>` for each certificate type the supplier holds (with its last valid day when it lapses), and
the offer's own `unit:<code>` (the unit it is sold in).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Any, Final

from rantai.matching.index import Document, EncodedFacts

SIZE_CLASSES: Final = ("mikro", "kecil", "menengah", "besar")
VERIFIED: Final = "verified"
HISTORY: Final = "history"  # the filter term of a supplier's history documents (`rantai.matching.history`)


@dataclass(frozen=True, slots=True)
class Certificate:
    """A certificate a supplier holds: its type code (`halal`, `sni`, `bpom_md`, `spp_irt`, see the
    reference table of certification types) and its last valid day (None: no end)."""

    code: str
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class SupplierFacts:
    """What the shortlist knows of a supplier."""

    id: str
    name: str
    verified: bool
    size_class: str | None  # mikro, kecil, menengah, besar (None: unknown)
    kabkota: str | None = None  # Kemendagri code, "32.73"
    lat: float | None = None
    lng: float | None = None
    certificates: tuple[Certificate, ...] = ()
    awards_won: int = 0
    orders_completed: int = 0
    orders_on_time: int = 0

    @property
    def province(self) -> str | None:
        """The province code: the kab/kota code's first two digits."""
        return self.kabkota.split(".", 1)[0] if self.kabkota else None

    def certificate_end(self, code: str) -> tuple[bool, date | None]:
        """(holds a certificate of type `code`, its last valid day or None for no end). Of several
        certificates of one type the one valid longest counts."""
        ends = [certificate.valid_until for certificate in self.certificates if certificate.code == code]
        if not ends:
            return False, None
        if None in ends:
            return True, None
        return True, max(end for end in ends if end is not None)


@dataclass(frozen=True, slots=True)
class OfferFacts:
    """What the shortlist knows of one product a supplier offers. Prices are whole Rupiah per `unit`;
    capacity is in `unit`s per month."""

    id: str
    name: str
    category: str = ""  # the category's label
    unit: str | None = None  # a unit code of the reference table: buah, bungkus, kg, liter, ...
    price_min: int | None = None
    price_max: int | None = None
    capacity_per_month: int | None = None
    lead_time_days: int | None = None
    moq: int | None = None
    kbli: str | None = None
    hs: str | None = None
    certificates: tuple[str, ...] = ()  # certificate type codes that apply to this product
    # How sure `category` is: 1 when its owner gave it, the classifier's confidence when inferred (issue
    # #14). Carried into the index's category key (`Document.category_confidence`), not into the facts.
    category_confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class NeedLine:
    """One line of a buyer's procurement need, as the shortlist reads it.

    `budget` is the pagu/HPS of the whole line in whole Rupiah; `lat`/`lng` the delivery place (the
    kab/kota centroid); `region` an optional hard filter term (`province:61`, `kabkota:61.71`); `kbli`
    and `hs` optional codes the buyer gave. Certificates must be valid on `needed_by` (on `today` when
    there is no needed-by day). `kind` is the procurement type (`rantai.matching.history.KINDS`: goods,
    works, consulting, services) and `delivery_place` the delivery kab/kota code ("61.71", or a province
    code when only the province is known): suppliers' histories are weighed against both.
    """

    text: str
    today: date
    quantity: int | None = None
    unit: str | None = None
    needed_by: date | None = None
    budget: int | None = None
    lat: float | None = None
    lng: float | None = None
    required_certs: tuple[str, ...] = ()
    umkm_only: bool = True
    preferred_size: str | None = None
    kbli: tuple[str, ...] = ()
    hs: tuple[str, ...] = ()
    region: str | None = None
    places: tuple[tuple[float, float], ...] = ()
    kind: str | None = None
    delivery_place: str | None = None

    @property
    def delivery_points(self) -> tuple[tuple[float, float], ...]:
        """Every delivery point: `lat`/`lng` when known, and `places`."""
        own = ((self.lat, self.lng),) if self.lat is not None and self.lng is not None else ()
        return own + self.places

    @property
    def valid_on(self) -> date:
        """The day required certificates must still be valid on."""
        return self.needed_by or self.today


def supplier_terms(supplier: SupplierFacts) -> tuple[str, ...]:
    """The filter terms of a supplier that never lapse: verified, size class, kab/kota and province."""
    terms = []
    if supplier.verified:
        terms.append(VERIFIED)
    if supplier.size_class:
        terms.append(f"scale:{supplier.size_class}")
    if supplier.kabkota:
        terms += [f"kabkota:{supplier.kabkota}", f"province:{supplier.province}"]
    return tuple(terms)


@lru_cache(maxsize=1024)
def locality_of(kabkota: str | None) -> int:
    """The index locality of a kab/kota code: its digits as a number (`61.71` -> 6171; 0 if none), so
    that a province and a kab/kota each sit in one stretch of the index."""
    digits = "".join(character for character in kabkota or "" if character.isdigit())
    return int(digits) if digits else 0


def offer_document(
    supplier: SupplierFacts, offer: OfferFacts, *, description: str = "", locality: int | None = None
) -> Document:
    """The index document of one offer: its text, the supplier's filter terms, the supplier's facts as
    the group's and the offer's as the document's own.

    `locality` defaults to the supplier's kab/kota code as a number (`locality_of`).
    """
    part = _last_part
    if part[0] is not supplier:
        part = _supplier_part(supplier)
    _, filters, lapsing, facts, default_locality = part
    if offer.unit:
        # The unit it is sold in: a need's quantity may match it.
        filters = with_term(filters, f"unit:{offer.unit}")
    # Positional, in the order of Document's fields: a third cheaper than keywords, once per product.
    return Document(
        offer.id,
        offer.name,
        description,
        offer.category,
        filters,
        lapsing,
        default_locality if locality is None else locality,
        supplier.id,
        EncodedFacts(f'{{"o":{_ENCODE_LIST(_offer_values(offer))}}}'),
        facts,
        offer.category_confidence,
    )


def supplier_part(
    supplier: SupplierFacts,
) -> tuple[tuple[str, ...], tuple[tuple[str, date], ...], EncodedFacts, int]:
    """A supplier's filter terms, lapsing terms, group facts and locality, as its offer documents carry
    them (for other documents of the supplier: its history)."""
    part = _last_part if _last_part[0] is supplier else _supplier_part(supplier)
    return part[1], part[2], part[3], part[4]


@lru_cache(maxsize=1 << 12)
def with_term(filters: tuple[str, ...], term: str) -> tuple[str, ...]:
    """A supplier's filter terms and one more (the unit an offer is sold in; `history` for a past
    package), the very same tuple for the same terms: the index makes what a document has from its
    supplier once and copies it for each following document whose terms are the same tuple
    (`index.schema.Converter`). A new tuple per document made it again for every product, a fifth of
    the build's time (issue #14, the speed figure)."""
    return (*filters, term)


_SupplierPart = tuple[SupplierFacts | None, tuple[str, ...], tuple[tuple[str, date], ...], EncodedFacts, int]
# A bulk build makes one document per product and a supplier has several: its part is made once, and
# the same objects are given to each of its documents (the index then encodes its facts once).
# The last supplier's part is looked up by identity (the app gives a supplier's products one after
# another, with one SupplierFacts), others by value.
_last_part: _SupplierPart = (None, (), (), EncodedFacts("{}"), 0)


def _supplier_part(supplier: SupplierFacts) -> _SupplierPart:
    global _last_part  # noqa: PLW0603 - a one-entry cache, replaced whole
    part = _cached_part(supplier)
    _last_part = part
    return part


@lru_cache(maxsize=1 << 14)
def _cached_part(supplier: SupplierFacts) -> _SupplierPart:
    """A supplier's filter terms, lapsing terms with their last days, its facts and its locality."""
    filters = list(supplier_terms(supplier))
    lapsing: list[tuple[str, date]] = []
    for code in dict.fromkeys(certificate.code for certificate in supplier.certificates):
        _, until = supplier.certificate_end(code)
        if until is None:
            filters.append(f"cert:{code}")
        else:
            lapsing.append((f"cert:{code}", until))
    plain = _plain(supplier, _SUPPLIER_FIELDS)
    if supplier.certificates:
        plain["certificates"] = [
            [certificate.code, certificate.valid_until.isoformat() if certificate.valid_until else None]
            for certificate in supplier.certificates
        ]
    facts = EncodedFacts(f'{{"s":{_json(plain)}}}')
    return supplier, tuple(filters), tuple(lapsing), facts, locality_of(supplier.kabkota)


_SUPPLIER_FIELDS: Final = tuple(item.name for item in fields(SupplierFacts))
# The stored ones: the category's confidence is carried by the index's category key, not the facts.
_OFFER_FIELDS: Final = tuple(item.name for item in fields(OfferFacts) if item.name != "category_confidence")


def _plain(facts: SupplierFacts, names: tuple[str, ...]) -> dict[str, Any]:
    """A dataclass as a JSON-able dict, without the fields left at None or empty (smaller to store)."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(facts, name)
        if value is not None and value != ():
            out[name] = value
    return out


# One encoder for every document (json.dumps with options makes a new one each call: twice the cost).
_ENCODE: Final = json.JSONEncoder(separators=(",", ":")).encode


def _list_encoder() -> Callable[[list[Any]], str]:
    """A JSON encoder for a list of plain values (text, numbers, None, tuples of text) made once:
    `JSONEncoder.encode` makes a new C encoder on each call, which costs more than encoding an offer's
    dozen values (1.0 us against 2.1 measured). The standard library's C encoder where there is one."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODE

    def refuse(value: object) -> object:
        raise TypeError(f"not JSON-able in offer facts: {value!r}")

    # No check for circular references (markers None): the values are flat.
    encoder = make(None, refuse, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True)

    def encode(values: list[Any]) -> str:
        return "".join(encoder(values, 0))

    return encode


_ENCODE_LIST: Final = _list_encoder()


def _json(data: Mapping[str, Any]) -> str:
    return _ENCODE(data)


def _offer_values(offer: OfferFacts) -> list[Any]:
    """The offer's fields in order, without the trailing ones left at None or empty."""
    values: list[Any] = [
        offer.id,
        offer.name,
        offer.category,
        offer.unit,
        offer.price_min,
        offer.price_max,
        offer.capacity_per_month,
        offer.lead_time_days,
        offer.moq,
        offer.kbli,
        offer.hs,
        offer.certificates,
    ]
    while values and (values[-1] is None or values[-1] == ()):
        values.pop()
    return values


# Suppliers already read, by the identity of their facts: the index gives every hit of a group the same
# mapping for the group's facts, so a supplier is rebuilt once, not once per hit. Each entry keeps its
# mapping alive, so that an id is never reused while it is cached.
_SUPPLIERS_READ: Final[dict[int, tuple[object, SupplierFacts]]] = {}
_SUPPLIERS_KEPT: Final = 4096


def supplier_from_facts(facts: Mapping[str, object]) -> SupplierFacts:
    """The supplier of a hit's facts (as `offer_document` gave them)."""
    raw = facts.get("s")
    known = _SUPPLIERS_READ.get(id(raw))
    if known is not None and known[0] is raw:
        return known[1]
    data = dict(_mapping(raw))
    data["certificates"] = tuple(
        Certificate(str(code), date.fromisoformat(until) if until else None)
        for code, until in _pairs(data.get("certificates", ()))
    )
    data.setdefault("size_class", None)
    supplier = SupplierFacts(**data)
    if len(_SUPPLIERS_READ) >= _SUPPLIERS_KEPT:
        _SUPPLIERS_READ.clear()
    _SUPPLIERS_READ[id(raw)] = (raw, supplier)
    return supplier


def offer_from_facts(facts: Mapping[str, object]) -> OfferFacts:
    """The offer of a hit's facts (as `offer_document` stored them)."""
    raw = facts.get("o")
    if isinstance(raw, list):
        if len(raw) > len(_OFFER_FIELDS):
            raise ValueError("these offer facts have more fields than OfferFacts")
        values = list(raw)
        if len(values) == len(_OFFER_FIELDS):
            values[-1] = tuple(str(code) for code in _iterable(values[-1]))
        return OfferFacts(*values)
    data = dict(_mapping(raw))
    data["certificates"] = tuple(str(code) for code in _iterable(data.get("certificates", ())))
    return OfferFacts(**data)


def _mapping(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("these facts were not written by offer_document")
    return value


def _iterable(value: object) -> Iterable[Any]:
    return value if isinstance(value, (list, tuple)) else ()


def _pairs(value: object) -> list[tuple[Any, Any]]:
    return [(pair[0], pair[1]) for pair in _iterable(value)]
