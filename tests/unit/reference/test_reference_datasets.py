"""Turning the shipped files into rows: KBLI sections, region points, units, checksums and the checks."""

from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal

import pytest

from rantai.reference import datasets
from rantai.reference.datasets import (
    DATASETS,
    build_kbli,
    build_regions,
    build_size_thresholds,
    build_units,
    checksum,
    parse_sections,
    read_contents,
    read_file,
    section_for_division,
)
from rantai.reference.errors import ReferenceDataError

SECTIONS = parse_sections(read_file("kbli2020_sections.csv"))


def _dataset(name: str) -> datasets.Dataset:
    return next(d for d in DATASETS if d.name == name)


@pytest.mark.parametrize(
    ("division", "section"),
    [
        ("01", "A"),
        ("03", "A"),
        ("05", "B"),
        ("09", "B"),
        ("10", "C"),
        ("33", "C"),
        ("35", "D"),
        ("36", "E"),
        ("39", "E"),
        ("47", "G"),
        ("49", "H"),
        ("56", "I"),
        ("63", "J"),
        ("68", "L"),
        ("75", "M"),
        ("82", "N"),
        ("84", "O"),
        ("85", "P"),
        ("88", "Q"),
        ("92", "R"),  # not in the source data, but KBLI places it in R
        ("93", "R"),
        ("96", "S"),
        ("98", "T"),
        ("99", "U"),
    ],
)
def test_divisions_map_to_their_section(division: str, section: str) -> None:
    assert section_for_division(division, SECTIONS) == section


@pytest.mark.parametrize(
    "division", ["04", "34", "40", "44", "48", "54", "57", "67", "76", "83", "89", "00", "1"]
)
def test_gaps_between_sections_belong_to_none(division: str) -> None:
    assert section_for_division(division, SECTIONS) is None


def test_sections_cover_a_to_u_without_overlap() -> None:
    assert [s.section for s in SECTIONS] == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    for lower, upper in itertools.pairwise(SECTIONS):
        assert lower.division_to < upper.division_from


def _kbli_contents(kbli_csv: str) -> dict[str, str]:
    return {"kbli2020.csv.gz": kbli_csv, "kbli2020_sections.csv": read_file("kbli2020_sections.csv")}


def test_kbli_class_without_its_subgroup_hangs_from_the_group() -> None:
    kbli_csv = (
        "code,level,title,description,parent_code\n"
        "49,golongan_pokok_2d,Angkutan Darat,,\n"
        "494,golongan_3d,Angkutan Darat Bukan Bus,,49\n"
        "49421,kelompok_5d,Angkutan Taksi,  Kelompok ini ...  ,4942\n"
    )
    rows = {r["code"]: r for r in build_kbli(_kbli_contents(kbli_csv))}
    assert rows["49421"]["parent_code"] == "494"
    assert rows["49421"]["section"] == "H"
    assert rows["49421"]["description"] == "Kelompok ini ..."
    assert rows["49"]["parent_code"] == "H"
    assert rows["H"]["level"] == "section"
    assert rows["H"]["title"] == "Pengangkutan dan Pergudangan"
    # Sections first, then parents before children: the self-referencing key holds at every insert.
    order = list(rows)
    assert order.index("H") < order.index("49") < order.index("494") < order.index("49421")


def test_kbli_code_in_a_section_gap_is_refused() -> None:
    kbli_csv = "code,level,title,description,parent_code\n04,golongan_pokok_2d,Nothing,,\n"
    with pytest.raises(ReferenceDataError, match="no section"):
        build_kbli(_kbli_contents(kbli_csv))


def _region_contents(points: str, fixes: str = "kode,lat,lng,reason\n") -> dict[str, str]:
    return {
        "wilayah2025_all_levels.csv.gz": (
            "kode,nama,level\n74,Sulawesi Tenggara,1\n74.07,Kabupaten Wakatobi ,2\n"
        ),
        "wilayah2025_prov_kabkota_centroids.csv.gz": "kode,nama,level,lat,lng,coord_source\n" + points,
        "wilayah2025_centroid_fixes.csv": fixes,
    }


def test_region_point_outside_indonesia_is_refused_unless_fixed() -> None:
    points = "74,Sulawesi Tenggara,1,-3.97,122.51,x\n74.07,Kabupaten Wakatobi,2,-5.33,23.54,x\n"
    with pytest.raises(ReferenceDataError, match="outside Indonesia"):
        build_regions(_region_contents(points))
    fixed = build_regions(_region_contents(points, "kode,lat,lng,reason\n74.07,-5.33,123.54,typo\n"))
    wakatobi = next(r for r in fixed if r["code"] == "74.07")
    assert (wakatobi["lat"], wakatobi["lng"]) == (-5.33, 123.54)
    assert wakatobi["name"] == "Kabupaten Wakatobi"
    assert wakatobi["parent_code"] == "74"


def test_shipped_units_cover_every_coretax_code_once() -> None:
    rows = {r["code"]: r for r in build_units(read_contents(_dataset("unit")))}
    coretax_codes = sorted(r["coretax_code"] for r in rows.values() if r["coretax_code"])
    assert coretax_codes == [f"UM.{n:04d}" for n in range(1, 40)]
    assert rows["kodi"]["base_unit_code"] == "buah"
    assert rows["kodi"]["factor_to_base"] == Decimal(20)
    assert rows["lusin"]["factor_to_base"] == Decimal(12)
    assert rows["gross"]["factor_to_base"] == Decimal(144)
    assert rows["gram"]["factor_to_base"] == Decimal("0.001")
    for trade_unit in (
        "paket",
        "rim",
        "dus",
        "buah",
        "kodi",
        "lusin",
        "karung",
        "sak",
        "botol",
        "m2",
        "liter",
    ):
        assert trade_unit in rows


def test_unit_with_an_unknown_coretax_code_or_chained_base_is_refused() -> None:
    contents = dict(read_contents(_dataset("unit")))
    contents["units.csv"] += "x,X,X,count,,,UM.0999\ny,Y,Y,count,kodi,2,\n"
    with pytest.raises(ReferenceDataError) as caught:
        build_units(contents)
    assert "UM.0999 is not a Coretax unit" in str(caught.value)
    assert "base unit kodi is not a base unit" in str(caught.value)


def test_size_thresholds_must_rise_with_rank() -> None:
    csv_text = (
        "size_class,rank,effective_from,business_capital_max,annual_sales_max,legal_basis,note\n"
        "mikro,1,2021-02-02,5,5,PP,\nkecil,2,2021-02-02,4,9,PP,\n"
    )
    with pytest.raises(ReferenceDataError, match="kecil must lie above mikro"):
        build_size_thresholds({"size_thresholds.csv": csv_text})


def test_shipped_size_thresholds_are_pp_7_2021() -> None:
    rows = {r["size_class"]: r for r in build_size_thresholds(read_contents(_dataset("size_threshold")))}
    assert rows["mikro"]["business_capital_max"] == 1_000_000_000
    assert rows["mikro"]["annual_sales_max"] == 2_000_000_000
    assert rows["kecil"]["annual_sales_max"] == 15_000_000_000
    assert rows["menengah"]["business_capital_max"] == 10_000_000_000
    assert rows["menengah"]["annual_sales_max"] == 50_000_000_000
    assert {r["effective_from"].isoformat() for r in rows.values()} == {"2021-02-02"}


def test_checksum_changes_with_content_or_revision_only() -> None:
    dataset = _dataset("kemitraan_pattern")
    contents = read_contents(dataset)
    first = checksum(dataset, contents)
    assert checksum(dataset, dict(contents)) == first
    edited = {"kemitraan_patterns.csv": contents["kemitraan_patterns.csv"].replace("Waralaba", "Franchise")}
    assert checksum(dataset, edited) != first
    assert checksum(dataclasses.replace(dataset, revision=dataset.revision + 1), contents) != first


def test_every_shipped_dataset_builds() -> None:
    for dataset in DATASETS:
        rows = dataset.build(read_contents(dataset))
        assert rows, dataset.name
        keys = {tuple(sorted(row)) for row in rows}
        assert len(keys) == 1, f"{dataset.name}: rows must share one set of columns for one executemany"
