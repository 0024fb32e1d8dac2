"""Money as integer Rupiah, formatted the Indonesian way with Babel."""

from __future__ import annotations

from babel.numbers import format_currency, format_decimal

_BABEL_LOCALE = {"id": "id_ID", "en": "en_US"}


def format_rupiah(amount: int, locale: str = "id") -> str:
    """``1500000`` -> ``Rp1.500.000`` (Indonesian) or ``IDR1,500,000`` (English). Whole Rupiah only."""
    return format_currency(
        amount, "IDR", locale=_BABEL_LOCALE.get(locale, "id_ID"), format="¤#,##0", currency_digits=False
    )


def format_number(value: int | float, locale: str = "id") -> str:
    """``1234567`` -> ``1.234.567`` (Indonesian) or ``1,234,567`` (English)."""
    return format_decimal(value, locale=_BABEL_LOCALE.get(locale, "id_ID"))


def format_money(amount: int, currency: str = "IDR", locale: str = "id") -> str:
    """An amount in minor units of ``currency``: Rupiah whole (``Rp1.500.000``), other currencies with
    their cents (``12500`` USD -> ``US$125,00`` in Indonesian, ``$125.00`` in English)."""
    if currency == "IDR":
        return format_rupiah(amount, locale)
    return format_currency(amount / 100, currency, locale=_BABEL_LOCALE.get(locale, "id_ID"))
