"""A deterministic catalogue of N products and 1,000 procurement queries, built from real vocabulary.

Products recombine real phrases, never invented words:

- goods lines of the RUP of Kalimantan Barat 2023-2025 (LKPP public data): each line lists its items
  (`uraian_pekerjaan`) and their specifications (`spesifikasi_pekerjaan`) in the same order, so an item
  is paired with its own specifications ("Kertas" + "HVS 75 gr A4"); the package name gives the
  category ("Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor" -> "Alat Tulis Kantor");
- PRDECT-ID e-commerce titles (CC BY 4.0): the opening of one title joined to the ending of another of
  the same category.

A product adds a quantity with a unit that fits its goods, a description made of other real phrases
of its category, and a supplier (about five products each) that sells its kind of goods (food, care or
other goods), with the supplier's kab/kota (Kemendagri 2025 codes; 30% in Kalimantan Barat, the pilot
province, the rest spread over the country), size class, verified flag, and certificates. Certificates
belong to the supplier, as in the app (every product of a supplier lists the same ones): those of a firm
(ISO 9001, SMK3) and those of its kind of goods, with frequencies by kind and validity dates from each
certificate's validity period.

Queries are real package names (`nama_paket`) of distinct goods lines of the same RUP file, each with
a region filter (the province or one of its kab/kota), a certification fitting the goods (food lines
ask for halal, SPP-IRT or BPOM MD; other goods for SNI, TKDN or ISO 9001) and the line's contract end
as the needed-by date on which the certificate must be valid.

The same seed gives the same catalogue and queries everywhere (one seeded `random.Random`, sorted
inputs). Products are generated as a stream, so a million of them never sit in memory at once.

    .venv/bin/python bench/matching/generate.py --products 5 --queries 5
"""

from __future__ import annotations

import argparse
import bisect
import csv
import gzip
import itertools
import math
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Final, TextIO

REPO: Final = Path(__file__).resolve().parents[2]
DEV_DATA: Final = REPO.parent / "shared" / "data" / "dev"
TITLES_CSV: Final = DEV_DATA / "prdect_id_products.csv"
RUP_CSV: Final = DEV_DATA / "rup_kalbar_2023_2025.csv"
REGIONS_CSV: Final = (
    REPO / "src" / "rantai" / "reference" / "data" / "wilayah2025_prov_kabkota_centroids.csv.gz"
)
SEED: Final = 20261128
PILOT_PROVINCE: Final = "61"  # Kalimantan Barat: the RUP lines are its own
PILOT_SHARE: Final = 0.30
PRODUCTS_PER_SUPPLIER: Final = 5
RUP_SHARE: Final = 0.6  # of products built from RUP items; the rest from e-commerce titles

# Size classes of PP 7/2021 with a plausible spread for a UMKM platform that also lists large firms.
SCALES: Final = (("mikro", 0.55), ("kecil", 0.25), ("menengah", 0.12), ("besar", 0.08))
VERIFIED_SHARE: Final = 0.75
# Certificates a supplier of a kind of goods holds: (code, probability). Codes are those of
# src/rantai/reference/data/certification_types.csv.
PRODUCT_CERTIFICATES: Final = {
    "food": (("halal", 0.45), ("spp_irt", 0.30), ("bpom_md", 0.12), ("haccp", 0.03), ("iso_22000", 0.02)),
    "care": (("halal", 0.30), ("bpom_na", 0.40)),
    "goods": (("sni", 0.12), ("tkdn", 0.08), ("halal", 0.03)),
}
SUPPLIER_CERTIFICATES: Final = (("iso_9001", 0.06), ("smk3", 0.02), ("iso_14001", 0.02))
# Validity in years (certification_types.csv); None: valid while the product is unchanged (halal, UU 6/2023).
VALIDITY_YEARS: Final[dict[str, int | None]] = {
    "halal": None,
    "spp_irt": 5,
    "bpom_md": 5,
    "bpom_na": 3,
    "haccp": 3,
    "iso_22000": 3,
    "sni": 4,
    "tkdn": 3,
    "iso_9001": 3,
    "smk3": 3,
    "iso_14001": 3,
}
FIRST_ISSUE: Final = date(2019, 1, 1)
LAST_ISSUE: Final = date(2025, 12, 31)
QUERY_CERTIFICATES: Final = {
    "food": (("halal", 5), ("spp_irt", 3), ("bpom_md", 2)),
    "goods": (("sni", 5), ("tkdn", 3), ("iso_9001", 2)),
}

_FOOD_WORDS: Final = frozenset(
    [
        "makan",
        "makanan",
        "minum",
        "minuman",
        "snack",
        "konsumsi",
        "natura",
        "pakan",
        "kue",
        "jamuan",
        "beras",
        "gula",
        "kopi",
        "teh",
        "susu",
        "sembako",
        "daging",
        "ikan",
        "sayur",
        "sayuran",
        "buah",
        "roti",
        "food",
        "drink",
    ]
)
_CARE_WORDS: Final = frozenset(["beauty", "body", "care", "health", "mother", "baby", "kosmetik", "obat"])
# Budget lines that buy a service, not goods a supplier lists as a product.
_SERVICE_WORDS: Final = frozenset(
    [
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
    ]
)
_JUNK: Final = frozenset({"", "-", "--", "---", "nan", "null", "none", "0", "."})
_PACKAGE_PREFIXES: Final = (
    "belanja alat/bahan untuk kegiatan kantor",
    "belanja bahan",
    "belanja modal",
    "belanja",
    "pengadaan",
    "penyediaan",
)
# Quantities a seller writes, by the kind of goods (checked in this order against item and category).
_QUANTITIES: Final = (
    (
        ("kertas", "hvs", "amplop", "buku", "map", "stopmap"),
        ("1 rim", "500 lembar", "1 pak", "isi 100", "1 box"),
    ),
    (("tinta", "toner", "cartridge"), ("70 ml", "100 ml", "1 botol", "1 set", "1 pcs")),
    (
        tuple(_FOOD_WORDS),
        ("250 gr", "500 gr", "1 kg", "1 dus", "12 pcs", "isi 20", "1 liter", "600 ml", "5 kg"),
    ),
    (
        ("bakar", "minyak", "pelumas", "gas", "kimia", "pembersih", "oli", "cat"),
        ("1 liter", "5 liter", "20 liter", "1 galon", "3 kg", "12 kg"),
    ),
    ((), ("1 pcs", "1 unit", "1 set", "12 pcs", "1 box", "1 lusin", "1 pak", "1 buah", "2 pcs")),
)


@dataclass(frozen=True, slots=True)
class Product:
    """One generated catalogue item, with its supplier's attributes copied in."""

    id: str
    supplier_id: str
    kabkota: str  # Kemendagri code, "61.71"
    scale: str  # mikro, kecil, menengah, besar
    verified: bool
    certificates: tuple[tuple[str, date | None], ...]  # (code, last valid day or None for no end)
    category: str
    name: str
    description: str

    @property
    def province(self) -> str:
        """The province code, the part of the kab/kota code before the dot."""
        return self.kabkota.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Query:
    """A real procurement line as a search: its text, region, certification and needed-by date."""

    id: str
    text: str
    region: str  # a province code ("61") or a kab/kota code ("61.71")
    certification: str
    needed_by: date


@dataclass(frozen=True, slots=True)
class _Family:
    """Real phrases that products of one category are recombined from."""

    category: str
    kind: str  # "rup": heads are items, details their specifications; "title": e-commerce titles
    heads: tuple[str, ...]
    details: tuple[str, ...]
    quantities: tuple[str, ...]
    goods: str  # food, care or goods: which certificates apply


def _clean(text: str) -> str:
    """One line of text: whitespace runs (tabs, newlines) folded to single spaces."""
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def goods_kind(text: str) -> str:
    """food, care or goods, from the words of a category or a need."""
    words = set(_words(text))
    if words & _FOOD_WORDS:
        return "food"
    if words & _CARE_WORDS:
        return "care"
    return "goods"


def package_category(package_name: str) -> str:
    """The kind of goods a RUP package buys, from its name: "Belanja Alat/Bahan untuk Kegiatan
    Kantor-Alat Tulis Kantor (5.02...)" -> "Alat Tulis Kantor". Empty when nothing is left."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", package_name)
    text = _clean(re.split(r"[_:;]|\d+\.\d+", text)[0])
    lower = text.lower()
    for prefix in _PACKAGE_PREFIXES:
        if lower.startswith(prefix):
            text = text[len(prefix) :]
            break
    words = text.strip(" -/,.").split()[:4]
    label = " ".join(word if word.lower() in {"dan", "untuk"} else word.capitalize() for word in words)
    return label.strip(" -/,.")


def _quantities_for(text: str) -> tuple[str, ...]:
    words = set(_words(text))
    for keys, quantities in _QUANTITIES:
        if not keys or words & set(keys):
            return quantities
    return _QUANTITIES[-1][1]


def _split_list(text: str) -> list[str]:
    """A `;`-separated RUP cell as its entries, keeping empty ones so items and specifications align."""
    parts = [_clean(part) for part in text.split(";")]
    if parts and not parts[-1]:
        parts.pop()
    return parts


class Vocabulary:
    """The real phrases of the dev data, grouped into families that products are drawn from."""

    def __init__(self, *, titles_csv: Path = TITLES_CSV, rup_csv: Path = RUP_CSV) -> None:
        self.titles_csv = titles_csv
        self.rup_csv = rup_csv

    @cached_property
    def rup_rows(self) -> list[dict[str, str]]:
        """The RUP lines, in file order."""
        with self.rup_csv.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    @cached_property
    def families(self) -> tuple[list[_Family], list[float]]:
        """The families and their cumulative weights (RUP items and title categories share by RUP_SHARE)."""
        rup = self._rup_families()
        titles = self._title_families()
        rup_total = sum(weight for _, weight in rup)
        title_total = sum(weight for _, weight in titles)
        families: list[_Family] = []
        weights: list[float] = []
        for family, weight in rup:
            families.append(family)
            weights.append(RUP_SHARE * weight / rup_total)
        for family, weight in titles:
            families.append(family)
            weights.append((1 - RUP_SHARE) * weight / title_total)
        return families, list(itertools.accumulate(weights))

    def _rup_families(self) -> list[tuple[_Family, float]]:
        """One family per goods item of the RUP, weighted by the square root of its line count (the raw
        counts are so skewed that printer ink alone would be a tenth of the catalogue)."""
        specs: dict[str, Counter[str]] = defaultdict(Counter)
        categories: dict[str, Counter[str]] = defaultdict(Counter)
        for row in self.rup_rows:
            if not row["jenis_pengadaan"].startswith("Barang"):
                continue
            category = package_category(row["nama_paket"])
            if not category or set(_words(category)) & _SERVICE_WORDS:
                continue
            items = _split_list(row["uraian_pekerjaan"])
            details = _split_list(row["spesifikasi_pekerjaan"])
            if len(details) != len(items):
                details = [""] * len(items)
            for item, detail in zip(items, details, strict=True):
                words = _words(item)
                if not words or len(words) > 8 or set(words) & _SERVICE_WORDS:
                    continue
                specs[item][detail if detail.lower() not in _JUNK else ""] += 1
                categories[item][category] += 1
        category_size = Counter[str]()
        for counts in categories.values():
            category_size[counts.most_common(1)[0][0]] += sum(counts.values())
        families = []
        for item in sorted(specs):
            category = categories[item].most_common(1)[0][0]
            if category_size[category] < 30:  # a one-off package name is no category
                continue
            variants = tuple(sorted(specs[item].elements()))
            family = _Family(
                category=category,
                kind="rup",
                heads=(item,),
                details=variants,
                quantities=_quantities_for(f"{item} {category}"),
                goods=goods_kind(f"{item} {category}"),
            )
            families.append((family, math.sqrt(sum(specs[item].values()))))
        return families

    def _title_families(self) -> list[tuple[_Family, float]]:
        """One family per PRDECT-ID category, weighted by its number of titles."""
        by_category: dict[str, list[str]] = defaultdict(list)
        with self.titles_csv.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                by_category[row["category"]].append(_clean(row["product_name"]))
        return [
            (
                _Family(
                    category=category,
                    kind="title",
                    heads=tuple(sorted(titles)),
                    details=(),
                    quantities=_quantities_for(category),
                    goods=goods_kind(category),
                ),
                float(len(titles)),
            )
            for category, titles in sorted(by_category.items())
        ]

    @cached_property
    def phrases_by_category(self) -> dict[str, tuple[str, ...]]:
        """Every real phrase of a category, for descriptions: items with their specifications, titles."""
        phrases: dict[str, list[str]] = defaultdict(list)
        for family in self.families[0]:
            if family.kind == "rup":
                phrases[family.category] += [f"{family.heads[0]} {d}".strip() for d in set(family.details)]
            else:
                phrases[family.category] += family.heads
        return {category: tuple(sorted(values)) for category, values in phrases.items()}


def _regions(path: Path = REGIONS_CSV) -> tuple[list[str], list[str]]:
    """Kab/kota codes of the pilot province and of all the others, sorted."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        codes = sorted(row["kode"] for row in csv.DictReader(handle) if row["level"] == "2")
    pilot = [code for code in codes if code.startswith(PILOT_PROVINCE + ".")]
    return pilot, [code for code in codes if not code.startswith(PILOT_PROVINCE + ".")]


def centroids(path: Path = REGIONS_CSV) -> dict[str, tuple[float, float]]:
    """(lat, lng) of each province and kab/kota code that has them."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return {
            row["kode"]: (float(row["lat"]), float(row["lng"]))
            for row in csv.DictReader(handle)
            if row["lat"] and row["lng"]
        }


def _valid_until(rng: random.Random, code: str) -> date | None:
    years = VALIDITY_YEARS[code]
    if years is None:
        return None
    issued = FIRST_ISSUE + timedelta(days=rng.randrange((LAST_ISSUE - FIRST_ISSUE).days + 1))
    return issued + timedelta(days=round(365.25 * years) - 1)


def _pick(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    """A weighted choice among (value, weight) pairs."""
    threshold = rng.random() * sum(weight for _, weight in choices)
    for value, weight in choices:
        threshold -= weight
        if threshold < 0:
            return value
    return choices[-1][0]


@dataclass(frozen=True, slots=True)
class _Supplier:
    kabkota: str
    scale: str
    verified: bool
    goods: str  # the kind of goods it sells: food, care or goods
    certificates: tuple[tuple[str, date | None], ...]


def _suppliers(rng: random.Random, count: int, kinds: Sequence[tuple[str, float]]) -> list[_Supplier]:
    """`count` suppliers, each selling one kind of goods (drawn by `kinds`' weights) and holding the
    certificates of a firm (ISO 9001, ...) and those of its kind of goods, each drawn once."""
    pilot, others = _regions()
    suppliers = []
    for _ in range(count):
        region = rng.choice(pilot) if rng.random() < PILOT_SHARE else rng.choice(others)
        scale = _pick(rng, SCALES)
        verified = rng.random() < VERIFIED_SHARE
        goods = _pick(rng, kinds)
        certificates = tuple(
            (code, _valid_until(rng, code))
            for code, share in (*PRODUCT_CERTIFICATES[goods], *SUPPLIER_CERTIFICATES)
            if rng.random() < share
        )
        suppliers.append(_Supplier(region, scale, verified, goods, certificates))
    return suppliers


def _dedupe_words(words: Iterable[str]) -> str:
    seen: set[str] = set()
    kept = []
    for word in words:
        if word.casefold() not in seen:
            seen.add(word.casefold())
            kept.append(word)
    return " ".join(kept)


def products(count: int, *, seed: int = SEED, vocabulary: Vocabulary | None = None) -> Iterator[Product]:
    """`count` products, generated one at a time (same seed, same products)."""
    vocabulary = vocabulary or Vocabulary()
    rng = random.Random(seed)
    families, cumulative = vocabulary.families
    total = cumulative[-1]
    phrases = vocabulary.phrases_by_category
    kinds: dict[str, float] = defaultdict(float)
    for family, weight in zip(families, itertools.pairwise([0.0, *cumulative]), strict=True):
        kinds[family.goods] += weight[1] - weight[0]
    suppliers = _suppliers(rng, max(1, count // PRODUCTS_PER_SUPPLIER), sorted(kinds.items()))
    by_kind: dict[str, list[int]] = defaultdict(list)
    for number, supplier in enumerate(suppliers):
        by_kind[supplier.goods].append(number)
    everyone = list(range(len(suppliers)))
    for number in range(count):
        family = families[min(bisect.bisect(cumulative, rng.random() * total), len(families) - 1)]
        if family.kind == "rup":
            detail = rng.choice(family.details)
            name = family.heads[0]
            if detail and detail.casefold() not in name.casefold():
                name = f"{name} {detail}"
            with_quantity = rng.random() < 0.6
        else:
            opening = rng.choice(family.heads).split()
            ending = rng.choice(family.heads).split()
            name = _dedupe_words(opening[: rng.randint(2, 5)] + ending[-rng.randint(1, 3) :])
            with_quantity = rng.random() < 0.3
        if with_quantity and not any(character.isdigit() for character in name):
            name = f"{name} {rng.choice(family.quantities)}"
        pool = phrases[family.category]
        description = ", ".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
        # A product is sold by a supplier of its kind of goods, and holds that supplier's certificates.
        numbers = by_kind.get(family.goods) or everyone
        supplier_number = numbers[rng.randrange(len(numbers))]
        supplier = suppliers[supplier_number]
        yield Product(
            id=f"p{number:07d}",
            supplier_id=f"s{supplier_number:06d}",
            kabkota=supplier.kabkota,
            scale=supplier.scale,
            verified=supplier.verified,
            certificates=supplier.certificates,
            category=family.category,
            name=name,
            description=description,
        )


def queries(count: int = 1000, *, seed: int = SEED, vocabulary: Vocabulary | None = None) -> list[Query]:
    """`count` real package names of distinct RUP lines, goods lines first, with their filters."""
    vocabulary = vocabulary or Vocabulary()
    rng = random.Random(seed + 1)
    goods: dict[str, dict[str, str]] = {}
    others: dict[str, dict[str, str]] = {}
    for row in vocabulary.rup_rows:
        text = _clean(row["nama_paket"])
        if text:
            (goods if row["jenis_pengadaan"].startswith("Barang") else others).setdefault(text, row)
    chosen = rng.sample(sorted(goods), min(count, len(goods)))
    if len(chosen) < count:
        rest = sorted(set(others) - set(goods))
        chosen += rng.sample(rest, min(count - len(chosen), len(rest)))
    pilot, _ = _regions()
    result = []
    for number, text in enumerate(chosen):
        row = goods.get(text) or others[text]
        region = PILOT_PROVINCE if rng.random() < 0.5 else rng.choice(pilot)
        kind = "food" if goods_kind(text) == "food" else "goods"
        certification = _pick(rng, QUERY_CERTIFICATES[kind])
        try:
            needed_by = date.fromisoformat(row["tgl_akhir_kontrak"])
        except ValueError:
            needed_by = date(int(row["tahun_anggaran"]), 12, 31)
        result.append(Query(f"q{number:04d}", text, region, certification, needed_by))
    return result


# The catalogue as a TSV file, so that every system under test reads the same bytes as a stream.
TSV_FIELDS: Final = (
    "id",
    "supplier_id",
    "kabkota",
    "scale",
    "verified",
    "certificates",
    "category",
    "name",
    "description",
)


def _certificates_text(certificates: Iterable[tuple[str, date | None]]) -> str:
    return ";".join(code if until is None else f"{code}@{until.isoformat()}" for code, until in certificates)


def _parse_certificates(text: str) -> tuple[tuple[str, date | None], ...]:
    parsed: list[tuple[str, date | None]] = []
    for part in text.split(";") if text else ():
        code, _, until = part.partition("@")
        parsed.append((code, date.fromisoformat(until) if until else None))
    return tuple(parsed)


def by_supplier(items: Iterable[Product]) -> list[Product]:
    """`items` grouped by supplier (suppliers by id, each one's products in their order): the order the
    app's rebuild reads the catalogue in (a batch of suppliers at a time, with their products)."""
    return sorted(items, key=lambda product: product.supplier_id)


def write_tsv(items: Iterable[Product], handle: TextIO) -> int:
    """Write products as TSV lines (no header) and return how many were written."""
    written = 0
    for product in items:
        handle.write(
            "\t".join(
                (
                    product.id,
                    product.supplier_id,
                    product.kabkota,
                    product.scale,
                    "1" if product.verified else "0",
                    _certificates_text(product.certificates),
                    product.category,
                    product.name,
                    product.description,
                )
            )
        )
        handle.write("\n")
        written += 1
    return written


def read_tsv(path: Path) -> Iterator[Product]:
    """Stream the products of a file that `write_tsv` wrote."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            pid, supplier, kabkota, scale, verified, certificates, category, name, description = line.rstrip(
                "\n"
            ).split("\t")
            yield Product(
                pid,
                supplier,
                kabkota,
                scale,
                verified == "1",
                _parse_certificates(certificates),
                category,
                name,
                description,
            )


def write_queries(items: Iterable[Query], handle: TextIO) -> int:
    """Write queries as TSV lines (no header) and return how many were written."""
    written = 0
    for query in items:
        handle.write(
            "\t".join((query.id, query.text, query.region, query.certification, query.needed_by.isoformat()))
        )
        handle.write("\n")
        written += 1
    return written


def read_queries(path: Path) -> list[Query]:
    """The queries of a file that `write_queries` wrote."""
    with path.open(encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle]
    return [Query(qid, text, region, cert, date.fromisoformat(day)) for qid, text, region, cert, day in rows]


def main(argv: Sequence[str] | None = None) -> int:
    """Print a sample of products and queries (or write the catalogue as TSV)."""
    parser = argparse.ArgumentParser(description="Generate the matching benchmark's catalogue and queries.")
    parser.add_argument("--products", type=int, default=10, help="products to generate")
    parser.add_argument("--queries", type=int, default=10, help="queries to show")
    parser.add_argument(
        "--tsv",
        type=Path,
        help="write the products to this TSV file (grouped by supplier) instead of printing",
    )
    parser.add_argument(
        "--queries-tsv", type=Path, help="write the queries to this TSV file instead of printing"
    )
    args = parser.parse_args(argv)
    for path in (TITLES_CSV, RUP_CSV):
        if not path.is_file():
            print(f"generate: {path} not found (the shared dev data beside the repository)", file=sys.stderr)
            return 2
    vocabulary = Vocabulary()
    if args.tsv or args.queries_tsv:
        if args.tsv:
            with args.tsv.open("w", encoding="utf-8") as handle:
                catalogue = by_supplier(products(args.products, vocabulary=vocabulary))
                print(f"{write_tsv(catalogue, handle)} products written")
        if args.queries_tsv:
            with args.queries_tsv.open("w", encoding="utf-8") as handle:
                print(
                    f"{write_queries(queries(args.queries, vocabulary=vocabulary), handle)} queries written"
                )
        return 0
    for product in products(args.products, vocabulary=vocabulary):
        print(product)
    for query in queries(args.queries, vocabulary=vocabulary):
        print(query)
    return 0


if __name__ == "__main__":
    sys.exit(main())
