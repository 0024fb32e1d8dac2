"""A living demo registry for ``rantai demo``: a few thousand UMKM and cooperatives in all 38 provinces.

Profiles are verified, waiting, draft or rejected; they hold certificates (some about to expire, some
expired) and offer products named with real Indonesian trade vocabulary (see ``data/SOURCES.md``).

- Deterministic: one ``random.Random(seed)`` makes every choice in a fixed order, so the same seed, the
  same reference data and the same day give the same registry (certificate dates follow the clock).
- Idempotent: demo suppliers have NIBs starting with ``DEMO_NIB_PREFIX``; when one exists, nothing is
  added. NIBs issued by the OSS commonly begin with 8 or 9 (``912...``), so the prefix is the longer
  ``99990``, which keeps demo numbers apart from real ones and easy to recognise.
- Fast: the registry is planned in memory, then written with bulk INSERTs (organization ids come back
  through RETURNING; profiles and products are found again by NIB and product code, which is cheaper on
  PostgreSQL) and one audit event for the whole load instead of one per row.

The loader writes rows directly rather than through the supplier and catalog services: those check,
flush and audit one row at a time (several queries per row, 20,000+ rows here). It keeps to their rules:
codes are checked against the reference tables first, size classes come from ``classify_size``, statuses
from the verification lifecycle, and the directory's search documents are rebuilt by ``directory.refresh``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import re
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from stdnum import luhn

from rantai import audit
from rantai.audit import Event
from rantai.catalog import directory
from rantai.catalog.models import Category, Product, ProductCertification
from rantai.identity import repository as identity_repo
from rantai.identity.models import Organization
from rantai.identity.roles import OrgType
from rantai.kit.clock import now
from rantai.reference import repository as ref
from rantai.reference.models import HsCode, Kbli, Region, RegionLevel, SizeThreshold
from rantai.reference.service import classify_size
from rantai.suppliers.models import Certification, SizeClassRecord, SupplierKbli, SupplierProfile
from rantai.suppliers.service import EXPIRY_WARNING_DAYS
from rantai.suppliers.state import ProfileStatus

DEMO_NIB_PREFIX = "99990"  # + 8 digits: the supplier's number in the demo registry
DEMO_EMAIL_DOMAIN = "demo.rantai.id"
VERIFIER_EMAIL = "verifikator@demo.rantai.id"  # made by rantai.demo.seed; verifies the demo profiles
# Made by rantai.demo.seed: the organization the registry stands as imported by (a national operator may
# import anywhere). It manages the demo profiles until their businesses claim them (issue #9).
IMPORTER_ORGANIZATION = "Operator Rantai"
COOPERATIVE_SHARE = 0.08
# Products a supplier offers in the registry's own mix: 1-3 for a draft, 2-6 otherwise (about four).
MEAN_PRODUCTS = 4.0
STATUS_SHARES = {
    ProfileStatus.VERIFIED: 0.65,
    ProfileStatus.SUBMITTED: 0.20,
    ProfileStatus.DRAFT: 0.10,
    ProfileStatus.REJECTED: 0.05,
}
SIZE_SHARES = {"mikro": 0.72, "kecil": 0.19, "menengah": 0.07, "besar": 0.02}
COOPERATIVE_SIZE_SHARES = {"mikro": 0.45, "kecil": 0.40, "menengah": 0.15}
# Annual sales drawn per class (whole Rupiah), inside the PP 7/2021 bands with a margin.
SALES_RANGES = {
    "mikro": (60_000_000, 1_900_000_000),
    "kecil": (2_100_000_000, 14_500_000_000),
    "menengah": (15_500_000_000, 48_000_000_000),
    "besar": (52_000_000_000, 180_000_000_000),
}
WORKERS = {"mikro": (1, 4), "kecil": (5, 19), "menengah": (20, 99), "besar": (100, 400)}
CAPACITY_FACTOR = {"mikro": 1.0, "kecil": 3.0, "menengah": 8.0, "besar": 20.0}
LEGAL_FORMS = {
    "mikro": {"perorangan": 55, "ud": 20, "cv": 12, "pt_perorangan": 10, "firma": 3},
    "kecil": {"perorangan": 15, "ud": 20, "cv": 40, "pt_perorangan": 10, "pt": 15},
    "menengah": {"cv": 35, "pt": 60, "firma": 5},
    "besar": {"cv": 10, "pt": 90},
}
LEGAL_PREFIX = {"ud": "UD", "cv": "CV", "pt": "PT", "pt_perorangan": "PT", "firma": "Firma"}
# How likely a supplier holds a certificate type that applies to its products, by size class.
CERT_CHANCE: dict[str, dict[str, float]] = {
    "halal": {"mikro": 0.75, "kecil": 0.9, "menengah": 0.95, "besar": 0.95},
    "spp_irt": {"mikro": 0.7, "kecil": 0.55, "menengah": 0.0, "besar": 0.0},
    "bpom_md": {"mikro": 0.05, "kecil": 0.35, "menengah": 0.8, "besar": 0.9},
    "bpom_na": {"mikro": 0.45, "kecil": 0.75, "menengah": 0.9, "besar": 0.95},
    "bpom_tr": {"mikro": 0.35, "kecil": 0.7, "menengah": 0.9, "besar": 0.95},
    "sni": {"mikro": 0.1, "kecil": 0.3, "menengah": 0.6, "besar": 0.8},
    "tkdn": {"mikro": 0.03, "kecil": 0.15, "menengah": 0.4, "besar": 0.6},
    "svlk": {"mikro": 0.2, "kecil": 0.45, "menengah": 0.8, "besar": 0.9},
    "slhs": {"mikro": 0.45, "kecil": 0.7, "menengah": 0.9, "besar": 0.9},
    "organik": {"mikro": 0.1, "kecil": 0.25, "menengah": 0.4, "besar": 0.4},
    "nkv": {"mikro": 0.15, "kecil": 0.4, "menengah": 0.7, "besar": 0.8},
    "skp": {"mikro": 0.2, "kecil": 0.45, "menengah": 0.7, "besar": 0.8},
    "iso_9001": {"mikro": 0.0, "kecil": 0.04, "menengah": 0.3, "besar": 0.6},
}
# Days from today to a dated certificate's end: (share, lowest, highest); the first band has expired.
EXPIRY_BANDS = ((0.08, -365, -1), (0.06, 0, 14), (0.10, 15, 60), (0.16, 61, 364), (0.60, 365, 1400))
CHUNK = 500

T = TypeVar("T")


# --- the shipped data --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductKind:
    """One row of data/product_kinds.csv: what a kind of product is, costs and needs."""

    kind: str
    category_code: str
    kbli_code: str
    unit_code: str
    price: tuple[int, int]
    moq: int
    capacity: tuple[int, int]
    lead_days: tuple[int, int]
    certifications: tuple[str, ...]
    hs_code: str | None
    sizes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sector:
    """A line of business (data/registry.toml): the product kinds it makes and the words it is named with."""

    code: str
    label: str
    kinds: tuple[str, ...]
    weight: float
    coop: float
    trade: tuple[str, ...]
    owner: tuple[str, ...]
    women: float
    export: float
    boost: frozenset[str]
    coop_trade: tuple[str, ...]
    coop_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DemoData:
    kinds: dict[str, ProductKind]
    names: dict[str, list[tuple[str, bool]]]  # kind -> (name, written by us: may take a size/place)
    sectors: dict[str, Sector]
    population: dict[str, int]  # province code -> thousands
    words: dict[str, list[str]]
    honorifics: list[dict[str, list[str]]]
    rejected_reasons: list[str]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("rantai.demo").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value]


@cache
def demo_data() -> DemoData:
    """The demo vocabulary shipped in ``rantai/demo/data`` (read once)."""
    kinds = {
        row["kind"]: ProductKind(
            kind=row["kind"],
            category_code=row["category_code"],
            kbli_code=row["kbli_code"],
            unit_code=row["unit_code"],
            price=(int(row["price_min"]), int(row["price_max"])),
            moq=int(row["moq"]),
            capacity=(int(row["capacity_min"]), int(row["capacity_max"])),
            lead_days=(int(row["lead_days_min"]), int(row["lead_days_max"])),
            certifications=tuple(row["certifications"].split()),
            hs_code=row["hs_code"] or None,
            sizes=tuple(s for s in row["sizes"].split("|") if s),
        )
        for row in _read_csv("product_kinds.csv")
    }
    names: dict[str, list[tuple[str, bool]]] = {kind: [] for kind in kinds}
    for file_name, own in (
        ("prdect_id_umkm.csv", False),
        ("rup_kalbar_goods.csv", False),
        ("own_products.csv", True),
    ):
        for row in _read_csv(file_name):
            names[row["kind"]].append((row["demo_name"], own))
    toml = tomllib.loads(
        resources.files("rantai.demo").joinpath("data/registry.toml").read_text(encoding="utf-8")
    )
    sectors = {
        code: Sector(
            code=code,
            label=str(s["label"]),
            kinds=tuple(_strings(s["kinds"])),
            weight=float(s["weight"]),
            coop=float(s["coop"]),
            trade=tuple(_strings(s["trade"])),
            owner=tuple(_strings(s["owner"])),
            women=float(s["women"]),
            export=float(s["export"]),
            boost=frozenset(_strings(s.get("boost", []))),
            coop_trade=tuple(_strings(s.get("coop_trade", s["trade"]))),
            coop_names=tuple(_strings(s.get("coop_names", []))),
        )
        for code, s in toml["sectors"].items()
    }
    return DemoData(
        kinds=kinds,
        names=names,
        sectors=sectors,
        population={
            r["province_code"]: int(r["population_thousands"]) for r in _read_csv("province_population.csv")
        },
        words={key: _strings(value) for key, value in toml["names"].items()},
        honorifics=[{k: _strings(v) for k, v in group.items()} for group in toml["honorifics"].values()],
        rejected_reasons=_strings(toml["verification"]["rejected_reasons"]),
    )


# --- the reference data it rests on ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    lat: float | None
    lng: float | None


@dataclass(frozen=True, slots=True)
class Reference:
    """What the plan needs from the database, read once (the demo loader's own bulk reads)."""

    provinces: dict[str, Place]
    kabkota: dict[str, list[Place]]  # province code -> its kab/kota
    kecamatan: dict[str, list[str]]  # kab/kota code -> its kecamatan codes
    thresholds: Sequence[SizeThreshold]
    cert_types: dict[str, tuple[str, int | None]]  # code -> (issuer, validity in years)
    units: dict[str, str]  # code -> Indonesian name
    verifier_user_id: int | None


def read_reference(session: Session, data: DemoData, today: dt.date) -> Reference:
    """Read the regions, thresholds, certificate types and units the plan draws from; check the codes."""
    places: dict[int, list[Region]] = {}
    for region in session.scalars(
        select(Region).where(Region.level <= RegionLevel.KECAMATAN).order_by(Region.code)
    ):
        places.setdefault(region.level, []).append(region)
    provinces = {r.code: Place(r.code, r.name, r.lat, r.lng) for r in places.get(RegionLevel.PROVINCE, [])}
    kabkota: dict[str, list[Place]] = {}
    for r in places.get(RegionLevel.KABKOTA, []):
        kabkota.setdefault(r.parent_code or "", []).append(Place(r.code, r.name, r.lat, r.lng))
    kecamatan: dict[str, list[str]] = {}
    for r in places.get(RegionLevel.KECAMATAN, []):
        kecamatan.setdefault(r.parent_code or "", []).append(r.code)
    cert_types = {c.code: (c.issuer, c.validity_years) for c in ref.list_certification_types(session)}
    units = {u.code: u.name_id for u in ref.list_units(session)}
    _check_codes(session, data, set(provinces), set(cert_types), set(units))
    verifier = identity_repo.user_by_email(session, VERIFIER_EMAIL)
    return Reference(
        provinces=provinces,
        kabkota=kabkota,
        kecamatan=kecamatan,
        thresholds=ref.size_thresholds_on(session, today),
        cert_types=cert_types,
        units=units,
        verifier_user_id=verifier.id if verifier else None,
    )


def _check_codes(
    session: Session, data: DemoData, provinces: set[str], cert_types: set[str], units: set[str]
) -> None:
    """Fail before writing anything when the shipped data names a code the reference tables lack."""
    kinds = data.kinds.values()
    known = {
        "KBLI": set(session.scalars(select(Kbli.code).where(Kbli.code.in_({k.kbli_code for k in kinds})))),
        "category": set(
            session.scalars(select(Category.code).where(Category.code.in_({k.category_code for k in kinds})))
        ),
        "HS": set(
            session.scalars(
                select(HsCode.code).where(HsCode.code.in_({k.hs_code for k in kinds if k.hs_code}))
            )
        ),
        "unit": units,
        "certificate type": cert_types,
        "province": provinces,
    }
    wanted = {
        "KBLI": {k.kbli_code for k in kinds},
        "category": {k.category_code for k in kinds},
        "HS": {k.hs_code for k in kinds if k.hs_code},
        "unit": {k.unit_code for k in kinds},
        "certificate type": {c for k in kinds for c in k.certifications} | set(CERT_CHANCE),
        "province": set(data.population),
    }
    missing = {kind: sorted(codes - known[kind]) for kind, codes in wanted.items() if codes - known[kind]}
    if not provinces or missing:
        raise ValueError(
            f"demo registry data does not match the reference data (run `rantai db upgrade`): {missing}"
        )


# --- the plan -----------------------------------------------------------------------------------------


@dataclass
class PlannedCertificate:
    type_code: str
    number: str
    issuer: str
    valid_from: dt.date | None
    valid_until: dt.date | None


@dataclass
class PlannedProduct:
    kind: ProductKind
    code: str
    name: str
    description: str | None
    own_category: str | None
    price_min: int
    price_max: int
    moq: int
    capacity: int
    lead_days: int
    active: bool
    certifications: list[str]


@dataclass
class PlannedSupplier:
    """One demo supplier as it will be written: its organization, profile, KBLI, history, papers, goods."""

    index: int
    org_type: OrgType
    profile: dict[str, Any]
    kbli_codes: list[str]
    size_records: list[dict[str, Any]]
    certificates: list[PlannedCertificate]
    products: list[PlannedProduct]
    sector: str
    cooperative_index: int | None = None
    naik_kelas: bool = False


def _pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    items = list(weights)
    return rng.choices(items, weights=[weights[i] for i in items])[0]


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _nice_price(amount: float) -> int:
    """Round a price the way a price list would: Rp150, Rp12.500, Rp185.000, Rp2.350.000."""
    step = 50 if amount < 1_000 else 500 if amount < 100_000 else 1_000 if amount < 1_000_000 else 50_000
    return max(step, round(amount / step) * step)


def _two_digits(amount: float) -> int:
    """Keep two significant digits (capacities are estimates): 1.234 -> 1.200."""
    return max(1, int(float(f"{amount:.2g}")))


def _place_word(name: str) -> str:
    """``Kabupaten Aceh Tengah`` -> ``Aceh Tengah``; ``Kota Administrasi Jakarta Pusat`` -> ``Jakarta Pusat``."""
    return re.sub(r"^(Kabupaten Administrasi|Kota Administrasi|Kabupaten|Kota)\s+", "", name)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:24] or "usaha"


def _npwp(rng: random.Random, entity: bool) -> str:
    """A 16-digit NPWP as stored (``0`` + the old 15-digit number) with a valid check digit.

    The six serial digits start with ``99`` so demo numbers stand out; they are not anyone's NPWP.
    """
    head = (
        rng.choice(("01", "02", "03") if entity else ("07", "08", "09"))
        + "99"
        + f"{rng.randrange(10_000):04d}"
    )
    return "0" + head + luhn.calc_check_digit(head) + f"{rng.randrange(1, 1000):03d}" + "000"


class Planner:
    """Draws the whole registry in memory; makes no query and writes nothing."""

    def __init__(
        self,
        data: DemoData,
        reference: Reference,
        rng: random.Random,
        today: dt.date,
        products_per_supplier: float | None = None,
    ) -> None:
        self.data = data
        # The registry's own mix offers about four products a supplier; a benchmark may ask for more.
        self.product_factor = products_per_supplier / MEAN_PRODUCTS if products_per_supplier else None
        self.ref = reference
        self.rng = rng
        self.today = today
        self.moment = now()
        self.names_taken: set[str] = set()

    def plan(self, count: int) -> list[PlannedSupplier]:
        provinces = sorted(p for p in self.data.population if self.ref.kabkota.get(p))
        # Every province first (so 38 suppliers already cover them all), then by population.
        first = provinces[:]
        self.rng.shuffle(first)
        weights = {p: float(self.data.population[p]) for p in provinces}
        plans = []
        for index in range(count):
            province = first[index] if index < len(first) else _pick(self.rng, weights)
            plans.append(self.supplier(index, province))
        self._link_cooperatives(plans)
        return plans

    # -- one supplier --

    def supplier(self, index: int, province: str) -> PlannedSupplier:
        rng = self.rng
        cooperative = rng.random() < COOPERATIVE_SHARE
        sector = self._sector(province, cooperative=cooperative)
        kabkota = rng.choice(self.ref.kabkota[province])
        status = _pick(rng, STATUS_SHARES)
        size = _pick(rng, COOPERATIVE_SIZE_SHARES if cooperative else SIZE_SHARES)
        legal_form = "koperasi" if cooperative else _pick(rng, LEGAL_FORMS[size])
        name, named_woman = self._business_name(sector, legal_form, province, kabkota)
        women_owned = rng.random() < self.data.sectors[sector].women if named_woman is None else named_woman
        sales, capital = self._figures(size, status)
        size_class, basis = self._classify(sales, capital)
        created, submitted, verified = self._timeline(status)
        naik_kelas = size_class in {"kecil", "menengah", "besar"} and status is not ProfileStatus.DRAFT
        naik_kelas = naik_kelas and rng.random() < 0.3
        if naik_kelas:
            created = min(created, self.moment - dt.timedelta(days=rng.randint(430, 1000)))
        products = self._products(sector, size, status, cooperative, name, kabkota)
        kbli = list(dict.fromkeys(p.kind.kbli_code for p in products))[:3]
        certificates = self._certificates(products, size, status, province, kabkota)
        owned = {c.type_code for c in certificates}
        for product in products:
            product.certifications = [c for c in product.kind.certifications if c in owned]
        entity = legal_form not in {"perorangan", "ud", "pt_perorangan"}
        lat, lng = kabkota.lat, kabkota.lng
        if lat is None or lng is None:
            place = self.ref.provinces[province]
            lat, lng = place.lat, place.lng
        kecamatan = self.ref.kecamatan.get(kabkota.code) or []
        founded_low = 1985 if size != "mikro" else 2003
        profile: dict[str, Any] = {
            "business_name": name,
            "brand_name": rng.choice(self.data.words["brand"]) if entity and rng.random() < 0.3 else None,
            "legal_form": legal_form,
            "nib": f"{DEMO_NIB_PREFIX}{index + 1:08d}",
            "npwp": _npwp(rng, entity) if rng.random() < (0.9 if entity else 0.4) else None,
            "year_founded": min(created.year, rng.randint(founded_low, self.today.year - 1)),
            "phone": None,  # a made-up number could ring a real person; the demo uses e-mail only
            "email": f"{_slug(name)}.{index + 1:04d}@{DEMO_EMAIL_DOMAIN}",
            "address": self._address(),
            "province_code": province,
            "kabkota_code": kabkota.code,
            "kecamatan_code": rng.choice(kecamatan) if kecamatan and rng.random() < 0.6 else None,
            "desa_code": None,
            "lat": round(lat + rng.uniform(-0.04, 0.04), 6) if lat is not None else None,
            "lng": round(lng + rng.uniform(-0.04, 0.04), 6) if lng is not None else None,
            "primary_kbli": kbli[0] if kbli else None,
            "workers": rng.randint(3, 25) if cooperative else rng.randint(*WORKERS[size]),
            "women_owned": women_owned,
            "youth_owned": rng.random() < 0.22,
            "export_experience": rng.random()
            < self.data.sectors[sector].export * (0.2 if size == "mikro" else 1),
            "cooperative_id": None,
            "business_capital": capital,
            "annual_sales": sales,
            "size_class": size_class,
            "size_basis": basis,
            "status": status.value,
            "status_reason": rng.choice(self.data.rejected_reasons)
            if status is ProfileStatus.REJECTED
            else None,
            "submitted_at": submitted,
            "verified_at": verified,
            "verified_by_user_id": self.ref.verifier_user_id if verified else None,
            "erased_at": None,
            "created_at": created,
            "updated_at": verified or submitted or created,
        }
        plan = PlannedSupplier(
            index=index,
            org_type=OrgType.KOPERASI if cooperative else OrgType.UMKM,
            profile=profile,
            kbli_codes=kbli,
            size_records=[],
            certificates=certificates,
            products=products,
            sector=sector,
        )
        if size_class is not None and basis is not None:
            plan.size_records = self._size_history(plan, naik_kelas=naik_kelas)
            plan.naik_kelas = len(plan.size_records) > 1
        return plan

    def _sector(self, province: str, *, cooperative: bool) -> str:
        weights = {
            code: (s.coop if cooperative else s.weight) * (3.0 if province in s.boost else 1.0)
            for code, s in self.data.sectors.items()
        }
        return _pick(self.rng, {k: w for k, w in weights.items() if w > 0})

    def _honorific(self, province: str, *, female: bool) -> str:
        rng = self.rng
        group = next((g for g in self.data.honorifics if province in g.get("provinces", [])), None)
        default = self.data.honorifics[0]
        group = group or default
        title = rng.choice(group["female" if female else "male"])
        given = (
            group.get("female_names" if female else "male_names")
            or self.data.words["female" if female else "male"]
        )
        return f"{title} {rng.choice(given)}"

    def _business_name(
        self, sector_code: str, legal_form: str, province: str, kabkota: Place
    ) -> tuple[str, bool | None]:
        """A realistic name, unique in the registry, and whether its owner is a woman (None: not named)."""
        rng, words, sector = self.rng, self.data.words, self.data.sectors[sector_code]
        for attempt in range(12):
            female: bool | None = None
            pair = f"{rng.choice(words['first'])} {rng.choice(words['second'])}"
            if legal_form == "koperasi":
                # The sector's own patterns ("Koperasi Nelayan ...") twice as likely as the general ones.
                pattern = rng.choice([*words["cooperative"], *sector.coop_names, *sector.coop_names])
                name = pattern.format(
                    trade=rng.choice(sector.coop_trade),
                    word=pair,
                    islamic=rng.choice(words["islamic"]),
                    place=_place_word(kabkota.name),
                )
            elif legal_form in LEGAL_PREFIX:
                trade = f"{rng.choice(sector.trade)} " if rng.random() < 0.25 else ""
                suffix = " Nusantara" if legal_form == "pt" and rng.random() < 0.3 else ""
                name = f"{LEGAL_PREFIX[legal_form]} {trade}{pair}{suffix}"
            else:
                style = rng.random()
                if style < 0.5:
                    female = rng.random() < sector.women
                    name = f"{rng.choice(sector.owner)} {self._honorific(province, female=female)}"
                elif style < 0.85:
                    name = f"{rng.choice(sector.trade)} {pair}"
                else:
                    name = f"{rng.choice(sector.trade)} {_place_word(kabkota.name)}"
            if attempt >= 10:
                name = f"{name} {_place_word(kabkota.name)}"
            if name not in self.names_taken:
                self.names_taken.add(name)
                return name, female
        self.names_taken.add(name)
        return name, female

    def _figures(self, size: str, status: ProfileStatus) -> tuple[int | None, int | None]:
        """Annual sales and business capital; some new businesses know only their capital, some drafts neither."""
        rng = self.rng
        if status is ProfileStatus.DRAFT and rng.random() < 0.3:
            return None, None
        sales = int(round(_log_uniform(rng, *SALES_RANGES[size]), -6))
        capital = int(round(sales * rng.uniform(0.1, 0.4), -6))
        if rng.random() < 0.08:
            return None, min(capital, 900_000_000) if size == "mikro" else capital
        return sales, capital

    def _classify(self, sales: int | None, capital: int | None) -> tuple[str | None, str | None]:
        if sales is None and capital is None:
            return None, None
        result = classify_size(
            self.ref.thresholds, annual_sales=sales, business_capital=capital, on=self.today
        )
        return result.size_class, result.basis

    def _timeline(self, status: ProfileStatus) -> tuple[dt.datetime, dt.datetime | None, dt.datetime | None]:
        """Created, submitted and verified moments, in that order and in the past."""
        rng, moment = self.rng, self.moment
        if status is ProfileStatus.SUBMITTED:  # the verification queue: recent submissions
            submitted = moment - dt.timedelta(days=rng.uniform(0.2, 45))
            return submitted - dt.timedelta(days=rng.uniform(0, 20)), submitted, None
        created = moment - dt.timedelta(days=rng.uniform(3, 1000))
        if status is ProfileStatus.DRAFT:
            return created, None, None
        submitted = min(created + dt.timedelta(days=rng.uniform(0, 20)), moment - dt.timedelta(days=2))
        decided = min(submitted + dt.timedelta(days=rng.uniform(0.5, 30)), moment - dt.timedelta(hours=1))
        return created, submitted, decided if status is ProfileStatus.VERIFIED else None

    def _size_history(self, plan: PlannedSupplier, *, naik_kelas: bool) -> list[dict[str, Any]]:
        """The class since the profile was made; for some, the lower class it grew out of ("naik kelas")."""
        profile, rng = plan.profile, self.rng
        created: dt.datetime = profile["created_at"]
        current = {
            "size_class": profile["size_class"],
            "basis": profile["size_basis"],
            "annual_sales": profile["annual_sales"],
            "business_capital": profile["business_capital"],
            "effective_on": created.date(),
            "recorded_at": created,
        }
        if not naik_kelas:
            return [current]
        ranks = [t.size_class for t in self.ref.thresholds] + ["besar"]
        lower = ranks[max(0, ranks.index(profile["size_class"]) - 1)]
        low_sales = round(_log_uniform(rng, *SALES_RANGES[lower]), -6)
        grown = created + dt.timedelta(days=rng.randint(330, 400))
        earlier = {
            **current,
            "size_class": lower,
            "annual_sales": int(low_sales) if profile["annual_sales"] is not None else None,
            "business_capital": int(round(low_sales * rng.uniform(0.1, 0.4), -6)),
        }
        earlier_class, earlier_basis = self._classify(earlier["annual_sales"], earlier["business_capital"])
        if earlier_class is None or ranks.index(earlier_class) >= ranks.index(profile["size_class"]):
            return [current]
        earlier.update(size_class=earlier_class, basis=earlier_basis)
        return [earlier, {**current, "effective_on": grown.date(), "recorded_at": grown}]

    def _address(self) -> str:
        rng = self.rng
        address = f"Jl. {rng.choice(self.data.words['streets'])} No. {rng.randint(1, 250)}"
        if rng.random() < 0.4:
            address += f", RT {rng.randint(1, 15):03d}/RW {rng.randint(1, 9):03d}"
        return address

    # -- products --

    def _products(
        self,
        sector_code: str,
        size: str,
        status: ProfileStatus,
        cooperative: bool,
        business: str,
        kabkota: Place,
    ) -> list[PlannedProduct]:
        rng, sector = self.rng, self.data.sectors[sector_code]
        count = (
            rng.randint(1, 3)
            if status is ProfileStatus.DRAFT
            else rng.choices((2, 3, 4, 5, 6), (1, 2, 3, 3, 2))[0]
        )
        if self.product_factor is not None:  # scaled, rounded up or down at random to keep the mean
            count = max(1, int(count * self.product_factor + rng.random()))
        kind_weights = {k: (4.0 if i == 0 else 2.0 / i) for i, k in enumerate(sector.kinds)}
        used: set[str] = set()
        products: list[PlannedProduct] = []
        for attempt in range(count * 4):
            if len(products) == count:
                break
            kind = self.data.kinds[sector.kinds[0] if attempt == 0 else _pick(rng, kind_weights)]
            name = self._product_name(kind, kabkota)
            if name.lower() in used:
                continue
            used.add(name.lower())
            products.append(
                self._product(kind, name, len(products), size, cooperative, business, kabkota, sector)
            )
        return products

    def _product_name(self, kind: ProductKind, kabkota: Place) -> str:
        rng = self.rng
        name, own = rng.choice(self.data.names[kind.kind])
        if own:
            name = name.replace("{tempat}", _place_word(kabkota.name))
            if kind.sizes and not any(ch.isdigit() for ch in name) and rng.random() < 0.4:
                name = f"{name} {rng.choice(kind.sizes)}"
        return name

    def _product(
        self,
        kind: ProductKind,
        name: str,
        number: int,
        size: str,
        cooperative: bool,
        business: str,
        kabkota: Place,
        sector: Sector,
    ) -> PlannedProduct:
        rng = self.rng
        price_min = _nice_price(_log_uniform(rng, *kind.price))
        price_max = _nice_price(price_min * rng.choice((1.0, 1.0, 1.0, 1.1, 1.2, 1.35)))
        capacity = _two_digits(
            _log_uniform(rng, *kind.capacity) * CAPACITY_FACTOR[size] * (2.0 if cooperative else 1.0)
        )
        moq = max(1, kind.moq * rng.choice((1, 1, 1, 2, 5)) // (2 if rng.random() < 0.2 else 1))
        unit = self.ref.units[kind.unit_code].lower()
        place = _place_word(kabkota.name)
        description = rng.choice(
            (
                None,
                f"{name} dari {business}, {place}.",
                f"Dibuat di {place}. Pesanan minimal {moq} {unit}; kapasitas sekitar {capacity} {unit} per bulan.",
                f"{name}. Bahan pilihan, dikerjakan tenaga kerja lokal {place}; bisa pesanan khusus.",
            )
        )
        return PlannedProduct(
            kind=kind,
            code=f"P{number + 1:03d}",
            name=name[:200],
            description=description,
            own_category=sector.label if rng.random() < 0.35 else None,
            price_min=price_min,
            price_max=max(price_min, price_max),
            moq=moq,
            capacity=capacity,
            lead_days=rng.randint(*kind.lead_days),
            active=rng.random() < 0.96,
            certifications=[],
        )

    # -- certificates --

    def _certificates(
        self,
        products: Sequence[PlannedProduct],
        size: str,
        status: ProfileStatus,
        province: str,
        kabkota: Place,
    ) -> list[PlannedCertificate]:
        rng = self.rng
        applicable = list(dict.fromkeys(c for p in products for c in p.kind.certifications))
        if "iso_9001" not in applicable:
            applicable.append("iso_9001")
        damp = 0.5 if status is ProfileStatus.DRAFT else 1.0
        held = [c for c in applicable if rng.random() < CERT_CHANCE.get(c, {}).get(size, 0.2) * damp]
        return [self._certificate(code, province, kabkota) for code in held]

    def _certificate(self, type_code: str, province: str, kabkota: Place) -> PlannedCertificate:
        rng, today = self.rng, self.today
        issuer, years = self.ref.cert_types[type_code]
        valid_from: dt.date | None
        valid_until: dt.date | None
        if years is None:  # the reference table gives no fixed validity (halal since UU 6/2023, NKV ...)
            valid_from, valid_until = today - dt.timedelta(days=rng.randint(30, 1500)), None
        else:
            band = _pick(rng, {b: b[0] for b in EXPIRY_BANDS})
            low, high = band[1], max(band[1], min(band[2], years * 365 - 30))
            valid_until = today + dt.timedelta(days=rng.randint(low, high))
            valid_from = valid_until - dt.timedelta(days=years * 365 + years // 4)
        serial, year = rng.randrange(1, 100_000), (valid_from or today).year
        kab = kabkota.code.replace(".", "")
        number = {
            "halal": f"ID{province}{rng.randrange(10**13):013d}",
            "spp_irt": f"P-IRT {rng.randint(1, 5)}{rng.randint(1, 16):02d}{kab}{serial % 10000:04d}-{(valid_until or today).year % 100:02d}",
            "bpom_md": f"BPOM RI MD {rng.randrange(10**12):012d}",
            "bpom_na": f"NA{rng.choice(('18', '11'))}{rng.randrange(10**9):09d}",
            "bpom_tr": f"POM TR{rng.randrange(10**9):09d}",
            "sni": f"SPPT-SNI {serial:05d}/{year}",
            "tkdn": f"TKDN {serial:05d}/{year}",
            "slhs": f"SLHS/{kab}/{serial % 10000:04d}/{year}",
            "nkv": f"NKV {kab}-{serial % 10000:04d}",
        }.get(type_code, f"{type_code.upper().replace('_', '-')}/{serial:05d}/{year}")
        if type_code == "spp_irt":
            issuer = f"Pemerintah {kabkota.name}"
        return PlannedCertificate(type_code, number, issuer, valid_from, valid_until)

    # -- cooperatives --

    def _link_cooperatives(self, plans: Sequence[PlannedSupplier]) -> None:
        """Make some UMKM members of a cooperative in their province (preferring one in their trade)."""
        by_province: dict[str, list[PlannedSupplier]] = {}
        for plan in plans:
            if plan.org_type is OrgType.KOPERASI:
                by_province.setdefault(plan.profile["province_code"], []).append(plan)
        for plan in plans:
            coops = by_province.get(plan.profile["province_code"])
            if plan.org_type is OrgType.KOPERASI or not coops or self.rng.random() >= 0.15:
                continue
            same_trade = [c for c in coops if c.sector == plan.sector]
            plan.cooperative_index = self.rng.choice(same_trade or coops).index


# --- writing ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegistryReport:
    """What a load added (all zero and ``already_loaded`` > 0 when the registry was there before)."""

    suppliers: int = 0
    cooperatives: int = 0
    products: int = 0
    certifications: int = 0
    provinces: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    expired: int = 0
    expiring_14: int = 0
    expiring_60: int = 0
    naik_kelas: int = 0
    seconds: float = 0.0
    already_loaded: int = 0

    def summary(self) -> str:
        """One line for the terminal."""
        if self.already_loaded:
            return f"Demo registry already loaded ({self.already_loaded} suppliers); nothing added."
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        return (
            f"Demo registry: {self.suppliers} suppliers ({self.cooperatives} cooperatives) in {self.provinces} "
            f"provinces [{statuses}], {self.products} products, {self.certifications} certificates "
            f"({self.expiring_14} expiring within 14 days, {self.expiring_60} within 60, {self.expired} expired), "
            f"loaded in {self.seconds:.1f} s."
        )


def demo_supplier_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SupplierProfile)
            .where(SupplierProfile.nib.startswith(DEMO_NIB_PREFIX))
        )
        or 0
    )


def _insert_ids(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows in bulk and return their new ids in the order of ``rows``."""
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK * 4):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(session.scalars(stmt, list(rows[start : start + CHUNK * 4])).all())
    return ids


def _insert(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK * 4):
        session.execute(insert(model), list(rows[start : start + CHUNK * 4]))


def _write(session: Session, plans: Sequence[PlannedSupplier], importer_id: int | None = None) -> list[int]:
    """Write the planned suppliers, unclaimed and managed by ``importer_id`` as an import leaves them;
    returns their profile ids in plan order."""
    org_ids = _insert_ids(
        session,
        Organization,
        [
            {
                "name": p.profile["business_name"],
                "org_type": p.org_type.value,
                "region_code": p.profile["kabkota_code"],
                "is_active": True,
                "created_at": p.profile["created_at"],
            }
            for p in plans
        ],
    )
    # Cooperatives first, so that their members can point at them. Plain INSERTs and one query for the
    # ids by NIB: RETURNING in row order costs about three times as much on PostgreSQL.
    profile_ids: dict[str, int] = {}
    for cooperatives in (True, False):
        _insert(
            session,
            SupplierProfile,
            [
                {
                    **plan.profile,
                    "organization_id": org_ids[plan.index],
                    "managed_by_organization_id": importer_id,
                    "claimed_at": None,
                    "cooperative_id": None
                    if plan.cooperative_index is None
                    else profile_ids[plans[plan.cooperative_index].profile["nib"]],
                }
                for plan in plans
                if (plan.org_type is OrgType.KOPERASI) is cooperatives
            ],
        )
        found = select(SupplierProfile.nib, SupplierProfile.id).where(
            SupplierProfile.nib.startswith(DEMO_NIB_PREFIX)
        )
        profile_ids = dict(session.execute(found).all())
    ids = [profile_ids[p.profile["nib"]] for p in plans]
    _insert(
        session,
        SupplierKbli,
        [
            {"supplier_id": sid, "kbli_code": code, "is_primary": n == 0}
            for sid, plan in zip(ids, plans, strict=True)
            for n, code in enumerate(plan.kbli_codes)
        ],
    )
    _insert(
        session,
        SizeClassRecord,
        [
            {"supplier_id": sid, **record}
            for sid, plan in zip(ids, plans, strict=True)
            for record in plan.size_records
        ],
    )
    _insert(
        session,
        Certification,
        [
            {
                "supplier_id": sid,
                "type_code": c.type_code,
                "number": c.number,
                "issuer": c.issuer,
                "valid_from": c.valid_from,
                "valid_until": c.valid_until,
                "status": "verified" if plan.profile["status"] == ProfileStatus.VERIFIED.value else "pending",
                "created_at": plan.profile["submitted_at"] or plan.profile["created_at"],
            }
            for sid, plan in zip(ids, plans, strict=True)
            for c in plan.certificates
        ],
    )
    products = [
        (sid, plan, product) for sid, plan in zip(ids, plans, strict=True) for product in plan.products
    ]
    _insert(
        session,
        Product,
        [
            {
                "supplier_id": sid,
                "code": p.code,
                "name": p.name,
                "description": p.description,
                "category_code": p.kind.category_code,
                "own_category": p.own_category,
                "kbli_code": p.kind.kbli_code,
                "hs_code": p.kind.hs_code,
                "unit_code": p.kind.unit_code,
                "price_min": p.price_min,
                "price_max": p.price_max,
                "moq": p.moq,
                "capacity_per_month": p.capacity,
                "lead_time_days": p.lead_days,
                "is_active": p.active,
                "created_at": plan.profile["created_at"],
                "updated_at": plan.profile["updated_at"],
            }
            for sid, plan, p in products
        ],
    )
    product_ids = {
        (supplier_id, code): product_id
        for supplier_id, code, product_id in session.execute(
            select(Product.supplier_id, Product.code, Product.id)
            .join(SupplierProfile, SupplierProfile.id == Product.supplier_id)
            .where(SupplierProfile.nib.startswith(DEMO_NIB_PREFIX))
        )
    }
    _insert(
        session,
        ProductCertification,
        [
            {"product_id": product_ids[(sid, product.code)], "type_code": code}
            for sid, _, product in products
            for code in product.certifications
        ],
    )
    for start in range(0, len(ids), CHUNK):
        directory.refresh(session, ids[start : start + CHUNK])
    return ids


def _report(plans: Sequence[PlannedSupplier], today: dt.date) -> RegistryReport:
    statuses: dict[str, int] = {}
    for plan in plans:
        statuses[plan.profile["status"]] = statuses.get(plan.profile["status"], 0) + 1
    ends = [c.valid_until for p in plans for c in p.certificates if c.valid_until is not None]
    days = [(end - today).days for end in ends]
    return RegistryReport(
        suppliers=len(plans),
        cooperatives=sum(p.org_type is OrgType.KOPERASI for p in plans),
        products=sum(len(p.products) for p in plans),
        certifications=sum(len(p.certificates) for p in plans),
        provinces=len({p.profile["province_code"] for p in plans}),
        statuses=statuses,
        expired=sum(d < 0 for d in days),
        expiring_14=sum(0 <= d <= EXPIRY_WARNING_DAYS[1] for d in days),
        expiring_60=sum(EXPIRY_WARNING_DAYS[1] < d <= EXPIRY_WARNING_DAYS[0] for d in days),
        naik_kelas=sum(p.naik_kelas for p in plans),
    )


def plan_registry(
    data: DemoData,
    reference: Reference,
    *,
    suppliers: int,
    seed: int,
    today: dt.date,
    products_per_supplier: float | None = None,
) -> list[PlannedSupplier]:
    """The registry as plain data (no database): what ``load_demo_registry`` writes."""
    rng = random.Random(seed)  # noqa: S311 - the demo must be reproducible; nothing here is secret
    return Planner(data, reference, rng, today, products_per_supplier).plan(suppliers)


def load_demo_registry(
    session: Session,
    *,
    suppliers: int = 3000,
    seed: int = 2026,
    products_per_supplier: float | None = None,
) -> RegistryReport:
    """Add the demo supplier registry unless it is already there (``products_per_supplier``: about so
    many products a supplier, for the large demo; None: the registry's own mix). Flushes, never commits."""
    if not 1 <= suppliers <= 10**8 - 1:
        raise ValueError("suppliers must be between 1 and 99,999,999")
    started = time.perf_counter()
    existing = demo_supplier_count(session)
    if existing:
        return RegistryReport(already_loaded=existing)
    today = now().date()
    data = demo_data()
    reference = read_reference(session, data, today)
    plans = plan_registry(
        data,
        reference,
        suppliers=suppliers,
        seed=seed,
        today=today,
        products_per_supplier=products_per_supplier,
    )
    importer = identity_repo.organization_by_name(session, IMPORTER_ORGANIZATION)
    _write(session, plans, importer.id if importer else None)
    report = _report(plans, today)
    loaded = {
        "seed": seed,
        "nib_prefix": DEMO_NIB_PREFIX,
        "managed_by_organization_id": importer.id if importer else None,
        "suppliers": report.suppliers,
        "cooperatives": report.cooperatives,
        "products": report.products,
        "certifications": report.certifications,
    }
    audit.record(session, Event.DEMO_REGISTRY_LOADED, None, by=None, details=loaded)
    return replace(report, seconds=round(time.perf_counter() - started, 2))
