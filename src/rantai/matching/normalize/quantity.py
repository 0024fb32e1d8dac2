"""Numbers and quantities with units, written the many ways sellers write them, folded to one token.

`250gr`, `250 g` and `0,25 kg` all become `qty:250g`. Numbers follow the Indonesian convention first
(dot for thousands, comma for decimals: `5.000` is five thousand, `0,25` a quarter) and fall back to the
English one only where the Indonesian reading is impossible (`1,500,000`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

QUANTITY_PREFIX: Final = "qty:"
UNIT_PREFIX: Final = "unit:"

# alias -> (canonical unit, factor to that unit). Mass folds to grams, volume to millilitres, length to
# millimetres, so that the same amount in different units is one token; counts fold the common Indonesian
# counting words (buah, biji, lusin, kodi) to pieces.
_UNITS: Final[dict[str, tuple[str, Decimal]]] = {
    # mass
    "mg": ("g", Decimal("0.001")),
    "g": ("g", Decimal(1)),
    "gr": ("g", Decimal(1)),
    "grm": ("g", Decimal(1)),
    "gram": ("g", Decimal(1)),
    "grams": ("g", Decimal(1)),
    "ons": ("g", Decimal(100)),
    "kg": ("g", Decimal(1000)),
    "kgs": ("g", Decimal(1000)),
    "kilo": ("g", Decimal(1000)),
    "kilogram": ("g", Decimal(1000)),
    "ton": ("g", Decimal(1_000_000)),
    # volume
    "ml": ("ml", Decimal(1)),
    "mililiter": ("ml", Decimal(1)),
    "cc": ("ml", Decimal(1)),
    "l": ("ml", Decimal(1000)),
    "lt": ("ml", Decimal(1000)),
    "ltr": ("ml", Decimal(1000)),
    "liter": ("ml", Decimal(1000)),
    "litre": ("ml", Decimal(1000)),
    # length
    "mm": ("mm", Decimal(1)),
    "cm": ("mm", Decimal(10)),
    "m": ("mm", Decimal(1000)),
    "mtr": ("mm", Decimal(1000)),
    "meter": ("mm", Decimal(1000)),
    "km": ("mm", Decimal(1_000_000)),
    "inch": ("in", Decimal(1)),
    "inci": ("in", Decimal(1)),
    '"': ("in", Decimal(1)),
    # counts
    "pcs": ("pcs", Decimal(1)),
    "pc": ("pcs", Decimal(1)),
    "pce": ("pcs", Decimal(1)),
    "piece": ("pcs", Decimal(1)),
    "pieces": ("pcs", Decimal(1)),
    "buah": ("pcs", Decimal(1)),
    "bh": ("pcs", Decimal(1)),
    "biji": ("pcs", Decimal(1)),
    "ea": ("pcs", Decimal(1)),
    "lusin": ("pcs", Decimal(12)),
    "kodi": ("pcs", Decimal(20)),
    "lembar": ("lembar", Decimal(1)),
    "lbr": ("lembar", Decimal(1)),
    "sheet": ("lembar", Decimal(1)),
    "sheets": ("lembar", Decimal(1)),
    "pasang": ("pasang", Decimal(1)),
    "psg": ("pasang", Decimal(1)),
    "pair": ("pasang", Decimal(1)),
    "pairs": ("pasang", Decimal(1)),
    "rim": ("rim", Decimal(1)),
    # packaging
    "box": ("box", Decimal(1)),
    "dus": ("box", Decimal(1)),
    "dos": ("box", Decimal(1)),
    "karton": ("box", Decimal(1)),
    "pack": ("pack", Decimal(1)),
    "pak": ("pack", Decimal(1)),
    "pck": ("pack", Decimal(1)),
    "bungkus": ("pack", Decimal(1)),
    "bks": ("pack", Decimal(1)),
    "roll": ("roll", Decimal(1)),
    "rol": ("roll", Decimal(1)),
    "botol": ("botol", Decimal(1)),
    "btl": ("botol", Decimal(1)),
    "sachet": ("sachet", Decimal(1)),
    "saset": ("sachet", Decimal(1)),
    "sak": ("sak", Decimal(1)),
    "zak": ("sak", Decimal(1)),
    "kaleng": ("kaleng", Decimal(1)),
    # electricity and data
    "w": ("w", Decimal(1)),
    "watt": ("w", Decimal(1)),
    "kw": ("w", Decimal(1000)),
    "v": ("v", Decimal(1)),
    "volt": ("v", Decimal(1)),
    "mah": ("mah", Decimal(1)),
    "kb": ("kb", Decimal(1)),
    "mb": ("mb", Decimal(1)),
    "gb": ("gb", Decimal(1)),
    "tb": ("tb", Decimal(1)),
}

# A number as sellers write it: Indonesian thousands (`5.000`, `1.250.000,50`), English thousands with
# at least two groups (`1,500,000`), or a plain integer with at most one decimal separator. The trailing
# guard stops a list of sizes (`38,39,40`) from reading as one decimal number.
NUMBER_PATTERN: Final = (
    r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d+(?:[.,]\d+)?)(?![.,]?\d)"
)
_UNIT_ALTERNATION = "|".join(re.escape(unit) for unit in sorted(_UNITS, key=len, reverse=True))

# A quantity may follow an `x` (`2x50gr`) but no other letter or digit, and its unit must end the word
# (`5 m` is five metres, `5 menit` is not).
QUANTITY_PATTERN: Final = (
    rf"(?<![a-wyz0-9.,])(?P<amount>{NUMBER_PATTERN})\s*(?P<unit>{_UNIT_ALTERNATION})(?![a-z0-9])"
)


def parse_number(text: str) -> Decimal | None:
    """Read a number written the Indonesian way (or, failing that, the English way); None if it is none."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        # Whichever separator comes last is the decimal one.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif dots > 1 or (dots == 1 and len(text) - text.index(".") - 1 == 3):
        text = text.replace(".", "")  # 5.000 and 1.250.000 are thousands
    elif commas > 1:
        text = text.replace(",", "")  # 1,500,000: only the English reading is possible
    elif commas == 1:
        text = text.replace(",", ".")  # 0,25 is a quarter
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def format_number(value: Decimal) -> str:
    """Write a number in its shortest exact form: `250`, `0.25`, `1000`, never `2.5E+2`."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def canonical_number(text: str) -> str:
    """The canonical spelling of a bare number (`5.000` -> `5000`, `0,25` -> `0.25`)."""
    value = parse_number(text)
    return text if value is None else format_number(value)


def canonical_unit(unit: str) -> str | None:
    """The unit an alias folds to (`gr` -> `g`, `liter` -> `ml`), or None for an unknown alias."""
    known = _UNITS.get(unit)
    return None if known is None else known[0]


def quantity_token(amount: str, unit: str) -> str | None:
    """One token for an amount and a unit alias: (`0,25`, `kg`) -> `qty:250g`; None if unreadable."""
    known = _UNITS.get(unit)
    value = parse_number(amount)
    if known is None or value is None:
        return None
    base_unit, factor = known
    return f"{QUANTITY_PREFIX}{format_number(value * factor)}{base_unit}"


def unit_token(unit: str) -> str | None:
    """The token for the kind of amount alone (`gr` -> `unit:g`), or None for an unknown alias.

    Emitted beside each quantity: `3 gr` and `0,25 gr` are different amounts of the same kind of goods
    (sold by the gram), which the exact `qty:` tokens alone would not show.
    """
    base_unit = canonical_unit(unit)
    return None if base_unit is None else f"{UNIT_PREFIX}{base_unit}"
