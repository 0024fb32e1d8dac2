"""Work that outlives its request (bulk imports): a small thread pool per worker process.

The job's state is in the database and its progress in a file, so a page reload, or a reload served by
another worker process, still finds it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rantai-job")


def run_in_background(function: Callable[..., Any], *args: Any) -> None:
    # The job runs in the request's context (its request id), so its log lines name the request.
    _executor.submit(contextvars.copy_context().run, function, *args)
