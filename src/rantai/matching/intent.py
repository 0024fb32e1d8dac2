"""Quick entry: one typed sentence read into a need line's parts.

"keripik singkong 5.000 bungkus, halal, kirim ke Kota Bandung" -> text "keripik singkong", quantity
5000, unit "bungkus", certificates ("halal",), place "Kota Bandung". The rules, in the order applied:

- place: the phrase after "dikirim ke" / "kirim ke" / "dikirimkan ke" / "antar ke" / "tujuan", or else
  after a last "ke" or "di" followed by a capitalised word ("di Pontianak", "ke Kab. Sambas"), up to the
  next comma or the end; kept as typed for the app to resolve to a kab/kota;
- certificates: halal, SNI, BPOM / BPOM MD (`bpom_md`), PIRT / P-IRT / SPP-IRT (`spp_irt`), ISO 9001
  (`iso_9001`), SVLK, HACCP, and "organik" when it stands alone between commas or follows
  "sertifikat"; a "sertifikat"/"bersertifikat" word before them goes too;
- quantity: a number followed by a unit word, numbers read the Indonesian way (`5.000` = 5000, `2,5` =
  two and a half). With several, a count or package unit (bungkus, buah, dus) wins over a measure
  (`keripik 250 gr 5.000 bungkus`: the 250 gr describes the goods). A fraction is moved to the next
  smaller unit when there is one (2,5 ton -> 2500 kg, 1,5 kg -> 1500 gram, 0,5 liter -> 500
  mililiter) and rounded up otherwise (1,5 dus -> 2 dus: at least what was asked for);
- unit words map to the reference unit codes (pcs/biji -> buah, bks -> bungkus, box/kardus -> dus,
  stel -> set, ltr -> liter, porsi, ekor, ikat ...);
- a province named alone, without "di"/"ke": "Jakarta" (not "Jakarta Selatan", a kota) is the province
  DKI Jakarta, all its kota (`PROVINCE_NAMES`); "di Jakarta" / "kirim ke Jakarta" say the same;
- what remains, without request words at the start ("butuh", "cari", "pengadaan") or filler around the
  removed parts ("sebanyak"), is the text to search for.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from rantai.matching.normalize.quantity import NUMBER_PATTERN, parse_number

# Unit words as typed -> reference unit code (the ref_unit table).
UNIT_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(("pcs", "pc", "buah", "bh", "biji", "bj"), "buah"),
    **dict.fromkeys(("unit", "unt"), "unit"),
    **dict.fromkeys(("set", "stel", "setel", "setelan"), "set"),
    **dict.fromkeys(("lembar", "lbr", "lmbr", "helai"), "lembar"),
    "lusin": "lusin",
    "kodi": "kodi",
    **dict.fromkeys(("gross", "gros"), "gross"),
    "rim": "rim",
    **dict.fromkeys(("pasang", "psg"), "pasang"),
    "ekor": "ekor",
    **dict.fromkeys(("batang", "btg"), "batang"),
    "ikat": "ikat",
    "orang": "orang",
    "porsi": "porsi",
    "paket": "paket",
    **dict.fromkeys(("dus", "dos", "box", "boks", "kardus"), "dus"),
    "karton": "karton",
    **dict.fromkeys(("pak", "pack", "pck", "pax"), "pak"),
    **dict.fromkeys(("bungkus", "bks", "bgks"), "bungkus"),
    **dict.fromkeys(("botol", "btl"), "botol"),
    "kaleng": "kaleng",
    **dict.fromkeys(("karung", "krg"), "karung"),
    **dict.fromkeys(("sak", "zak"), "sak"),
    "tabung": "tabung",
    **dict.fromkeys(("roll", "rol"), "roll"),
    "drum": "drum",
    **dict.fromkeys(("kg", "kgs", "kilo", "kilogram"), "kg"),
    **dict.fromkeys(("gram", "gr", "g", "grm"), "gram"),
    "ons": "ons",
    **dict.fromkeys(("kuintal", "kwintal"), "kuintal"),
    **dict.fromkeys(("ton", "tons"), "ton"),
    **dict.fromkeys(("liter", "ltr", "lt", "l", "litre"), "liter"),
    **dict.fromkeys(("ml", "mililiter", "cc"), "mililiter"),
    **dict.fromkeys(("meter", "mtr", "m"), "meter"),
    **dict.fromkeys(("m2", "meter persegi"), "m2"),
}
# Measures: with a count or package unit beside them they describe the goods, not the order.
_MEASURES: Final = frozenset({"kg", "gram", "ons", "kuintal", "ton", "liter", "mililiter", "meter", "m2"})
# A fraction of a unit moves to the next smaller unit: unit -> (smaller unit, factor).
_SMALLER: Final[dict[str, tuple[str, int]]] = {
    "ton": ("kg", 1000),
    "kuintal": ("kg", 100),
    "kg": ("gram", 1000),
    "ons": ("gram", 100),
    "liter": ("mililiter", 1000),
    "lusin": ("buah", 12),
    "kodi": ("buah", 20),
    "gross": ("buah", 144),
    "rim": ("lembar", 500),
}
_CERT_PREFIX: Final = r"(?:(?:ber)?sertifika(?:t|si)\s+)?"
_CERTS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(_CERT_PREFIX + pattern, re.IGNORECASE), code)
    for pattern, code in (
        (r"\bhalal\b(?:\s+mui\b)?", "halal"),
        (r"\bsni\b", "sni"),
        (r"\bbpom(?:\s*-?\s*(?:md|ri))?\b", "bpom_md"),
        (r"\b(?:sp)?p\s*-?\s*irt\b", "spp_irt"),  # PIRT, P-IRT, SPP-IRT, SPPIRT
        (r"\biso\s*-?\s*9001(?::\d{4})?\b", "iso_9001"),
        (r"\bsvlk\b", "svlk"),
        (r"\bhaccp\b", "haccp"),
    )
)
# "organik" is often just a kind of goods ("pupuk organik"): a certificate only when said so.
_ORGANIC: Final = re.compile(
    r"(?:(?:ber)?sertifika(?:t|si)\s+organik\b|(?:(?<=,)|^)\s*organik\s*(?=,|$))", re.IGNORECASE
)
_UNIT_ALTERNATION: Final = "|".join(re.escape(word) for word in sorted(UNIT_WORDS, key=len, reverse=True))
_QUANTITY: Final = re.compile(
    rf"(?<![\w.,])(?P<amount>{NUMBER_PATTERN})\s*(?P<unit>{_UNIT_ALTERNATION})(?![\w])", re.IGNORECASE
)
_SEND: Final = re.compile(
    r"\b(?:di)?(?:kirim(?:kan)?|antar(?:kan)?)\s+(?:ke|di)\s+(?P<place>[^,;]+)"
    r"|\b(?:tujuan|lokasi)\s*:?\s+(?P<place2>[^,;]+)",
    re.IGNORECASE,
)
# A place after a bare "ke" or "di" must start with a capital letter or an administrative word.
_PLACE_WORD: Final = r"(?:[A-Z][\w.'-]*|(?i:kab(?:upaten)?\.?|kota|kec(?:amatan)?\.?|prov(?:insi)?\.?)\b)"
_BARE: Final = re.compile(rf"(?:^|\s|,)(?:ke|di)\s+(?P<place>{_PLACE_WORD}[^,;]*)")
_LEADING: Final = re.compile(
    r"^(?:(?:saya\s+)?(?:butuh|perlu|membutuhkan|memerlukan|cari|mencari|pesan|beli|order|pengadaan|"
    r"belanja|mohon|tolong)\b\s*)+",
    re.IGNORECASE,
)
_FILLER: Final = re.compile(
    r"\b(?:sebanyak|sejumlah|jumlah|kurang lebih|sekitar|\+-|±)\s*(?=,|$)", re.IGNORECASE
)


# Province-level places a buyer names bare, as typed (lower case) -> the province's name as the app
# resolves it. Only names that are no kab/kota of their own: "Yogyakarta" is also a kota, "Jakarta" not.
PROVINCE_NAMES: Final[dict[str, str]] = {
    "jakarta": "DKI Jakarta",
    "dki jakarta": "DKI Jakarta",
    "dki": "DKI Jakarta",
    "jabodetabek": "DKI Jakarta",
}
_KOTA_OF_JAKARTA: Final = r"(?!\s+(?:pusat|utara|barat|selatan|timur)\b)"
_BARE_PROVINCE: Final = re.compile(
    rf"(?<![\w.])(?P<place>(?:dki\s+)?jakarta{_KOTA_OF_JAKARTA}|dki|jabodetabek)(?![\w])", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class ParsedNeed:
    """What a quick-entry sentence says: the text to search for, the quantity and its unit code, the
    certificate type codes, and the place phrase (as typed)."""

    text: str
    quantity: int | None = None
    unit: str | None = None
    certs: tuple[str, ...] = ()
    place: str | None = None


def parse_need(sentence: str) -> ParsedNeed:
    """Read a quick-entry sentence (see the module docstring for the rules)."""
    text = " ".join(sentence.split())
    place, text = _take_place(text)
    certs, text = _take_certs(text)
    quantity, unit, text = _take_quantity(text)
    return ParsedNeed(_clean(text), quantity, unit, certs, place)


def _cut(text: str, start: int, end: int) -> str:
    """`text` without [start, end), a comma standing in for the cut so that neighbours stay apart."""
    return f"{text[:start]} , {text[end:]}"


def _take_place(text: str) -> tuple[str | None, str]:
    found = _SEND.search(text)
    group = "place"
    if found is not None:
        group = "place" if found.group("place") is not None else "place2"
    else:
        matches = list(_BARE.finditer(text))
        found = matches[-1] if matches else None
    if found is None:
        bare = _BARE_PROVINCE.search(text)
        if bare is None:
            return None, text
        return _province(bare.group("place")), _cut(text, bare.start(), bare.end())
    place = found.group(group).strip(" .,;")
    return (_province(place) if place else None), _cut(text, found.start(), found.end())


def _province(place: str) -> str:
    """A bare province name as the province's name ("Jakarta" -> "DKI Jakarta"); other places as typed."""
    return PROVINCE_NAMES.get(" ".join(place.lower().split()), place)


def _take_certs(text: str) -> tuple[tuple[str, ...], str]:
    certs: list[str] = []
    spans: list[tuple[int, int, str]] = []
    for pattern, code in (*_CERTS, (_ORGANIC, "organik")):
        for found in pattern.finditer(text):
            spans.append((found.start(), found.end(), code))
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans):
        if not kept or span[0] >= kept[-1][1]:  # overlapping matches: the first one counts
            kept.append(span)
    for start, end, _ in reversed(kept):
        text = _cut(text, start, end)
    for _, _, code in kept:
        if code not in certs:
            certs.append(code)
    return tuple(certs), text


def _take_quantity(text: str) -> tuple[int | None, str | None, str]:
    found: list[tuple[re.Match[str], str, Decimal]] = []
    for match in _QUANTITY.finditer(text):
        amount = parse_number(match.group("amount"))
        if amount is not None and amount > 0:
            found.append((match, UNIT_WORDS[match.group("unit").lower()], amount))
    if not found:
        return None, None, text
    counts = [item for item in found if item[1] not in _MEASURES]
    match, unit, amount = (counts or found)[0]
    quantity, unit = _whole(amount, unit)
    return quantity, unit, _cut(text, match.start(), match.end())


def _whole(amount: Decimal, unit: str) -> tuple[int, str]:
    """A whole amount: a fraction moves to the next smaller unit, or is rounded up."""
    if amount == amount.to_integral_value():
        return int(amount), unit
    if unit in _SMALLER:
        smaller, factor = _SMALLER[unit]
        return _whole(amount * factor, smaller)
    return math.ceil(amount), unit


def _clean(text: str) -> str:
    parts = [" ".join(part.split()) for part in re.split(r"[,;]", text)]
    parts = [_FILLER.sub("", part).strip(" .-:") for part in parts]
    joined = " ".join(part for part in parts if part)
    return _LEADING.sub("", joined).strip(" .-:")
