"""Cell parsers of the bulk import: what people type, and what spreadsheets do to it (issue #3)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from stdnum.id import npwp

from rantai.tabular.cells import (
    CERTIFICATION_TYPES,
    CellError,
    Certification,
    CertificationTypes,
    LegalForm,
    RegionMatch,
    parse_certifications,
    parse_count,
    parse_email,
    parse_hs_code,
    parse_kbli_code,
    parse_kbli_codes,
    parse_legal_form,
    parse_name,
    parse_nib,
    parse_npwp,
    parse_phone,
    parse_region_code,
    parse_rupiah,
    parse_unit,
    parse_year,
    whole_number_digits,
)

REFERENCE_DATA = Path(__file__).resolve().parents[3] / "src/rantai/reference/data"
KBLI = {"10761", "10792", "01111", "03111"}


def _error(parse: object, *args: object, **kwargs: object) -> CellError:
    with pytest.raises(CellError) as caught:
        parse(*args, **kwargs)  # type: ignore[operator]
    return caught.value


def _regions(name: str) -> RegionMatch:
    """A fake resolver: Kota Bandung is known, Bandung is ambiguous, anything else unknown."""
    if name.casefold() == "kota bandung":
        return RegionMatch.found("32.73")
    if name.casefold() == "bandung":
        return RegionMatch.ambiguous([("32.04", "Kabupaten Bandung"), ("32.73", "Kota Bandung")])
    return RegionMatch.unknown()


# -- NIB ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "nib"),
    [
        ("9120001234567", "9120001234567"),
        ("9120000000000.0", "9120000000000"),  # Excel/pandas float
        ("9120000000000,0", "9120000000000"),  # the same in Indonesian locale
        ("9.120001234567E+12", "9120001234567"),  # scientific notation that kept every digit
        ("120001234567", "0120001234567"),  # leading zero lost in a number column
        ("9120 0012 34567", "9120001234567"),
        ("9120-0012-34567", "9120001234567"),
    ],
)
def test_nib_forms_people_have(typed: str, nib: str) -> None:
    assert parse_nib(typed) == nib


def test_nib_in_scientific_notation_cannot_be_recovered() -> None:
    error = _error(parse_nib, "9.12E+12")
    assert "scientific notation" in error.message
    assert "format the column as text" in error.message
    assert error.params == {"value": "9.12E+12"}
    assert "scientific notation" in _error(parse_nib, "9,12346E+12").message


@pytest.mark.parametrize(("typed", "digits"), [("12345678901", 11), ("91200012345678", 14)])
def test_nib_of_wrong_length_says_how_many_digits(typed: str, digits: int) -> None:
    error = _error(parse_nib, typed)
    assert error.message == "NIB must have 13 digits; found %(digits)d."
    assert error.params == {"digits": digits}


def test_nib_with_letters() -> None:
    assert _error(parse_nib, "NIB-9120001234567").params == {"value": "NIB-9120001234567"}


def test_whole_number_digits_refuses_fractions() -> None:
    assert whole_number_digits("1.25E+1") is None
    assert whole_number_digits("12.5") is None
    assert whole_number_digits("1.20E+1") == "12"


# -- NPWP --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01.312.166.0-091.000", "0013121660091000"),  # old 15-digit format, formatted
        ("013121660091000", "0013121660091000"),
        ("13121660091000", "0013121660091000"),  # old format whose leading zero a spreadsheet dropped
        ("0013121660091000", "0013121660091000"),  # new 16-digit form of the same number
        ("13121660091000.0", "0013121660091000"),
        ("3171011708450001", "3171011708450001"),  # NIK-based
        ("3171 0117 0845 0001", "3171011708450001"),
    ],
)
def test_npwp_is_stored_as_16_digits(typed: str, stored: str) -> None:
    assert parse_npwp(typed) == stored


def test_npwp_errors_say_what_is_wrong() -> None:
    assert _error(parse_npwp, "013121661091000").message.startswith("NPWP %(value)s has a wrong check digit")
    assert _error(parse_npwp, "123456789").params == {"digits": 9}
    assert "not a valid NIK" in _error(parse_npwp, "9971011708450001").message  # no province 99
    assert "only digits" in _error(parse_npwp, "NPWP 01.312").message


def test_npwp_fast_path_agrees_with_stdnum() -> None:
    rng = random.Random(3)  # noqa: S311 - a seeded sample of numbers, not a secret
    for _ in range(5000):
        number = "0" + "".join(rng.choice("0123456789") for _ in range(14))
        try:
            parse_npwp(number)
            ours = True
        except CellError:
            ours = False
        assert ours == npwp.is_valid(number), number


# -- regions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("32.73", "32.73"),
        ("32.73.01", "32.73.01"),
        ("32.73.01.1001", "32.73.01.1001"),
        ("32", "32"),
        ("3273", "32.73"),
        ("327301", "32.73.01"),
        ("3273011001", "32.73.01.1001"),
        ("3273.0", "32.73"),
        ("32.1", "32.10"),  # Excel turned 32.10 (Kabupaten Majalengka) into the number 32.1
        ("32. 73", "32.73"),
        ("Kota Bandung", "32.73"),
        ("kota   bandung", "32.73"),
    ],
)
def test_region_codes_and_names(typed: str, code: str) -> None:
    assert parse_region_code(typed, resolve_region=_regions) == code


def test_ambiguous_region_name_lists_the_candidates() -> None:
    error = _error(parse_region_code, "Bandung", resolve_region=_regions)
    assert "more than one region" in error.message
    assert error.params == {"name": "Bandung", "candidates": "32.04 Kabupaten Bandung, 32.73 Kota Bandung"}


def test_unknown_region_name() -> None:
    error = _error(parse_region_code, "Atlantis", resolve_region=_regions)
    assert error.message == "Region %(name)s was not found; enter its Kemendagri code, such as 32.73."


def test_region_code_checked_when_a_check_is_given() -> None:
    assert parse_region_code("32.73", resolve_region=_regions, known_region={"32.73"}.__contains__) == "32.73"
    error = _error(parse_region_code, "32.99", resolve_region=_regions, known_region={"32.73"}.__contains__)
    assert error.params == {"code": "32.99"}


def test_region_code_of_wrong_shape() -> None:
    assert _error(parse_region_code, "32731", resolve_region=_regions).params == {"value": "32731"}


# -- amounts, counts, years --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1500000", 1_500_000),
        ("1500000.0", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000,00", 1_500_000),
        ("Rp 1.500.000,-", 1_500_000),
        ("IDR 1,500,000.00", 1_500_000),
        ("1.500", 1_500),
        ("1,5 juta", 1_500_000),
        ("1.5 jt", 1_500_000),
        ("750 ribu", 750_000),
        ("750rb", 750_000),
        ("2 miliar", 2_000_000_000),
        ("1,25 milyar", 1_250_000_000),
        ("0", 0),
    ],
)
def test_rupiah_forms(typed: str, amount: int) -> None:
    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1500", "The amount cannot be negative; found %(value)s."),
        ("Rp -1.500", "The amount cannot be negative; found %(value)s."),
        ("(1.500.000)", "The amount cannot be negative; found %(value)s."),
        ("1,5", "Enter whole Rupiah without cents; found %(value)s."),
        ("1500,50", "Enter whole Rupiah without cents; found %(value)s."),
        ("1,2345678 juta", "Enter whole Rupiah without cents; found %(value)s."),
        ("lima ratus", "Enter an amount in whole Rupiah, such as 1500000 or Rp 1.500.000; found %(value)s."),
        (
            "1.5E+11",
            "%(value)s is in scientific notation, which drops digits; "
            "format the column as text and type the number again.",
        ),
        ("9999999999999999", "%(value)s is too large; check the number."),
    ],
)
def test_rupiah_refusals(typed: str, message: str) -> None:
    assert _error(parse_rupiah, typed).message == message


def test_rupiah_minimum() -> None:
    assert _error(parse_rupiah, "0", minimum=1).params == {"minimum": 1, "value": "0"}


@pytest.mark.parametrize(("typed", "number"), [("12", 12), ("12.0", 12), ("1.000", 1000), ("1,000", 1000)])
def test_counts(typed: str, number: int) -> None:
    assert parse_count(typed) == number


@pytest.mark.parametrize("typed", ["0", "-3", "1,5", "banyak"])
def test_counts_refused(typed: str) -> None:
    assert _error(parse_count, typed).params == {"minimum": 1, "value": typed}


def test_count_may_start_at_zero() -> None:
    assert parse_count("0", minimum=0) == 0


def test_year() -> None:
    assert parse_year("2015", max_year=2026) == 2015
    assert parse_year("2015.0", max_year=2026) == 2015
    for typed in ("1899", "2027", "15", "tahun 2015"):
        assert _error(parse_year, typed, max_year=2026).params == {"max_year": 2026, "value": typed}


# -- contact -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62 (0)812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("81234567890", "+6281234567890"),  # leading zero lost in a number column
        ("81234567890.0", "+6281234567890"),
        ("(022) 4201234", "+62224201234"),
        ("0224201234", "+62224201234"),
    ],
)
def test_phone_numbers(typed: str, phone: str) -> None:
    assert parse_phone(typed) == phone


@pytest.mark.parametrize("typed", ["+65 6123 4567", "0812 / 0813 1234", "123", "telepon kantor"])
def test_phone_refused(typed: str) -> None:
    assert _error(parse_phone, typed).params == {"value": typed}


def test_email() -> None:
    assert parse_email("Halo@Contoh.co.id") == "halo@contoh.co.id"
    assert (
        _error(parse_email, "halo@contoh").message == "Enter a valid email address, like nama@contoh.co.id."
    )


# -- classifications ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "form"),
    [
        ("Perorangan", LegalForm.PERORANGAN),
        ("perseorangan", LegalForm.PERORANGAN),
        ("UD", LegalForm.UD),
        ("U.D.", LegalForm.UD),
        ("Usaha Dagang", LegalForm.UD),
        ("C.V.", LegalForm.CV),
        ("cv", LegalForm.CV),
        ("Firma", LegalForm.FIRMA),
        ("PT", LegalForm.PT),
        ("P.T.", LegalForm.PT),
        ("Perseroan Terbatas", LegalForm.PT),
        ("PT Perorangan", LegalForm.PT_PERORANGAN),
        ("PT. Perseorangan", LegalForm.PT_PERORANGAN),
        ("Koperasi", LegalForm.KOPERASI),
        ("Koperasi Produsen Kopi Sejahtera", LegalForm.KOPERASI),
        ("KUD", LegalForm.KOPERASI),
    ],
)
def test_legal_forms(typed: str, form: LegalForm) -> None:
    assert parse_legal_form(typed) is form


def test_unknown_legal_form_lists_the_choices() -> None:
    error = _error(parse_legal_form, "Yayasan")
    assert error.params["value"] == "Yayasan"
    assert "PT perorangan" in error.params["choices"]


def test_kbli_lists() -> None:
    known = KBLI.__contains__
    assert parse_kbli_codes("10761;10792", known_kbli=known) == ("10761", "10792")
    assert parse_kbli_codes("10761, 10792 ; 10761", known_kbli=known) == ("10761", "10792")
    assert parse_kbli_codes("1111", known_kbli=known) == ("01111",)  # leading zero lost, and 01111 exists
    assert parse_kbli_codes("10761.0", known_kbli=known) == ("10761",)
    assert _error(parse_kbli_codes, "1076", known_kbli=known).params == {"value": "1076"}
    assert _error(parse_kbli_codes, "10761;99999", known_kbli=known).params == {"code": "99999"}


def test_product_has_one_kbli() -> None:
    assert parse_kbli_code("03111", known_kbli=KBLI.__contains__) == "03111"
    assert _error(parse_kbli_code, "10761;10792", known_kbli=KBLI.__contains__).params == {"count": 2}


@pytest.mark.parametrize(
    "typed", ["0901.21.20", "09.01.21.20", "09012120", "9012120", "9012120.0", "0901 21 20"]
)
def test_hs_codes(typed: str) -> None:
    assert parse_hs_code(typed) == "09.01.21.20"


def test_hs_code_refused() -> None:
    assert _error(parse_hs_code, "0901.21").params == {"value": "0901.21"}
    assert _error(parse_hs_code, "0901.21.20", known_hs=frozenset().__contains__).params == {
        "code": "09.01.21.20"
    }


def test_unit_goes_through_the_resolver() -> None:
    units = {"kg": "kg", "kilogram": "kg", "pcs": "buah"}
    assert parse_unit("Kilogram", resolve_unit=lambda text: units.get(text.lower())) == "kg"
    assert _error(parse_unit, "karung goni", resolve_unit=units.get).params == {"value": "karung goni"}


# -- certifications ----------------------------------------------------------------------------


def test_certifications() -> None:
    assert parse_certifications("halal:ID32110000123450123;sni:456") == (
        Certification("halal", "ID32110000123450123"),
        Certification("sni", "456"),
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("HALAL: ID1", "halal"),
        ("BPOM MD:224510001234", "bpom_md"),
        ("bpom-md:224510001234", "bpom_md"),
        ("MD:224510001234", "bpom_md"),
        ("BPOM:RI MD 224510001234", "bpom_md"),  # plain BPOM, told apart by its number
        ("BPOM:NA18201234567", "bpom_na"),
        ("PIRT:2093273010123-25", "spp_irt"),
        ("SPP-IRT:2093273010123-25", "spp_irt"),
        ("P-IRT:2093273010123-25", "spp_irt"),
        ("ISO 9001:QMS-123", "iso_9001"),
        ("iso9001:QMS-123", "iso_9001"),
        ("SNI:SNI 3751:2009", "sni"),  # the number may hold a colon
    ],
)
def test_certification_type_aliases(typed: str, code: str) -> None:
    (certificate,) = parse_certifications(typed)
    assert certificate.type_code == code


def test_certification_errors() -> None:
    unknown = _error(parse_certifications, "halal:ID1;gmp:77")
    assert unknown.params["type"] == "gmp"
    assert "halal" in unknown.params["choices"]
    assert _error(parse_certifications, "halal").params == {"value": "halal"}
    assert _error(parse_certifications, "halal:").params == {"value": "halal:"}
    assert _error(parse_certifications, "BPOM:12345").params["type"] == "BPOM"


def test_certification_types_can_be_narrowed() -> None:
    only_halal = CertificationTypes(["halal"])
    assert parse_certifications("mui:ID1", types=only_halal) == (Certification("halal", "ID1"),)
    assert _error(parse_certifications, "sni:1", types=only_halal).params["choices"] == "halal"


def test_certification_types_match_the_reference_data() -> None:
    with (REFERENCE_DATA / "certification_types.csv").open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    assert set(CERTIFICATION_TYPES) == codes


# -- text --------------------------------------------------------------------------------------


def test_names_lose_repeated_spaces_and_line_breaks() -> None:
    assert parse_name("Kerupuk  Ikan\nTenggiri", max_length=50) == "Kerupuk Ikan Tenggiri"
    assert _error(parse_name, "x" * 51, max_length=50).params == {"maximum": 50, "length": 51}
