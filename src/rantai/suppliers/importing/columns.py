"""The columns of the two import files, with the Indonesian header names of issue #3, and header checks.

Headers are compared after ``reading.normalize_header`` (``Nama Usaha`` is ``nama_usaha``), so their order
does not matter. A required column must be present and filled in on every row; an optional one may be
missing or left empty. Columns not listed here are reported and ignored, never fatal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rantai.kit.errors import Invalid
from rantai.kit.text import N_
from rantai.suppliers.importing.records import RowError


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a template: its header, whether it is required, an example and a help msgid."""

    name: str
    required: bool
    example: str
    help: str
    # Written as a text column in the XLSX template, so Excel keeps leading zeros and all 13 NIB digits.
    text: bool = False


@dataclass(frozen=True, slots=True)
class ImportSpec:
    """The columns of one kind of import file, with the msgids the template shows for it."""

    name: str  # used in file names: template_suppliers.xlsx
    title: str  # msgid: the data sheet's name
    intro: str  # msgid: the first instruction
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def example(self) -> dict[str, str]:
        """The template's example row; a row exactly like it is skipped on import."""
        return {column.name: column.example for column in self.columns}


SUPPLIERS = ImportSpec(
    name="suppliers",
    title=N_("Suppliers"),
    intro=N_(
        "Fill in one row per supplier on the first sheet, below the header row. "
        "The example row is skipped on import; replace it or delete it."
    ),
    columns=(
        Column(
            "nib",
            required=True,
            text=True,
            example="1234567890123",
            help=N_("NIB from OSS, 13 digits. Keep the column formatted as text so leading zeros stay."),
        ),
        Column(
            "nama_usaha", required=True, example="UD Contoh Makmur", help=N_("Business name as registered.")
        ),
        Column(
            "bentuk_usaha",
            required=True,
            example="UD",
            help=N_("Legal form: perorangan, UD, CV, firma, PT, PT perorangan or koperasi."),
        ),
        Column(
            "npwp",
            required=False,
            text=True,
            example="0012345674421000",
            help=N_("Tax number (NPWP), 15 or 16 digits; dots and dashes are allowed."),
        ),
        Column(
            "kode_wilayah",
            required=True,
            text=True,
            example="32.73",
            help=N_(
                "Kemendagri region code such as 32.73 (kab/kota) or 32.73.01 (kecamatan), or the region's name."
            ),
        ),
        Column("alamat", required=False, example="Jl. Contoh No. 1, Bandung", help=N_("Street address.")),
        Column(
            "kbli",
            required=True,
            text=True,
            example="10761;10792",
            help=N_("KBLI 2020 codes of 5 digits separated by semicolons; the first is the main activity."),
        ),
        Column(
            "modal_usaha",
            required=False,
            example="50000000",
            help=N_("Business capital in whole Rupiah, without land and buildings."),
        ),
        Column(
            "omzet_tahunan", required=False, example="300000000", help=N_("Annual sales in whole Rupiah.")
        ),
        Column(
            "jumlah_tenaga_kerja",
            required=False,
            example="5",
            help=N_("Number of workers, the owner included."),
        ),
        Column(
            "telepon",
            required=False,
            text=True,
            example="081234567890",
            help=N_("Phone or WhatsApp number, such as 0812 3456 7890."),
        ),
        Column("email", required=False, example="halo@contoh.co.id", help=N_("Email address.")),
        Column(
            "tahun_berdiri",
            required=False,
            example="2015",
            help=N_("Year the business started, such as 2015."),
        ),
        Column(
            "nib_koperasi",
            required=False,
            text=True,
            example="",
            help=N_("NIB of the cooperative the business is a member of, if any."),
        ),
    ),
)

PRODUCTS = ImportSpec(
    name="products",
    title=N_("Products"),
    intro=N_(
        "Fill in one row per product on the first sheet, below the header row. "
        "The example row is skipped on import; replace it or delete it."
    ),
    columns=(
        Column(
            "nib",
            required=True,
            text=True,
            example="1234567890123",
            help=N_("NIB of the supplier that makes the product; import the supplier first."),
        ),
        Column(
            "kode_produk",
            required=False,
            text=True,
            example="KOPI-250",
            help=N_(
                "Your own product code. A row with the same NIB and code updates that product; "
                "without a code, the name is used."
            ),
        ),
        Column("nama_produk", required=True, example="Kopi Arabika Bubuk 250 g", help=N_("Product name.")),
        Column(
            "deskripsi",
            required=False,
            example="Kopi arabika Java Preanger sangrai sedang, digiling halus, kemasan standing pouch.",
            help=N_("Description: material, size, packaging."),
        ),
        Column("kategori", required=False, example="Makanan dan minuman", help=N_("Product category.")),
        Column(
            "kbli",
            required=False,
            text=True,
            example="10761",
            help=N_("KBLI 2020 code of the product, 5 digits."),
        ),
        Column(
            "kode_hs",
            required=False,
            text=True,
            example="0901.21.20",
            help=N_("HS code of 8 digits from BTKI 2022, such as 0901.21.20."),
        ),
        Column(
            "satuan",
            required=True,
            example="pak",
            help=N_("Unit of sale, such as kg, buah, liter, pak or dus."),
        ),
        Column("harga_satuan", required=False, example="45000", help=N_("Price per unit in whole Rupiah.")),
        Column("moq", required=False, example="50", help=N_("Minimum order quantity, in units.")),
        Column(
            "kapasitas_per_bulan",
            required=False,
            example="2000",
            help=N_("Production capacity per month, in units."),
        ),
        Column(
            "waktu_produksi_hari",
            required=False,
            example="7",
            help=N_("Production lead time in days; 0 for ready stock."),
        ),
        Column(
            "sertifikasi",
            required=False,
            example="halal:ID32110000123450123;spp_irt:2093273010123-25",
            help=N_(
                "Certificates as type:number separated by semicolons, "
                "such as halal:ID32110000123450123;sni:12345."
            ),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class HeaderReport:
    """How a file's headers compare with a spec: required columns missing, unknown columns to ignore."""

    header_row: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing

    def raise_for_missing(self) -> None:
        """Raise ``Invalid`` naming the missing required columns, if any."""
        if self.missing:
            raise Invalid(
                N_("Required columns are missing: %(columns)s. Copy the header row from the template."),
                columns=", ".join(self.missing),
            )

    def warnings(self) -> list[RowError]:
        """One report line per ignored column, to show next to the row errors."""
        return [
            RowError(
                self.header_row,
                column,
                "",
                N_("Column %(column)s is not in the template and was ignored."),
                {"column": column},
            )
            for column in self.extra
        ]


def check_headers(headers: Sequence[str], spec: ImportSpec, *, header_row: int = 1) -> HeaderReport:
    """Compare normalized ``headers`` with ``spec``."""
    present = {header for header in headers if header}
    known = set(spec.names)
    return HeaderReport(
        header_row=header_row,
        missing=tuple(name for name in spec.required if name not in present),
        extra=tuple(header for header in headers if header and header not in known),
    )
