"""The profile and certificate forms (web and API) bound every field by its column (issue #9)."""

from __future__ import annotations

import pytest

from rantai.suppliers.errors import ProfileInvalid
from rantai.suppliers.inputs import parse_certification, parse_profile

FORM = {
    "business_name": "Keripik Bu Sri",
    "legal_form": "UD",
    "nib": "9120000000001",
    "kabkota_code": "32.73",
}


def test_workers_beyond_an_integer_column_are_refused() -> None:
    assert parse_profile({**FORM, "workers": "12"}).workers == 12
    with pytest.raises(ProfileInvalid) as caught:
        parse_profile({**FORM, "workers": "3000000000"})  # PostgreSQL's INTEGER stops at 2^31-1
    assert caught.value.field == "workers"


def test_text_longer_than_its_column_is_refused_not_cut() -> None:
    with pytest.raises(ProfileInvalid) as caught:
        parse_profile({**FORM, "business_name": "K" * 201})
    assert (caught.value.field, caught.value.params) == ("business_name", {"maximum": 200, "length": 201})
    with pytest.raises(ProfileInvalid) as caught:
        parse_profile({**FORM, "address": "Jl. " * 1000})
    assert caught.value.field == "address"
    with pytest.raises(ProfileInvalid) as caught:  # String(200): PostgreSQL refused longer with a 500
        parse_certification({"type_code": "halal", "number": "ID-1", "issuer": "B" * 201})
    assert caught.value.field == "issuer"


def test_control_characters_are_refused() -> None:
    with pytest.raises(ProfileInvalid) as caught:
        parse_profile({**FORM, "brand_name": "Sri\x00"})
    assert caught.value.field == "brand_name"
    assert parse_profile({**FORM, "address": "Jl. Braga 1\nBandung"}).address == "Jl. Braga 1\nBandung"
