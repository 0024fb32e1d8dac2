"""Translations: Bahasa Indonesia (default) and English, from Babel catalogs in ``locales/``.

Message ids are English. The Indonesian catalog translates every one of them (a test checks it); the
English catalog exists so English is a real, switchable locale. Catalogs are compiled in memory at first
use, so no build step is needed for a fresh checkout.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from rantai.kit.text import Localized

LOCALES = ("id", "en")
DEFAULT_LOCALE = "id"
LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


def catalog_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled translations for ``locale`` (falls back to the message id when a string is missing)."""
    path = catalog_path(locale)
    if locale not in LOCALES or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def negotiate(value: str | None) -> str | None:
    """The supported locale named by ``value`` (a cookie or an Accept-Language header), if any."""
    if not value:
        return None
    for part in value.split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0].split("_")[0]
        if primary in LOCALES:
            return primary
    return None


def translate(locale: str, message: str, **params: Any) -> str:
    """Translate ``message`` and fill its ``%(name)s`` placeholders. A text parameter that is itself a
    message id (a status label such as "Verified") is translated too; a ``Localized`` parameter is worded
    in ``locale``; any other text is left as it is."""
    catalog = translations(locale)
    text = catalog.gettext(message)
    if params:
        shown = {key: _shown(catalog, locale, value) for key, value in params.items()}
        try:
            return text % shown
        except (KeyError, ValueError, TypeError):
            return text
    return text


def _shown(catalog: NullTranslations, locale: str, value: Any) -> Any:
    if isinstance(value, Localized):
        return value.in_locale(locale)
    return catalog.gettext(value) if isinstance(value, str) else value


def ngettext(locale: str, singular: str, plural: str, n: int, **params: Any) -> str:
    text = translations(locale).ngettext(singular, plural, n)
    return text % {"num": n, **params}
