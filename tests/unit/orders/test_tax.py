"""Invoice tax against cases worked by hand (issue #12): PPN old and new rules, collectors, PPh 22/23,
the PP 55/2022 certificate, exempt and export lines, and "Lunas"."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rantai.orders.tax import InvoiceTax, Line, Nature, Parties, PpnTreatment, Rate, Rates, compute

RATES_2024 = Rates(ppn=Rate(Decimal(11)), pph22=Rate(Decimal("1.5")), pph23=Rate(Decimal(2)))
RATES_2025 = Rates(ppn=Rate(Decimal(12), 11, 12), pph22=Rate(Decimal("1.5")), pph23=Rate(Decimal(2)))
BUMN = {"buyer_collects_ppn": True, "buyer_collects_pph22": True}
PRIVATE = {"buyer_collects_ppn": False, "buyer_collects_pph22": False}


def test_bumn_collector_buying_goods_from_a_pkp_supplier_in_2025() -> None:
    # Rp10.000.000 of goods: DPP 11/12 = Rp9.166.667 (PMK 131/2024's example), PPN 12% = Rp1.100.000;
    # the BUMN collects the PPN and withholds PPh 22 1.5% = Rp150.000; the supplier gets Rp9.850.000.
    tax = compute([Line(10_000_000)], Parties(True, False, **BUMN), RATES_2025)
    assert (tax.ppn_base, tax.ppn, tax.ppn_collected_by_buyer, tax.pph22, tax.pph23) == (
        9_166_667,
        1_100_000,
        1_100_000,
        150_000,
        0,
    )
    assert tax.total == 11_100_000
    assert tax.cash_due == 9_850_000
    assert not tax.is_settled(9_000_000)
    assert tax.is_settled(9_850_000)
    assert tax.outstanding(9_000_000) == 850_000


def test_private_buyer_in_2024_pays_the_ppn_to_the_supplier() -> None:
    # Rp2.500.000, PPN 11% = Rp275.000 paid to the supplier; no PPh 22 (not a collector).
    tax = compute([Line(2_500_000)], Parties(True, False, **PRIVATE), RATES_2024)
    assert (tax.ppn, tax.ppn_collected_by_buyer, tax.withheld, tax.total, tax.cash_due) == (
        275_000,
        0,
        0,
        2_775_000,
        2_775_000,
    )


def test_services_from_a_small_business_without_certificate_have_pph23_withheld() -> None:
    # Not PKP: no PPN. Services Rp3.000.000, PPh 23 2% = Rp60.000 withheld; cash Rp2.940.000.
    tax = compute([Line(3_000_000, nature=Nature.SERVICES)], Parties(False, False, **BUMN), RATES_2025)
    assert (tax.ppn, tax.pph22, tax.pph23, tax.total, tax.cash_due) == (0, 0, 60_000, 3_000_000, 2_940_000)


def test_a_pp55_certificate_means_nothing_is_withheld() -> None:
    lines = [Line(4_000_000), Line(1_000_000, nature=Nature.SERVICES)]
    tax = compute(lines, Parties(False, True, **BUMN), RATES_2025)
    assert (tax.withheld, tax.cash_due) == (0, 5_000_000)


def test_exempt_and_export_lines_carry_no_ppn() -> None:
    # Rp1.000.000 standard (PPN 12% of 916.667 = 110.000), Rp500.000 exempt, Rp2.000.000 export at 0%.
    lines = [Line(1_000_000), Line(500_000, PpnTreatment.EXEMPT), Line(2_000_000, PpnTreatment.ZERO)]
    tax = compute(lines, Parties(True, False, **PRIVATE), RATES_2025)
    assert (tax.subtotal, tax.ppn_base, tax.ppn, tax.total) == (3_500_000, 916_667, 110_000, 3_610_000)


def test_tax_is_computed_on_the_invoice_not_line_by_line() -> None:
    one = compute([Line(10_000_000)], Parties(True, False, **BUMN), RATES_2025)
    split = compute(
        [Line(3_333_333), Line(3_333_333), Line(3_333_334)], Parties(True, False, **BUMN), RATES_2025
    )
    assert one == split


def test_rates_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="a rate needs"):
        Rate(Decimal(-1))
    with pytest.raises(ValueError, match="a rate needs"):
        Rate(Decimal(11), 11, 0)
    with pytest.raises(ValueError, match="cannot be negative"):
        Line(-5)


@settings(deadline=None)  # a busy machine is no failure of the arithmetic
@given(
    amounts=st.lists(st.integers(0, 10**12), min_size=1, max_size=8),
    pkp=st.booleans(),
    final=st.booleans(),
    collects=st.booleans(),
    pph22=st.booleans(),
    cash=st.integers(0, 10**13),
)
def test_settled_exactly_when_cash_covers_what_is_due(
    amounts: list[int], pkp: bool, final: bool, collects: bool, pph22: bool, cash: int
) -> None:
    tax: InvoiceTax = compute(
        [Line(a) for a in amounts],
        Parties(pkp, final, buyer_collects_ppn=collects, buyer_collects_pph22=pph22),
        RATES_2025,
    )
    assert tax.cash_due >= 0
    assert tax.cash_due + tax.ppn_collected_by_buyer + tax.withheld == tax.total
    assert tax.is_settled(cash) == (cash >= tax.cash_due)
    assert tax.outstanding(cash) == max(0, tax.cash_due - cash)
