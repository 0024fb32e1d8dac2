"""Joining indexes built apart (the parts of `SearchIndex.build_parallel`) into one.

Tantivy keeps an index as independent segments listed in its `meta.json`: the parts' segment files are
moved into one directory and listed in one `meta.json` (their schema and settings must be the same),
`.managed.json` lists them all so that tantivy's garbage collection knows them, and the parts' group
facts logs are joined.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from rantai.matching.groups import GROUPS_FILE, GroupFacts
from rantai.matching.index.files import sync_directory, write_whole

_TANTIVY_OWN: Final = frozenset({"meta.json", ".managed.json", ".tantivy-meta.lock", ".tantivy-writer.lock"})


def join_parts(parts: Sequence[Path], path: Path) -> None:
    """Move the segments of the indexes in `parts` into the index at `path` (none there yet) and list
    them all in its `meta.json`; join the parts' group facts logs; remove the parts."""
    metas = [json.loads((part / "meta.json").read_text(encoding="utf-8")) for part in parts]
    first = metas[0]
    managed: list[str] = []
    segments: list[dict[str, Any]] = []
    for part, meta in zip(parts, metas, strict=True):
        if meta["schema"] != first["schema"] or meta["index_settings"] != first["index_settings"]:
            raise ValueError(f"{part}: another schema or settings than {parts[0]}")
        segments.extend(meta["segments"])
        managed.extend(json.loads((part / ".managed.json").read_text(encoding="utf-8")))
        for item in part.iterdir():
            if item.name not in _TANTIVY_OWN and item.name != GROUPS_FILE:
                os.replace(item, path / item.name)
    GroupFacts.join([part / GROUPS_FILE for part in parts], path)
    joined = {**first, "segments": segments, "opstamp": max(int(meta["opstamp"]) for meta in metas)}
    sync_directory(path)  # the moved segment files, before the meta.json that lists them
    write_whole(path / ".managed.json", json.dumps(sorted(set(managed))))
    write_whole(path / "meta.json", json.dumps(joined))  # last: this makes the index
    sync_directory(path)
    for part in parts:
        shutil.rmtree(part)
