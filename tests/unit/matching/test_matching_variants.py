"""Spelling variants fold to one spelling."""

from __future__ import annotations

import pytest

from rantai.matching.normalize import VariantTable, normalize
from rantai.matching.normalize.analyze import base_tokens
from rantai.matching.normalize.lexicon import tsv_rows


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("kripik", "keripik"),
        ("krupuk", "kerupuk"),
        ("cemilan", "camilan"),
        ("fotocopy", "fotokopi"),
        ("flash disk", "flashdisk"),
        ("ball point", "bolpoin"),
    ],
)
def test_issue_variants(variant: str, canonical: str) -> None:
    assert normalize(variant) == normalize(canonical)


def test_sablon_and_sablonan_meet_through_the_stemmer() -> None:
    assert normalize("sablonan") == normalize("sablon") == ["sablon"]


def test_variant_inside_a_title() -> None:
    assert normalize("Kripiknya singkong pedas") == ["keripik", "singkong", "pedas"]


@pytest.mark.parametrize(("variant", "canonical"), tsv_rows("variants.tsv", header=True))
def test_every_shipped_variant_folds(variant: str, canonical: str) -> None:
    assert normalize(variant) == normalize(canonical)
    # The table, not an earlier step, is what joins them.
    assert base_tokens(variant) != base_tokens(canonical)


def test_longest_variant_wins() -> None:
    table = VariantTable({("flash",): ("kilat",), ("flash", "disk"): ("flashdisk",)})
    assert table.fold(["usb", "flash", "disk", "flash"]) == ["usb", "flashdisk", "kilat"]
