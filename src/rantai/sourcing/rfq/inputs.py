"""Reading the RFQ forms as typed (the builder, the amendment, the quote) into the services' data.

Field names are the ones the services name in their errors, so a message lands beside its field:
``deadline``, ``title``, ``line-<id>-quantity`` (an RFQ line, or a need line in the builder),
``line-<id>-unit_price``... Numbers accept the Indonesian way (``5.000``, ``Rp 1.500.000``); a USD
amount takes cents (``12.50`` or ``12,50``). A deadline is a ``datetime-local`` value in WIB.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from rantai.kit.errors import Invalid
from rantai.kit.text import N_, ascii_digits, has_control_characters
from rantai.sourcing.rfq.errors import QuoteInvalid, RfqInvalid
from rantai.sourcing.rfq.models import RfqLine
from rantai.sourcing.rfq.quotes import QuoteData, QuoteLineData
from rantai.sourcing.rfq.service import AmendmentData, OrderSettings, RfqData, RfqLineData
from rantai.tabular import cells

T = TypeVar("T")

MSG_DEADLINE_FORMAT = N_("Give the deadline as a date and time (for example 2027-03-31 14:00 WIB).")
MSG_DATE_FORMAT = N_("Give a date such as 2027-03-31.")
MSG_RATE_FORMAT = N_("Give the Rupiah rate as a number, such as 16.250 or 16250,50.")
MSG_AMOUNT = N_("Enter an amount such as 1.500.000 (or 12,50 for USD); found %(value)s.")
MSG_CONTROL = N_("Remove the invisible control characters (such as NUL) from this text.")
MSG_PICK_LINE = N_("Choose at least one line of the need to ask prices for.")
_CENTS = re.compile(r"(\d{1,3}(?:[.,\s]\d{3})*|\d+)(?:([.,])(\d{1,2}))?")


def _text(values: Mapping[str, str], name: str, error: type[Invalid], *, multiline: bool = False) -> str:
    value = (values.get(name) or "").strip()
    if has_control_characters(value, multiline=multiline):
        raise error(MSG_CONTROL, field=name)
    return value


def _cell(raw: str, field: str, error: type[Invalid], parser: Callable[[str], T]) -> T:
    try:
        return parser(raw)
    except cells.CellError as exc:
        raise error(exc.message, field=field, **exc.params) from exc


def parse_deadline(raw: str, *, field: str = "deadline") -> dt.datetime:
    """A ``datetime-local`` value (``2027-03-31T14:00``), naive: the service reads it as WIB."""
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise RfqInvalid(MSG_DEADLINE_FORMAT, field=field) from None
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def parse_date(raw: str, *, field: str, error: type[Invalid]) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise error(MSG_DATE_FORMAT, field=field) from None


def parse_amount(raw: str, currency: str, *, field: str, error: type[Invalid]) -> int:
    """An amount in minor units: whole Rupiah for IDR, cents for USD."""
    if currency == "IDR":
        return _cell(raw, field, error, cells.parse_rupiah)
    text = raw.strip().removeprefix("USD").removeprefix("$").strip()
    match = _CENTS.fullmatch(text)
    if match is None:
        raise error(MSG_AMOUNT, field=field, value=raw[:40])
    whole = re.sub(r"[.,\s]", "", match[1])
    cents = (match[3] or "0").ljust(2, "0")
    return int(whole) * 100 + int(cents)


def _count(raw: str, field: str, error: type[Invalid], *, minimum: int = 1) -> int:
    return _cell(raw, field, error, lambda v: cells.parse_count(v, minimum=minimum))


def _rate(raw: str) -> Decimal | None:
    text = raw.strip().replace(" ", "")
    if not text:
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):  # 16.250,50
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise RfqInvalid(MSG_RATE_FORMAT, field="idr_rate") from None
    if not rate.is_finite() or rate > Decimal("1e12"):
        raise RfqInvalid(MSG_RATE_FORMAT, field="idr_rate")
    return rate


def _ids(raw: Sequence[str]) -> list[int]:
    return [int(v) for v in raw if ascii_digits(v) and len(v) <= 9]


def parse_rfq(
    values: Mapping[str, str], supplier_ids: Sequence[str], need_lines: Sequence[RfqLineData]
) -> RfqData:
    """The builder's form: the need's lines ticked (``line-<need line id>-include``) with their quantity,
    the suppliers ticked, publishing, and the global buyer's terms."""
    chosen: list[RfqLineData] = []
    for line in need_lines:
        key = f"line-{line.need_line_id}"
        if values.get(f"{key}-include") not in ("1", "on"):
            continue
        raw = _text(values, f"{key}-quantity", RfqInvalid)
        if raw:
            line.quantity = _count(raw, f"{key}-quantity", RfqInvalid)
        chosen.append(line)
    if not chosen:
        raise RfqInvalid(MSG_PICK_LINE, field="lines")
    deadline = parse_deadline(_text(values, "deadline", RfqInvalid))
    currency = _text(values, "currency", RfqInvalid).upper() or "IDR"
    rate_date_raw = _text(values, "idr_rate_date", RfqInvalid)
    rate_date = parse_date(rate_date_raw, field="idr_rate_date", error=RfqInvalid) if rate_date_raw else None
    return RfqData(
        title=_text(values, "title", RfqInvalid),
        description=_text(values, "description", RfqInvalid, multiline=True) or None,
        deadline=deadline,
        lines=chosen,
        published=values.get("published") in ("1", "on"),
        supplier_ids=_ids(supplier_ids),
        currency=currency,
        idr_rate=_rate(_text(values, "idr_rate", RfqInvalid)) if currency != "IDR" else None,
        idr_rate_date=rate_date if currency != "IDR" else None,
        incoterm=_text(values, "incoterm", RfqInvalid) or None,
        incoterm_place=_text(values, "incoterm_place", RfqInvalid) or None,
    )


def parse_amendment(values: Mapping[str, str], lines: Sequence[RfqLine]) -> AmendmentData:
    """The amendment form: the reason, a later deadline (blank: unchanged), changed line quantities."""
    raw_deadline = _text(values, "deadline", RfqInvalid)
    quantities: dict[int, int] = {}
    for line in lines:
        name = f"line-{line.id}-quantity"
        raw = _text(values, name, RfqInvalid)
        if raw:
            quantity = _count(raw, name, RfqInvalid)
            if quantity != line.quantity:
                quantities[line.id] = quantity
    return AmendmentData(
        reason=_text(values, "reason", RfqInvalid, multiline=True),
        deadline=parse_deadline(raw_deadline) if raw_deadline else None,
        quantities=quantities,
    )


def parse_quote(values: Mapping[str, str], lines: Sequence[RfqLine], currency: str) -> QuoteData:
    """The quote form: for each line priced (a blank price leaves the line out) its unit price, the
    quantity offered (blank: the whole line), the lead time and notes; valid-until and general notes."""
    given: list[QuoteLineData] = []
    for line in lines:
        key = f"line-{line.id}"
        price = _text(values, f"{key}-unit_price", QuoteInvalid)
        if not price:
            continue
        quantity = _text(values, f"{key}-quantity", QuoteInvalid)
        lead = _text(values, f"{key}-lead_time_days", QuoteInvalid)
        given.append(
            QuoteLineData(
                rfq_line_id=line.id,
                unit_price=parse_amount(price, currency, field=f"{key}-unit_price", error=QuoteInvalid),
                quantity=_count(quantity, f"{key}-quantity", QuoteInvalid) if quantity else line.quantity,
                lead_time_days=_count(lead, f"{key}-lead_time_days", QuoteInvalid, minimum=0) if lead else 0,
                notes=_text(values, f"{key}-notes", QuoteInvalid, multiline=True) or None,
            )
        )
    return QuoteData(
        lines=given,
        valid_until=validity_day(values),
        notes=_text(values, "notes", QuoteInvalid, multiline=True) or None,
    )


def validity_day(values: Mapping[str, str]) -> dt.date:
    """The quote's last valid day (``valid_until``, a date the form or the API gives)."""
    valid_raw = _text(values, "valid_until", QuoteInvalid)
    if not valid_raw:
        raise QuoteInvalid(MSG_DATE_FORMAT, field="valid_until")
    return parse_date(valid_raw, field="valid_until", error=QuoteInvalid)


def parse_order_settings(values: Mapping[str, str]) -> OrderSettings:
    """The orders part of the buyer's settings form: the PO code (capitals), the NPWP (15 or 16 digits,
    dots and dashes allowed), the collector statuses (ticked boxes)."""
    code = _text(values, "code", RfqInvalid).upper() or None
    raw_npwp = _text(values, "npwp", RfqInvalid)
    return OrderSettings(
        code=code,
        npwp=_cell(raw_npwp, "npwp", RfqInvalid, cells.parse_npwp) if raw_npwp else None,
        ppn_collector=values.get("ppn_collector") in ("1", "on"),
        pph22_collector=values.get("pph22_collector") in ("1", "on"),
    )


def parse_buyer_settings(values: Mapping[str, str]) -> tuple[int, int]:
    """The buyer's settings form: the approval threshold (Rupiah) and the payment terms (days)."""
    threshold = _text(values, "approval_above", RfqInvalid)
    terms = _text(values, "payment_terms_days", RfqInvalid)
    return (
        _cell(threshold or "-", "approval_above", RfqInvalid, cells.parse_rupiah),
        _count(terms or "-", "payment_terms_days", RfqInvalid, minimum=0),
    )
