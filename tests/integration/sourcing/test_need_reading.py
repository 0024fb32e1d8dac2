"""Needs read the way a buyer means them, on the demo registry (issue #14, item 4)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from rantai import matching
from rantai.catalog.search_index import LiveIndex
from rantai.demo.registry import load_demo_registry
from rantai.demo.seed import load_demo_identity
from rantai.sourcing import quick, shortlists

Run = Callable[[str], tuple[quick.QuickLine, matching.Shortlist]]


@pytest.fixture
def shortlist(db: Session, tmp_path: Path) -> Run:
    load_demo_identity(db)
    load_demo_registry(db, suppliers=3000, seed=2026)
    index = LiveIndex(tmp_path / "index")
    index.rebuild(db)
    engine = matching.Shortlister(index.current(db), matching.ShortlistConfig(units=shortlists.units(db)))

    def run(text: str) -> tuple[quick.QuickLine, matching.Shortlist]:
        understood = quick.understand(db, text)
        need = shortlists.from_line_data(db, understood.line, umkm_only=True)
        return understood, engine.shortlist(need, top=10, include_unverified=True)

    return run


def test_cloth_shopping_bags_shortlist_bag_makers_first(shortlist: Run) -> None:
    understood, found = shortlist("tas belanja kain 20.000 pcs")
    assert (understood.line.quantity, understood.line.unit_code) == (20000, "buah")
    assert len(found.entries) == 10
    assert all(entry.offer.name.lower().startswith(("tas", "tote")) for entry in found.entries[:5])
    # The need named no KBLI: no entry says its KBLI agrees with it.
    assert not any(reason.code == "kbli_agrees" for entry in found.entries for reason in entry.reasons)
    # A bag maker covering part of 20,000 is shown as covering part, not left out.
    partial = [entry for entry in found.entries if "capacity_partial" in {r.code for r in entry.reasons}]
    assert partial


def test_coffee_for_export_puts_green_bean_sellers_above_ground_coffee(shortlist: Run) -> None:
    understood, found = shortlist("kopi arabika 2 ton ekspor")
    assert (understood.line.quantity, understood.line.unit_code) == (2, "ton")
    names = [entry.offer.name for entry in found.entries]
    green = [rank for rank, name in enumerate(names) if "Green Bean" in name]
    ground = [rank for rank, name in enumerate(names) if "Bubuk" in name]
    assert green and green[0] == 0
    assert not ground or min(green) < min(ground)


def test_daily_catering_in_jakarta_reads_portions_and_the_province(shortlist: Run) -> None:
    understood, found = shortlist("jasa katering 300 porsi harian Jakarta")
    assert (understood.line.quantity, understood.line.unit_code) == (300, "porsi")
    assert understood.place == "DKI Jakarta" and understood.province_code == "31"
    assert understood.place_found
    assert "porsi" not in understood.line.name.lower() and "jakarta" not in understood.line.name.lower()
    # Daily meals come from near: the first five cook within about 50 km of a kota of Jakarta.
    distances = [
        next(int(reason.as_dict()["km"]) for reason in entry.reasons if reason.code == "distance")
        for entry in found.entries[:5]
    ]
    assert max(distances) <= 50
