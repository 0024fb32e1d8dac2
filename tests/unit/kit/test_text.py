"""The checks on what people type that keep ids and text safe for every database (issue #9)."""

from __future__ import annotations

from rantai.kit.ids import MAX_ID, storable_id
from rantai.kit.text import ascii_digits, has_control_characters, without_control_characters


def test_only_ascii_digits_are_digits() -> None:
    assert "²".isdigit()  # why the helper exists: int("²") raises
    assert not ascii_digits("²")
    assert not ascii_digits("12²")
    assert not ascii_digits("١٢٣")  # Arabic-Indic digits: int() reads them, no id is written so
    assert not ascii_digits("")
    assert not ascii_digits("-1")
    assert ascii_digits("0123456789")


def test_control_characters_are_found_and_dropped() -> None:
    assert has_control_characters("kripik\x00")
    assert has_control_characters("a\x1bb")
    assert has_control_characters("a\x85b")  # a C1 control
    assert has_control_characters("\ud800")  # a lone surrogate cannot be encoded for the database
    assert has_control_characters("satu\ndua")
    assert not has_control_characters("satu\ndua\ttiga", multiline=True)
    assert has_control_characters("satu\x00dua", multiline=True)
    assert not has_control_characters("Keripik Bu Sri, 250 g — pedas")
    assert without_control_characters("keripik\x00 pedas\n") == "keripik  pedas "
    assert without_control_characters("biasa") == "biasa"


def test_ids_fit_an_integer_key_column() -> None:
    assert MAX_ID == 2**31 - 1  # INTEGER primary keys on PostgreSQL
    assert storable_id(MAX_ID)
    assert not storable_id(MAX_ID + 1)
    assert not storable_id(0)
