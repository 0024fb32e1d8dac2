"""Procurement needs for ``rantai demo``: BUMN buyers and the real plan lines they could post.

Two shipped files feed it (provenance in ``data/SOURCES.md``):

- ``data/bumn_buyers.csv``: state-owned enterprises and their units (a large private buyer and a global one
  besides) that buy what UMKM make, with the kab/kota of the office, the product kinds
  (``data/product_kinds.csv``) they plausibly buy and, for BUMN, their yearly goods-and-services budget;
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
import re
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
PAGU_GROWTH_PERCENT = 6  # a buyer's pagu a year earlier is this much smaller (demo assumption)

# The spend groups BUMN reserve for UMKM (issue #15): each is the product kinds whose lines fall in it.
# Kinds not named here are the goods a BUMN's units buy every month ("routine").
SPEND_GROUPS: dict[str, tuple[str, ...]] = {
    "construction_materials": ("material_bangunan",),
    "equipment": ("peralatan_kerja", "sewa_peralatan"),
    "construction_services": ("renovasi_bangunan", "las"),
    "maintenance": ("pemeliharaan_mesin",),
    "expedition_packing": ("ekspedisi", "kemasan_kertas"),
    "advertising": ("reklame",),
}
ROUTINE = "routine"
_GROUP_OF = {kind: group for group, kinds in SPEND_GROUPS.items() for kind in kinds}

# What a BUMN unit needs a line for, by spend group (or kind, for the commonest routine goods); the
# title takes one, fixed by kd_rup. Ours: the plan lines say what the goods are, not what a BUMN wants them for.
_PURPOSES: dict[str, tuple[str, ...]] = {
    "construction_materials": (
        "untuk Perbaikan Gudang",
        "untuk Pemeliharaan Kantor Unit",
        "untuk Perbaikan Fasilitas Operasional",
        "untuk Program Bedah Rumah TJSL",
    ),
    "equipment": (
        "untuk Operasional Unit",
        "untuk Fasilitas Kantor Unit",
        "untuk Kegiatan Perusahaan",
    ),
    "construction_services": ("Kantor Unit", "Area Operasional", "Mess Karyawan"),
    "maintenance": ("Kantor Unit", "Gedung Operasional", "Triwulanan", "Semester I"),
    "expedition_packing": (
        "untuk Distribusi Material ke Unit Layanan",
        "untuk Pengiriman Antarunit",
        "untuk Distribusi Barang Program TJSL",
    ),
    "advertising": (
        "untuk Promosi Layanan",
        "untuk Program TJSL",
        "untuk Kampanye Keselamatan Kerja",
        "untuk HUT Perusahaan",
    ),
    "kemasan_kertas": (
        "untuk Pengepakan Barang Kiriman",
        "untuk Kemasan Produk Mitra Binaan",
        "untuk Arsip dan Pengiriman Dokumen",
    ),
    "katering": (
        "untuk Pelatihan Karyawan",
        "untuk Kegiatan K3 Unit",
        "untuk Kunjungan Kerja Direksi",
        "untuk Sosialisasi Program Kemitraan",
    ),
    "snack_box": ("untuk Rapat Koordinasi Unit", "untuk Pelatihan Karyawan", "untuk Safety Briefing"),
    "bibit": ("untuk Program Penghijauan TJSL", "untuk Kebun Percontohan Mitra Binaan"),
    "pupuk_organik": ("untuk Program Penghijauan TJSL", "untuk Kebun Percontohan Mitra Binaan"),
    "pakan": ("untuk Program Kemitraan Budidaya", "untuk Bantuan Kelompok Binaan TJSL"),
    "benih_ikan": ("untuk Program Kemitraan Budidaya", "untuk Bantuan Kelompok Binaan TJSL"),
    "suvenir": ("untuk Cendera Mata Tamu Perusahaan", "untuk Kegiatan Perusahaan"),
    "batik": ("untuk Cendera Mata Tamu Perusahaan", "untuk Seragam Hari Batik Karyawan"),
    "tenun": ("untuk Cendera Mata Tamu Perusahaan", "untuk Gerai Produk Mitra Binaan"),
    "acara": ("untuk HUT Perusahaan", "untuk Gathering Karyawan", "untuk Kegiatan Perusahaan"),
    "seragam": ("untuk Karyawan Lapangan", "untuk Petugas Operasional", "untuk Karyawan Kantor Unit"),
    ROUTINE: ("untuk Kebutuhan Kantor Unit", "untuk Kegiatan Operasional", "untuk Kebutuhan Bulanan Unit"),
}
# Words that begin a service or works name: such a title is not "Pengadaan ...".
_SERVICE_WORDS = re.compile(
    r"^(Jasa|Sewa|Pemeliharaan|Perawatan|Perbaikan|Renovasi|Pembangunan|Pembuatan|Pemasangan|Pengecatan|"
    r"Penggantian|Servis|Iklan|Makan|Snack|Nasi|Penyelenggaraan|Event|Laundry|Cleaning)\b"
)
# Local-government budget boilerplate a need must not carry (issue #15): budget words, account codes,
# budget documents, the planning office's places and years. A piece of a line's description or
# specification that holds any is left out.
BOILERPLATE = re.compile(
    r"(?i)\b(belanja|beban|sub kegiatan|dpa|skpd|apbd|apbn|dak|satker|kabupaten|kecamatan|desa|kelurahan|"
    r"provinsi|kepala dinas|pemerintah|pemda|korpri|kdh|pemilu|persediaan untuk dijual|"
    r"diserahkan kepada masyarakat|tahun anggaran)\b|\b(prov|kab|kec)\.|\d+\.\d+\.\d+\.\d+|\b20[12]\d\b"
)


@dataclass(frozen=True, slots=True)
class BuyerSeed:
    """One row of data/bumn_buyers.csv: a buyer (mostly a BUMN or one of its units) that posts needs."""

    name: str  # the organization's name: nama_perusahaan as the source lists it, then the unit, if any
    cluster: str  # klaster: the (older, 13-cluster) Kementerian BUMN grouping; "" for other buyers
    slug: str  # short ASCII id, unique
    province_code: str  # Kemendagri code of the office's province ("31")
    kabkota_code: str  # Kemendagri code of the office's kab/kota ("31.71")
    kinds: tuple[str, ...]  # product kinds it buys (data/product_kinds.csv)
    org_type: str = "bumn"  # an OrgType value: bumn, swasta_besar or pembeli_global
    pagu: int | None = None  # goods-and-services budget of the latest year, whole Rupiah (BUMN only)


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


def _clean_pieces(text: str | None) -> str | None:
    """The pieces of a RUP text without those carrying budget boilerplate (``BOILERPLATE``)."""
    if text is None:
        return None
    return "; ".join(p for p in text.split("; ") if not BOILERPLATE.search(p)) or None


@cache
def _buyers() -> tuple[BuyerSeed, ...]:
    return tuple(
        BuyerSeed(
            name=f"{row['nama_perusahaan']} {row['unit']}".strip(),
            cluster=row["klaster"],
            slug=row["slug"],
            province_code=row["province_code"],
            kabkota_code=row["kabkota_code"],
            kinds=tuple(row["kinds"].split()),
            org_type=row["org_type"],
            pagu=int(row["pagu_juta"]) * 1_000_000 if row["pagu_juta"] else None,
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
            description=_clean_pieces(_pieces(row["uraian_pekerjaan"])),
            specification=_clean_pieces(_pieces(row["spesifikasi_pekerjaan"])),
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


def spend_group(kind: str | None) -> str:
    """The spend group a product kind's lines fall in (``SPEND_GROUPS``), else ``ROUTINE``."""
    return _GROUP_OF.get(kind or "", ROUTINE)


def need_title(line: NeedSeed) -> str:
    """The need's title as a BUMN unit would write it: the good or service, then what it is for.

    Made from ``name`` (already free of budget words, codes, places and years), never from the plan's
    ``package_name`` ("Belanja ... DPA-SKPD"). Goods are "Pengadaan ..."; services and works are named by
    themselves ("Perawatan AC Kantor Unit"). Which purpose follows from kd_rup alone.
    """
    group = spend_group(line.kind)
    purposes = _PURPOSES.get(line.kind or "") or _PURPOSES.get(group) or _PURPOSES[ROUTINE]
    purpose = purposes[_digest(line, "title") % len(purposes)]
    if line.name.endswith(" Kantor") and purpose.startswith("Kantor "):
        purpose = purpose.removeprefix("Kantor ")  # "Pemeliharaan Taman Kantor Unit", not "Kantor Kantor"
    head = line.name if _SERVICE_WORDS.match(line.name) else f"Pengadaan {line.name}"
    return f"{head} {purpose}"


def budget_by_year(buyer: BuyerSeed, *, today: dt.date, years: int = 3) -> dict[int, int]:
    """The buyer's pagu for each of the last ``years`` years up to ``today``'s, in whole Rupiah: the
    latest is the file's, each earlier year ``PAGU_GROWTH_PERCENT`` smaller (rounded to a million)."""
    if buyer.pagu is None:
        return {}
    out = {}
    for back in range(years):
        factor = (100 - PAGU_GROWTH_PERCENT) ** back / 100**back
        out[today.year - back] = round(buyer.pagu * factor / 1_000_000) * 1_000_000
    return out
