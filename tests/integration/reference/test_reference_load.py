"""Loading the shipped reference data into a fresh database: the issue's done-when figures, idempotence,
upserts, and the look-ups other domains use.

They run on the shared migrated test database (``db``), where tests/conftest.py loaded the reference data
once per test session and backend; ``first_reference_load`` is that load's report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from rantai.db import Base
from rantai.reference import repository
from rantai.reference.errors import UnknownKbli, UnknownRegion
from rantai.reference.models import HsCode, KbliLevel, ReferenceDataset, Region, RegionLevel, Unit
from rantai.reference.service import (
    LoadReport,
    classify_size,
    load_reference_data,
    require_kbli,
    require_region,
)

# --- assertions that need only a Session ---


def assert_done_when_counts(db: Session) -> None:
    """The figures the issue names: 38 provinces, 514 kab/kota, 1,790 five-digit KBLI, 21 sections, BTKI."""
    regions = repository.region_counts_by_level(db)
    assert regions[RegionLevel.PROVINCE] == 38
    assert regions[RegionLevel.KABKOTA] == 514
    assert regions[RegionLevel.KECAMATAN] == 7285
    assert regions[RegionLevel.DESA] == 83762
    kbli = repository.kbli_counts_by_level(db)
    assert kbli[KbliLevel.CLASS] == 1790
    assert kbli[KbliLevel.SECTION] == 21
    assert kbli[KbliLevel.DIVISION] == 87
    hs = repository.hs_counts_by_level(db)
    assert hs[8] == 11552
    assert hs[4] == 1070


def assert_regions_usable_for_addresses(db: Session) -> None:
    provinces = repository.region_children(db, None)
    assert len(provinces) == 38
    assert {"Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya"} <= {
        p.name for p in provinces
    }
    bandung = repository.get_region(db, "32.73")
    assert bandung is not None
    assert bandung.name == "Kota Bandung"
    assert bandung.lat is not None
    assert bandung.lng is not None
    assert -7.1 < bandung.lat < -6.8
    assert 107.5 < bandung.lng < 107.8
    kecamatan = repository.region_children(db, "32.73")
    assert len(kecamatan) == 30
    assert all(k.parent_code == "32.73" and k.level == RegionLevel.KECAMATAN for k in kecamatan)
    path = repository.region_with_ancestors(db, "32.73.01.1001")
    assert [r.level for r in path] == [1, 2, 3, 4]
    assert path[0].name == "Jawa Barat"
    # Every kab/kota has a point except Kabupaten Tangerang, which the source lacks.
    missing = db.scalars(
        select(Region.code).where(Region.level == RegionLevel.KABKOTA, Region.lat.is_(None))
    ).all()
    assert list(missing) == ["36.03"]


def assert_kbli_tree(db: Session) -> None:
    coffee = repository.get_kbli(db, "10761")
    assert coffee is not None
    assert coffee.section == "C"
    assert coffee.parent_code == "1076"
    assert coffee.level == KbliLevel.CLASS
    section_c = repository.get_kbli(db, "c")
    assert section_c is not None
    assert section_c.title == "Industri Pengolahan"
    assert section_c.title_en == "Manufacturing"
    assert len(repository.kbli_children(db, None)) == 21
    assert [k.code for k in repository.kbli_children(db, "A")] == ["01", "02", "03"]


def assert_hs_descriptions_readable(db: Session) -> None:
    other_horses = repository.get_hs_code(db, "0101.29.00")
    assert other_horses is not None
    assert other_horses.description_id == "Lain-lain"
    assert other_horses.full_description_id.startswith("Kuda, keledai, bagal dan hinnie, hidup")
    assert other_horses.full_description_id.endswith("Lain-lain")
    assert other_horses.full_description_en == "Horses; live, other than pure-bred breeding animals"
    arabica = repository.get_hs_code(db, "09012111")
    assert arabica is not None
    assert arabica.full_description_en == "Coffee; roasted, not decaffeinated: Arabica"
    assert "Kopi" in arabica.full_description_id
    dashed = db.scalar(
        select(func.count()).select_from(HsCode).where(HsCode.full_description_id.startswith("-"))
    )
    bare = db.scalar(
        select(func.count())
        .select_from(HsCode)
        .where(HsCode.level == 8, HsCode.full_description_id.in_(["Lain-lain", "Bagian"]))
    )
    assert (dashed, bare) == (0, 0)
    unsplit = db.scalar(
        select(func.count()).select_from(HsCode).where(HsCode.level == 8, HsCode.parent_code.is_(None))
    )
    assert unsplit == 169  # headings printed only as an xx.xx.00.00 line


# --- tests ---


def test_first_load_inserts_everything(first_reference_load: LoadReport) -> None:
    assert not first_reference_load.all_skipped
    assert first_reference_load["region"].inserted == 91599
    assert first_reference_load["kbli"].inserted == 2686 + 21


def test_done_when_counts(db: Session) -> None:
    assert_done_when_counts(db)


def test_regions_serve_address_pickers(db: Session) -> None:
    assert_regions_usable_for_addresses(db)


def test_kbli_tree_and_sections(db: Session) -> None:
    assert_kbli_tree(db)


def test_hs_descriptions_are_readable(db: Session) -> None:
    assert_hs_descriptions_readable(db)


def test_loading_again_changes_nothing(db: Session) -> None:
    before = _row_counts(db)
    again = load_reference_data(db)
    assert again.all_skipped
    assert again.changed == 0
    forced = load_reference_data(db, force=True)
    assert not forced.all_skipped
    assert forced.changed == 0
    assert forced["region"].unchanged == 91599
    assert _row_counts(db) == before


def test_changed_dataset_is_upserted_without_deleting(db: Session) -> None:
    db.execute(update(Region).where(Region.code == "32.73").values(name="Bandung?", lat=None))
    db.execute(delete(Region).where(Region.code == "32.73.01.1001"))
    db.execute(update(Unit).where(Unit.code == "kodi").values(factor_to_base=Decimal(21)))
    # A code other tables might still point at, no longer in the shipped data.
    db.add(Region(code="32.73.99", name="Kecamatan Lama", level=3, parent_code="32.73"))
    db.execute(
        update(ReferenceDataset).where(ReferenceDataset.name.in_(["region", "unit"])).values(checksum="old")
    )
    db.flush()

    report = load_reference_data(db)

    assert report["kbli"].skipped
    region, unit = report["region"], report["unit"]
    assert (region.inserted, region.updated, region.retained) == (1, 1, 1)
    assert (unit.inserted, unit.updated, unit.retained) == (0, 1, 0)
    db.expire_all()
    bandung = db.get(Region, "32.73")
    assert bandung is not None
    assert bandung.name == "Kota Bandung"
    assert bandung.lat is not None
    assert db.get(Region, "32.73.01.1001") is not None
    assert db.get(Region, "32.73.99") is not None
    kodi = db.get(Unit, "kodi")
    assert kodi is not None
    assert kodi.factor_to_base == 20
    record = repository.dataset_record(db, "region")
    assert record is not None
    assert record.checksum != "old"
    assert record.row_count == 91599
    assert load_reference_data(db).all_skipped


def test_only_loads_the_named_datasets(db: Session) -> None:
    report = load_reference_data(db, only=["unit"])
    assert [d.name for d in report.datasets] == ["unit"]
    with pytest.raises(ValueError, match="nope"):
        load_reference_data(db, only=["nope"])


def test_search_kbli_by_code_prefix_and_words(db: Session) -> None:
    by_code = repository.search_kbli(db, "1076")
    assert [k.code for k in by_code][:2] == ["1076", "10761"]
    by_words = repository.search_kbli(db, "pengolahan KOPI", level=KbliLevel.CLASS)
    assert "10761" in [k.code for k in by_words]
    assert all(k.level == KbliLevel.CLASS for k in by_words)
    assert repository.search_kbli(db, "%") == []
    assert repository.search_kbli(db, "  ") == []


def test_search_hs_by_code_and_words(db: Session) -> None:
    assert [h.code for h in repository.search_hs_codes(db, "0901.21")] == [
        "09.01.21.11",
        "09.01.21.12",
        "09.01.21.19",
        "09.01.21.20",
    ]
    arabica = [h.code for h in repository.search_hs_codes(db, "kopi arabica")]
    assert "09.01.21.11" in arabica
    assert repository.search_hs_codes(db, "kuda", level=4)[0].code == "01.01"


def test_small_lists(db: Session) -> None:
    patterns = repository.list_kemitraan_patterns(db)
    assert [p.code for p in patterns][:2] == ["inti_plasma", "subkontrak"]
    assert len(patterns) == 10
    assert all(p.legal_basis == "PP 7/2021 Pasal 106" for p in patterns)
    certifications = {c.code: c for c in repository.list_certification_types(db)}
    assert {
        "halal",
        "sni",
        "bpom_md",
        "bpom_ml",
        "spp_irt",
        "iso_9001",
        "iso_22000",
        "haccp",
        "svlk",
        "organik",
    } <= (set(certifications))
    assert certifications["spp_irt"].validity_years == 5
    units = repository.list_units(db, kind="count")
    assert "kodi" in {u.code for u in units}
    gram = repository.get_unit(db, "gram")
    assert gram is not None
    assert gram.factor_to_base == Decimal("0.001")
    assert gram.coretax_code == "UM.0004"


def test_size_thresholds_from_the_database(db: Session) -> None:
    on = dt.date(2025, 1, 1)
    assert [t.size_class for t in repository.size_thresholds_on(db, on)] == [
        "mikro",
        "kecil",
        "menengah",
    ]
    assert repository.size_thresholds_on(db, dt.date(2021, 1, 1)) == []
    result = classify_size(db, annual_sales=2_000_000_001, business_capital=None, on=on)
    assert result == ("kecil", "annual_sales")


def test_require_region_and_kbli(db: Session) -> None:
    assert require_region(db, "32.73", level=RegionLevel.KABKOTA).name == "Kota Bandung"
    with pytest.raises(UnknownRegion):
        require_region(db, "32.73", level=RegionLevel.PROVINCE)
    with pytest.raises(UnknownRegion):
        require_region(db, "99.99")
    assert require_kbli(db, "10761", level=KbliLevel.CLASS).section == "C"
    with pytest.raises(UnknownKbli) as caught:
        require_kbli(db, "92000")
    assert caught.value.params == {"code": "92000"}


def _row_counts(db: Session) -> dict[str, int]:
    return {
        table.name: db.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
        if table.name.startswith("ref_")
    }
