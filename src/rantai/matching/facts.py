"""The plain facts the shortlist ranks by: a supplier, one of its offers (a product), and a need line.

The app builds one `Document` per active product with `offer_document`, which copies the supplier's
facts into the document's filter terms (so eligibility is decided inside the index) and into its stored
`facts` (so the shortlist rebuilds `SupplierFacts` and `OfferFacts` from a hit, without a database).

Filter terms of an offer document: `verified` (a verified supplier), `scale:<size class>`,
`kabkota:<code>` and `province:<first two digits>` (the supplier's kab/kota, Kemendagri code),
`cert:<code>` for each certificate type the supplier holds (with its last valid day when it lapses).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Any, Final

from rantai.matching.index import Document, EncodedFacts

SIZE_CLASSES: Final = ("mikro", "kecil", "menengah", "besar")
VERIFIED: Final = "verified"


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


@dataclass(frozen=True, slots=True)
class NeedLine:
    """One line of a buyer's procurement need, as the shortlist reads it.

    `budget` is the pagu/HPS of the whole line in whole Rupiah; `lat`/`lng` the delivery place (the
    kab/kota centroid); `region` an optional hard filter term (`province:61`, `kabkota:61.71`); `kbli`
    and `hs` optional codes the buyer gave. Certificates must be valid on `needed_by` (on `today` when
    there is no needed-by day).
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
    """The index document of one offer: its text, the supplier's filter terms and both sets of facts.

    `locality` defaults to the supplier's kab/kota code as a number (`locality_of`).
    """
    filters, lapsing, supplier_json = _supplier_part(supplier)
    return Document(
        id=offer.id,
        name=offer.name,
        description=description,
        category=offer.category,
        filters=filters,
        valid_until=lapsing,
        locality=locality_of(supplier.kabkota) if locality is None else locality,
        group=supplier.id,
        facts=EncodedFacts(f'{{"s":{supplier_json},"o":{_json(_plain(offer, _OFFER_FIELDS))}}}'),
    )


# A bulk build makes one document per product and a supplier has several: its part is made once.
@lru_cache(maxsize=1 << 14)
def _supplier_part(supplier: SupplierFacts) -> tuple[tuple[str, ...], tuple[tuple[str, date], ...], str]:
    """A supplier's filter terms, lapsing terms with their last days, and its facts as JSON."""
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
    return tuple(filters), tuple(lapsing), _json(plain)


_SUPPLIER_FIELDS: Final = tuple(item.name for item in fields(SupplierFacts))
_OFFER_FIELDS: Final = tuple(item.name for item in fields(OfferFacts))


def _plain(facts: SupplierFacts | OfferFacts, names: tuple[str, ...]) -> dict[str, Any]:
    """A dataclass as a JSON-able dict, without the fields left at None or empty (smaller to store)."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(facts, name)
        if value is not None and value != ():
            out[name] = value
    return out


# One encoder for every document (json.dumps with options makes a new one each call: twice the cost).
_ENCODE: Final = json.JSONEncoder(separators=(",", ":")).encode


def _json(data: Mapping[str, Any]) -> str:
    return _ENCODE(data)


def supplier_from_facts(facts: Mapping[str, object]) -> SupplierFacts:
    """The supplier of a hit's facts (as `offer_document` stored them)."""
    data = dict(_mapping(facts.get("s")))
    data["certificates"] = tuple(
        Certificate(str(code), date.fromisoformat(until) if until else None)
        for code, until in _pairs(data.get("certificates", ()))
    )
    data.setdefault("size_class", None)
    return SupplierFacts(**data)


def offer_from_facts(facts: Mapping[str, object]) -> OfferFacts:
    """The offer of a hit's facts (as `offer_document` stored them)."""
    data = dict(_mapping(facts.get("o")))
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
