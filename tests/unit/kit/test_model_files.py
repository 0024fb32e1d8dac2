"""Versioned model files (`kit.model_files`): published atomically beside their predecessors, loaded once
per process, and a model published by another process reaches this one within the recheck interval, at
the cost of a stat of the pointer file at most once per interval."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from rantai.kit import model_files
from rantai.kit.model_files import ModelFiles


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def read_text_model(path: Path) -> str | None:
    """A model file for these tests: its text, or None when missing or of another format."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return text if text.startswith("model ") else None


def files(clock: Clock, keep: int = 2) -> ModelFiles[str]:
    return ModelFiles("thing", ".txt", read=read_text_model, keep=keep, recheck=5.0, clock=clock)


def writer(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def test_a_published_model_is_the_one_in_use_and_old_files_are_pruned(tmp_path: Path) -> None:
    store = files(Clock())
    assert store.current(tmp_path) is None and store.made_at(tmp_path) is None
    first = store.publish(tmp_path, "a1", writer("model one"))
    assert first == tmp_path / "thing-a1.txt"
    assert store.current(tmp_path) == ("thing-a1.txt", "model one")  # its own process sees it at once
    assert store.publish(tmp_path, "a1", writer("not written again")) == first
    assert first.read_text(encoding="utf-8") == "model one"
    store.publish(tmp_path, "b2", writer("model two"))
    store.publish(tmp_path, "c3", writer("model three"))
    assert store.current(tmp_path) == ("thing-c3.txt", "model three")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "thing-b2.txt",
        "thing-c3.txt",
        "thing.current",
    ]


def test_asking_for_the_model_stats_the_pointer_at_most_once_per_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    store = files(clock)
    store.publish(tmp_path, "a1", writer("model one"))
    stats: list[object] = []
    real_stat = os.stat

    def counted(path: object) -> os.stat_result:
        stats.append(path)
        return real_stat(path)  # type: ignore[arg-type]

    monkeypatch.setattr(model_files.os, "stat", counted)
    for _ in range(1000):
        assert store.current(tmp_path) == ("thing-a1.txt", "model one")
    assert len(stats) == 1
    clock.now += 4.9
    store.current(tmp_path)
    assert len(stats) == 1
    clock.now += 0.2
    store.current(tmp_path)
    assert len(stats) == 2


def test_a_model_published_by_another_process_reaches_this_one(tmp_path: Path) -> None:
    clock = Clock()
    store = files(clock)
    store.publish(tmp_path, "a1", writer("model one"))
    assert store.current(tmp_path) == ("thing-a1.txt", "model one")
    # The worker's daily job, in a process of its own: this one's copy is not told.
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from rantai.kit.model_files import ModelFiles
        store = ModelFiles("thing", ".txt", read=lambda path: None, keep=2)
        store.publish(Path({str(tmp_path)!r}), "b2", lambda path: path.write_text("model two"))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)  # noqa: S603 - our own script
    assert store.current(tmp_path) == ("thing-a1.txt", "model one")  # within the interval: the copy kept
    clock.now += 5.0
    assert store.current(tmp_path) == ("thing-b2.txt", "model two")


def test_a_missing_or_unreadable_model_is_none_until_a_good_one_is_published(tmp_path: Path) -> None:
    clock = Clock()
    store = files(clock)
    (tmp_path / "thing-x.txt").write_text("another format", encoding="utf-8")
    (tmp_path / "thing.current").write_text("thing-x.txt", encoding="utf-8")
    assert store.current(tmp_path) is None
    store.publish(tmp_path, "a1", writer("model one"))
    assert store.current(tmp_path) == ("thing-a1.txt", "model one")
    (tmp_path / "thing.current").unlink()
    clock.now += 5.0
    assert store.current(tmp_path) is None
