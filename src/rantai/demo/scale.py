"""How big ``rantai demo`` is (issue #15): ``small`` for a newcomer's laptop and ``make demo``, ``large`` for
benchmarks. One value names the registry's size and the contracting history's, so a command line, a test
and a benchmark ask for the same demo by its name."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class ScaleName(StrEnum):
    SMALL = "small"
    LARGE = "large"


@dataclass(frozen=True, slots=True)
class Scale:
    """The demo's size: UMKM and cooperatives in the registry, about how many products each offers (the
    registry's own mix when None), and the purchase orders of the contracting history."""

    name: str
    suppliers: int
    purchase_orders: int
    months: int = 24  # how far back the history reaches
    products_per_supplier: float | None = None

    def with_suppliers(self, suppliers: int | None) -> Scale:
        """The same scale with another registry size (``rantai demo --suppliers``)."""
        return self if suppliers is None else replace(self, suppliers=suppliers)


SMALL = Scale(ScaleName.SMALL.value, suppliers=3000, purchase_orders=2500)
# 100,000 UMKM offering 500,000 products and 50,000 purchase orders: the size of a national pilot.
LARGE = Scale(ScaleName.LARGE.value, suppliers=100_000, purchase_orders=50_000, products_per_supplier=5.0)
SCALES = {scale.name: scale for scale in (SMALL, LARGE)}
