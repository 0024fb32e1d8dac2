"""BTKI/HS code text: reading the tariff book's indented lines and making each line readable on its own.

The book indents a line with dashes under its heading ("- - Lain-lain"); on its own such a line says nothing,
so the full description prepends the heading and the subheading. The source keeps only coded lines: the
book's uncoded lines in between ("- Kopi, digongseng :") are lost, so in Indonesian two lines can still read
alike. In English the HS 2022 subheading texts, written to stand alone ("Coffee; roasted, not
decaffeinated"), replace the heading and subheading and close most of that gap. Pure functions, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_INDENT = re.compile(r"^\s*((?:-\s*)*)")
_TRAILING = " \t.:;,"
FULL_DESCRIPTION_SEPARATOR = ": "


@dataclass(frozen=True, slots=True)
class HsLine:
    """One tariff line ready to store (the columns of ``ref_hs_code``)."""

    code: str
    level: int
    chapter: str
    parent_code: str | None
    depth: int
    description_id: str
    full_description_id: str
    description_en: str
    full_description_en: str


def split_indent(line: str) -> tuple[int, str]:
    """``"- - Lain-lain :"`` -> ``(2, "Lain-lain")``: the dash depth and the text without dashes.

    A trailing colon only marks a line that has sub-lines in the book, so it is dropped as well.
    """
    match = _INDENT.match(line)
    depth = match.group(1).count("-") if match else 0
    text = line[match.end() if match else 0 :].strip()
    text = text.removesuffix(":").rstrip()
    return depth, text


def join_path(parts: Iterable[str]) -> str:
    """Join a heading, a subheading and a line into one readable text, without repeating a part.

    Some 8-digit lines repeat their subheading word for word; the repeat adds nothing.
    """
    kept: list[str] = []
    for part in parts:
        text = part.strip()
        if not text:
            continue
        if kept and kept[-1].rstrip(_TRAILING).casefold() == text.rstrip(_TRAILING).casefold():
            continue
        kept.append(text)
    if not kept:
        return ""
    ancestors = [text.rstrip(_TRAILING) for text in kept[:-1]]
    return FULL_DESCRIPTION_SEPARATOR.join([*ancestors, kept[-1]])


def parent_code(code: str, known: Mapping[str, object] | set[str]) -> str | None:
    """The nearest coded ancestor of ``code`` present in ``known``: the subheading, else the heading.

    Many 8-digit lines sit directly under a heading that has no 6-digit split (``05.08.00.20``) and some
    headings appear only as an 8-digit ``xx.xx.00.00`` line, so both may be missing.
    """
    for length in (8, 5):
        if len(code) > length and code[:length] in known:
            return code[:length]
    return None


def build_hs_lines(
    rows: Iterable[Mapping[str, str]], hs6_en: Mapping[str, str] | None = None
) -> list[HsLine]:
    """Turn BTKI rows (``hs_code``, ``hs_level``, ``chapter``, ``description_id``, ``description_en``) into
    lines with stripped and full descriptions, parents first.

    ``hs6_en`` maps 6-digit HS codes (``"090121"``) to their self-contained English text; chapter 98 and
    any code it lacks fall back to the heading path.
    """
    subheadings = hs6_en or {}
    parsed: dict[str, tuple[int, str, str, str, int]] = {}
    for row in rows:
        code = row["hs_code"].strip()
        depth, text_id = split_indent(row["description_id"])
        _, text_en = split_indent(row["description_en"])
        parsed[code] = (int(row["hs_level"]), row["chapter"].strip(), text_id, text_en, depth)

    lines: list[HsLine] = []
    for code, (level, chapter, text_id, text_en, depth) in parsed.items():
        parent = parent_code(code, parsed)
        chain: list[str] = []
        ancestor = parent
        while ancestor is not None:
            chain.append(ancestor)
            ancestor = parent_code(ancestor, parsed)
        chain.reverse()
        # A line without dashes (a heading, or an unsplit heading printed as xx.xx.00.00) reads on its own.
        if depth == 0:
            full_id, full_en = text_id, text_en
        else:
            full_id = join_path([*(parsed[c][2] for c in chain), text_id])
            full_en = _full_english(code, level, text_en, [parsed[c][3] for c in chain], subheadings)
        lines.append(
            HsLine(
                code=code,
                level=level,
                chapter=chapter,
                parent_code=parent,
                depth=depth,
                description_id=text_id,
                full_description_id=full_id,
                description_en=text_en,
                full_description_en=full_en,
            )
        )
    lines.sort(key=lambda line: (line.level, line.code))
    return lines


def _full_english(
    code: str, level: int, text_en: str, ancestors_en: list[str], subheadings: Mapping[str, str]
) -> str:
    subheading = subheadings.get(digits_of(code)[:6]) if level >= 6 else None
    if subheading is None:
        return join_path([*ancestors_en, text_en])
    # A 6-digit line, or an 8-digit xx.xx.yy.00 line, is the subheading itself.
    if level == 6 or code.endswith(".00"):
        return subheading
    return join_path([subheading, text_en])


def digits_of(code: str) -> str:
    """The digits of a code as a user may type it: ``"0101.21.00"`` -> ``"01012100"``."""
    return re.sub(r"\D", "", code)


def dotted(digits: str) -> str:
    """BTKI notation for a code or prefix: ``"01012100"`` -> ``"01.01.21.00"``, ``"010"`` -> ``"01.0"``."""
    return ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def normalize_hs_code(code: str) -> str | None:
    """The stored form of a full code typed any way (``0101``, ``0101.21``, ``01012100``); None if not one."""
    digits = digits_of(code)
    if len(digits) not in (4, 6, 8):
        return None
    return dotted(digits)
