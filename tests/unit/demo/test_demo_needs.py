"""The demo's BUMN buyers and real procurement plan lines: the files parse, their codes exist, plans are fair,
needs read like a BUMN unit's (no local-government budget boilerplate) and cover the spend groups."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import io
import re
from collections import Counter
from importlib import resources

import pytest

from rantai.demo import needs
from rantai.demo.needs import BuyerSeed, NeedSeed
from rantai.reference.datasets import read_file


def _demo_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("rantai.demo").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


KINDS = {row["kind"]: row for row in _demo_csv("product_kinds.csv")}
REGIONS = {
    row["kode"]: row["level"]
    for row in csv.DictReader(io.StringIO(read_file("wilayah2025_all_levels.csv.gz")))
}
UNITS = {row["code"] for row in csv.DictReader(io.StringIO(read_file("units.csv")))}
BUYERS = needs.load_buyers()
LINES = needs.load_need_lines()
TODAY = dt.date(2026, 3, 2)


def test_buyers_parse_with_unique_names_and_slugs() -> None:
    assert 40 <= len(BUYERS) <= 80
    names = [b.name for b in BUYERS]
    assert all(name.strip() == name and name and len(name) <= 200 for name in names)
    assert len(set(names)) == len(names)
    slugs = [b.slug for b in BUYERS]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    assert all(b.cluster for b in BUYERS if b.org_type == "bumn")
    # The demo's other modules name these buyers (demo/orders.py, the UMKM login's needs).
    assert {"hin", "angkasa-pura-1", "sarinah", "twc", "perinus"} <= set(slugs)


def test_buyers_are_bumn_units_across_the_country_and_a_private_and_a_global_buyer() -> None:
    types = Counter(b.org_type for b in BUYERS)
    assert set(types) == {"bumn", "swasta_besar", "pembeli_global"}
    assert types["bumn"] >= 40
    assert len({b.province_code for b in BUYERS}) >= 15
    assert sum(b.province_code != "31" for b in BUYERS) >= len(BUYERS) / 2  # not only Jakarta
    # Units of one company: "PT Perusahaan Listrik Negara (Persero) UID Jawa Barat"
    units = Counter(b.name.split(")")[0] for b in BUYERS if b.org_type == "bumn" and not b.name.endswith(")"))
    assert max(units.values()) >= 3


def test_every_bumn_buyer_has_a_pagu_for_the_last_three_years() -> None:
    for buyer in BUYERS:
        if buyer.org_type != "bumn":
            assert buyer.pagu is None, buyer.slug  # Inpres 2/2022 binds BUMN, not private buyers
            continue
        assert buyer.pagu is not None, buyer.slug
        assert 1_000_000_000 <= buyer.pagu <= 1_000_000_000_000, buyer.slug
        years = needs.budget_by_year(buyer, today=TODAY)
        assert sorted(years) == [2024, 2025, 2026], buyer.slug
        assert years[2026] == buyer.pagu
        assert years[2024] < years[2025] < years[2026], buyer.slug
        assert all(value % 1_000_000 == 0 for value in years.values()), buyer.slug


def test_buyer_regions_and_kinds_exist() -> None:
    for buyer in BUYERS:
        assert REGIONS.get(buyer.province_code) == "1", buyer.slug
        assert REGIONS.get(buyer.kabkota_code) == "2", buyer.slug
        assert buyer.kabkota_code.startswith(buyer.province_code + "."), buyer.slug
        assert buyer.kinds, buyer.slug
        assert len(set(buyer.kinds)) == len(buyer.kinds), buyer.slug
        assert set(buyer.kinds) <= KINDS.keys(), (buyer.slug, set(buyer.kinds) - KINDS.keys())


def test_delivery_cities_are_kabkota() -> None:
    assert all(REGIONS.get(code) == "2" for code in needs.DELIVERY_CITIES)
    assert len(set(needs.DELIVERY_CITIES)) == len(needs.DELIVERY_CITIES)


def test_need_lines_parse_with_sound_values() -> None:
    assert 2000 <= len(LINES) <= 4000
    assert len({line.kd_rup for line in LINES}) == len(LINES)
    for line in LINES:
        assert re.fullmatch(r"\d{8}", line.kd_rup), line.kd_rup
        assert 2023 <= line.year <= 2025, line.kd_rup
        assert line.procurement_type in {"Barang", "Jasa Lainnya", "Pekerjaan Konstruksi"}, line.kd_rup
        assert isinstance(line.budget, int), line.kd_rup
        assert line.budget > 0, line.kd_rup
        assert line.package_name.strip(), line.kd_rup
        assert line.name.strip() == line.name, line.kd_rup
        assert 3 <= len(line.name) <= 120, line.kd_rup
        assert not re.search(r"(?i)\b(belanja|pengadaan)\b|\d+\.\d+\.\d+", line.name), line.name
        assert line.quantity >= 1, line.kd_rup
        assert line.quantity_from in {"volume", "pagu", "paket"}, line.kd_rup
        assert line.quantity_from != "paket" or line.quantity == 1, line.kd_rup
        assert line.quantity_from != "paket" or line.kind is None or line.unit_code == "paket", line.kd_rup
        assert line.selection_start <= line.contract_end, line.kd_rup


def test_every_kind_and_unit_of_the_lines_exists() -> None:
    kinds = {line.kind for line in LINES}
    assert kinds - {None} <= KINDS.keys()
    assert {line.unit_code for line in LINES} <= UNITS
    # a quantity estimated from the budget is counted in the kind's own unit
    for line in LINES:
        if line.quantity_from == "pagu" and line.kind is not None:
            assert line.unit_code == KINDS[line.kind]["unit_code"], line.kd_rup


def test_most_lines_fit_a_kind_that_some_buyer_buys() -> None:
    with_kind = [line for line in LINES if line.kind is not None]
    assert len(with_kind) >= 0.9 * len(LINES)
    bought = {kind for buyer in BUYERS for kind in buyer.kinds}
    assert {line.kind for line in with_kind} <= bought


def test_raw_file_keeps_the_source_columns() -> None:
    text = resources.files("rantai.demo").joinpath("data/rup_needs.csv.gz").read_bytes()
    header = gzip.decompress(text).decode("utf-8").splitlines()[0].split(",")
    assert header[:6] == [
        "kd_rup",
        "tahun_anggaran",
        "jenis_pengadaan",
        "metode_pengadaan",
        "nama_paket",
        "pagu",
    ]
    assert header[-5:] == ["kind", "demo_name", "jumlah", "satuan", "jumlah_dari"]
    pagu = [row["pagu"] for row in csv.DictReader(io.StringIO(gzip.decompress(text).decode("utf-8")))]
    assert all(re.fullmatch(r"[1-9]\d*", value) for value in pagu)


def test_loaders_return_fresh_lists() -> None:
    first = needs.load_need_lines()
    first.clear()
    assert len(needs.load_need_lines()) == len(LINES)
    assert needs.load_buyers() == BUYERS


def test_plan_is_deterministic_and_independent_of_line_order() -> None:
    plan = needs.plan_needs(BUYERS, LINES, per_buyer=40, seed=2026)
    again = needs.plan_needs(BUYERS, list(reversed(LINES)), per_buyer=40, seed=2026)
    assert plan == again
    other = needs.plan_needs(BUYERS, LINES, per_buyer=40, seed=2027)
    assert plan != other


def test_plan_respects_kinds_and_never_shares_a_line() -> None:
    plan = needs.plan_needs(BUYERS, LINES, per_buyer=40, seed=1)
    assert list(plan) == [b.slug for b in BUYERS]
    by_slug = {b.slug: b for b in BUYERS}
    seen: set[str] = set()
    for slug, lines in plan.items():
        assert len(lines) == 40, slug
        buys = set(by_slug[slug].kinds)
        for line in lines:
            assert line.kind is None or line.kind in buys, (slug, line.kd_rup, line.kind)
            assert line.kd_rup not in seen
            seen.add(line.kd_rup)


def test_plan_spreads_a_buyer_over_its_kinds() -> None:
    plan = needs.plan_needs(BUYERS, LINES, per_buyer=30, seed=5)
    for slug, lines in plan.items():
        counts = Counter(line.kind for line in lines)
        assert len(counts) >= 5, (slug, counts)
        assert max(counts.values()) <= 10, (slug, counts)


def _line(kd_rup: str, kind: str | None) -> NeedSeed:
    return dataclasses.replace(LINES[0], kd_rup=kd_rup, kind=kind)


def _buyer(slug: str, *kinds: str) -> BuyerSeed:
    return BuyerSeed(
        name=f"PT {slug}", cluster="x", slug=slug, province_code="31", kabkota_code="31.71", kinds=kinds
    )


def test_plan_on_small_inputs() -> None:
    lines = [
        _line("00000001", "batik"),
        _line("00000002", "batik"),
        _line("00000003", "madu"),
        _line("00000004", None),
    ]
    buyers = [_buyer("a", "batik"), _buyer("b", "madu")]
    plan = needs.plan_needs(buyers, lines, per_buyer=10, seed=3)
    assert {line.kd_rup for line in plan["a"]} <= {"00000001", "00000002", "00000004"}
    assert {line.kd_rup for line in plan["b"]} <= {"00000003", "00000004"}
    assert sum(len(v) for v in plan.values()) == 4  # every line went to someone
    assert needs.plan_needs(buyers, lines, per_buyer=0, seed=3) == {"a": [], "b": []}
    assert needs.plan_needs([_buyer("c", "tenun")], lines, per_buyer=5, seed=3) == {"c": [lines[3]]}


def test_plan_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="negative"):
        needs.plan_needs(BUYERS, LINES, per_buyer=-1, seed=1)
    with pytest.raises(ValueError, match="unique"):
        needs.plan_needs([BUYERS[0], BUYERS[0]], LINES, per_buyer=1, seed=1)


def test_needed_by_is_30_to_120_days_ahead_and_stable() -> None:
    days = [(needs.needed_by(line, today=TODAY) - TODAY).days for line in LINES]
    assert min(days) >= 30
    assert max(days) <= 120
    assert len(set(days)) > 60  # spread over the window, not one date
    line = LINES[10]
    assert needs.needed_by(line, today=TODAY) == needs.needed_by(line, today=TODAY)
    assert needs.needed_by(line, today=TODAY + dt.timedelta(days=7)) == needs.needed_by(
        line, today=TODAY
    ) + dt.timedelta(days=7)


def test_delivery_is_mostly_the_buyers_own_kabkota() -> None:
    buyer = BUYERS[0]
    places = Counter(needs.delivery_kabkota(line, buyer) for line in LINES)
    assert set(places) <= {buyer.kabkota_code, *needs.DELIVERY_CITIES}
    own = places[buyer.kabkota_code] / len(LINES)
    assert 0.65 <= own <= 0.85
    assert len(places) >= 8
    line = LINES[3]
    assert needs.delivery_kabkota(line, buyer) == needs.delivery_kabkota(line, buyer)


# Local-government budget boilerplate a demo need must not show (issue #15: the demo buyer's list was 182
# titles such as "Belanja Alat/Bahan untuk Kegiatan Kantor- Bahan Cetak ... DPA-SKPD").
FORBIDDEN = (
    r"(?i)\bbelanja\b",
    r"(?i)\bbeban\b",
    r"(?i)dpa",
    r"(?i)skpd",
    r"(?i)\bsub kegiatan\b",
    r"(?i)\bapbd\b",
    r"(?i)\bkabupaten\b|\bkab\.",
    r"(?i)\bkecamatan\b|\bkec\.",
    r"(?i)\bprovinsi\b|\bprov\.",
    r"(?i)\bdesa\b",
    r"(?i)\bkepala dinas\b",
    r"(?i)\bpemerintah\b",
    r"(?i)persediaan untuk dijual",
    r"(?i)\bkorpri\b|\bkdh\b",
    r"\d+\.\d+\.\d+\.\d+",  # account codes: 5.02.01.1.06.0005
    r"\b20[12]\d\b",  # budget years
)


def test_needs_carry_no_budget_boilerplate() -> None:
    for line in LINES:
        title = needs.need_title(line)
        for text in (title, line.name, line.description or "", line.specification or ""):
            for pattern in FORBIDDEN:
                assert not re.search(pattern, text), (pattern, line.kd_rup, text)
        assert 10 <= len(title) <= 200, title
        assert not re.search(r"(?i)\b(pengadaan|belanja|penyediaan)\b", line.name), title
        assert title.startswith((line.name, f"Pengadaan {line.name}")), title


def test_titles_read_like_a_bumn_units_need_and_vary() -> None:
    by_name = {
        "Perawatan AC": "Perawatan AC ",
        "Semen Portland 50 kg": "Pengadaan Semen Portland 50 kg untuk ",
        "Jasa Pengiriman Paket dan Dokumen": "Jasa Pengiriman Paket dan Dokumen untuk ",
    }
    for name, start in by_name.items():
        line = dataclasses.replace(LINES[0], name=name, kind=None)
        assert needs.need_title(line).startswith(start), needs.need_title(line)
    titles = [needs.need_title(line) for line in LINES]
    assert len(set(titles)) >= len(LINES) / 4  # not 182 near-identical titles
    kantor = dataclasses.replace(LINES[0], name="Pemeliharaan Taman Kantor", kind="renovasi_bangunan")
    assert "Kantor Kantor" not in needs.need_title(kantor)
    assert needs.need_title(LINES[5]) == needs.need_title(LINES[5])


def test_the_old_boilerplate_is_caught() -> None:
    old = "Belanja Alat/Bahan untuk Kegiatan Kantor- Bahan Cetak (5.02.01.1.06.0005) DPA-SKPD Tahun 2024"
    assert all(re.search(pattern, old) for pattern in FORBIDDEN[:1] + FORBIDDEN[2:4] + FORBIDDEN[-2:])
    assert needs.BOILERPLATE.search(old)


def test_every_spend_group_has_lines_and_buyers() -> None:
    groups = Counter(needs.spend_group(line.kind) for line in LINES)
    assert set(groups) == {*needs.SPEND_GROUPS, needs.ROUTINE}
    assert all(count >= 20 for count in groups.values()), groups
    bought = {needs.spend_group(kind) for buyer in BUYERS for kind in buyer.kinds}
    assert bought == set(groups)
    assert {kind for kinds in needs.SPEND_GROUPS.values() for kind in kinds} <= KINDS.keys()
    plan = needs.plan_needs(BUYERS, LINES, per_buyer=200, seed=2026)
    planned = Counter(needs.spend_group(line.kind) for lines in plan.values() for line in lines)
    assert set(planned) == set(groups)
