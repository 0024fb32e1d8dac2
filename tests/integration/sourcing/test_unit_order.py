"""The unit pickers' order (issue #13): the units most used in products and need lines first, then the
rest alphabetically by label in the viewer's language."""

from __future__ import annotations

from sqlalchemy.orm import Session
from tests.factories.suppliers import add_product, make_supplier

from rantai.sourcing import units
from rantai.sourcing.shortlists import reference


def test_most_used_first_then_alphabetical(db: Session) -> None:
    profile, _, actor = make_supplier(db)
    for i in range(3):
        add_product(db, profile, actor, f"Keripik {i}", unit_code="bungkus")
    add_product(db, profile, actor, "Kopi", unit_code="kg")
    reference.clear()  # counts are kept by the process for a few minutes
    ordered = units.ordered_units(db, "id")
    codes = [code for code, _ in ordered]
    counts = units.use_counts(db)
    used = [code for code in codes if counts.get(code, 0) > 0][: units.MOST_USED]
    assert codes[: len(used)] == used
    assert codes.index("bungkus") < codes.index("kg")  # 3 products (and any need lines) against 1
    assert [counts[c] for c in used] == sorted((counts[c] for c in used), reverse=True)
    rest = [label for code, label in ordered[len(used) :]]
    assert rest == sorted(rest, key=str.casefold)
    assert len(codes) == len(set(codes)) == len(units.unit_rows(db))
    english = [label for code, label in units.ordered_units(db, "en")[len(used) :]]
    assert english == sorted(english, key=str.casefold)
