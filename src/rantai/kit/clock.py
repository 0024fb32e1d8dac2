"""The current time, always timezone-aware UTC; one place so tests can reason about it.

Deadlines (an RFQ's quote deadline, issue #11) must pass while tests and benchmarks watch, without
waiting for them. Two ways to move the clock forward, both only ever forward and never in production:

- ``travel(delta)`` in a test process (a context manager);
- ``RANTAI_CLOCK_FILE``: a file holding a number of seconds to add, read by every process that has the
  variable set (a benchmark moves a served platform's clock by writing it). Unset, nothing is read.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class _Shift:
    """How far this process's clock is moved (``travel``), and the last reading of the clock file."""

    moved = dt.timedelta(0)
    file_stamp = -1.0
    file_shift = dt.timedelta(0)


def _file_shift() -> dt.timedelta:
    name = os.environ.get("RANTAI_CLOCK_FILE")
    if not name:
        return dt.timedelta(0)
    path = Path(name)
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return dt.timedelta(0)
    if stamp != _Shift.file_stamp:
        try:
            seconds = max(0.0, float(path.read_text().strip() or 0))
        except (OSError, ValueError):
            seconds = 0.0
        _Shift.file_stamp, _Shift.file_shift = stamp, dt.timedelta(seconds=seconds)
    return _Shift.file_shift


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + _Shift.moved + _file_shift()


@contextmanager
def travel(delta: dt.timedelta) -> Iterator[None]:
    """Move this process's clock forward by ``delta`` inside the block (tests)."""
    if delta < dt.timedelta(0):
        raise ValueError("the clock only moves forward")
    before = _Shift.moved
    _Shift.moved = before + delta
    try:
        yield
    finally:
        _Shift.moved = before


# Rantai's calendar days (needed-by dates, certificate validity) are Indonesian days; WIB is the day most
# users live in, and a day's difference at the edges of WITA/WIT does not change a deadline's meaning.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def today() -> dt.date:
    """Today's date in Indonesia (WIB)."""
    return now().astimezone(WIB).date()
