"""Versioned model files: learnt once, written beside their predecessors, read by every process.

A model a job learns (the category classifier, the related-words table; issue #14) is kept as
`<folder>/<prefix>-<version><suffix>`, the version a digest of what it learnt from, and a pointer file
`<folder>/<prefix>.current` names the one in use. Both are written to a temporary file and renamed over
the old one, so a reader never sees half a file; older files are pruned but for the newest `keep` (the
answers a model gave name its file, and stay traceable for a while).

Each process loads the model in use once and keeps it. A request asks `current()`, which costs a dict
look-up: at most once every `recheck` seconds it stats the pointer (one system call), and only when
the pointer changed (a rename gives it a new inode) reads it and loads the model it names. A model
published by another process (the worker's daily job, a command) so reaches every web and worker
process within `recheck` seconds; the process that published it sees it at once.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

RECHECK_SECONDS = 5.0


@dataclass(slots=True)
class _Seen(Generic[T]):
    """What a process knows of a folder's model: the pointer as last stat'ed, the file it named and the
    model read from it (None when there was none or it could not be read), and when it last looked."""

    stamp: tuple[int, int, int] | None  # the pointer's inode, mtime (ns) and size; None without one
    name: str
    model: T | None
    checked: float


class ModelFiles(Generic[T]):
    """The versioned files of one kind of model, and each process's copy of the one in use.

    `read(path)` loads a file (None when it is of another format or unreadable: the process then works
    without the model, as when there is none)."""

    def __init__(
        self,
        prefix: str,
        suffix: str,
        *,
        read: Callable[[Path], T | None],
        keep: int,
        recheck: float = RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.prefix = prefix
        self.suffix = suffix
        self.pointer = f"{prefix}.current"
        self.keep = keep
        self.recheck = recheck
        self._read = read
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[Path, _Seen[T]] = {}

    def path(self, folder: Path, version: str) -> Path:
        """Where the model of `version` is kept."""
        return folder / f"{self.prefix}-{version}{self.suffix}"

    def publish(self, folder: Path, version: str, write: Callable[[Path], object]) -> Path:
        """Make the model of `version` the one in use: `write(path)` writes its file unless the same
        version is already there (the same inputs gave the same model), then the pointer names it and
        older files are pruned. Returns the model file's path."""
        folder.mkdir(parents=True, exist_ok=True)
        path = self.path(folder, version)
        if not path.exists():
            partial = path.with_name(path.name + ".part")
            write(partial)
            partial.replace(path)
        _write_atomically(folder / self.pointer, path.name)
        self._prune(folder, keep=path.name)
        with self._lock:
            self._seen.pop(folder, None)  # this process sees its own model at once
        return path

    def current(self, folder: Path) -> tuple[str, T] | None:
        """The model in use in `folder` (its file name and the model), or None when there is none."""
        now = self._clock()
        seen = self._seen.get(folder)
        if seen is not None and now - seen.checked < self.recheck:
            return (seen.name, seen.model) if seen.model is not None else None
        with self._lock:
            seen = self._seen.get(folder)
            stamp = _stamp(folder / self.pointer)
            if seen is not None and seen.stamp == stamp:
                seen.checked = now
            else:
                seen = self._look(folder, stamp, seen, now)
                self._seen[folder] = seen
        return (seen.name, seen.model) if seen.model is not None else None

    def _look(
        self, folder: Path, stamp: tuple[int, int, int] | None, seen: _Seen[T] | None, now: float
    ) -> _Seen[T]:
        """Read the pointer and, when it names another file than the one loaded, load that file."""
        if stamp is None:
            return _Seen(None, "", None, now)
        try:
            name = (folder / self.pointer).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return _Seen(None, "", None, now)
        if seen is not None and seen.name == name and seen.model is not None:
            return _Seen(stamp, name, seen.model, now)
        return _Seen(stamp, name, self._read(folder / name) if name else None, now)

    def made_at(self, folder: Path) -> dt.datetime | None:
        """When the model in use was made (its pointer's time), or None without one."""
        try:
            return dt.datetime.fromtimestamp((folder / self.pointer).stat().st_mtime, tz=dt.UTC)
        except FileNotFoundError:
            return None

    def due(self, folder: Path, every: dt.timedelta, now: dt.datetime) -> bool:
        """Whether a model should be learnt again: there is none, or it is older than `every`."""
        made = self.made_at(folder)
        return made is None or now - made >= every

    def _prune(self, folder: Path, *, keep: str) -> None:
        files = sorted(
            folder.glob(f"{self.prefix}-*{self.suffix}"), key=lambda path: path.stat().st_mtime, reverse=True
        )
        for old in [path for path in files if path.name != keep][self.keep - 1 :]:
            old.unlink(missing_ok=True)


def _stamp(pointer: Path) -> tuple[int, int, int] | None:
    try:
        status = os.stat(pointer)
    except FileNotFoundError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
