"""The real words the registry generator recombines, read from the dev data and the shipped reference data.

- Goods lines of the RUP of Kalimantan Barat 2023-2025 (LKPP public data, `rup_kalbar_2023_2025.csv`):
  each line lists its items (`uraian_pekerjaan`) and their specifications (`spesifikasi_pekerjaan`) in
  the same order, so an item keeps its own specifications ("Kertas" + "HVS 75 gr A4"). Items are grouped
  into lines of business by the package name ("Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis
  Kantor" -> "Alat Tulis Kantor").
- PRDECT-ID e-commerce titles (`prdect_id_products.csv`, CC BY 4.0), one line of business per category.
- Kemendagri 2025 kab/kota codes and names of all 38 provinces, kecamatan codes, KBLI 2020 five-digit
  codes (`kelompok_5d`), BTKI 2022 tariff lines, unit codes and the platform category tree: the files
  the application itself loads, so every code the generator writes exists (except in the bad rows).

Everything is sorted after reading, so one seed gives one file on any machine.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[2]
DEV_DATA: Final = REPO.parent / "shared" / "data" / "dev"
TITLES_CSV: Final = DEV_DATA / "prdect_id_products.csv"
RUP_CSV: Final = DEV_DATA / "rup_kalbar_2023_2025.csv"
REFERENCE: Final = REPO / "src" / "rantai" / "reference" / "data"
CATEGORIES_CSV: Final = REPO / "src" / "rantai" / "catalog" / "data" / "categories.csv"

# Budget lines that buy a service rather than goods a supplier lists.
_SERVICE_WORDS: Final = frozenset(
    (
        "belanja",
        "beban",
        "biaya",
        "jasa",
        "sewa",
        "honor",
        "honorarium",
        "perjalanan",
        "pemeliharaan",
        "langganan",
        "penggandaan",
        "fotocopy",
        "fotokopi",
        "jilid",
        "cetak",
        "pencetakan",
        "meeting",
        "rapat",
        "kegiatan",
        "penginapan",
        "transportasi",
        "paket",
        "konsumsi",
        "pengiriman",
    )
)
_JUNK: Final = frozenset({"", "-", "--", "---", "nan", "null", "none", "0", ".", "ls", "lainnya"})
_PACKAGE_PREFIXES: Final = (
    "belanja alat/bahan untuk kegiatan kantor",
    "belanja bahan",
    "belanja modal",
    "belanja",
    "pengadaan",
    "penyediaan",
)
MIN_ITEM_LINES: Final = 3  # an item named on fewer RUP lines is too odd to recombine
MIN_FAMILY_ITEMS: Final = 4

# Lines of business -> platform category (catalog/data/categories.csv), by words of the line's label.
# First match wins; the category's KBLI prefixes then give the suppliers' KBLI codes.
_CATEGORY_RULES: Final = (
    (("minuman", "minum", "drink", "kopi", "teh"), "pangan.minuman"),
    (("makan", "makanan", "snack", "kue", "food", "beras", "gula", "sembako", "natura"), "pangan.olahan"),
    (("bumbu", "sambal", "rempah"), "pangan.bumbu"),
    (("daging", "ikan", "ayam"), "pangan.daging_ikan"),
    (("animal", "pakan", "ternak", "hewan"), "pertanian.ternak"),
    (("bibit", "benih", "tanaman", "pupuk", "herbisida", "pertanian", "polybag"), "pertanian.tanaman"),
    (("kertas", "cover", "amplop"), "atk.kertas"),
    (("tulis", "atk", "office", "stationery", "books", "buku", "map", "cetakan"), "atk"),
    (("komputer", "computers", "laptops", "electronics", "camera", "phones", "gaming", "printer"), "teknik"),
    (("listrik", "lampu", "kabel", "elektronik"), "teknik.elektronik"),
    (("automotive", "kendaraan", "suku", "cadang", "bakar", "pelumas"), "teknik.suku_cadang"),
    (("seragam", "pakaian", "dinas", "men's", "women's", "kids"), "tekstil.seragam"),
    (("muslim", "batik", "tenun", "kain"), "tekstil.batik"),
    (("beauty", "kosmetik", "body"), "kimia.kosmetik"),
    (("health", "obat", "kesehatan", "medis", "kedokteran", "mother", "baby"), "kimia.jamu"),
    (("pembersih", "kebersihan", "rumah", "tangga", "household", "kitchen", "sabun"), "kimia.pembersih"),
    (("carpentry", "bangunan", "material", "cat", "besi", "semen"), "bangunan.material"),
    (("suvenir", "cendera", "party", "craft", "toys", "hobbies", "precious", "sport"), "kerajinan.suvenir"),
    (("furnitur", "meubelair", "mebel", "kursi", "meja"), "kerajinan.furnitur"),
)
FALLBACK_CATEGORY: Final = "lainnya"
# Goods kinds decide units and certificates.
_FOOD_CATEGORIES: Final = frozenset({"pangan.minuman", "pangan.olahan", "pangan.bumbu", "pangan.daging_ikan"})
_CARE_CATEGORIES: Final = frozenset({"kimia.kosmetik", "kimia.jamu", "kimia.pembersih"})


@dataclass(frozen=True, slots=True)
class Family:
    """A line of business: its label, the platform category it maps to, and the phrases of its products.

    ``kind`` "rup": ``phrases`` are items, each with its real specifications in ``details``;
    "title": ``phrases`` are whole e-commerce titles, recombined opening + ending.
    """

    label: str
    category: str
    kind: str
    phrases: tuple[str, ...]
    details: tuple[tuple[str, ...], ...]
    weight: float

    @property
    def goods(self) -> str:
        if self.category in _FOOD_CATEGORIES:
            return "food"
        if self.category in _CARE_CATEGORIES:
            return "care"
        return "goods"


def clean(text: str) -> str:
    """One line: runs of whitespace (tabs, line breaks) folded to single spaces."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def package_label(package_name: str) -> str:
    """What a RUP package buys, from its name: "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis
    Kantor (5.02...)" -> "Alat Tulis Kantor"; empty when nothing is left."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", package_name)
    text = clean(re.split(r"[_:;]|\d+\.\d+", text)[0])
    lower = text.lower()
    for prefix in _PACKAGE_PREFIXES:
        if lower.startswith(prefix):
            text = text[len(prefix) :]
            break
    kept = text.strip(" -/,.").split()[:4]
    return " ".join(w if w.lower() in {"dan", "untuk"} else w.capitalize() for w in kept).strip(" -/,.")


def category_for(label: str) -> str:
    found = set(words(label))
    for keys, code in _CATEGORY_RULES:
        if found & set(keys):
            return code
    return FALLBACK_CATEGORY


def _split(text: str) -> list[str]:
    """A `;`-separated RUP cell as its entries, empty ones kept so items and specifications align."""
    parts = [clean(part) for part in text.split(";")]
    if parts and not parts[-1]:
        parts.pop()
    return parts


class Vocabulary:
    """The real phrases and codes the generator draws from (each read once, lazily)."""

    def __init__(self, *, titles_csv: Path = TITLES_CSV, rup_csv: Path = RUP_CSV) -> None:
        self.titles_csv = titles_csv
        self.rup_csv = rup_csv

    @cached_property
    def families(self) -> tuple[Family, ...]:
        return (*self._rup_families(), *self._title_families())

    def _rup_families(self) -> list[Family]:
        specs: dict[str, Counter[str]] = defaultdict(Counter)
        labels: dict[str, Counter[str]] = defaultdict(Counter)
        with self.rup_csv.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if not row["jenis_pengadaan"].startswith("Barang"):
                    continue
                label = package_label(row["nama_paket"])
                if not label or set(words(label)) & _SERVICE_WORDS:
                    continue
                items = _split(row["uraian_pekerjaan"])
                details = _split(row["spesifikasi_pekerjaan"])
                if len(details) != len(items):
                    details = [""] * len(items)
                for item, written in zip(items, details, strict=True):
                    found = words(item)
                    if not found or len(found) > 6 or set(found) & _SERVICE_WORDS or "/" in item[:1]:
                        continue
                    detail = "" if written.lower() in _JUNK or len(written) > 40 else written
                    specs[item][detail] += 1
                    labels[item][label] += 1
        grouped: dict[str, list[str]] = defaultdict(list)
        for item in sorted(specs):
            if sum(specs[item].values()) >= MIN_ITEM_LINES:
                grouped[labels[item].most_common(1)[0][0]].append(item)
        families = []
        for label, items in sorted(grouped.items()):
            if len(items) < MIN_FAMILY_ITEMS:
                continue
            details = tuple(tuple(sorted(d for d in specs[item] if d)) for item in items)
            weight = sum(sum(specs[item].values()) for item in items) ** 0.5
            families.append(Family(label, category_for(label), "rup", tuple(items), details, weight))
        return families

    def _title_families(self) -> list[Family]:
        by_category: dict[str, list[str]] = defaultdict(list)
        with self.titles_csv.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                by_category[row["category"]].append(clean(row["product_name"]))
        return [
            Family(label, category_for(label), "title", tuple(sorted(titles)), (), float(len(titles)))
            for label, titles in sorted(by_category.items())
            if len(titles) >= MIN_FAMILY_ITEMS
        ]

    @cached_property
    def kabkota(self) -> tuple[tuple[str, str], ...]:
        """Every kab/kota of the 38 provinces: (code, name), sorted by code."""
        with gzip.open(REFERENCE / "wilayah2025_prov_kabkota_centroids.csv.gz", "rt", encoding="utf-8") as f:
            return tuple(sorted((r["kode"], r["nama"]) for r in csv.DictReader(f) if r["level"] == "2"))

    @cached_property
    def provinces(self) -> tuple[tuple[str, str], ...]:
        with gzip.open(REFERENCE / "wilayah2025_prov_kabkota_centroids.csv.gz", "rt", encoding="utf-8") as f:
            return tuple(sorted((r["kode"], r["nama"]) for r in csv.DictReader(f) if r["level"] == "1"))

    @cached_property
    def kecamatan(self) -> dict[str, tuple[str, ...]]:
        """Kecamatan codes per kab/kota code."""
        found: dict[str, list[str]] = defaultdict(list)
        with gzip.open(REFERENCE / "wilayah2025_all_levels.csv.gz", "rt", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["level"] == "3":
                    found[row["kode"].rsplit(".", 1)[0]].append(row["kode"])
        return {code: tuple(sorted(codes)) for code, codes in found.items()}

    @cached_property
    def unique_kabkota_names(self) -> frozenset[str]:
        """Kab/kota names that name one region only (a row may give the name instead of the code)."""
        counts = Counter(name.removeprefix("Kabupaten ").removeprefix("Kota ") for _, name in self.kabkota)
        return frozenset(
            name
            for _, name in self.kabkota
            if counts[name.removeprefix("Kabupaten ").removeprefix("Kota ")] == 1
        )

    @cached_property
    def kbli_5d(self) -> tuple[str, ...]:
        with gzip.open(REFERENCE / "kbli2020.csv.gz", "rt", encoding="utf-8") as f:
            return tuple(sorted(r["code"] for r in csv.DictReader(f) if r["level"] == "kelompok_5d"))

    @cached_property
    def hs_8d(self) -> tuple[str, ...]:
        with gzip.open(REFERENCE / "btki2022.csv.gz", "rt", encoding="utf-8") as f:
            return tuple(sorted(r["hs_code"] for r in csv.DictReader(f) if r["hs_level"] == "8"))

    @cached_property
    def units(self) -> frozenset[str]:
        with (REFERENCE / "units.csv").open(encoding="utf-8", newline="") as f:
            return frozenset(r["code"] for r in csv.DictReader(f))

    @cached_property
    def categories(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Platform category code -> (name_id, KBLI prefixes)."""
        with CATEGORIES_CSV.open(encoding="utf-8", newline="") as f:
            return {r["code"]: (r["name_id"], tuple(r["kbli_prefixes"].split())) for r in csv.DictReader(f)}

    def kbli_for(self, category: str) -> tuple[str, ...]:
        """The five-digit KBLI codes under a category's prefixes (manufacturing 10-33 when it has none)."""
        prefixes = self.categories[category][1] or tuple(str(n) for n in range(10, 34))
        return tuple(code for code in self.kbli_5d if code.startswith(prefixes))
