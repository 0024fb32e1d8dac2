"""Bounded input types for every API operation (issue #9): ids, counts, Rupiah, dates, codes and text.

Each number is bounded by the column it ends in (`rantai.kit.ids`), so a 20-digit id or price is a 422
that says the limit, never a driver overflow (a 500). Text is bounded by its column or a sensible length
(``Field(max_length=...)`` where it is used) and refuses NUL and other control characters, which
PostgreSQL cannot store. Dates are read only as ``YYYY-MM-DD``: pydantic's lax mode would read
``8.69e-159`` as a Unix timestamp. The bounds appear in the OpenAPI document, so clients see them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from rantai.kit.ids import MAX_ID, MAX_INTEGER
from rantai.kit.text import has_control_characters
from rantai.tabular.cells import MAX_COUNT, MAX_RUPIAH

NAME_MAX = 200  # names and brand names (String(200) columns)
PRODUCT_NAME_MAX = 500  # product names (String(500): marketplace titles, issue #14)
DESCRIPTION_MAX = 5000  # a product or need description, a line's specification
ADDRESS_MAX = 1000
SEARCH_MAX = 200
LEAD_TIME_MAX = 3650  # days: ten years is longer than any real order waits

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_format", "Enter a date like 2026-03-31", {"value": str(value)[:40]})


def _one_line(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError("control_characters", "Remove control characters")
    return value


def _multiline(value: str) -> str:
    if has_control_characters(value, multiline=True):
        raise PydanticCustomError("control_characters", "Remove control characters")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A calendar date written ``YYYY-MM-DD`` (RFC 3339 full-date), nothing else."""

_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})", re.ASCII
)


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "datetime_format", "Enter a time like 2026-03-31T14:00:00+07:00", {"value": str(value)[:40]}
    )


IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime)]
"""A moment written in ISO 8601 with its offset (``2026-03-31T14:00:00+07:00`` or ``...Z``): a time
without a zone is ambiguous (WIB, WITA or WIT?) and is refused, as are numbers read as timestamps."""

PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's id.")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a body or a query (primary keys are INTEGER columns)."""

Count = Annotated[int, Field(ge=1, le=MAX_COUNT)]
"""A quantity or a monthly capacity (BIGINT): at least 1, at most what the importer accepts."""
SmallCount = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
"""A count stored in an INTEGER column (a minimum order)."""
Days = Annotated[int, Field(ge=0, le=LEAD_TIME_MAX)]
"""A lead time in days: 0 is ready stock."""
Rupiah = Annotated[int, Field(ge=0, le=MAX_RUPIAH)]
"""Whole Rupiah (BIGINT columns), at most what the importer accepts (Rp1.000 triliun)."""
PositiveRupiah = Annotated[int, Field(ge=1, le=MAX_RUPIAH)]

OneLine = Annotated[str, AfterValidator(_one_line)]
"""One line of text (a name, a number, a search): give it ``Field(max_length=...)`` where used."""
MultiLine = Annotated[str, AfterValidator(_multiline)]
"""Text that may span lines (a description, an address)."""

# Reference codes: the pattern says their alphabet, so a NUL or a megabyte never reaches a query.
REGION_CODE = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"  # Kemendagri: 32, 32.73, ...
KBLI_CODE = r"^[A-Za-z0-9]{1,5}$"  # a section letter or up to five digits
PLAIN_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,47}$"  # units, certificate types, kemitraan, categories
HS_CODE = r"^[0-9][0-9. ]{0,15}$"  # 0101, 0101.21.00, 01012100
NIB = r"^[0-9]{13}$"

RegionCode = Annotated[str, Field(pattern=REGION_CODE, max_length=13)]
KbliCode = Annotated[str, Field(pattern=KBLI_CODE, max_length=5)]
PlainCode = Annotated[str, Field(pattern=PLAIN_CODE, max_length=48)]
HsCode = Annotated[str, Field(pattern=HS_CODE, max_length=16)]
