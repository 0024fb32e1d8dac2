"""Issue #3's import check: a file mixing good rows with each bad case the issue lists yields exactly the
good rows (valid-rows mode), nothing (all-or-nothing), an error for every bad row, and a second import
of the same file changes nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import make_org, make_user

from rantai.catalog.bulk import import_products
from rantai.catalog.models import Product, ProductCertification
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.suppliers.bulk import import_suppliers
from rantai.suppliers.models import Certification, SupplierProfile
from rantai.tabular.batches import ImportMode
from rantai.tabular.reading import open_table

HEADER = "nib;nama_usaha;bentuk_usaha;npwp;kode_wilayah;alamat;kbli;modal_usaha;omzet_tahunan;jumlah_tenaga_kerja;telepon;email;tahun_berdiri;nib_koperasi;catatan"
GOOD = {
    2: "9120000000011;Keripik Bu Sri;UD;;32.73;Jl. Braga 1;10794;;Rp 850.000.000;4;0812-3456-7890;;2015;;ok",
    3: "9120000000022.0;CV Batik Laweyan  ;CV;01.300.066.6-091.000;Kota Surakarta;;13132;;2.500.000.000;12;;batik@contoh.co.id;;;float NIB, region name",
    4: "120000000033;Kopi Gayo Mandiri;perorangan;;11.17;;10761;500000000;;;;;;;lost leading zero",
    5: "9120000000044;Koperasi Produsen Tani Makmur;Koperasi;;33.74;;01111;;900000000;;;;;;cooperative",
}
BAD = {
    6: "9.12E+12;Scientific NIB;UD;;32.73;;10794;;100000000;;;;;;",
    7: "9120000000011;Duplicate NIB;UD;;32.73;;10794;;100000000;;;;;;",
    8: "9120000000055;Ambiguous Region;UD;;Bandung;;10794;;100000000;;;;;;",
    9: "9120000000066;Unknown KBLI;UD;;32.73;;99999;;100000000;;;;;;",
    10: "9120000000077;Bad NPWP;UD;01.300.066.7-091.000;32.73;;10794;;100000000;;;;;;",
    11: "9120000000088;Negative sales;UD;;32.73;;10794;;-5000;;;;;;",
}


def _file(rows: dict[int, str], *, encoding: str = "utf-8-sig") -> io.BytesIO:
    body = "\r\n".join([HEADER, *(rows[n] for n in sorted(rows))]) + "\r\n"
    return io.BytesIO(body.encode(encoding))


def _importer(db: Session) -> tuple[int, object]:
    dinas = identity.create_organization(
        db, name="Dinas KUKM Uji", org_type=OrgType.KEMENTERIAN_DINAS, region_code=None
    )
    user = make_user(db, dinas, (Role.VERIFIER,))
    return dinas.id, identity.actor_for(db, user)


def _count(db: Session) -> int:
    return (
        db.scalar(
            select(func.count()).select_from(SupplierProfile).where(SupplierProfile.nib.like("%00000000%"))
        )
        or 0
    )


def test_valid_rows_mode_imports_exactly_the_good_rows(db: Session) -> None:
    org_id, actor = _importer(db)
    before = _count(db)
    with open_table(_file({**GOOD, **BAD}), filename="pemasok.csv") as table:
        outcome = import_suppliers(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.VALID_ROWS
        )  # type: ignore[arg-type]
    assert (outcome.rows, outcome.inserted, outcome.rejected_rows) == (10, 4, 6)
    assert sorted({e.row for e in outcome.errors}) == sorted(BAD)
    assert {e.column for e in outcome.errors if e.row == 8} == {"kode_wilayah"}
    assert _count(db) == before + 4
    solo = db.scalars(select(SupplierProfile).where(SupplierProfile.nib == "0120000000033")).one()
    assert (
        solo.business_capital == 500_000_000
        and solo.size_class == "mikro"
        and solo.size_basis == "business_capital"
    )
    batik = db.scalars(select(SupplierProfile).where(SupplierProfile.nib == "9120000000022")).one()
    assert (batik.business_name, batik.kabkota_code, batik.npwp) == (
        "CV Batik Laweyan",
        "33.72",
        "0013000666091000",
    )

    with open_table(_file({**GOOD, **BAD}), filename="pemasok.csv") as table:
        again = import_suppliers(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.VALID_ROWS
        )  # type: ignore[arg-type]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
    assert _count(db) == before + 4


def test_all_or_nothing_mode_writes_nothing(db: Session) -> None:
    org_id, actor = _importer(db)
    before = _count(db)
    with open_table(_file({**GOOD, **BAD}), filename="pemasok.csv") as table:
        outcome = import_suppliers(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.ALL_OR_NOTHING
        )  # type: ignore[arg-type]
    assert outcome.rolled_back and outcome.inserted == 0
    assert sorted({e.row for e in outcome.errors}) == sorted(BAD)
    assert _count(db) == before


def test_windows_1252_file_and_updates(db: Session) -> None:
    org_id, actor = _importer(db)
    rows = {2: "9120000000099;Kerupuk Ikan Tenggiri é;UD;;32.73;;10794;;400000000;;;;;;"}
    with open_table(_file(rows, encoding="cp1252"), filename="pemasok.csv") as table:
        import_suppliers(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.ALL_OR_NOTHING
        )  # type: ignore[arg-type]
    profile = db.scalars(select(SupplierProfile).where(SupplierProfile.nib == "9120000000099")).one()
    assert profile.business_name == "Kerupuk Ikan Tenggiri é"
    rows = {2: "9120000000099;Kerupuk Ikan Tenggiri é;UD;;32.73;;10794;;3000000000;;;;;;"}
    with open_table(_file(rows, encoding="cp1252"), filename="pemasok.csv") as table:
        outcome = import_suppliers(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.ALL_OR_NOTHING
        )  # type: ignore[arg-type]
    assert (outcome.updated, profile.size_class) == (1, "kecil")  # naik kelas, recorded in the history


def test_extra_columns_are_warnings_not_errors(db: Session) -> None:
    org_id, actor = _importer(db)
    with open_table(_file(GOOD), filename="pemasok.csv") as table:
        assert "catatan" in table.headers
        outcome = import_suppliers(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.ALL_OR_NOTHING
        )  # type: ignore[arg-type]
    assert not outcome.rolled_back and outcome.inserted == 4


def test_products_upsert_by_code_or_name(db: Session) -> None:
    org_id, actor = _importer(db)
    with open_table(_file(GOOD), filename="pemasok.csv") as table:
        import_suppliers(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.ALL_OR_NOTHING
        )  # type: ignore[arg-type]
    header = "nib,kode_produk,nama_produk,deskripsi,kategori,kbli,kode_hs,satuan,harga_satuan,moq,kapasitas_per_bulan,waktu_produksi_hari,sertifikasi"
    lines = [
        header,
        "9120000000011,KS-01,Keripik Singkong Balado 250 g,,Makanan olahan dan camilan,10794,,bungkus,12000,50,5000,3,halal:ID32110000123450123",
        "9120000000011,,Keripik Pisang Coklat,,camilan,,,pcs,15000,,2000,,",
        "9120000000022,,Kain Batik Tulis,,,,,lembar,450000,,100,14,sni:123",
        "9120000000011,KS-01,Duplicate code,,,,,buah,1000,,,,",
        "9999999999999,,Unknown supplier,,,,,buah,1000,,,,",
        "9120000000011,,Bad unit,,,,,ember,1000,,,,",
    ]
    data = ("\n".join(lines) + "\n").encode()
    with open_table(io.BytesIO(data), filename="produk.csv") as table:
        outcome = import_products(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.VALID_ROWS
        )  # type: ignore[arg-type]
    assert (outcome.inserted, outcome.rejected_rows) == (3, 3)
    assert sorted({e.row for e in outcome.errors}) == [5, 6, 7]
    keripik = db.scalars(select(Product).where(Product.code == "KS-01")).one()
    assert (keripik.category_code, keripik.unit_code, keripik.price_min) == (
        "pangan.olahan",
        "bungkus",
        12000,
    )
    assert db.scalars(
        select(ProductCertification.type_code).where(ProductCertification.product_id == keripik.id)
    ).all() == ["halal"]
    assert (
        db.scalar(
            select(func.count())
            .select_from(Certification)
            .where(Certification.number == "ID32110000123450123")
        )
        == 1
    )
    with open_table(io.BytesIO(data), filename="produk.csv") as table:
        again = import_products(
            db, table, actor=actor, importer_organization_id=org_id, mode=ImportMode.VALID_ROWS
        )  # type: ignore[arg-type]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_import_needs_the_right(db: Session) -> None:
    buyer_org = make_org(db, OrgType.LEMBAGA_PEMBIAYAAN)
    lender = identity.actor_for(db, make_user(db, buyer_org))
    from rantai.suppliers.errors import SupplierForbidden  # noqa: PLC0415

    with open_table(_file(GOOD), filename="pemasok.csv") as table, pytest.raises(SupplierForbidden):
        import_suppliers(
            db, table, actor=lender, importer_organization_id=buyer_org.id, mode=ImportMode.VALID_ROWS
        )


def test_imported_suppliers_are_found_by_name_in_the_directory(db: Session, tmp_path: object) -> None:
    from pathlib import Path  # noqa: PLC0415

    from rantai.catalog import directory  # noqa: PLC0415
    from rantai.catalog.import_jobs import run_import  # noqa: PLC0415
    from rantai.kit.pagination import PageRequest  # noqa: PLC0415

    org_id, actor = _importer(db)
    path = Path(str(tmp_path)) / "pemasok.csv"
    path.write_bytes(_file(GOOD).getvalue())
    run_import(
        db,
        kind="suppliers",
        path=path,
        file_name=path.name,
        mode=ImportMode.VALID_ROWS,
        organization_id=org_id,
        user_id=actor.user_id,
    )  # type: ignore[attr-defined]
    found = directory.search(
        db, directory.DirectoryQuery(text="laweyan", verified_only=False), PageRequest(1, 10), actor=actor
    )
    assert [p.business_name for p in found.items] == ["CV Batik Laweyan"]
