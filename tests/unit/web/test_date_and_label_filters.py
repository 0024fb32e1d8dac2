"""The `date` and `label` filters (issue #13): dates in the viewer's language instead of "2028-07-26",
stored codes in words instead of `PT_PERORANGAN`."""

from __future__ import annotations

import datetime as dt

import pytest

from rantai.i18n import translations
from rantai.web.templating import _env


def _render(source: str, locale: str, **values: object) -> str:
    gettext = translations(locale)
    return _env.from_string(source).render(locale=locale, gettext=gettext.gettext, **values)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (dt.date(2028, 7, 26), "id", "26 Jul 2028"),
        (dt.date(2028, 7, 26), "en", "Jul 26, 2028"),
        ("2028-07-26", "id", "26 Jul 2028"),
        (dt.date(2026, 12, 5), "id", "5 Des 2026"),
        (dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC), "id", "5 Des 2026 10:00 WIB"),
        (None, "id", "-"),
        ("bukan tanggal", "id", "bukan tanggal"),
    ],
)
def test_date_in_the_viewer_language(value: object, locale: str, expected: str) -> None:
    assert _render("{{ value|date }}", locale, value=value) == expected


@pytest.mark.parametrize(
    ("value", "kind", "locale", "expected"),
    [
        ("pt_perorangan", "legal_form", "en", "PT perorangan (sole-owner PT)"),
        ("PT_PERORANGAN", "legal_form", "en", "PT perorangan (sole-owner PT)"),
        ("cv", "legal_form", "id", "CV"),
        ("mikro", "size_class", "en", "Micro"),
        ("umkm", "org_type", "en", "Micro, small or medium enterprise (UMKM)"),
        ("something_new", "size_class", "en", "something_new"),  # never hidden
        (None, "size_class", "en", "-"),
    ],
)
def test_label_in_words(value: object, kind: str, locale: str, expected: str) -> None:
    assert _render("{{ value|label(kind) }}", locale, value=value, kind=kind) == expected


def test_label_is_translated() -> None:
    assert _render('{{ "umkm"|label("org_type") }}', "id") != "Micro, small or medium enterprise (UMKM)"
