"""Parsers for one cell of a bulk-import file: the text a person typed in, a typed value out.

Each parser takes the cell's text (already stripped by the reader) and returns the value, or raises
``CellError`` whose English msgid says what to fix. They undo what spreadsheets do to numbers
(issue #3): ``9120000000000.0``, scientific notation, lost leading zeros, thousands separators.

Look-ups that need the database (KBLI codes, region names, units) come in as callbacks, so this module
stays pure and fast: the validator calls these parsers hundreds of thousands of times per import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from stdnum.exceptions import InvalidLength, ValidationError
from stdnum.id import npwp

from rantai.kit.text import N_

NIB_LENGTH = 13
KBLI_LENGTH = 5
HS_LENGTH = 8
MAX_RUPIAH = 10**15  # above any UMKM's figures and far inside a 64-bit column
MAX_COUNT = 10**12
MIN_YEAR = 1900
MAX_CERTIFICATE_NUMBER = 64
_MAX_LISTED_CANDIDATES = 5

_DIGITS = re.compile(r"\d+", re.ASCII)
# What Excel or pandas make of a whole number: "9120000000000.0", and "...,0" in Indonesian locale.
_FLOAT_FORM = re.compile(r"(\d+)[.,]0+", re.ASCII)
# Excel writes large numbers as "9.12E+12" (or "9,12E+12") in CSV: only the shown digits survive.
_SCIENTIFIC = re.compile(r"(\d)(?:[.,](\d*))?[eE]\+?(\d{1,2})", re.ASCII)
_THOUSANDS_DOT = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?", re.ASCII)  # 1.500.000 or 1.500.000,00
_THOUSANDS_COMMA = re.compile(r"(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?", re.ASCII)  # 1,500,000 or 1,500,000.00
_DECIMAL = re.compile(r"(\d+)(?:[.,](\d+))?", re.ASCII)  # 1500000, 1500000.0, 1,5
# The usual way: "1.500.000", "Rp 1.500.000", "Rp1.500.000,00", "Rp 1.500.000,-".
_RUPIAH_USUAL = re.compile(r"(?:rp\.?\s*)?(\d{1,3}(?:\.\d{3})+)(?:,0+|,-)?", re.IGNORECASE | re.ASCII)
_RUPIAH_PREFIX = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_AMOUNT_SUFFIX = re.compile(r"\s*[.,]-$")  # "Rp 1.500.000,-" is how prices are written
_MULTIPLIER = re.compile(r"^(.*?)\s*(ribu|rb|juta|jt|miliar|milyar|triliun)\.?$", re.IGNORECASE)
_MULTIPLIERS = {
    "ribu": 10**3,
    "rb": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "triliun": 10**12,
}
_REGION_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?", re.ASCII)
_REGION_TRIMMED_KABKOTA = re.compile(r"\d{2}\.\d", re.ASCII)
_REGION_DIGIT_LENGTHS = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}
_HS_CODE = re.compile(r"\d{1,2}\.?\d{2}\.?\d{2}\.?\d{2}", re.ASCII)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # the same rule as identity.normalize_email
_MAX_EMAIL = 254
_LIST_SEPARATORS = re.compile(r"[;,|/\s]+")
_CERTIFICATE_SEPARATORS = re.compile(r"[;,\n]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_PHONE_NOISE = str.maketrans("", "", " -.()")


class CellError(Exception):
    """A cell the user has to fix: an English msgid and the values for its placeholders."""

    def __init__(self, message: str, /, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params: dict[str, Any] = params


# -- numbers spreadsheets reformatted -----------------------------------------------------------


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def whole_number_digits(value: str) -> str | None:
    """The digits of a whole number a spreadsheet may have reformatted, or None if ``value`` is not one.

    ``"9120000000001"``, ``"9120000000001.0"`` and ``"9,120000000001E+12"`` all give
    ``"9120000000001"``. Scientific notation is accepted only when its mantissa still holds every digit;
    ``"9.12E+12"`` raises ``CellError``, because the digits Excel did not show are gone for good.
    """
    if _is_digits(value):
        return value
    match = _FLOAT_FORM.fullmatch(value)
    if match:
        return match[1]
    match = _SCIENTIFIC.fullmatch(value)
    if match is None:
        return None
    mantissa = match[1] + (match[2] or "")
    length = int(match[3]) + 1
    if len(mantissa) < length:
        raise CellError(
            N_(
                "%(value)s is in scientific notation, which drops digits; "
                "format the column as text and type the number again."
            ),
            value=value,
        )
    if mantissa[length:].strip("0"):
        return None  # a fraction, not a whole number
    return mantissa[:length]


# -- identifiers ------------------------------------------------------------------------------


def parse_nib(value: str) -> str:
    """A 13-digit NIB from OSS.

    Lost leading zero: a spreadsheet that treats the column as a number drops a NIB's leading zero, so
    a 12-digit value becomes ``0`` + the 12 digits. One zero only: a shorter value is more likely a
    mistyped NIB than one with two lost zeros, and a wrong guess would attach the row to another business.
    """
    if len(value) == NIB_LENGTH and value.isdigit() and value.isascii():
        return value
    digits = whole_number_digits(value)
    if digits is None:
        compact = value.replace(" ", "").replace("-", "")
        if not _is_digits(compact):
            raise CellError(N_("NIB may contain only digits; found %(value)s."), value=value)
        digits = compact
    if len(digits) == NIB_LENGTH - 1:
        return "0" + digits
    if len(digits) != NIB_LENGTH:
        raise CellError(N_("NIB must have 13 digits; found %(digits)d."), digits=len(digits))
    return digits


def parse_npwp(value: str) -> str:
    """An NPWP as its 16 digits (PMK 112/2022): a NIK, or ``0`` + the old 15-digit number.

    The old 15-digit form is accepted and prefixed with ``0`` so one taxpayer has one stored value. Old
    numbers all start with ``0`` (the taxpayer-type digits are 01-09), so a 14-digit value is an old
    number whose leading zero a spreadsheet dropped, and gets it back. ``stdnum.id.npwp`` is the rule;
    numbers starting with 0 skip its slower generic code for a Luhn check that gives the same answers
    (a unit test compares them), NIK-based numbers go through it.
    """
    digits = whole_number_digits(value)
    if digits is None:
        digits = npwp.compact(value)
        if not _is_digits(digits):
            raise CellError(
                N_("NPWP may contain only digits, dots and dashes; found %(value)s."), value=value
            )
    if len(digits) in (14, 15):
        digits = "0" * (16 - len(digits)) + digits
    if len(digits) == 16 and digits[0] == "0":
        if not _luhn_valid(digits[:10]):
            raise CellError(
                N_("NPWP %(value)s has a wrong check digit; copy it again from the NPWP card."), value=value
            )
        return digits
    try:
        return npwp.validate(digits)
    except InvalidLength:
        raise CellError(N_("NPWP must have 15 or 16 digits; found %(digits)d."), digits=len(digits)) from None
    except ValidationError:
        # Only 16-digit numbers not starting with 0 get here: NIKs with an impossible birth date or region.
        raise CellError(N_("NPWP %(value)s is not a valid NIK; check its 16 digits."), value=value) from None


# Each digit doubled, with the digits of the result added (Luhn): 7 -> 14 -> 5.
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def _luhn_valid(digits: str) -> bool:
    doubled = digits[-2::-2].translate(_LUHN_DOUBLED)
    return (sum(map(int, digits[-1::-2])) + sum(map(int, doubled))) % 10 == 0


# -- regions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegionMatch:
    """What a region-name look-up found: one code, several candidates ``(code, name)``, or nothing."""

    code: str | None = None
    candidates: tuple[tuple[str, str], ...] = ()

    @classmethod
    def found(cls, code: str) -> RegionMatch:
        return cls(code=code)

    @classmethod
    def ambiguous(cls, candidates: Iterable[tuple[str, str]]) -> RegionMatch:
        return cls(candidates=tuple(candidates))

    @classmethod
    def unknown(cls) -> RegionMatch:
        return cls()


ResolveRegion = Callable[[str], RegionMatch]


def parse_region_code(
    value: str, *, resolve_region: ResolveRegion, known_region: Callable[[str], bool] | None = None
) -> str:
    """A Kemendagri region code, dotted (``32.73``, ``32.73.01``, ``32.73.01.1001``).

    Undotted digits (``3273``) get their dots. Province codes start at 11, so no leading zero can be
    lost; but Excel turns ``32.10`` into the number ``32.1``, whose lost trailing zero is restored (a
    kab/kota part has two digits). Text with letters is a region name, looked up by ``resolve_region``.
    ``known_region``, when given, checks that a code exists.
    """
    compact = value.replace(" ", "")
    if _REGION_CODE.fullmatch(compact):
        code = compact
    elif _REGION_TRIMMED_KABKOTA.fullmatch(compact) and not compact.endswith("0"):
        code = compact + "0"  # "32.0" is a province written as a decimal, left to the branch below
    else:
        digits = whole_number_digits(compact)
        if digits is not None and len(digits) in _REGION_DIGIT_LENGTHS:
            parts, start = [], 0
            for width in _REGION_DIGIT_LENGTHS[len(digits)]:
                parts.append(digits[start : start + width])
                start += width
            code = ".".join(parts)
        elif any(character.isalpha() for character in value):
            return _resolve_region_name(" ".join(value.split()), resolve_region)
        else:
            raise CellError(
                N_("Enter a Kemendagri region code such as 32.73, or the region's name; found %(value)s."),
                value=value,
            )
    if known_region is not None and not known_region(code):
        raise CellError(N_("Region code %(code)s does not exist; check the Kemendagri code list."), code=code)
    return code


def _resolve_region_name(name: str, resolve_region: ResolveRegion) -> str:
    match = resolve_region(name)
    if match.code is not None:
        return match.code
    if match.candidates:
        listed = [f"{code} {label}" for code, label in match.candidates[:_MAX_LISTED_CANDIDATES]]
        if len(match.candidates) > _MAX_LISTED_CANDIDATES:
            listed.append("…")
        raise CellError(
            N_("Region %(name)s matches more than one region (%(candidates)s); enter the code instead."),
            name=name,
            candidates=", ".join(listed),
        )
    raise CellError(N_("Region %(name)s was not found; enter its Kemendagri code, such as 32.73."), name=name)


# -- amounts and counts -----------------------------------------------------------------------


def parse_rupiah(value: str, *, minimum: int = 0) -> int:
    """An amount in whole Rupiah.

    Accepted: ``1500000``, ``1500000.0``, ``1.500.000`` and ``1,500,000`` (a separator followed by
    groups of three digits is a thousands separator), ``Rp 1.500.000,00``, ``Rp1.500.000,-``, and words
    people write in amounts: ``1,5 juta``, ``750 ribu``/``rb``, ``2 jt``, ``1,2 miliar``/``milyar``,
    ``triliun``. A lone separator followed by other than three digits is a decimal point (``1,5``).
    Refused: negatives, fractions of a Rupiah, scientific notation that hides digits.
    """
    if value.isdigit() and value.isascii() and len(value) <= 16:
        amount = int(value)
    elif usual := _RUPIAH_USUAL.fullmatch(value):
        amount = int(usual[1].replace(".", ""))
    else:
        amount = _parse_amount(value)
    if amount < minimum:
        if amount < 0:
            raise CellError(N_("The amount cannot be negative; found %(value)s."), value=value)
        raise CellError(
            N_("Enter an amount of at least %(minimum)s Rupiah; found %(value)s."),
            minimum=minimum,
            value=value,
        )
    if amount > MAX_RUPIAH:
        raise CellError(N_("%(value)s is too large; check the number."), value=value)
    return amount


def _parse_amount(value: str) -> int:
    text = _AMOUNT_SUFFIX.sub("", value.strip())
    # Accounting writes a negative amount in parentheses; a minus may stand before or after "Rp".
    negative = text.startswith("(") and text.endswith(")")
    text = _RUPIAH_PREFIX.sub("", text.strip("()").strip())
    if text.startswith(("-", "−")):
        negative, text = True, _RUPIAH_PREFIX.sub("", text[1:].strip())
    factor = 1
    words = _MULTIPLIER.match(text)
    if words:
        text, factor = words[1].strip(), _MULTIPLIERS[words[2].lower()]
    text = text.replace(" ", "")
    number = _decimal(text)
    if number is None:
        raise CellError(
            N_("Enter an amount in whole Rupiah, such as 1500000 or Rp 1.500.000; found %(value)s."),
            value=value,
        )
    number *= factor
    if number != number.to_integral_value():
        raise CellError(N_("Enter whole Rupiah without cents; found %(value)s."), value=value)
    return -int(number) if negative else int(number)


def _decimal(text: str) -> Decimal | None:
    """The number in ``text`` written the Indonesian or the English way, or None."""
    for pattern, thousands in ((_THOUSANDS_DOT, "."), (_THOUSANDS_COMMA, ",")):
        match = pattern.fullmatch(text)
        if match:
            return Decimal(match[1].replace(thousands, "") + "." + (match[2] or "0"))
    match = _DECIMAL.fullmatch(text)
    if match:
        return Decimal(match[1] + "." + (match[2] or "0"))
    digits = whole_number_digits(text)  # scientific notation, refused when digits are lost
    return Decimal(digits) if digits is not None else None


def parse_count(value: str, *, minimum: int = 1) -> int:
    """A whole number such as a head count, a minimum order or a number of days (``1.000`` is a thousand)."""
    if value.isdigit() and value.isascii() and len(value) <= 13:
        number = int(value)
    else:
        parsed = _decimal(value.replace(" ", "")) if not value.startswith(("-", "−")) else None
        if parsed is None or parsed != parsed.to_integral_value():
            raise CellError(
                N_("Enter a whole number of at least %(minimum)d; found %(value)s."),
                minimum=minimum,
                value=value,
            )
        number = int(parsed)
    if number < minimum:
        raise CellError(
            N_("Enter a whole number of at least %(minimum)d; found %(value)s."), minimum=minimum, value=value
        )
    if number > MAX_COUNT:
        raise CellError(N_("%(value)s is too large; check the number."), value=value)
    return number


def parse_year(value: str, *, max_year: int) -> int:
    """A year from 1900 to ``max_year`` (the caller passes the current year)."""
    digits = whole_number_digits(value)
    year = int(digits) if digits is not None and len(digits) == 4 else 0
    if not MIN_YEAR <= year <= max_year:
        raise CellError(
            N_("Enter a year from 1900 to %(max_year)d, such as 2015; found %(value)s."),
            max_year=max_year,
            value=value,
        )
    return year


# -- contact ----------------------------------------------------------------------------------


def parse_phone(value: str) -> str:
    """An Indonesian phone number in international form, ``+62`` and the national number.

    ``0812-3456-7890``, ``+62 812 3456 7890``, ``+62 (0)812...``, ``6281234567890`` and ``81234567890``
    (a number column dropped the leading 0) all give ``+6281234567890``; ``(022) 4201234`` gives
    ``+62224201234``. Without a ``+``, a leading ``62`` is the country code when a mobile number (``8``)
    follows or the number is too long to be a national one; otherwise it is an area code (0620-0629).
    """
    text = value.replace("(0)", "")
    digits = whole_number_digits(text)
    plus = text.startswith("+")
    compact = digits if digits is not None else text.translate(_PHONE_NOISE).removeprefix("+")
    if not _is_digits(compact):
        raise _phone_error(value)
    if plus:
        if not compact.startswith("62"):
            raise _phone_error(value)
        national = compact[2:]
    elif compact.startswith("0"):
        national = compact
    elif compact.startswith("628") or (compact.startswith("62") and len(compact) >= 11):
        national = compact[2:]
    else:
        national = compact
    national = national.removeprefix("0")
    if not (8 <= len(national) <= 12 and national[0] in "23456789"):
        raise _phone_error(value)
    return "+62" + national


def _phone_error(value: str) -> CellError:
    return CellError(
        N_("Enter one Indonesian phone number, such as 0812 3456 7890; found %(value)s."), value=value
    )


def parse_email(value: str) -> str:
    """An email address, lowercased as identity stores them."""
    address = value.lower()
    if len(address) > _MAX_EMAIL or not _EMAIL.fullmatch(address):
        raise CellError(N_("Enter a valid email address, like nama@contoh.co.id."))
    return address


# -- classifications --------------------------------------------------------------------------


class LegalForm(StrEnum):
    """Bentuk usaha: the legal form of a business."""

    PERORANGAN = "perorangan"  # usaha perorangan: a person trading in their own name
    UD = "ud"  # usaha dagang: a sole proprietorship with a trade name
    CV = "cv"  # commanditaire vennootschap (persekutuan komanditer)
    FIRMA = "firma"
    PT = "pt"  # perseroan terbatas
    PT_PERORANGAN = "pt_perorangan"  # PT perorangan for UMK (UU 11/2020, PP 8/2021)
    KOPERASI = "koperasi"


_LEGAL_FORMS: dict[str, LegalForm] = {
    "perorangan": LegalForm.PERORANGAN,
    "perseorangan": LegalForm.PERORANGAN,
    "usaha perorangan": LegalForm.PERORANGAN,
    "usaha perseorangan": LegalForm.PERORANGAN,
    "orang perseorangan": LegalForm.PERORANGAN,
    "individu": LegalForm.PERORANGAN,
    "pribadi": LegalForm.PERORANGAN,
    "ud": LegalForm.UD,
    "usaha dagang": LegalForm.UD,
    "cv": LegalForm.CV,
    "commanditaire vennootschap": LegalForm.CV,
    "persekutuan komanditer": LegalForm.CV,
    "firma": LegalForm.FIRMA,
    "fa": LegalForm.FIRMA,
    "persekutuan firma": LegalForm.FIRMA,
    "pt": LegalForm.PT,
    "perseroan terbatas": LegalForm.PT,
    "pt persekutuan modal": LegalForm.PT,
    "pt persero": LegalForm.PT,
    "pt tbk": LegalForm.PT,
    "pt perorangan": LegalForm.PT_PERORANGAN,
    "pt perseorangan": LegalForm.PT_PERORANGAN,
    "perseroan perorangan": LegalForm.PT_PERORANGAN,
    "perseroan perseorangan": LegalForm.PT_PERORANGAN,
    "perseroan terbatas perorangan": LegalForm.PT_PERORANGAN,
    "pt_perorangan": LegalForm.PT_PERORANGAN,
    "koperasi": LegalForm.KOPERASI,
    "kop": LegalForm.KOPERASI,
    "kud": LegalForm.KOPERASI,  # koperasi unit desa
}
_LEGAL_FORM_CHOICES = "perorangan, UD, CV, firma, PT, PT perorangan, koperasi"


def parse_legal_form(value: str) -> LegalForm:
    """The legal form from the spellings people use: ``CV``, ``C.V.``, ``PT Perorangan``, ``Koperasi ...``."""
    key = " ".join(
        value.lower().replace(".", "").replace("(", " ").replace(")", " ").replace("-", " ").split()
    )
    form = _LEGAL_FORMS.get(key)
    if form is None and key.startswith("koperasi "):
        form = LegalForm.KOPERASI  # "Koperasi Produsen", "Koperasi Serba Usaha", ...
    if form is None:
        raise CellError(
            N_("Unknown legal form %(value)s; use one of: %(choices)s."),
            value=value,
            choices=_LEGAL_FORM_CHOICES,
        )
    return form


def parse_kbli_codes(value: str, *, known_kbli: Callable[[str], bool]) -> tuple[str, ...]:
    """KBLI 2020 codes separated by ``;`` (or ``,``, spaces): 5 digits each, the first is the primary one.

    A 4-digit code gets back its leading zero (divisions 01-03 begin with 0) when the 5-digit code exists;
    otherwise it is reported as too short. Repeated codes are kept once.
    """
    codes: list[str] = []
    for item in _LIST_SEPARATORS.split(value):
        if not item:
            continue
        digits = whole_number_digits(item)
        if digits is not None and len(digits) == KBLI_LENGTH - 1 and known_kbli("0" + digits):
            digits = "0" + digits
        if digits is None or len(digits) != KBLI_LENGTH:
            raise CellError(N_("KBLI codes have 5 digits, such as 10761; found %(value)s."), value=item)
        if not known_kbli(digits):
            raise CellError(N_("KBLI %(code)s does not exist in KBLI 2020; check the code."), code=digits)
        if digits not in codes:
            codes.append(digits)
    return tuple(codes)


def parse_kbli_code(value: str, *, known_kbli: Callable[[str], bool]) -> str:
    """One KBLI 2020 code (a product has one)."""
    codes = parse_kbli_codes(value, known_kbli=known_kbli)
    if len(codes) != 1:
        raise CellError(N_("Enter one KBLI code for a product; found %(count)d."), count=len(codes))
    return codes[0]


def parse_hs_code(value: str, *, known_hs: Callable[[str], bool] | None = None) -> str:
    """An 8-digit BTKI 2022 tariff line in the reference's dotted form, ``09.01.21.20``.

    Accepts ``0901.21.20``, ``09012120`` and ``9012120`` (a number column dropped the leading zero of
    chapters 01-09: a 7-digit value gets it back).
    """
    compact = value.replace(" ", "")
    digits = whole_number_digits(compact)
    if digits is None and _HS_CODE.fullmatch(compact):
        digits = compact.replace(".", "")
    if digits is not None and len(digits) == HS_LENGTH - 1:
        digits = "0" + digits
    if digits is None or len(digits) != HS_LENGTH:
        raise CellError(N_("HS codes have 8 digits, such as 0901.21.20; found %(value)s."), value=value)
    code = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    if known_hs is not None and not known_hs(code):
        raise CellError(N_("HS code %(code)s does not exist in BTKI 2022; check the code."), code=code)
    return code


def parse_unit(value: str, *, resolve_unit: Callable[[str], str | None]) -> str:
    """A unit code from what people write (``kg``, ``Kilogram``, ``pcs``), looked up by ``resolve_unit``."""
    code = resolve_unit(" ".join(value.split()))
    if code is None:
        raise CellError(
            N_("Unknown unit %(value)s; use a unit such as kg, buah, liter, pak or dus."), value=value
        )
    return code


# -- certifications ---------------------------------------------------------------------------

# The codes of rantai/reference/data/certification_types.csv (a unit test keeps them in step). This
# package may not import rantai.reference; a caller with the database at hand can pass its own list.
CERTIFICATION_TYPES: tuple[str, ...] = (
    "halal",
    "sni",
    "bpom_md",
    "bpom_ml",
    "bpom_na",
    "bpom_tr",
    "spp_irt",
    "cppob",
    "slhs",
    "nkv",
    "skp",
    "haccp",
    "iso_22000",
    "iso_9001",
    "iso_14001",
    "iso_45001",
    "smk3",
    "tkdn",
    "svlk",
    "ispo",
    "rspo",
    "organik",
)
# Other names people give them, written without spaces or punctuation as lookups compare them.
_CERTIFICATION_ALIASES = {
    "sertifikathalal": "halal",
    "mui": "halal",  # halal certificates were issued by MUI until 2019
    "bpjph": "halal",
    "spptsni": "sni",
    "md": "bpom_md",
    "ml": "bpom_ml",
    "na": "bpom_na",
    "tr": "bpom_tr",
    "pommd": "bpom_md",
    "pomml": "bpom_ml",
    "pomna": "bpom_na",
    "pomtr": "bpom_tr",
    "pirt": "spp_irt",
    "irt": "spp_irt",
    "sertifikatorganik": "organik",
    "organic": "organik",
}
_BPOM_PREFIXES = {"md": "bpom_md", "ml": "bpom_ml", "na": "bpom_na", "tr": "bpom_tr"}


@dataclass(frozen=True, slots=True)
class Certification:
    """One certificate from the ``sertifikasi`` cell: its type code and its number as written."""

    type_code: str
    number: str


class CertificationTypes:
    """The certification types an import accepts, with the aliases that lead to them."""

    def __init__(self, codes: Collection[str] = CERTIFICATION_TYPES) -> None:
        self.codes = tuple(codes)
        self._index = {_NOT_ALNUM.sub("", code.lower()): code for code in self.codes}
        for alias, code in _CERTIFICATION_ALIASES.items():
            if code in self.codes:
                self._index.setdefault(alias, code)

    def resolve(self, name: str, number: str) -> str | None:
        """The type code for ``name``; plain ``BPOM`` is told apart by its number (``MD 2245...``)."""
        key = _NOT_ALNUM.sub("", name.lower())
        code = self._index.get(key)
        if code is None and key in {"bpom", "bpomri", "pom"}:
            prefix = _NOT_ALNUM.sub("", number.lower()).removeprefix("bpom").removeprefix("ri")[:2]
            code = _BPOM_PREFIXES.get(prefix)
        return code if code in self.codes else None


DEFAULT_CERTIFICATION_TYPES = CertificationTypes()


def parse_certifications(
    value: str, *, types: CertificationTypes = DEFAULT_CERTIFICATION_TYPES
) -> tuple[Certification, ...]:
    """``halal:ID32110000123450123;sni:123`` -> certificates; type names as in the reference, any case."""
    found: list[Certification] = []
    for item in _CERTIFICATE_SEPARATORS.split(value):
        if not item.strip():
            continue
        name, colon, number = item.partition(":")
        number = " ".join(number.split())
        if not colon or not name.strip() or not number:
            raise CellError(
                N_(
                    "Write each certificate as type:number, such as halal:ID32110000123450123; found %(value)s."
                ),
                value=item.strip(),
            )
        code = types.resolve(name, number)
        if code is None:
            raise CellError(
                N_("Unknown certification type %(type)s; use one of: %(choices)s."),
                type=name.strip(),
                choices=", ".join(types.codes),
            )
        if len(number) > MAX_CERTIFICATE_NUMBER:
            raise CellError(
                N_("Too long: at most %(maximum)d characters; found %(length)d."),
                maximum=MAX_CERTIFICATE_NUMBER,
                length=len(number),
            )
        certificate = Certification(code, number)
        if certificate not in found:
            found.append(certificate)
    return tuple(found)


# -- free text --------------------------------------------------------------------------------


def parse_name(value: str, *, max_length: int) -> str:
    """A one-line text (a name, an address, a code): inner runs of spaces and line breaks become one space."""
    text = value if "  " not in value and "\n" not in value and "\t" not in value else " ".join(value.split())
    return check_length(text, max_length=max_length)


def check_length(value: str, *, max_length: int) -> str:
    """``value`` unchanged, unless it is longer than ``max_length`` characters."""
    if len(value) > max_length:
        raise CellError(
            N_("Too long: at most %(maximum)d characters; found %(length)d."),
            maximum=max_length,
            length=len(value),
        )
    return value
