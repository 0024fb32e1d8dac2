"""HTML and PDF of a PO version or a BAST, one template each over a shared layout and stylesheet.

The document's language is its own, not the reader's: Bahasa Indonesia, with English beside every
label ("Nomor / Number") when the buyer is foreign (``second_language``). Values (amounts, dates,
quantities) are written the Indonesian way; money in the order's currency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape

from rantai.i18n import translate
from rantai.kit.clock import WIB
from rantai.kit.money import format_money, format_number
from rantai.orders.documents import BastContent, PoContent, Unit
from rantai.sourcing.rfq.printing import PrintedUnit, RfqContent

HERE = Path(__file__).parent
STYLESHEET = HERE / "document.css"
LANGUAGE = "id"

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class Screen:
    """What the page shown in a browser adds around the document (never printed, never in the PDF): the
    stylesheet's address and links back, worded in the reader's language."""

    stylesheet_href: str
    links: tuple[tuple[str, str], ...]  # (href, text)


def labeller(second_language: str | None) -> Callable[..., str]:
    """The document's ``_``: a label in Bahasa Indonesia, with the second language beside it."""

    def label(message: str, **params: Any) -> str:
        first = translate(LANGUAGE, message, **params)
        if not second_language:
            return first
        second = translate(second_language, message, **params)
        return first if second == first else f"{first} / {second}"

    return label


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        value = value.astimezone(WIB).date()
    return format_date(value, "d MMMM yyyy", locale="id_ID")


def _datetime(value: dt.datetime) -> str:
    return format_datetime(value.astimezone(WIB), "d MMMM yyyy HH.mm", locale="id_ID") + " WIB"


def _unit(unit: Unit | PrintedUnit | None, second_language: str | None) -> str:
    if unit is None:
        return ""
    if second_language and unit.name_en and unit.name_en != unit.name_id:
        return f"{unit.name_id} / {unit.name_en}"
    return unit.name_id


Content = PoContent | BastContent | RfqContent


def _render(template: str, content: Content, screen: Screen | None) -> str:
    second = content.second_language
    currency = content.currency if isinstance(content, PoContent | RfqContent) else "IDR"
    return _env.get_template(template).render(
        doc=content,
        screen=screen,
        lang=f"{LANGUAGE}-{second}" if second else LANGUAGE,
        _=labeller(second),
        money=lambda amount: format_money(amount, currency, LANGUAGE),
        number=lambda value: format_number(value, LANGUAGE),
        date=_date,
        datetime=_datetime,
        unit=lambda unit: _unit(unit, second),
    )


def html_of(content: Content, *, screen: Screen | None = None) -> str:
    """The document as one HTML page (the PDF's source; with ``screen``, the page a browser shows)."""
    template = {PoContent: "po.html", BastContent: "bast.html", RfqContent: "rfq.html"}[type(content)]
    return _render(template, content, screen)


def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _no_fetching(url: str) -> Any:
    # A document is made of our template and the stylesheet given below: it loads nothing else, so text
    # typed by a user can never make the worker fetch a URL.
    raise ValueError(f"documents load no resources ({url[:80]})")


def pdf_of(html: str) -> bytes:
    """The PDF of a document's HTML (WeasyPrint: Pango and HarfBuzz, installed by ``make pdf-deps``)."""
    # Imported here: loading WeasyPrint and Pango takes a second or two, which only the worker pays.
    from weasyprint import CSS, HTML  # noqa: PLC0415

    pdf: bytes = HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[CSS(string=stylesheet(), url_fetcher=_no_fetching)]
    )
    return pdf
