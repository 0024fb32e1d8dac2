"""Logging setup: one line per record with the request id, so a user's report can be traced.

Every record made while a request is served carries its id (``record.request_id``, ``-`` outside a
request): the record factory sets it when the record is made, in the request's context, so it is there
for any handler (the standard error line here, a test's caplog, an operator's own handler) and for
records of libraries too (issue #9, finding 15).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from rantai.kit.context import current_request_id


class RequestIdFilter(logging.Filter):
    """Gives a record made without Rantai's record factory (another factory installed later, a record
    rebuilt from a dict) a request id, so the format below never fails."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get() or "-"
        return True


def _install_record_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_rantai", False):
        return  # once per process, however many apps are created

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current_request_id.get() or "-"
        return record

    factory._rantai = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def configure_logging(level: str = "INFO") -> None:
    _install_record_factory()
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_rantai", False):
            root.removeHandler(existing)
    handler._rantai = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
