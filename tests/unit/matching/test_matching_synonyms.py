"""The curated synonym table widens a need with the other names of a trade term."""

from __future__ import annotations

import pytest

from rantai.matching.normalize import SynonymTable, expand_synonyms, normalize
from rantai.matching.normalize.lexicon import tsv_rows


def alternatives(need: str) -> set[tuple[str, ...]]:
    return set(expand_synonyms(normalize(need)))


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        ("camilan", {"makanan ringan", "snack"}),
        ("makanan ringan", {"camilan", "snack"}),
        ("snack", {"camilan", "makanan ringan"}),
        ("seragam", {"baju kerja"}),
        ("baju kerja", {"seragam"}),
        ("ATK", {"alat tulis kantor"}),
        ("alat tulis kantor", {"atk"}),
        ("PDH", {"pakaian dinas harian"}),
    ],
)
def test_issue_synonyms(need: str, expected: set[str]) -> None:
    assert {tuple(normalize(phrase)) for phrase in expected} <= alternatives(need)


def test_phrase_inside_a_longer_need() -> None:
    assert ("atk",) in alternatives("pengadaan alat tulis kantor 2024")


def test_nothing_for_a_word_without_synonyms() -> None:
    assert alternatives("singkong") == set()


def test_a_phrase_already_in_the_need_is_not_added_again() -> None:
    assert ("snack",) not in alternatives("snack camilan")


@pytest.mark.parametrize("group", tsv_rows("synonyms.tsv"), ids=lambda group: group[0])
def test_every_shipped_group_links_its_members(group: tuple[str, ...]) -> None:
    members = {tuple(normalize(member)) for member in group}
    assert all(members), f"a member of {group} normalizes to nothing"
    # Members that normalize alike are one member written twice (a spelling variant, an inflection).
    assert len(members) == len(group), f"{group} repeats a member after normalization"
    for member in members:
        assert members - {member} <= set(expand_synonyms(list(member)))


def test_table_built_from_phrases() -> None:
    table = SynonymTable([[("a",), ("b", "c")], [("d",)]])
    assert table.alternatives(["x", "b", "c"]) == [("a",)]
    assert table.alternatives(["d"]) == []
