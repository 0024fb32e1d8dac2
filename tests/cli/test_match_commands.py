"""``rantai index`` and ``rantai match`` against the test database, inside the test's transaction.

The commands run their real unit of work, with sessions joined to the test's connection (so they see
the suppliers built here and their commits are rolled back with the test), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from tests.factories.suppliers import add_cert, add_product, make_supplier
from typer.testing import CliRunner, Result

from rantai.cli import common
from rantai.cli.main import app
from rantai.cli.match import RESULT_COLUMNS
from rantai.settings import get_settings
from rantai.suppliers.models import SupplierProfile

runner = CliRunner()


class _NoEngine:
    """Stands for the engine the unit of work would open; the test's connection is used instead."""

    def dispose(self) -> None:
        return None


@pytest.fixture
def cli(
    database_url: str,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    """The CLI pointed at the test database (in the test's transaction) with its index under a scratch
    data directory, which it yields."""
    monkeypatch.setenv("RANTAI_DATABASE_URL", database_url)
    monkeypatch.setenv("RANTAI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RANTAI_DEFAULT_LOCALE", "id")
    monkeypatch.setattr(common, "make_engine", lambda _url, **_kwargs: _NoEngine())
    monkeypatch.setattr(common, "make_session_factory", lambda _engine: session_factory)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _suppliers(db: Session) -> dict[str, SupplierProfile]:
    """Cassava chips in Bandung (halal), cassava chips in Surabaya (no certificate), chips of a supplier
    not verified yet, and sambal in Bandung (halal)."""
    found: dict[str, SupplierProfile] = {}
    for key, name, kabkota, product, status, halal in (
        ("bandung", "Keripik Bu Sri", "32.73", "Keripik Singkong Balado 250 g", "verified", True),
        ("surabaya", "Keripik Pak Joko", "35.78", "Keripik Singkong Original 250 g", "verified", False),
        ("pending", "Keripik Mbak Ani", "32.04", "Keripik Singkong Pedas 250 g", "submitted", True),
        ("sambal", "Sambal Bu Rudy", "32.73", "Sambal Bawang 150 ml", "verified", True),
    ):
        profile, _, actor = make_supplier(db, status=status, business_name=name, kabkota_code=kabkota)
        if halal:
            add_cert(db, profile, actor, "halal")
        add_product(
            db, profile, actor, product, unit_code="bungkus", capacity_per_month=20_000, price_min=9_000
        )
        found[key] = profile
    return found


def _invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


# --- rantai index rebuild --------------------------------------------------------------------------


def test_index_rebuild_reports_what_it_indexed(
    cli: Path, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _suppliers(db)
    monkeypatch.setenv("RANTAI_DEFAULT_LOCALE", "en")
    get_settings.cache_clear()
    result = _invoke("index", "rebuild")
    assert result.exit_code == 0, result.output
    match = re.search(
        r"Matching index rebuilt: (\d+) suppliers, (\d+) products in [\d.,]+ s \(([\d,]+) products/s\)\.",
        result.stdout,
    )
    assert match, result.stdout
    assert (match[1], match[2]) == ("4", "4")
    current = (cli / "index" / "CURRENT").read_text().strip()
    assert f"Index directory: {cli / 'index' / current}" in result.stdout


# --- rantai match query ----------------------------------------------------------------------------


def test_match_query_prints_a_table_of_verified_suppliers(cli: Path, db: Session) -> None:
    suppliers = _suppliers(db)
    result = _invoke("match", "query", "keripik singkong 5.000 bungkus")
    assert result.exit_code == 0, result.output
    header, rule, *rows = [line for line in result.stdout.splitlines() if line.strip()]
    assert header.split()[1] == "NIB" and set(rule) <= {"-", " "}
    assert [row.split()[0] for row in rows] == ["1", "2"]
    assert {row.split()[1] for row in rows} == {suppliers["bandung"].nib, suppliers["surabaya"].nib}
    assert "Keripik Mbak Ani" not in result.stdout  # not verified
    assert "Sambal Bu Rudy" not in result.stdout
    bandung = next(row for row in rows if suppliers["bandung"].nib in row)
    assert "Keripik Bu Sri" in bandung and "Keripik Singkong Balado 250 g" in bandung
    assert "20.000" in bandung  # the capacity reason, in Indonesian number format
    assert re.search(r"\s0\.\d{3}\s", bandung)  # the score, 3 decimals


def test_match_query_json_with_region_and_unverified(cli: Path, db: Session) -> None:
    suppliers = _suppliers(db)
    result = _invoke("match", "query", "keripik singkong", "--region", "32", "--include-unverified", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["need"]["region"] == "province:32"
    names = [item["supplier"]["name"] for item in body["items"]]
    assert sorted(names) == ["Keripik Bu Sri", "Keripik Mbak Ani"]  # Surabaya is outside province 32
    first = body["items"][0]
    assert first["rank"] == 1
    assert {item["supplier"]["nib"] for item in body["items"]} == {
        suppliers["bandung"].nib,
        suppliers["pending"].nib,
    }
    reasons = first["reasons"]
    assert reasons[0]["code"] == "matched_offer"
    assert reasons[0]["params"]["name"] == first["offer"]["name"]
    assert all(reason["text"] for reason in reasons)

    in_kabkota = json.loads(
        _invoke("match", "query", "keripik singkong", "--region", "32.73", "--json").stdout
    )
    assert in_kabkota["need"]["delivery_kabkota_code"] == "32.73"
    assert [item["supplier"]["name"] for item in in_kabkota["items"]] == ["Keripik Bu Sri"]
    assert "distance" in [reason["code"] for reason in in_kabkota["items"][0]["reasons"]]


def test_match_query_with_qty_and_no_match(cli: Path, db: Session) -> None:
    _suppliers(db)
    result = _invoke("match", "query", "keripik singkong", "--region", "32.73", "--qty", "7000", "--json")
    assert json.loads(result.stdout)["need"]["quantity"] == 7000
    nothing = _invoke("match", "query", "mesin bubut cnc", "--region", "32")
    assert nothing.exit_code == 0, nothing.output
    assert "NIB" not in nothing.stdout
    assert nothing.stdout.strip()  # says there is no match


@pytest.mark.parametrize("region", ["99", "32.7", "32.73.01", "jawa barat", "31.01.0"])
def test_a_bad_region_is_a_usage_error(cli: Path, region: str) -> None:
    result = _invoke("match", "query", "keripik", "--region", region)
    assert result.exit_code == 2
    assert "--region" in result.output
    assert f"'{region}'" in result.output


# --- rantai match plan -----------------------------------------------------------------------------


PLAN_HEADER = (
    "nama_paket,spesifikasi,jumlah,satuan,kode_wilayah_pengiriman,pagu,dibutuhkan_tanggal,sertifikasi_wajib"
)


def _plan(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([PLAN_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _result(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_match_plan_writes_the_result_csv_and_reports_bad_rows(cli: Path, db: Session) -> None:
    suppliers = _suppliers(db)
    plan = _plan(
        cli / "rencana.csv",
        "Keripik singkong balado,,5000,bungkus,32.73,45000000,2027-03-31,halal",  # row 2
        "Keripik singkong,,banyak,bungkus,32.73,,,",  # row 3: not a number
        "Sambal bawang,botol kaca,200,bungkus,Kota Bandung,,,halal",  # row 4
        "Mesin bubut CNC,,1,unit,,,,",  # row 5: nobody makes it
        "Keripik singkong,,100,bungkus,32.73,,2020-01-31,halal",  # row 6: a past date is fine here
        "Keripik singkong,,100,bungkus,99.99,,,",  # row 7: no such kab/kota
    )
    out = cli / "hasil.csv"
    result = _invoke("match", "plan", str(plan), "--top", "3", "--out", str(out))
    assert result.exit_code == 0, result.output

    rows = _result(out)
    assert rows[0] == list(RESULT_COLUMNS)
    assert RESULT_COLUMNS == ("baris", "peringkat", "nib", "nama_usaha", "skor", "produk_cocok", "alasan")
    by_row: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_row.setdefault(row[0], []).append(row)
    assert sorted(by_row) == ["2", "4", "6"]
    assert [(r[1], r[2], r[3], r[5]) for r in by_row["2"]] == [
        ("1", suppliers["bandung"].nib, "Keripik Bu Sri", "Keripik Singkong Balado 250 g")
    ]  # halal required: Surabaya has no certificate, Mbak Ani is not verified
    assert [r[3] for r in by_row["4"]] == ["Sambal Bu Rudy"]
    assert [r[3] for r in by_row["6"]] == ["Keripik Bu Sri"]
    first = by_row["2"][0]
    assert re.fullmatch(r"0\.\d{3}|1\.000", first[4])
    reasons = first[6].split("; ")
    assert len(reasons) >= 3 and "Keripik Singkong Balado 250 g" in reasons[0]

    reported = [re.match(r"\D*(\d+)\D*: (\w+):", line) for line in result.stderr.splitlines()]
    assert [(m[1], m[2]) for m in reported if m] == [("3", "jumlah"), ("7", "kode_wilayah_pengiriman")]
    summary = re.findall(r"\d+", result.stdout.splitlines()[0])
    assert summary[:4] == ["6", "3", "1", "2"]  # lines, with suppliers, with no match, with errors
    assert not (cli / "hasil.csv.part").exists()


def test_match_plan_with_unverified_suppliers(cli: Path, db: Session) -> None:
    _suppliers(db)
    plan = _plan(cli / "rencana.csv", "Keripik singkong pedas,,100,bungkus,32.73,,,halal")
    out = cli / "hasil.csv"
    verified = _invoke("match", "plan", str(plan), "--out", str(out))
    assert verified.exit_code == 0, verified.output
    assert "Keripik Mbak Ani" not in [row[3] for row in _result(out)]
    everyone = _invoke("match", "plan", str(plan), "--out", str(out), "--include-unverified")
    assert everyone.exit_code == 0, everyone.output
    assert "Keripik Mbak Ani" in [row[3] for row in _result(out)]


def test_match_plan_without_the_required_column_writes_nothing(cli: Path, db: Session) -> None:
    plan = cli / "rencana.csv"
    plan.write_text("jumlah,satuan\n5,kg\n", encoding="utf-8")
    out = cli / "hasil.csv"
    result = _invoke("match", "plan", str(plan), "--out", str(out))
    assert result.exit_code == 1
    assert "nama_paket" in result.output
    assert not out.exists() and not (cli / "hasil.csv.part").exists()


def test_match_plan_needs_an_existing_file(cli: Path) -> None:
    result = _invoke("match", "plan", str(cli / "tidak-ada.csv"), "--out", str(cli / "hasil.csv"))
    assert result.exit_code == 2
