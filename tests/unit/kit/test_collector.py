"""The garbage collector as a served worker tunes it (issue #14: the shortlist's p99)."""

from __future__ import annotations

import gc

import pytest

from rantai.kit.collector import YOUNG_THRESHOLD, tune_for_serving


@pytest.mark.usefixtures("collector")
def test_what_lives_at_start_up_is_kept_out_of_full_collections() -> None:
    gc.unfreeze()
    kept = [[number] for number in range(1000)]  # long-lived containers, as an open index's caches
    tune_for_serving()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    # Frozen objects are still freed once nothing refers to them: only the cycle search skips them.
    before = gc.get_freeze_count()
    del kept
    assert gc.get_freeze_count() < before


@pytest.mark.usefixtures("collector")
def test_a_cycle_made_after_start_up_is_still_collected() -> None:
    tune_for_serving()

    class Node:
        other: object = None

    first, second = Node(), Node()
    first.other, second.other = second, first
    del first, second
    assert gc.collect() >= 2
