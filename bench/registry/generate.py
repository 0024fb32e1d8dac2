"""Deterministic supplier and product files for the bulk-import and directory benchmarks.

Writes ``suppliers.csv`` and ``products.csv`` with the import templates' headers
(``rantai.suppliers.import_file.SUPPLIERS`` / ``rantai.catalog.import_file.PRODUCTS``) and content recombined from real
vocabulary (see ``registry.vocabulary``):

- each supplier has one line of business (a group of RUP goods items, or a PRDECT-ID category), which
  gives its products' names (an RUP item with one of its real specifications, or the opening of one
  e-commerce title joined to the ending of another), its platform category and its KBLI codes (five-digit
  codes under the category's prefixes);
- business names from the patterns people use ("UD Sumber Rejeki", "CV Karya Mandiri Jaya",
  "Keripik Bu Siti", "Koperasi Produsen ..."), unique 13-digit NIBs, an NPWP with a valid check digit for
  about half, Kemendagri kab/kota codes of all 38 provinces (some kecamatan codes, undotted codes and
  region names), phones, emails, capital and sales across the PP 7/2021 size classes, written the ways
  spreadsheets and people write them ("Rp 1.500.000", "750 rb", "0812-3456-7890");
- products with units that exist (some through the aliases people use, "pcs", "Kilogram"), prices,
  minimum orders, capacities, lead times, HS codes for some, and certificates (``halal:ID...``,
  ``spp_irt:...``, ``sni:...``) by kind of goods.

About 1% of the rows of each file carry one defect each (a short NIB, an unknown KBLI code, a province
where a kab/kota is needed, a wrong NPWP check digit, an unknown unit, a price in words...), so the
validators' error path runs too. Products are written only for suppliers whose row is valid.

One seed gives the same files everywhere (a single seeded ``random.Random``; every input sorted).
Rows are written as they are made; only the suppliers' NIBs and lines are kept in memory.

    .venv/bin/python bench/registry/generate.py OUT_DIR --suppliers 1000 --products 5000
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

from stdnum import luhn
from stdnum.id import npwp

if __package__ in (None, ""):  # run as a script: make `registry` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rantai.catalog.import_file import PRODUCTS
from rantai.suppliers.import_file import SUPPLIERS
from registry.vocabulary import FALLBACK_CATEGORY, Family, Vocabulary, words

SEED: Final = 20261128
BAD_SHARE: Final = 0.01
CODE_SHARE: Final = 0.6  # suppliers that give their products their own codes

LEGAL_FORMS: Final = (
    # (what people write, weight, prefix of the business name)
    ("perorangan", 24, ""),
    ("Perseorangan", 4, ""),
    ("UD", 16, "UD"),
    ("Usaha Dagang", 2, "UD"),
    ("CV", 16, "CV"),
    ("C.V.", 3, "CV"),
    ("PT", 6, "PT"),
    ("PT Perorangan", 8, "PT"),
    ("Firma", 2, "Firma"),
    ("koperasi", 4, "Koperasi"),
    ("Koperasi Serba Usaha", 2, "Koperasi"),
    ("KUD", 1, "KUD"),
)
NAME_WORDS: Final = (
    "Abadi",
    "Agung",
    "Anugerah",
    "Barokah",
    "Berkah",
    "Bersama",
    "Bintang",
    "Cahaya",
    "Citra",
    "Harapan",
    "Indah",
    "Jaya",
    "Karya",
    "Kencana",
    "Lestari",
    "Maju",
    "Makmur",
    "Mandiri",
    "Mitra",
    "Mulia",
    "Murni",
    "Nusantara",
    "Permata",
    "Prima",
    "Putra",
    "Putri",
    "Rejeki",
    "Rezeki",
    "Sejahtera",
    "Sentosa",
    "Sinar",
    "Subur",
    "Sumber",
    "Surya",
    "Tani",
    "Tunas",
    "Usaha",
    "Utama",
    "Wijaya",
    "Amanah",
    "Kurnia",
    "Mekar",
    "Sakti",
)
PERSON_NAMES: Final = (
    "Ros",
    "Siti",
    "Ahmad",
    "Dewi",
    "Budi",
    "Wayan",
    "Made",
    "Ketut",
    "Yohanes",
    "Nur",
    "Rina",
    "Agus",
    "Slamet",
    "Sri",
    "Eko",
    "Hendra",
    "Yusuf",
    "Fatimah",
    "Lina",
    "Joko",
    "Putu",
    "Maria",
    "Andi",
    "Rahmat",
    "Ucok",
    "Daeng",
    "Teuku",
    "Cut",
    "Nyoman",
    "Sari",
    "Asep",
    "Dedi",
    "Ujang",
    "Ningsih",
    "Rudi",
    "Tini",
)
COOPERATIVE_KINDS: Final = ("Produsen", "Serba Usaha", "Pemasaran", "Tani", "Nelayan", "Wanita", "Syariah")
STREETS: Final = (
    "Sudirman",
    "Diponegoro",
    "Ahmad Yani",
    "Gajah Mada",
    "Merdeka",
    "Pahlawan",
    "Sisingamangaraja",
    "Imam Bonjol",
    "Veteran",
    "Pemuda",
    "Kartini",
    "Hasanuddin",
    "Pattimura",
    "Teuku Umar",
    "Raya Pasar",
    "Pelabuhan",
    "Kebun Jeruk",
    "Flamboyan",
    "Melati",
    "Cempaka",
)
EMAIL_DOMAINS: Final = ("gmail.com", "yahoo.co.id", "yahoo.com", "outlook.com")
# PP 7/2021 classes by annual sales, with the share of suppliers: (low, high, share).
SALES_BANDS: Final = (
    (30_000_000, 2_000_000_000, 0.62),
    (2_000_000_000, 15_000_000_000, 0.25),
    (15_000_000_000, 50_000_000_000, 0.10),
    (50_000_000_000, 200_000_000_000, 0.03),
)
# Units that fit each kind of goods: what people write (unit codes, names, or the importer's aliases).
UNITS: Final = {
    "food": ("kg", "gram", "pak", "dus", "bungkus", "botol", "liter", "pcs", "Kilogram", "karton"),
    "care": ("botol", "pcs", "pak", "dus", "liter", "mililiter", "buah", "set"),
    "goods": (
        "buah",
        "pcs",
        "unit",
        "set",
        "pak",
        "dus",
        "lusin",
        "rim",
        "lembar",
        "pasang",
        "roll",
        "meter",
    ),
}
UNIT_CODES: Final = {"pcs": "buah", "Kilogram": "kg"}  # the aliases above, to check they resolve
# Certificates a product row carries, by kind of goods: (type, share).
CERTIFICATES: Final = {
    "food": (("halal", 0.45), ("spp_irt", 0.30), ("bpom_md", 0.10)),
    "care": (("halal", 0.25), ("bpom_na", 0.35)),
    "goods": (("sni", 0.10), ("tkdn", 0.06)),
}
QUANTITIES: Final = {
    "food": ("250 gr", "500 gr", "1 kg", "isi 12", "isi 20", "1 liter", "600 ml", "5 kg"),
    "care": ("100 ml", "250 ml", "500 ml", "1 liter", "isi 6", "50 gr"),
    "goods": ("isi 12", "1 set", "1 box", "isi 100", "1 lusin", "2 pcs"),
}
VARIANTS: Final = (
    "Merah",
    "Putih",
    "Hitam",
    "Biru",
    "Hijau",
    "Kuning",
    "Coklat",
    "Abu-abu",
    "Original",
    "Premium",
    "Ekonomis",
    "Super",
    "Jumbo",
    "Mini",
    "Tipe A",
    "Tipe B",
    "Tipe C",
    "Ukuran S",
    "Ukuran M",
    "Ukuran L",
    "Ukuran XL",
)
T = TypeVar("T")
NIB_SPACE: Final = 9 * 10**12  # 13-digit numbers not starting with 0
NIB_STEP: Final = 7_919_999_993  # coprime with NIB_SPACE: i -> i * step mod space is one-to-one

SUPPLIER_DEFECTS: Final = (
    "nib_short",
    "nib_scientific",
    "nib_repeated",
    "kbli_unknown",
    "region_unknown",
    "region_province",
    "region_ambiguous",
    "npwp_check_digit",
    "legal_form",
    "email",
    "year_future",
    "capital_negative",
    "name_missing",
)
PRODUCT_DEFECTS: Final = (
    "unit_unknown",
    "price_words",
    "certificate_type",
    "certificate_format",
    "name_missing",
    "nib_unknown",
    "code_repeated",
    "moq_zero",
    "kbli_unknown",
    "hs_unknown",
)


@dataclass(slots=True)
class Supplier:
    """What the product rows need of a generated supplier."""

    nib: str
    family: Family
    kbli: tuple[str, ...]
    codes: bool  # its products carry kode_produk
    prefix: str
    product_names: set[str] = field(default_factory=set)
    product_codes: int = 0


def nib_for(index: int) -> str:
    return str(10**12 + ((index + 1) * NIB_STEP) % NIB_SPACE)


def _weighted(rng: random.Random, choices: Sequence[tuple[T, float]]) -> T:
    threshold = rng.random() * sum(weight for _, weight in choices)
    for value, weight in choices:
        threshold -= weight
        if threshold < 0:
            return value
    return choices[-1][0]


def _npwp(rng: random.Random) -> str:
    """A valid old-format NPWP (taxpayer type, serial, Luhn check digit, office, branch), written the ways
    people do: dotted, 15 digits, or the 16-digit form with its leading 0."""
    body = f"0{rng.randint(1, 9)}{rng.randrange(10**6):06d}"
    number = body + luhn.calc_check_digit(body) + f"{rng.randint(1, 999):03d}000"
    assert npwp.is_valid(number), number  # noqa: S101 - a generator bug must not reach the file
    style = rng.random()
    if style < 0.5:
        return npwp.format(number)
    if style < 0.8:
        return number
    return "0" + number


def _bad_npwp(rng: random.Random) -> str:
    """A 15-digit NPWP whose check digit (the ninth) is wrong."""
    body = f"0{rng.randint(1, 9)}{rng.randrange(10**6):06d}"
    wrong = (int(luhn.calc_check_digit(body)) + rng.randint(1, 9)) % 10
    return f"{body}{wrong}{rng.randint(1, 999):03d}000"


def _rupiah(rng: random.Random, amount: int) -> str:
    style = rng.random()
    if style < 0.7:
        return str(amount)
    if style < 0.85:
        rounded = round(amount, -3)
        return "Rp " + f"{rounded:,}".replace(",", ".")
    if amount >= 10**9:
        return f"{amount / 10**9:.1f} miliar".replace(".", ",")
    if amount >= 10**6:
        return f"{round(amount / 10**6)} juta"
    return f"{round(amount / 1000)} rb"


def _phone(rng: random.Random) -> str:
    digits = f"8{rng.choice('1235789')}{rng.randrange(10**9):09d}"[: rng.choice((10, 11, 12))]
    style = rng.random()
    if style < 0.4:
        return "0" + digits
    if style < 0.7:
        return f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style < 0.9:
        return f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}"
    return "62" + digits


def _business_name(rng: random.Random, prefix: str, family: Family) -> str:
    if prefix in ("Koperasi", "KUD"):
        return f"{prefix} {rng.choice(COOPERATIVE_KINDS)} {rng.choice(NAME_WORDS)} {rng.choice(NAME_WORDS)}"
    style = rng.random()
    if not prefix and style < 0.5:
        # "Keripik Bu Ros": the goods and the owner, as home businesses are known.
        goods = " ".join(w.capitalize() for w in words(rng.choice(family.phrases))[:2])
        return f"{goods} {rng.choice(('Bu', 'Pak', 'Mbak', 'Mas', 'Ibu'))} {rng.choice(PERSON_NAMES)}"
    picked = " ".join(rng.sample(NAME_WORDS, rng.choice((2, 2, 3))))
    return f"{prefix} {picked}".strip()


def _product_name(rng: random.Random, family: Family) -> str:
    if family.kind == "rup":
        index = rng.randrange(len(family.phrases))
        name = family.phrases[index]
        details = family.details[index]
        if details and rng.random() < 0.8:
            detail = rng.choice(details)
            if detail.casefold() not in name.casefold():
                name = f"{name} {detail}"
    else:
        opening = rng.choice(family.phrases).split()
        ending = rng.choice(family.phrases).split()
        picked = opening[: rng.randint(2, 5)] + ending[-rng.randint(1, 3) :]
        seen: set[str] = set()
        name = " ".join(w for w in picked if not (w.casefold() in seen or seen.add(w.casefold())))
    if rng.random() < 0.4 and not any(c.isdigit() for c in name):
        name = f"{name} {rng.choice(QUANTITIES[family.goods])}"
    return name[:190]


def _certificate(rng: random.Random, kind: str, province: str) -> str:
    if kind == "halal":
        return f"halal:ID{province}{rng.randrange(10**15):015d}"
    if kind == "spp_irt":
        return f"spp_irt:{rng.randrange(10**13):013d}-{rng.randint(22, 30)}"
    if kind == "bpom_md":
        return f"bpom_md:MD {rng.randrange(10**12):012d}"
    if kind == "bpom_na":
        return f"bpom_na:NA{rng.randrange(10**11):011d}"
    if kind == "sni":
        return f"sni:SPPT-SNI {rng.randint(100, 9999)}/{rng.randint(2015, 2025)}"
    return f"{kind}:{rng.randint(1000, 99999)}/TKDN/{rng.randint(2019, 2025)}"


class Generator:
    """Streams the rows of the two files; suppliers first (their products need them)."""

    def __init__(
        self, suppliers: int, products: int, *, seed: int = SEED, vocabulary: Vocabulary | None = None
    ):
        self.supplier_count = suppliers
        self.product_count = products
        self.rng = random.Random(seed)
        self.vocabulary = vocabulary or Vocabulary()
        self.suppliers: list[Supplier] = []
        self.bad_suppliers = 0
        self.bad_products = 0
        families = self.vocabulary.families
        self._families = [(family, family.weight) for family in families]
        self._province_of: dict[str, str] = {}
        self._check_units()

    def _check_units(self) -> None:
        known = self.vocabulary.units
        for units in UNITS.values():
            for unit in units:
                code = UNIT_CODES.get(unit, unit)
                if code not in known:
                    raise SystemExit(f"unit {unit} is not in units.csv")

    # -- suppliers ------------------------------------------------------------------------------

    def supplier_rows(self) -> Iterator[list[str]]:
        rng = self.rng
        voc = self.vocabulary
        kabkota = voc.kabkota
        unique_names = voc.unique_kabkota_names
        cooperatives: list[str] = []
        for index in range(self.supplier_count):
            nib = nib_for(index)
            family = _weighted(rng, self._families)
            written_form, _, prefix = _weighted(rng, [((f, w, p), float(w)) for f, w, p in LEGAL_FORMS])
            code, name = rng.choice(kabkota)
            region = code
            style = rng.random()
            if style < 0.1 and code in voc.kecamatan:
                region = rng.choice(voc.kecamatan[code])
            elif style < 0.15:
                region = code.replace(".", "")
            elif style < 0.2 and name in unique_names:
                region = name
            kbli_pool = voc.kbli_for(family.category) or voc.kbli_for(FALLBACK_CATEGORY)
            kbli = tuple(dict.fromkeys(rng.choice(kbli_pool) for _ in range(rng.choice((1, 1, 1, 2, 3)))))
            low, high, _ = _weighted(rng, [(band, band[2]) for band in SALES_BANDS])
            sales = int(low * (high / low) ** rng.random())
            capital = int(sales * rng.uniform(0.05, 0.4))
            business = _business_name(rng, prefix, family)
            row = {
                "nib": nib,
                "nama_usaha": business,
                "bentuk_usaha": written_form,
                "npwp": _npwp(rng) if rng.random() < 0.55 else "",
                "kode_wilayah": region,
                "alamat": f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 250)}, {name}"
                if rng.random() < 0.8
                else "",
                "kbli": ";".join(kbli),
                "modal_usaha": _rupiah(rng, capital) if rng.random() < 0.7 else "",
                "omzet_tahunan": _rupiah(rng, sales) if rng.random() < 0.85 else "",
                "jumlah_tenaga_kerja": str(max(1, int(rng.expovariate(1 / 8)))) if rng.random() < 0.8 else "",
                "telepon": _phone(rng) if rng.random() < 0.75 else "",
                "email": f"{'.'.join(words(business)[-2:])}{rng.randint(1, 99)}@{rng.choice(EMAIL_DOMAINS)}"
                if rng.random() < 0.4
                else "",
                "tahun_berdiri": str(rng.randint(1975, 2025)) if rng.random() < 0.7 else "",
                "nib_koperasi": rng.choice(cooperatives)
                if cooperatives and prefix not in ("Koperasi", "KUD") and rng.random() < 0.05
                else "",
            }
            if rng.random() < BAD_SHARE:
                self._break_supplier(row, rng.choice(SUPPLIER_DEFECTS), index)
                self.bad_suppliers += 1
            else:
                if prefix in ("Koperasi", "KUD"):
                    cooperatives.append(nib)
                self._province_of[nib] = code.split(".")[0]
                self.suppliers.append(
                    Supplier(
                        nib,
                        family,
                        kbli,
                        rng.random() < CODE_SHARE,
                        "".join(w[:1] for w in words(family.label))[:3].upper() or "PRD",
                    )
                )
            yield [row[column] for column in SUPPLIERS.names]

    def _break_supplier(self, row: dict[str, str], defect: str, index: int) -> None:
        rng = self.rng
        nib = row["nib"]
        changes: dict[str, Callable[[], tuple[str, str]]] = {
            "nib_short": lambda: ("nib", nib[:11]),
            "nib_scientific": lambda: ("nib", f"{nib[0]},{nib[1:3]}E+12"),
            "nib_repeated": lambda: ("nib", nib_for(rng.randrange(index)) if index else nib[:11]),
            "kbli_unknown": lambda: ("kbli", "99999"),
            "region_unknown": lambda: ("kode_wilayah", "99.99"),
            "region_province": lambda: ("kode_wilayah", rng.choice(self.vocabulary.provinces)[0]),
            "region_ambiguous": lambda: ("kode_wilayah", "Bandung"),  # Kabupaten or Kota Bandung?
            "npwp_check_digit": lambda: ("npwp", _bad_npwp(rng)),
            "legal_form": lambda: ("bentuk_usaha", "Yayasan"),
            "email": lambda: ("email", "admin at " + rng.choice(EMAIL_DOMAINS)),
            "year_future": lambda: ("tahun_berdiri", "2099"),
            "capital_negative": lambda: ("modal_usaha", "-5000000"),
            "name_missing": lambda: ("nama_usaha", ""),
        }
        column, value = changes[defect]()
        row[column] = value

    # -- products -------------------------------------------------------------------------------

    def _counts(self) -> list[int]:
        """Products per valid supplier: skewed (many have 1-3, some dozens), adding up to the total."""
        rng = self.rng
        count = len(self.suppliers)
        if not count:
            return []
        mean = self.product_count / count
        raw = [1 + rng.expovariate(1 / max(mean - 1, 0.01)) for _ in range(count)]
        scale = (self.product_count - count) / max(sum(r - 1 for r in raw), 1e-9)
        counts = [max(1, 1 + int((r - 1) * scale)) for r in raw]
        shortfall = self.product_count - sum(counts)
        while shortfall > 0:
            counts[rng.randrange(count)] += 1
            shortfall -= 1
        while shortfall < 0:
            position = rng.randrange(count)
            if counts[position] > 1:
                counts[position] -= 1
                shortfall += 1
        return counts

    def product_rows(self) -> Iterator[list[str]]:
        rng = self.rng
        voc = self.vocabulary
        for supplier, count in zip(self.suppliers, self._counts(), strict=True):
            family = supplier.family
            goods = family.goods
            province = self._province_of[supplier.nib]
            category_name = voc.categories[family.category][0]
            for _ in range(count):
                name = _product_name(rng, family)
                key = " ".join(name.casefold().split())
                tries = 0
                while key in supplier.product_names:
                    tries += 1
                    extra = rng.choice(VARIANTS) if tries < 4 else f"No. {tries}"
                    name = f"{name} {extra}"
                    key = " ".join(name.casefold().split())
                supplier.product_names.add(key)
                code = ""
                if supplier.codes:
                    supplier.product_codes += 1
                    code = f"{supplier.prefix}-{supplier.product_codes:04d}"
                price = int(2_000 * 1_000 ** rng.random())
                certificates = [
                    _certificate(rng, kind, province)
                    for kind, share in CERTIFICATES[goods]
                    if rng.random() < share
                ]
                row = {
                    "nib": supplier.nib,
                    "kode_produk": code,
                    "nama_produk": name,
                    "deskripsi": self._description(family) if rng.random() < 0.5 else "",
                    "kategori": category_name if rng.random() < 0.6 else family.label,
                    "kbli": supplier.kbli[0] if rng.random() < 0.4 else "",
                    "kode_hs": rng.choice(voc.hs_8d) if rng.random() < 0.1 else "",
                    "satuan": rng.choice(UNITS[goods]),
                    "harga_satuan": _rupiah(rng, max(price, 1_000)) if rng.random() < 0.9 else "",
                    "moq": str(rng.choice((1, 5, 10, 12, 20, 50, 100, 500))) if rng.random() < 0.7 else "",
                    "kapasitas_per_bulan": str(int(50 * 400 ** rng.random())) if rng.random() < 0.7 else "",
                    "waktu_produksi_hari": str(rng.choice((0, 1, 2, 3, 7, 14, 30)))
                    if rng.random() < 0.6
                    else "",
                    "sertifikasi": ";".join(certificates),
                }
                if rng.random() < BAD_SHARE:
                    self._break_product(row, rng.choice(PRODUCT_DEFECTS), supplier)
                    self.bad_products += 1
                yield [row[column] for column in PRODUCTS.names]

    def _description(self, family: Family) -> str:
        rng = self.rng
        picked = [_product_name(rng, family) for _ in range(rng.randint(1, 3))]
        return "; ".join(picked)

    def _break_product(self, row: dict[str, str], defect: str, supplier: Supplier) -> None:
        rng = self.rng
        codes = supplier.product_codes
        changes: dict[str, Callable[[], tuple[str, str]]] = {
            "unit_unknown": lambda: ("satuan", "karungan"),
            "price_words": lambda: ("harga_satuan", "hubungi kami"),
            "certificate_type": lambda: ("sertifikasi", f"iso_27001:{rng.randint(1000, 9999)}"),
            "certificate_format": lambda: ("sertifikasi", "halal"),
            "name_missing": lambda: ("nama_produk", ""),
            "nib_unknown": lambda: ("nib", nib_for(self.supplier_count + rng.randrange(10**6))),
            # Without an earlier code to repeat, the row gets a unit nobody knows instead.
            "code_repeated": lambda: (
                ("kode_produk", f"{supplier.prefix}-{codes - 1:04d}") if codes > 1 else ("satuan", "karungan")
            ),
            "moq_zero": lambda: ("moq", "0"),
            "kbli_unknown": lambda: ("kbli", "1234"),
            "hs_unknown": lambda: ("kode_hs", "9999.99.99"),
        }
        column, value = changes[defect]()
        row[column] = value


@dataclass(frozen=True, slots=True)
class Files:
    """A pair of generated files, and how many of their rows carry a defect."""

    suppliers_csv: Path
    products_csv: Path
    suppliers: int
    products: int
    bad_suppliers: int
    bad_products: int


def write(out_dir: Path, suppliers: int, products: int, *, seed: int = SEED) -> Files:
    """Write both files under ``out_dir`` (created) and say what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    generator = Generator(suppliers, products, seed=seed)
    suppliers_csv = out_dir / "suppliers.csv"
    products_csv = out_dir / "products.csv"
    with suppliers_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUPPLIERS.names)
        writer.writerows(generator.supplier_rows())
    with products_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PRODUCTS.names)
        writer.writerows(generator.product_rows())
    return Files(
        suppliers_csv,
        products_csv,
        suppliers,
        products,
        generator.bad_suppliers,
        generator.bad_products,
    )


def data_dir(suppliers: int, products: int, seed: int = SEED) -> Path:
    """Where generated files are kept between runs, keyed by size, seed and this generator's source."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name in ("generate.py", "vocabulary.py"):
            digest.update(path.read_bytes())
    key = f"registry-{seed}-{suppliers}-{products}-{digest.hexdigest()[:10]}"
    return Path(tempfile.gettempdir()) / "rantai-bench" / key


def cached_files(suppliers: int, products: int, seed: int = SEED) -> Files:
    """The files of this size, generated once and reused while the generator is unchanged."""
    folder = data_dir(suppliers, products, seed)
    marker = folder / "complete"
    if not marker.exists():
        started = time.perf_counter()
        written = write(folder, suppliers, products, seed=seed)
        marker.write_text(f"{written.bad_suppliers} {written.bad_products}\n")
        print(f"  generated {folder} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    bad_suppliers, bad_products = (int(n) for n in marker.read_text().split())
    return Files(
        folder / "suppliers.csv", folder / "products.csv", suppliers, products, bad_suppliers, bad_products
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    written = write(args.out_dir, args.suppliers, args.products, seed=args.seed)
    print(
        f"{written.suppliers_csv}: {written.suppliers} rows ({written.bad_suppliers} with a defect); "
        f"{written.products_csv}: {written.products} rows ({written.bad_products} with a defect)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
