"""Reading the word lists and tables shipped in `rantai/matching/data/` (see its SOURCES.md)."""

from __future__ import annotations

from functools import cache
from importlib import resources


def _data_lines(name: str) -> list[str]:
    """The meaningful lines of a data file: `#` comments and blank lines dropped, whitespace trimmed."""
    text = resources.files("rantai.matching").joinpath("data", name).read_text(encoding="utf-8")
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


@cache
def word_set(name: str) -> frozenset[str]:
    """A one-word-a-line list (stopwords, protected words) as a set."""
    return frozenset(line.split()[0] for line in _data_lines(name))


@cache
def tsv_rows(name: str, *, header: bool = False) -> tuple[tuple[str, ...], ...]:
    """The tab-separated rows of a table, cells trimmed and empty cells dropped."""
    lines = _data_lines(name)[1 if header else 0 :]
    rows = []
    for line in lines:
        cells = tuple(cell.strip() for cell in line.split("\t") if cell.strip())
        if cells:
            rows.append(cells)
    return tuple(rows)
