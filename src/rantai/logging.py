"""Logging setup: one line per record with the request id, so a user's report can be traced."""

from __future__ import annotations

import logging
import sys

from rantai.kit.context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or "-"
        return True


def configure_logging(level: str = "INFO") -> None:
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
