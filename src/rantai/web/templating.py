"""Jinja2 environment: i18n through Babel catalogs, Indonesian formats, the policy for menus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from rantai.i18n import translations
from rantai.kit.money import format_money, format_number, format_rupiah
from rantai.web.forms import new_form_key
from rantai.web.labels import label_msgid
from rantai.web.requestctx import Viewer

TEMPLATE_DIR = Path(__file__).parent / "templates"
JAKARTA = ZoneInfo("Asia/Jakarta")

_env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)


def _format_when(value: dt.datetime | None, locale: str = "id") -> str:
    """Timestamps are stored in UTC and shown in WIB (Asia/Jakarta) until users carry their own zone."""
    if value is None:
        return "-"
    babel_locale = "id_ID" if locale == "id" else "en_US"
    local = value.astimezone(JAKARTA)
    return f"{format_datetime(local, 'd MMM yyyy HH:mm', locale=babel_locale)} WIB"


def _format_day(value: dt.date | None, locale: str = "id") -> str:
    """A calendar day (a delivery, a due date): ``5 Des 2026`` in Indonesian, ``Dec 5, 2026`` in English."""
    if value is None:
        return "-"
    return format_date(
        value,
        "d MMM yyyy" if locale == "id" else "MMM d, yyyy",
        locale="id_ID" if locale == "id" else "en_US",
    )


def _format_money(amount: int | None, currency: str = "IDR", locale: str = "id") -> str:
    """An amount in minor units of ``currency`` (an RFQ's money): Rupiah whole, USD with its cents."""
    return "-" if amount is None else format_money(amount, currency, locale)


@pass_context
def _format_date(context: Context, value: dt.date | dt.datetime | str | None) -> str:
    """Any date the page shows, in the viewer's language (issue #13: pages showed "2028-07-26"): a day
    as ``26 Jul 2028`` / ``Jul 26, 2028``, a moment with its time in WIB; an ISO text is read first. The
    locale comes from the page, so a template writes ``{{ x|date }}``."""
    locale = str(context.get("locale") or "id")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return "-"
        try:
            value = (
                dt.datetime.fromisoformat(text) if "T" in text or " " in text else dt.date.fromisoformat(text)
            )
        except ValueError:
            return text  # not a date after all: shown as written
    if isinstance(value, dt.datetime):
        return _format_when(value if value.tzinfo else value.replace(tzinfo=dt.UTC), locale)
    return _format_day(value, locale)


@pass_context
def _label(context: Context, value: object, kind: str) -> str:
    """A stored code (``pt_perorangan``, ``mikro``, an enum) in words, in the viewer's language
    (`web.labels`): ``{{ profile.legal_form|label("legal_form") }}``."""
    if value is None or value == "":
        return "-"
    translate = context.get("gettext")
    msgid = label_msgid(value, kind)
    return str(translate(msgid)) if callable(translate) else msgid


_env.filters["date"] = _format_date
_env.filters["label"] = _label
_env.filters["rupiah"] = format_rupiah
_env.filters["money"] = _format_money
_env.filters["number"] = format_number
_env.filters["when"] = _format_when
_env.filters["day"] = _format_day
_env.globals["new_form_key"] = new_form_key  # templates/_form_key.html


def render(
    request: Request,
    template: str,
    viewer: Viewer,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a full page, or only its content block when HTMX asks (``HX-Request``)."""
    tmpl = _env.get_template(template)
    values: dict[str, Any] = {
        "request": request,
        "viewer": viewer,
        "locale": viewer.locale,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "htmx": request.headers.get("hx-request") == "true",
        "request_id": getattr(request.state, "request_id", ""),
        **(context or {}),
    }
    gettext = translations(viewer.locale)
    # jinja2.ext.i18n reads these from the template globals; pass them per render for the viewer's language.
    values["gettext"] = gettext.gettext
    values["ngettext"] = gettext.ngettext
    values["_"] = _translate_with(gettext.gettext)
    html = tmpl.render(values)
    return HTMLResponse(html, status_code=status_code)


def _translate_with(gettext: Any) -> Any:
    def _(message: str, **params: Any) -> str:
        text: str = gettext(message)
        return text % params if params else text

    return _
