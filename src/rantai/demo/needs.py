"""Procurement needs for ``rantai demo``: BUMN buyers and the real plan lines they could post.

Two shipped files feed it (provenance in ``data/SOURCES.md``):

- ``data/bumn_buyers.csv``: state-owned enterprises that buy what UMKM make, with the kab/kota of their
  head office and the product kinds (``data/product_kinds.csv``) they plausibly buy;
- ``data/rup_needs.csv.gz``: a few thousand real goods and services lines of the Kalimantan Barat
  procurement plans (RUP), each with the product kind it fits, a clean name and a quantity.

Everything here is pure (no database, no clock): callers pass ``today`` and a seed, so the same inputs
always give the same plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Large cities a line may be delivered to instead of the buyer's own head office (Kemendagri codes).
DELIVERY_CITIES = (
    "12.71",  # Kota Medan
    "16.71",  # Kota Palembang
    "31.74",  # Kota Administrasi Jakarta Selatan
    "32.73",  # Kota Bandung
    "33.74",  # Kota Semarang
    "34.71",  # Kota Yogyakarta
    "35.78",  # Kota Surabaya
    "51.71",  # Kota Denpasar
    "61.71",  # Kota Pontianak
    "64.72",  # Kota Samarinda
    "71.71",  # Kota Manado
    "73.71",  # Kota Makassar
)
ELSEWHERE_SHARE = 4  # one line in this many is delivered to one of DELIVERY_CITIES
NEEDED_BY_DAYS = (30, 120)  # a line is needed this many days after ``today`` (inclusive range)
_BLANK_PIECES = frozenset({"", "-", "--", "---", "nan"})


@dataclass(frozen=True, slots=True)
class BuyerSeed:
    """One row of data/bumn_buyers.csv: a state-owned enterprise that posts needs in the demo."""

    name: str  # nama_perusahaan, as the source lists it
    cluster: str  # klaster: the (older, 13-cluster) Kementerian BUMN grouping
    slug: str  # short ASCII id, unique
    province_code: str  # Kemendagri code of the head office's province ("31")
    kabkota_code: str  # Kemendagri code of the head office's kab/kota ("31.71")
    kinds: tuple[str, ...]  # product kinds it buys (data/product_kinds.csv)


@dataclass(frozen=True, slots=True)
class NeedSeed:
    """One row of data/rup_needs.csv.gz: a real procurement plan line, named and sized for the demo."""

    kd_rup: str  # the RUP package id (unique)
    year: int  # tahun_anggaran
    procurement_type: str  # jenis_pengadaan: "Barang" or "Jasa Lainnya"
    method: str  # metode_pengadaan ("E-Purchasing", "Pengadaan Langsung" ...)
    package_name: str  # nama_paket, as planned
    budget: int  # pagu, whole Rupiah
    volume: str  # volume_pekerjaan, as planned ("1 Paket", "90 Buah")
    description: str | None  # uraian_pekerjaan, its distinct items joined with "; "
    specification: str | None  # spesifikasi_pekerjaan, likewise
    selection_start: dt.date  # tgl_awal_pemilihan
    contract_start: dt.date  # tgl_awal_kontrak
    contract_end: dt.date  # tgl_akhir_kontrak
    kind: str | None  # the product kind it fits; None when none fits well
    name: str  # demo_name: the good as a buyer would type it
    quantity: int  # jumlah
    unit_code: str  # satuan (ref_unit code)
    # "volume": the line states it; "pagu": estimated from the budget and the kind's typical price;
    # "paket": no kind and no readable volume, so the whole budget is one package
    quantity_from: str


def _read_text(name: str) -> str:
    data = resources.files("rantai.demo").joinpath(f"data/{name}").read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read_text(name), newline="")))


def _pieces(text: str) -> str | None:
    """The distinct, non-blank ';'-separated pieces of a RUP text field, or None when nothing is left."""
    seen: dict[str, None] = {}
    for raw in text.replace("\r", "\n").replace("\n", ";").split(";"):
        piece = " ".join(raw.split())
        if piece.lower() not in _BLANK_PIECES:
            seen.setdefault(piece, None)
    return "; ".join(seen) or None


@cache
def _buyers() -> tuple[BuyerSeed, ...]:
    return tuple(
        BuyerSeed(
            name=row["nama_perusahaan"],
            cluster=row["klaster"],
            slug=row["slug"],
            province_code=row["province_code"],
            kabkota_code=row["kabkota_code"],
            kinds=tuple(row["kinds"].split()),
        )
        for row in _rows("bumn_buyers.csv")
    )


@cache
def _need_lines() -> tuple[NeedSeed, ...]:
    return tuple(
        NeedSeed(
            kd_rup=row["kd_rup"],
            year=int(row["tahun_anggaran"]),
            procurement_type=row["jenis_pengadaan"],
            method=row["metode_pengadaan"],
            package_name=row["nama_paket"],
            budget=int(row["pagu"]),
            volume=row["volume_pekerjaan"],
            description=_pieces(row["uraian_pekerjaan"]),
            specification=_pieces(row["spesifikasi_pekerjaan"]),
            selection_start=dt.date.fromisoformat(row["tgl_awal_pemilihan"]),
            contract_start=dt.date.fromisoformat(row["tgl_awal_kontrak"]),
            contract_end=dt.date.fromisoformat(row["tgl_akhir_kontrak"]),
            kind=row["kind"] or None,
            name=row["demo_name"],
            quantity=int(row["jumlah"]),
            unit_code=row["satuan"],
            quantity_from=row["jumlah_dari"],
        )
        for row in _rows("rup_needs.csv.gz")
    )


def load_buyers() -> list[BuyerSeed]:
    """The demo's BUMN buyers, in file order (the file is read once)."""
    return list(_buyers())


def load_need_lines() -> list[NeedSeed]:
    """The real procurement plan lines the demo's needs are made of, in file order (read once)."""
    return list(_need_lines())


def plan_needs(
    buyers: Sequence[BuyerSeed], lines: Sequence[NeedSeed], *, per_buyer: int, seed: int
) -> dict[str, list[NeedSeed]]:
    """Give each buyer up to ``per_buyer`` lines of the kinds it buys; buyer slug -> its lines.

    A buyer only gets lines whose kind is in its ``kinds``, or lines without a kind. No line goes to two
    buyers. Buyers take turns, one line each, and each buyer rotates through its kinds, so a buyer's
    lines spread over what it buys rather than piling up in the commonest kind. A buyer gets fewer
    than ``per_buyer`` lines when no unclaimed line it could take is left. Deterministic: the same
    buyers, lines, ``per_buyer`` and ``seed`` give the same plan, whatever order ``lines`` come in.
    """
    if per_buyer < 0:
        raise ValueError("per_buyer must not be negative")
    slugs = [b.slug for b in buyers]
    if len(set(slugs)) != len(slugs):
        raise ValueError("buyer slugs must be unique")
    rng = random.Random(seed)  # noqa: S311 - the demo must be reproducible; nothing here is secret
    order = sorted(lines, key=lambda line: line.kd_rup)
    rng.shuffle(order)
    queues: dict[str, dict[str | None, deque[NeedSeed]]] = {}
    rotation: dict[str, deque[str | None]] = {}
    for buyer in buyers:
        buys = set(buyer.kinds)
        by_kind: dict[str | None, deque[NeedSeed]] = {}
        for line in order:
            if line.kind is None or line.kind in buys:
                by_kind.setdefault(line.kind, deque()).append(line)
        kinds = sorted(by_kind, key=lambda k: k or "")
        rng.shuffle(kinds)
        queues[buyer.slug] = by_kind
        rotation[buyer.slug] = deque(kinds)
    plan: dict[str, list[NeedSeed]] = {slug: [] for slug in slugs}
    taken: set[str] = set()
    active = [slug for slug in slugs if per_buyer > 0]
    while active:
        still = []
        for slug in active:
            picked = _next_line(queues[slug], rotation[slug], taken)
            if picked is None:
                continue
            taken.add(picked.kd_rup)
            plan[slug].append(picked)
            if len(plan[slug]) < per_buyer:
                still.append(slug)
        active = still
    return plan


def _next_line(
    queues: dict[str | None, deque[NeedSeed]], rotation: deque[str | None], taken: set[str]
) -> NeedSeed | None:
    """The next unclaimed line of the next kind in the rotation (kinds that run dry leave it)."""
    while rotation:
        kind = rotation[0]
        queue = queues[kind]
        while queue and queue[0].kd_rup in taken:
            queue.popleft()
        if not queue:
            rotation.popleft()
            continue
        rotation.rotate(-1)
        return queue.popleft()
    return None


def _digest(line: NeedSeed, purpose: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{purpose}:{line.kd_rup}".encode()).digest()[:8], "big")


def needed_by(line: NeedSeed, *, today: dt.date) -> dt.date:
    """The date the demo need wants the line delivered: 30 to 120 days after ``today``, fixed by kd_rup."""
    low, high = NEEDED_BY_DAYS
    return today + dt.timedelta(days=low + _digest(line, "needed_by") % (high - low + 1))


def delivery_kabkota(line: NeedSeed, buyer: BuyerSeed) -> str:
    """Where the line is delivered: mostly the buyer's head office kab/kota, one in four a large city.

    Which, again, follows from kd_rup alone, so a line keeps its place from one demo load to the next.
    """
    digest = _digest(line, "delivery")
    if digest % ELSEWHERE_SHARE:
        return buyer.kabkota_code
    return DELIVERY_CITIES[(digest // ELSEWHERE_SHARE) % len(DELIVERY_CITIES)]
