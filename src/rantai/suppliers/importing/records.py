"""What validating an import file yields per row: a typed record ready to upsert, or the row's errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from rantai.suppliers.importing.cells import Certification, LegalForm


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the file: where (the row and column the user sees), the text found, and why.

    ``message`` is an English msgid with ``%(name)s`` placeholders filled from ``params``; the door
    translates it. Row 1 is the header row, where unknown columns are reported.
    """

    row: int
    column: str
    value: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that cannot be imported, with every problem found in it (not only the first)."""

    row: int
    errors: tuple[RowError, ...]


@dataclass(frozen=True, slots=True)
class SupplierRecord:
    """One valid row of a supplier file; suppliers are keyed by NIB."""

    row: int
    nib: str
    name: str
    legal_form: LegalForm
    npwp: str | None  # 16 digits
    region_code: str  # Kemendagri, dotted
    address: str | None
    kbli_codes: tuple[str, ...]  # the first is the primary activity
    business_capital: int | None  # modal usaha, whole Rupiah
    annual_sales: int | None  # omzet tahunan, whole Rupiah
    employee_count: int | None
    phone: str | None  # +62...
    email: str | None
    year_founded: int | None
    cooperative_nib: str | None  # the cooperative the business is a member of


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One valid row of a product file; products are keyed by NIB + product code, else NIB + name."""

    row: int
    nib: str
    product_code: str | None
    name: str
    description: str | None
    category: str | None
    kbli_code: str | None
    hs_code: str | None  # BTKI 2022, dotted: 09.01.21.20
    unit_code: str
    unit_price: int | None  # whole Rupiah
    min_order_quantity: int | None  # in the unit above
    monthly_capacity: int | None  # in the unit above
    lead_time_days: int | None  # 0 for ready stock
    certifications: tuple[Certification, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        """The upsert key: ``(nib, "code", code)``, or ``(nib, "name", name_key(name))`` without a code."""
        if self.product_code:
            return (self.nib, "code", self.product_code)
        return (self.nib, "name", name_key(self.name))


def name_key(name: str) -> str:
    """A product name as compared to find the same product: case and repeated spaces do not count."""
    return " ".join(name.casefold().split())


SupplierResult: TypeAlias = SupplierRecord | RejectedRow
ProductResult: TypeAlias = ProductRecord | RejectedRow
