"""The engine's reasons in the user's language.

The matching engine says why with codes and plain values (`rantai.matching.Reason`); this module is the
one place that words them, for the web page, the API and the CLI alike: "cocok dengan produk Keripik
Singkong Balado 250 g", "sertifikat Halal berlaku s.d. Mar 2027", "kapasitas 2.000/bulan cukup untuk
5.000 dalam 3 bulan", "jarak 12 km", and for exclusions "sertifikat SNI kedaluwarsa", "kapasitas
200/bulan < 1.000 diminta". Numbers, money and dates follow the locale (Babel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

from babel.dates import format_date
from sqlalchemy.orm import Session

from rantai.i18n import translate
from rantai.kit.money import format_number, format_rupiah
from rantai.kit.text import N_
from rantai.matching import Reason
from rantai.sourcing.shortlists import unit_rows

MESSAGES: dict[str, str] = {
    # why a supplier is on the shortlist
    "matched_offer": N_("matches the product %(name)s"),
    "matched_terms": N_("matching words: %(terms)s"),
    "category_agrees": N_("in the category %(category)s"),
    "kbli_agrees": N_("its KBLI %(kbli)s fits this need"),
    "hs_agrees": N_("its HS code %(hs)s fits this need"),
    "cert_valid": N_("%(cert)s certificate valid until %(until)s"),
    "cert_valid_open": N_("%(cert)s certificate (no expiry date)"),
    "capacity_fits": N_("capacity %(per_month)s/month is enough for %(quantity)s in %(months)s months"),
    "capacity_partial": N_(
        "covers part: capacity %(per_month)s/month is %(share_pct)s%% of %(quantity)s in %(months)s months"
    ),
    "distance": N_("%(km)s km away"),
    "price_fits": N_("price %(unit_price)s per unit: %(total)s in all, within the budget of %(budget)s"),
    "price_over_budget": N_(
        "price %(unit_price)s per unit: %(total)s in all, above the budget of %(budget)s"
    ),
    "track_record": N_("%(completed)s orders completed, %(on_time_pct)s%% on time"),
    "won_similar": N_("won %(count)s similar packages in %(year)s"),
    "won_similar_undated": N_("won %(count)s similar packages"),
    "won_here": N_("won %(count)s packages delivered to this place"),
    "newcomer": N_("newcomer: has not won an order on Rantai yet"),
    "size_preferred": N_("size class %(size)s, as preferred"),
    # why a supplier is not on it
    "not_verified": N_("not verified yet"),
    "cert_missing": N_("no %(cert)s certificate"),
    "cert_expired": N_("%(cert)s certificate expired by the needed-by date (valid until %(until)s)"),
    "size_excluded": N_("a large business (usaha besar): this line is reserved for UMKM"),
    "capacity_short": N_("capacity %(per_month)s/month < %(quantity)s requested (in %(months)s months)"),
    "region_outside": N_("outside the region asked for (%(region)s)"),
    "no_matching_offer": N_("none of its products matches this need"),
    "ranked_below": N_("qualified, but ranked %(rank)s while the shortlist shows %(top)s"),
}
# English wants a singular for one; the two locales Rantai speaks need no other plural forms.
SINGULAR: dict[str, tuple[str, str]] = {
    "capacity_fits": (
        "months",
        N_("capacity %(per_month)s/month is enough for %(quantity)s in %(months)s month"),
    ),
    "capacity_partial": (
        "months",
        N_(
            "covers part: capacity %(per_month)s/month is %(share_pct)s%% of %(quantity)s in %(months)s month"
        ),
    ),
    "capacity_short": (
        "months",
        N_("capacity %(per_month)s/month < %(quantity)s requested (in %(months)s month)"),
    ),
    "track_record": ("completed", N_("%(completed)s order completed, %(on_time_pct)s%% on time")),
    "won_similar": ("count", N_("won %(count)s similar package in %(year)s")),
    "won_similar_undated": ("count", N_("won %(count)s similar package")),
    "won_here": ("count", N_("won %(count)s package delivered to this place")),
}
_MONEY = frozenset({"unit_price", "total", "budget"})
_BABEL = {"id": "id_ID", "en": "en_US"}


@lru_cache(maxsize=8)
def _names(rows: tuple[tuple[str, str | None, float | None, str, str], ...], locale: str) -> dict[str, str]:
    return {code: (name_en if locale == "en" else name_id) for code, _, _, name_id, name_en in rows}


@lru_cache(maxsize=8)
def _phrases(
    rows: tuple[tuple[str, str | None, float | None, str, str], ...],  # noqa: ARG001 - the cache key
    locale: str,  # noqa: ARG001 - the cache key
) -> dict[Reason, str]:
    """An empty store of the phrases worded with these units in `locale` (one per both)."""
    return {}


_PHRASES_KEPT = 20_000


class Vocabulary:
    """Unit names in one locale (reference data, kept by the process: `shortlists.unit_rows`);
    certificates go by their short names. Reasons already worded in this locale with these units are
    kept by the process: a page words the same reasons many times and pages share most of them (issue
    #9: server CPU per shortlist page)."""

    def __init__(self, session: Session, locale: str) -> None:
        rows = unit_rows(session)
        self.locale = locale
        self.units = _names(rows, locale)
        self.phrases = _phrases(rows, locale)

    def cert(self, code: str) -> str:
        """A certificate's short name for a phrase ("Halal", "SNI", "BPOM MD", "SPP-IRT")."""
        return short_cert_name(code)

    def unit(self, code: str | None) -> str:
        return self.units.get(code, code).lower() if code else ""


_SHORT_CERT_NAMES = {"halal": "Halal", "spp_irt": "SPP-IRT", "organik": "Organik"}


def short_cert_name(code: str) -> str:
    return _SHORT_CERT_NAMES.get(code) or code.replace("_", " ").upper()


def _value(key: str, value: object, vocabulary: Vocabulary) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | dt.date):
        # Babel parses the locale and the pattern on every call; a page words the same numbers and
        # dates many times (issue #9: server CPU per shortlist page).
        return _formatted(key in _MONEY, value, vocabulary.locale)
    if isinstance(value, tuple | list):
        return ", ".join(str(item) for item in value)
    return str(value)


@lru_cache(maxsize=4096)
def _formatted(money: bool, value: int | float | dt.date, locale: str) -> str:
    """A number, an amount of Rupiah or a date in `locale`'s way."""
    if money and isinstance(value, int | float):
        return format_rupiah(round(value), locale)
    if isinstance(value, dt.date):
        return format_date(value, "MMM yyyy", locale=_BABEL.get(locale, "id_ID"))
    number = round(value, 1) if isinstance(value, float) and not value.is_integer() else int(value)
    return format_number(number, locale)


def describe(reason: Reason, vocabulary: Vocabulary) -> str:
    """One reason as a short phrase in the vocabulary's locale."""
    phrases = vocabulary.phrases
    phrase = phrases.get(reason)
    if phrase is None:
        phrase = _word(reason, vocabulary)
        if len(phrases) >= _PHRASES_KEPT:
            phrases.clear()
        phrases[reason] = phrase
    return phrase


def _word(reason: Reason, vocabulary: Vocabulary) -> str:
    params = dict(reason.params)
    code = reason.code
    if code == "cert_valid" and params.get("until") is None:
        code = "cert_valid_open"
    if code == "won_similar" and params.get("year") is None:
        code = "won_similar_undated"
    message = MESSAGES.get(code)
    if message is None:  # a reason this version of the app does not word yet
        return code.replace("_", " ")
    if code in SINGULAR and params.get(SINGULAR[code][0]) == 1:
        message = SINGULAR[code][1]
    values: dict[str, str] = {}
    for key, value in params.items():
        if key in {"cert", "code"} and isinstance(value, str) and code.startswith("cert"):
            values["cert"] = vocabulary.cert(value)
        else:
            # A year is a name, not an amount: 2026, never "2.026".
            values[key] = str(value) if key == "year" else _value(key, value, vocabulary)
    unit = params.get("unit")
    if "quantity" in values and isinstance(unit, str) and unit:
        values["quantity"] = f"{values['quantity']} {vocabulary.unit(unit)}"
    values.setdefault("cert", "")
    try:
        return translate(vocabulary.locale, message, **values)
    except (KeyError, ValueError):
        return translate(vocabulary.locale, message.split("%(")[0].strip())


def params_json(params: Mapping[str, object]) -> dict[str, object]:
    """Reason parameters as JSON values (dates as ISO text) for the API."""
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else list(v) if isinstance(v, tuple) else v)
        for k, v in params.items()
    }
