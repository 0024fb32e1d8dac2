"""The current time, always timezone-aware UTC; one place so tests can reason about it."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
