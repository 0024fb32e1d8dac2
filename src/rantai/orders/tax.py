"""Indonesian tax on an invoice (issue #12): PPN per line, who collects it, the income tax the buyer
withholds, and when an invoice is settled ("Lunas"). Pure: rates and the parties' statuses come in as
data (the rates from ``ref_tax_rate``, by effective date), amounts go out; nothing here reads a database.

- **PPN** per line: standard, exempt (not charged), or zero-rated (exports). A supplier that is not PKP
  charges none. The standard rate is a ``Rate``: 11% of the price from 1 April 2022; from 1 January 2025
  12% of a tax base (DPP) of 11/12 of the price for ordinary goods and services, so 11% in effect.
- **Collected by the buyer**: a BUMN appointed as PPN collector (pemungut PPN) pays the PPN to the state
  itself; the supplier receives the price without it.
- **Income tax withheld** by the buyer: PPh 22 on goods (a collector such as a BUMN) and PPh 23 on
  services, on the price without PPN; none when the supplier holds a certificate for the 0.5% final tax
  of PP 55/2022, which it settles itself.
- **Settled** when cash received + PPN collected by the buyer + tax withheld equals the invoice's total
  (price + PPN).

Rounding (docs/architecture.md): every tax amount is computed on the invoice's sum per kind (never line
by line, so splitting a line does not change the tax) and rounded to the currency's minor unit
(whole Rupiah): the tax base (DPP) half up, as PMK 131/2024's example does (11/12 of Rp10.000.000 is
Rp9.166.667, and 12% of it Rp1.100.000), then the tax on it down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum


class PpnTreatment(StrEnum):
    STANDARD = "standard"
    EXEMPT = "exempt"  # dibebaskan / tidak dipungut: no PPN
    ZERO = "zero"  # 0%: exports


class Nature(StrEnum):
    GOODS = "goods"  # PPh 22 where the buyer collects it
    SERVICES = "services"  # PPh 23


@dataclass(frozen=True, slots=True)
class Rate:
    """``percent`` of a tax base that is ``base_numerator / base_denominator`` of the amount."""

    percent: Decimal
    base_numerator: int = 1
    base_denominator: int = 1

    def __post_init__(self) -> None:
        if self.percent < 0 or self.base_numerator <= 0 or self.base_denominator <= 0:
            raise ValueError(f"a rate needs percent >= 0 and a positive base fraction: {self}")

    def base(self, amount: int) -> int:
        """The tax base (DPP) of ``amount``, rounded half up (11/12 of Rp10.000.000 is Rp9.166.667, as in
        PMK 131/2024's own example)."""
        exact = Decimal(amount * self.base_numerator) / self.base_denominator
        return int(exact.to_integral_value(rounding=ROUND_HALF_UP))

    def tax(self, amount: int) -> int:
        """The tax on ``amount``: the rate of its base, rounded down."""
        return int((Decimal(self.base(amount)) * self.percent / 100).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True, slots=True)
class Rates:
    """The rates in force on an invoice's date."""

    ppn: Rate
    pph22: Rate
    pph23: Rate


@dataclass(frozen=True, slots=True)
class Parties:
    """What the supplier and the buyer are, for tax."""

    supplier_pkp: bool  # pengusaha kena pajak: charges PPN
    supplier_final_tax: bool  # holds a valid PP 55/2022 certificate: no PPh withheld
    buyer_collects_ppn: bool  # appointed PPN collector (a BUMN)
    buyer_collects_pph22: bool  # withholds PPh 22 on goods
    buyer_withholds_pph23: bool = True  # a domestic business or agency withholds PPh 23 on services


@dataclass(frozen=True, slots=True)
class Line:
    amount: int  # the price of the line (quantity x unit price), minor units
    ppn: PpnTreatment = PpnTreatment.STANDARD
    nature: Nature = Nature.GOODS

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"a line amount cannot be negative: {self.amount}")


@dataclass(frozen=True, slots=True)
class InvoiceTax:
    """An invoice's money: what it totals and who pays what to whom."""

    subtotal: int  # the price, without PPN
    ppn_base: int  # DPP of the standard-rated lines
    ppn: int  # PPN charged
    ppn_collected_by_buyer: int  # of ``ppn``, what the buyer pays to the state itself
    pph22: int
    pph23: int

    @property
    def total(self) -> int:
        """The invoice's total: price plus PPN."""
        return self.subtotal + self.ppn

    @property
    def withheld(self) -> int:
        return self.pph22 + self.pph23

    @property
    def cash_due(self) -> int:
        """What the supplier receives in cash when the invoice is paid in full."""
        return self.total - self.ppn_collected_by_buyer - self.withheld

    def outstanding(self, cash_received: int) -> int:
        """What is left to pay in cash (never below zero)."""
        return max(0, self.cash_due - cash_received)

    def is_settled(self, cash_received: int) -> bool:
        """Lunas: cash received + PPN collected by the buyer + tax withheld = the total."""
        return cash_received + self.ppn_collected_by_buyer + self.withheld >= self.total


def compute(lines: Sequence[Line], parties: Parties, rates: Rates) -> InvoiceTax:
    """The tax of an invoice of ``lines`` between ``parties`` at ``rates`` (see the module's rounding)."""
    subtotal = sum(line.amount for line in lines)
    standard = sum(line.amount for line in lines if line.ppn is PpnTreatment.STANDARD)
    goods = sum(line.amount for line in lines if line.nature is Nature.GOODS)
    services = sum(line.amount for line in lines if line.nature is Nature.SERVICES)
    ppn_base = rates.ppn.base(standard) if parties.supplier_pkp else 0
    ppn = rates.ppn.tax(standard) if parties.supplier_pkp else 0
    withholding = not parties.supplier_final_tax
    pph22 = rates.pph22.tax(goods) if withholding and parties.buyer_collects_pph22 else 0
    pph23 = rates.pph23.tax(services) if withholding and parties.buyer_withholds_pph23 else 0
    return InvoiceTax(
        subtotal=subtotal,
        ppn_base=ppn_base,
        ppn=ppn,
        ppn_collected_by_buyer=ppn if parties.buyer_collects_ppn else 0,
        pph22=pph22,
        pph23=pph23,
    )
