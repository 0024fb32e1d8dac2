"""Facts shared by the documents of a group (a supplier's, shared by its products), kept once per group.

Copying a supplier's facts into each of its products' documents made every product pay for encoding
and storing them (issue #4: the build fell from 30,900 to 14,600 products/s), and they change for all of
a supplier's products at once anyway. So they live beside the index instead: a dict from group to its
facts as JSON text, decoded on first use.

On disk the dict is a log, `rantai-groups.jsonl` in the index directory: a header line naming this
version of the file (`#rantai-groups <random token>`), then one line per change, `<group as a JSON
string><TAB><facts as JSON>`, or an empty right side for a group forgotten; a later line wins. Only the
process holding the index's writer lock appends (`SearchIndex.update`), and it appends before its
commit, so a process that sees the commit (`reload`) finds the facts in the log. A reader reads the log
once, then only what was appended since (whole lines only: a line being written is read at the next
reload). When the log holds more than twice the lines it needs, the writer rewrites it beside itself
with a new token and renames it over the old one; a reader that finds another file (inode, or token:
an inode number can be reused) reads it whole.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Final

GROUPS_FILE: Final = "rantai-groups.jsonl"
_NOTHING: Final[Mapping[str, object]] = {}
# Rewrite the log once it holds this many lines more than twice the groups it knows (a few MB of
# changes; a rewrite of a large catalogue's log takes about a second).
_COMPACT_SLACK: Final = 20_000
_JSON_STRING: Final = json.JSONEncoder().encode
# Decoded facts kept for reuse (a few hundred bytes of dict each): a busy process reads many groups.
_DECODED_KEPT: Final = 1 << 16


class GroupFacts:
    """The facts of each group, read from (and written to) the log under `directory`, or in memory
    when `directory` is None."""

    def __init__(self, directory: Path | None) -> None:
        self.file = None if directory is None else directory / GROUPS_FILE
        self._texts: dict[str, str] = {}
        self._decoded: dict[str, Mapping[str, object]] = {}
        self._identity: tuple[int, int] | None = None  # (device, inode) of the log last read
        self._token = ""  # its header line
        self._offset = 0  # bytes of it read
        self._lines = 0  # lines of it read

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, group: object) -> bool:
        return group in self._texts

    def text(self, group: str) -> str | None:
        """The facts of `group` as JSON text (None: none known)."""
        return self._texts.get(group)

    def get(self, group: str) -> Mapping[str, object]:
        """The facts of `group` (empty when none are known). The mapping is shared: do not change it."""
        decoded = self._decoded.get(group)
        if decoded is None:
            text = self._texts.get(group)
            if text is None:
                return _NOTHING
            value = json.loads(text)
            decoded = value if isinstance(value, dict) else {}
            if len(self._decoded) >= _DECODED_KEPT:
                self._decoded.clear()
            self._decoded[group] = decoded
        return decoded

    # Reading.

    def load(self) -> None:
        """See the changes written since the last load, by any process (all of the log the first
        time, or when it was rewritten)."""
        if self.file is None:
            return
        try:
            handle = self.file.open("rb")
        except FileNotFoundError:
            self._reset()
            return
        with handle:
            status = os.fstat(handle.fileno())
            identity = (status.st_dev, status.st_ino)
            header = handle.readline(256).rstrip(b"\n").decode("utf-8", "replace")
            token = header if header.startswith("#") else ""
            if identity != self._identity or status.st_size < self._offset or token != self._token:
                self._reset()
                self._identity, self._token = identity, token
            handle.seek(self._offset)
            data = handle.read()
        end = data.rfind(b"\n") + 1  # whole lines only
        if end:
            self._apply(data[:end].decode("utf-8").splitlines())
            self._offset += end

    def _reset(self) -> None:
        self._texts, self._decoded = {}, {}
        self._identity, self._token, self._offset, self._lines = None, "", 0, 0

    def _apply(self, lines: list[str]) -> None:
        texts, decoded = self._texts, self._decoded
        for line in lines:
            if line.startswith("#"):
                continue
            key, _, text = line.partition("\t")
            group = _group_of(key)
            decoded.pop(group, None)
            if text:
                texts[group] = text
            else:
                texts.pop(group, None)
        self._lines += len(lines)

    # Writing (by the holder of the index's writer lock).

    def write(self, changes: Mapping[str, str | None]) -> None:
        """Record `changes` (group -> facts as JSON text, None to forget the group): appended to the log
        and flushed to disk, or rewritten whole when the log has grown too long."""
        if not changes:
            return
        if self.file is None:
            self._apply([_line(group, text) for group, text in changes.items()])
            return
        self.load()  # what other processes wrote since, so that a rewrite keeps it
        lines = [_line(group, text) for group, text in changes.items()]
        too_long = self._lines + len(lines) > 2 * (len(self._texts) + len(lines)) + _COMPACT_SLACK
        if too_long or self._identity is None:  # or no log yet: a new one starts with its header
            self._apply(lines)
            self.rewrite(self._texts)
            return
        with self.file.open("ab") as out:
            out.write("".join(f"{line}\n" for line in lines).encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        self.load()

    def rewrite(self, texts: Mapping[str, str]) -> None:
        """Replace every group's facts with `texts` (group -> facts as JSON text): a whole new log,
        renamed over the old one so that a reader sees either."""
        if self.file is not None:
            token = f"#rantai-groups {secrets.token_hex(8)}"
            handle, temporary = tempfile.mkstemp(prefix=".rantai-groups-", dir=self.file.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(f"{token}\n".encode())
                    out.writelines(_encoded_lines(texts.items()))
                    out.flush()
                    os.fsync(out.fileno())
                    status = os.fstat(out.fileno())
                os.replace(temporary, self.file)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        self._reset()
        self._texts = dict(texts)
        if self.file is not None:
            self._identity, self._token = (status.st_dev, status.st_ino), token
            self._offset, self._lines = status.st_size, len(self._texts)

    @staticmethod
    def join(files: Iterable[Path], directory: Path) -> None:
        """Write the log of `directory` as the changes of the logs `files`, one after another (a later
        line still wins): how `SearchIndex.build_parallel` keeps its parts' facts. Missing files are
        skipped."""
        handle, temporary = tempfile.mkstemp(prefix=".rantai-groups-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(f"#rantai-groups {secrets.token_hex(8)}\n".encode())
                for file in files:
                    try:
                        source = file.open("rb")
                    except FileNotFoundError:
                        continue
                    with source:
                        header = source.readline()
                        if not header.startswith(b"#"):
                            source.seek(0)
                        shutil.copyfileobj(source, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, directory / GROUPS_FILE)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def snapshot(self, groups: Iterable[str]) -> dict[str, str | None]:
        """The current facts of `groups` as `write` takes them (to undo a write)."""
        return {group: self._texts.get(group) for group in groups}


def _line(group: str, text: str | None) -> str:
    return f"{_JSON_STRING(group)}\t{text or ''}"


def _encoded_lines(items: Iterable[tuple[str, str]]) -> Iterator[bytes]:
    batch: list[str] = []
    for group, text in items:
        batch.append(f"{_JSON_STRING(group)}\t{text}\n")
        if len(batch) == 4096:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def _group_of(key: str) -> str:
    """The group of a log line's left side (a JSON string; plain ones are read without the decoder)."""
    if len(key) >= 2 and key[0] == '"' and key[-1] == '"' and "\\" not in key:
        return key[1:-1]
    value = json.loads(key)
    return value if isinstance(value, str) else str(value)
