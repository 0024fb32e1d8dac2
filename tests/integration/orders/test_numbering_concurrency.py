"""Document numbers under concurrency (issue #12): taken by many transactions at the same moment, some of
which roll back, the committed numbers are 1..n with no gap and no duplicate."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from rantai.db import make_engine, make_session_factory
from rantai.orders import repository

THREADS = 8
ROUNDS = 4


def test_numbers_have_no_gaps_and_no_duplicates_under_concurrent_takers(committed_url: str) -> None:
    engine = make_engine(committed_url)
    try:
        if engine.dialect.name != "postgresql":
            pytest.skip("concurrent writing transactions need PostgreSQL (SQLite has one writer)")
        factory = make_session_factory(engine)
        committed: list[int] = []
        lock = threading.Lock()

        def take(worker: int, start: threading.Barrier, round_: int) -> None:
            with factory() as session:
                start.wait(timeout=30)
                number = repository.take_number(session, "po:test", 2026)
                if (worker + round_) % 3 == 0:  # this document fails after taking its number
                    session.rollback()
                    return
                session.commit()
                with lock:
                    committed.append(number)

        for round_ in range(ROUNDS):
            start = threading.Barrier(THREADS)
            with ThreadPoolExecutor(THREADS) as pool:
                list(pool.map(take, range(THREADS), [start] * THREADS, [round_] * THREADS))
        assert sorted(committed) == list(range(1, len(committed) + 1))
        assert len(committed) == sum(1 for r in range(ROUNDS) for w in range(THREADS) if (w + r) % 3)
    finally:
        engine.dispose()
