"""Python's cyclic garbage collector, tuned for a long-lived process that serves shortlists.

A served process keeps many objects for a long time: what start-up made (the framework, the ORM, the
routes) and what the matching engine keeps per index commit (read documents, parsed facts: about 250,000
objects on a 1M-product catalogue). With Python's defaults, full collections walk all of them, about
120 ms each on this machine, once every 60 or so shortlists: on issue #14's 1M-product benchmark, 12 of the
15 slowest of 1,000 shortlists waited for one, and they made the p99 (74 ms against 23 ms without them).
Young collections every 700 objects cost 0.3 ms a shortlist more.

`tune_for_serving` moves what exists when it is called out of the collector's sight (`gc.freeze`: those
objects are still freed when no longer referenced, only never scanned for cycles), and collects young
objects every `YOUNG_THRESHOLD` instead of every 700, so objects that outlive a request reach the oldest
generation less often and full collections become rare. Each served worker calls it after start-up
(`rantai.app.create_served_app`), and `bench/matching_speed.py` calls it where a worker would. Tests keep
Python's defaults (they make an app per test).
"""

from __future__ import annotations

import gc
from typing import Final

# The collector looks for reference cycles once this many more objects were made than freed (default 700).
YOUNG_THRESHOLD: Final = 20_000


def tune_for_serving() -> None:
    """Collect once, freeze what is alive, and collect young objects every `YOUNG_THRESHOLD`."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 10, 10)
