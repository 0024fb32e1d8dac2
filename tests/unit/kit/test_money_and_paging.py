"""Indonesian money and number formats, and the paging arithmetic."""

from __future__ import annotations

from rantai.kit.money import format_number, format_rupiah
from rantai.kit.pagination import Page, PageRequest


def test_rupiah_in_indonesian_and_english() -> None:
    assert format_rupiah(14_000_000_000) == "Rp14.000.000.000"
    assert format_rupiah(1_500_000, "en") == "IDR1,500,000"
    assert format_rupiah(0) == "Rp0"


def test_numbers_use_indonesian_separators() -> None:
    assert format_number(1234567) == "1.234.567"
    assert format_number(0.25) == "0,25"
    assert format_number(1234567, "en") == "1,234,567"


def test_paging() -> None:
    assert PageRequest(page=3, per_page=25).offset == 50
    page = Page(items=[1, 2], total=52, page=3, per_page=25)
    assert page.pages == 3 and page.has_prev and not page.has_next
    empty = Page(items=[], total=0, page=1, per_page=25)
    assert empty.pages == 1 and not empty.has_next
