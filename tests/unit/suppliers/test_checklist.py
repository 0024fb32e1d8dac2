"""The verification checklist (issue #13): which items a verifier must tick, and the automatic checks."""

from __future__ import annotations

import datetime as dt

from rantai.suppliers import checklist
from rantai.suppliers.models import Certification, SupplierProfile

TODAY = dt.date(2026, 12, 5)


def _profile(**values: object) -> SupplierProfile:
    return SupplierProfile(**{"nib": "1234567890123", "npwp": "0013000666091000", **values})


def _cert(number: str, valid_from: dt.date | None, valid_until: dt.date | None) -> Certification:
    return Certification(type_code="halal", number=number, valid_from=valid_from, valid_until=valid_until)


def test_the_manual_items_are_the_documents_a_person_must_compare() -> None:
    assert {
        "nib_matches",
        "npwp_matches",
        "address_plausible",
        "certificates_valid",
    } == checklist.MANUAL_CHECKS
    assert checklist.missing_manual({"nib_matches", "address_plausible"}) == [
        "npwp_matches",
        "certificates_valid",
    ]
    assert checklist.missing_manual(checklist.MANUAL_CHECKS) == []
    # Unknown codes are dropped, known ones kept in the checklist's order.
    assert checklist.known_codes(["bogus", "certificates_valid", "nib_matches"]) == [
        "nib_matches",
        "certificates_valid",
    ]


def test_nib_must_have_13_ascii_digits() -> None:
    assert checklist.nib_result(_profile()).passed is True
    assert checklist.nib_result(_profile(nib="123456789012")).passed is False
    assert checklist.nib_result(_profile(nib="123456789012²")).passed is False


def test_npwp_check_digit_through_stdnum() -> None:
    assert checklist.npwp_result(_profile()).passed is True
    assert checklist.npwp_result(_profile(npwp="013000666091000")).passed is True  # the old 15 digits
    wrong = checklist.npwp_result(_profile(npwp="0013000667091000"))
    assert wrong.passed is False and "check digit" in wrong.message
    assert checklist.npwp_result(_profile(npwp=None)).passed is None  # nothing to check


def test_certificate_dates() -> None:
    assert checklist.certificate_result([], TODAY).passed is None
    good = _cert("A", dt.date(2025, 1, 1), dt.date(2027, 1, 1))
    assert checklist.certificate_result([good], TODAY).passed is True
    # A lapsed certificate is flagged for the verifier but does not block verifying the business.
    expired = _cert("B", dt.date(2020, 1, 1), dt.date(2026, 12, 4))
    lapsed = checklist.certificate_result([good, expired], TODAY)
    assert (lapsed.passed, lapsed.warning, lapsed.params) == (None, True, {"number": "B"})
    assert checklist.failed([lapsed]) == []
    backwards = _cert("C", dt.date(2027, 1, 1), dt.date(2026, 12, 31))
    assert checklist.certificate_result([backwards], TODAY).passed is False
    future = _cert("D", dt.date(2027, 1, 1), None)
    assert checklist.certificate_result([future], TODAY).passed is False
    result = checklist.certificate_result([good, backwards], TODAY)
    assert checklist.failed([checklist.certificate_result([good], TODAY), result]) == ["certificate_dates"]
