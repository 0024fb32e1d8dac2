"""The need form (web) refuses what no database can store, with the field that caused it (issue #9)."""

from __future__ import annotations

import pytest

from rantai.sourcing.errors import NeedInvalid
from rantai.sourcing.inputs import LineForm, parse_line, parse_need, read_form


def test_a_line_id_that_is_no_number_is_no_line() -> None:
    # "²".isdigit() is True and int("²") raised: a 500 on the need form.
    for raw in ("²", "1²", "99999999999999999999", "0"):
        assert parse_line(LineForm(values={"id": raw, "name": "Keripik"}), number=1).id is None
    assert parse_line(LineForm(values={"id": "12", "name": "Keripik"}), number=1).id == 12


def test_control_characters_are_refused_where_they_are_typed() -> None:
    with pytest.raises(NeedInvalid) as caught:
        parse_line(LineForm(values={"name": "Keripik", "unit_code": "kg\x00"}), number=2)
    assert caught.value.field == "lines-2-unit_code"
    with pytest.raises(NeedInvalid) as caught:
        parse_need(read_form([("title", "Paket\x00"), ("lines-1-name", "Keripik")]))
    assert caught.value.field == "title"
    # A line break belongs in a description.
    need = parse_need(read_form([("title", "Paket"), ("description", "satu\ndua"), ("lines-1-name", "A")]))
    assert need.description == "satu\ndua"


def test_a_code_longer_than_any_code_is_refused() -> None:
    with pytest.raises(NeedInvalid) as caught:
        parse_line(LineForm(values={"name": "Keripik", "kemitraan_code": "x" * 10_000}), number=1)
    assert caught.value.field == "lines-1-kemitraan_code"
