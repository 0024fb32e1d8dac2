"""The current time, always timezone-aware UTC; one place so tests can reason about it."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Rantai's calendar days (needed-by dates, certificate validity) are Indonesian days; WIB is the day most
# users live in, and a day's difference at the edges of WITA/WIT does not change a deadline's meaning.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def today() -> dt.date:
    """Today's date in Indonesia (WIB)."""
    return now().astimezone(WIB).date()
