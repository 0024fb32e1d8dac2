"""Making BTKI tariff lines readable on their own: dash depth, parents, full descriptions, code forms."""

from __future__ import annotations

import pytest

from rantai.reference.hs import (
    build_hs_lines,
    dotted,
    join_path,
    normalize_hs_code,
    parent_code,
    split_indent,
)


def _row(code: str, description_id: str, description_en: str) -> dict[str, str]:
    level = len(code.replace(".", ""))
    return {
        "hs_code": code,
        "hs_level": str(level),
        "chapter": code[:2],
        "description_id": description_id,
        "description_en": description_en,
    }


# Lines as they appear in btki2022.csv (heading 01.01 and 01.02, an unsplit heading, a national chapter).
BOOK = [
    _row("01.01", "Kuda, keledai, bagal dan hinnie, hidup.", "Live horses, asses, mules and hinnies."),
    _row("01.01.21.00", "- - Bibit", "- - Pure-bred breeding animals"),
    _row("01.01.29.00", "- - Lain-lain", "- - Other"),
    _row("01.01.30", "- Keledai :", "- Asses :"),
    _row("01.01.30.10", "- - Bibit", "- - Pure-bred breeding animals"),
    _row("01.01.30.90", "- - Lain-lain", "- - Other"),
    _row("01.02", "Binatang hidup jenis lembu.", "Live bovine animals."),
    _row("01.02.29", "- - Lain-lain :", "- - Other :"),
    _row("01.02.29.11", "- - - - Oxen", "- - - - Oxen"),
    _row("01.02.29.19", "- - - - Lain-lain", "- - - - Other"),
    _row("02.05.00.00", "Daging kuda, keledai, bagal atau hinnie, segar.", "Meat of horses, fresh."),
    _row("98.01", "Barang tertentu.", "Certain goods."),
    _row("98.01.10.00", "- Lain-lain", "- Other"),
]
HS6_EN = {"010121": "Horses; live, pure-bred breeding animals", "010229": "Cattle; live, other"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("- - Lain-lain", (2, "Lain-lain")),
        ("- Keledai :", (1, "Keledai")),
        ("- - -Oxen", (3, "Oxen")),
        ("Kuda, hidup.", (0, "Kuda, hidup.")),
        ("- - - - - - g.v.w. melebihi 6 t", (6, "g.v.w. melebihi 6 t")),
        ("- Bahan 1-butanol", (1, "Bahan 1-butanol")),
    ],
)
def test_split_indent_counts_dashes_and_strips_them(raw: str, expected: tuple[int, str]) -> None:
    assert split_indent(raw) == expected


def test_join_path_drops_trailing_punctuation_of_ancestors_and_repeats() -> None:
    assert join_path(["Kuda, hidup.", "Keledai :", "Bibit"]) == "Kuda, hidup: Keledai: Bibit"
    assert join_path(["Binatang hidup jenis lembu.", "Lain-lain", "Lain-lain"]) == (
        "Binatang hidup jenis lembu: Lain-lain"
    )
    assert join_path(["", "Bibit"]) == "Bibit"


def test_parent_is_the_subheading_else_the_heading() -> None:
    known = {"01.01", "01.01.30", "05.08"}
    assert parent_code("01.01.30.10", known) == "01.01.30"
    assert parent_code("01.01.21.00", known) == "01.01"
    assert parent_code("05.08.00.20", known) == "05.08"
    assert parent_code("01.01.30", known) == "01.01"
    assert parent_code("02.05.00.00", known) is None
    assert parent_code("01.01", known) is None


def test_lain_lain_line_carries_its_parents_words() -> None:
    lines = build_hs_lines(BOOK)
    by_code = {line.code: line for line in lines}
    other_asses = by_code["01.01.30.90"]
    assert other_asses.description_id == "Lain-lain"
    assert other_asses.full_description_id == "Kuda, keledai, bagal dan hinnie, hidup: Keledai: Lain-lain"
    assert other_asses.full_description_en == "Live horses, asses, mules and hinnies: Asses: Other"
    assert other_asses.depth == 2
    assert other_asses.parent_code == "01.01.30"
    assert by_code["01.01.29.00"].full_description_id == "Kuda, keledai, bagal dan hinnie, hidup: Lain-lain"


def test_lines_without_dashes_read_on_their_own() -> None:
    by_code = {line.code: line for line in build_hs_lines(BOOK)}
    unsplit = by_code["02.05.00.00"]
    assert unsplit.full_description_id == "Daging kuda, keledai, bagal atau hinnie, segar."
    assert unsplit.parent_code is None
    assert by_code["01.01"].full_description_id == by_code["01.01"].description_id


def test_headers_lose_their_colon_and_parents_come_first() -> None:
    lines = build_hs_lines(BOOK)
    assert [line.level for line in lines] == sorted(line.level for line in lines)
    by_code = {line.code: line for line in lines}
    assert by_code["01.01.30"].description_id == "Keledai"
    assert by_code["01.02.29"].description_en == "Other"


def test_english_uses_the_standalone_hs_subheading_when_known() -> None:
    lines = {line.code: line for line in build_hs_lines(BOOK, HS6_EN)}
    # An xx.xx.yy.00 line is the subheading itself.
    assert lines["01.01.21.00"].full_description_en == "Horses; live, pure-bred breeding animals"
    assert lines["01.02.29.11"].full_description_en == "Cattle; live, other: Oxen"
    # Not in HS 2022 (the national chapter 98): back to the heading path.
    assert lines["98.01.10.00"].full_description_en == "Certain goods: Other"
    # Indonesian never depends on the English table.
    assert lines["01.01.21.00"].full_description_id == "Kuda, keledai, bagal dan hinnie, hidup: Bibit"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0101", "01.01"),
        ("0101.21", "01.01.21"),
        ("01012100", "01.01.21.00"),
        (" 0101.21.00 ", "01.01.21.00"),
        ("01.01.21.00", "01.01.21.00"),
        ("010", None),
        ("kopi", None),
        ("0101210099", None),
    ],
)
def test_normalize_hs_code_accepts_the_usual_ways_of_typing(typed: str, stored: str | None) -> None:
    assert normalize_hs_code(typed) == stored


def test_dotted_formats_prefixes_too() -> None:
    assert dotted("010") == "01.0"
    assert dotted("0901") == "09.01"
