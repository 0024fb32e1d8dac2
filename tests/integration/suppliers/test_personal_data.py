"""Issue #9, finding 20: an individual's NPWP is now their NIK, so every sole proprietor's NPWP is personal
data: masked for everyone but the business and the verifiers of its region, in no export for others
(directory, API lists, shortlists, the match plan CSV), erased with the rest."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories.identity import api_token_for, bearer, log_in, make_org, make_user
from tests.factories.suppliers import add_cert, add_product, make_supplier, national_verifier
from typer.testing import CliRunner

from rantai.cli import common
from rantai.cli.main import app
from rantai.cli.match import RESULT_COLUMNS
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.matching import SupplierFacts
from rantai.settings import get_settings
from rantai.suppliers import service as suppliers
from rantai.suppliers.models import SupplierProfile

NIK_NPWP = "3273014508900001"  # a person's NIK used as NPWP (PMK 112/2022)
COMPANY_NPWP = "0013000666091000"  # 0 + an old 15-digit number


@pytest.mark.parametrize(
    ("legal_form", "npwp", "personal"),
    [
        ("perorangan", COMPANY_NPWP, True),
        ("ud", COMPANY_NPWP, True),
        ("pt_perorangan", COMPANY_NPWP, True),
        ("perorangan", NIK_NPWP, True),
        ("cv", NIK_NPWP, True),  # a NIK names a person whatever legal form was entered
        ("pt", NIK_NPWP, True),
        ("cv", COMPANY_NPWP, False),
        ("pt", COMPANY_NPWP, False),
        ("koperasi", COMPANY_NPWP, False),
    ],
)
def test_which_npwp_is_personal_and_who_sees_it(
    db: Session, legal_form: str, npwp: str, personal: bool
) -> None:
    org_type = OrgType.KOPERASI if legal_form == "koperasi" else OrgType.UMKM
    profile, _, owner = make_supplier(
        db, status="verified", legal_form=legal_form, npwp=npwp, org_type=org_type
    )
    buyer = identity.actor_for(db, make_user(db, make_org(db, OrgType.BUMN), (Role.PROCUREMENT_OFFICER,)))
    assert suppliers.holds_personal_data(profile) is personal
    assert suppliers.personal_fields_masked(profile, buyer) is personal
    assert suppliers.personal_fields_masked(profile, None) is personal
    assert (
        suppliers.personal_fields_masked(profile, national_verifier(db, "33")) is personal
    )  # not its region
    assert not suppliers.personal_fields_masked(profile, owner)
    assert not suppliers.personal_fields_masked(profile, national_verifier(db, "32"))


def test_erasure_removes_a_personal_npwp_and_keeps_a_company_one(db: Session) -> None:
    cv_of_a_person, _, owner = make_supplier(db, legal_form="cv", npwp=NIK_NPWP)
    suppliers.erase_personal_data(db, actor=owner, profile=cv_of_a_person)
    assert cv_of_a_person.npwp is None
    exported = suppliers.export_own_data(db, actor=owner, profile=cv_of_a_person)
    assert exported["profile"]["npwp"] is None
    company, _, company_owner = make_supplier(db, legal_form="pt", npwp=COMPANY_NPWP)
    suppliers.erase_personal_data(db, actor=company_owner, profile=company)
    assert company.npwp == COMPANY_NPWP  # a company's tax number is kept as the law requires
    for form in ("perorangan", "ud", "pt_perorangan"):
        sole, _, sole_owner = make_supplier(db, legal_form=form, npwp=COMPANY_NPWP)
        suppliers.erase_personal_data(db, actor=sole_owner, profile=sole)
        assert (sole.npwp, sole.phone, sole.email) == (None, None, None)


def _sole_proprietor(db: Session) -> SupplierProfile:
    profile, _, actor = make_supplier(
        db, status="verified", legal_form="ud", npwp=NIK_NPWP, business_name="Keripik Bu Sri"
    )
    add_cert(db, profile, actor, "halal")
    add_product(
        db, profile, actor, "Keripik Singkong Balado 250 g", unit_code="bungkus", capacity_per_month=20_000
    )
    return profile


def _masked(value: str) -> str:
    masked = suppliers.mask(value)
    assert masked is not None
    return masked


def test_no_export_for_others_holds_the_npwp(client: TestClient, db: Session) -> None:
    profile = _sole_proprietor(db)
    buyer_org = make_org(db, OrgType.BUMN)
    buyer = bearer(api_token_for(db, make_user(db, buyer_org, (Role.PROCUREMENT_OFFICER,)), buyer_org))

    listed = client.get("/api/v1/suppliers", params={"text": "keripik"}, headers=buyer)
    assert listed.status_code == 200, listed.text
    [item] = [i for i in listed.json()["items"] if i["nib"] == profile.nib]
    assert item["npwp"] == _masked(NIK_NPWP)
    assert client.get(f"/api/v1/suppliers/{profile.id}", headers=buyer).json()["npwp"] == _masked(NIK_NPWP)

    need = client.post(
        "/api/v1/needs",
        json={
            "title": "Kudapan rapat",
            "lines": [{"name": "Keripik singkong balado", "quantity": 500, "unit_code": "bungkus"}],
        },
        headers=buyer,
    ).json()
    line = f"/api/v1/needs/{need['id']}/lines/{need['lines'][0]['id']}"
    matches = client.get(f"{line}/matches", headers=buyer)
    assert matches.status_code == 200, matches.text
    assert profile.nib in matches.text  # the shortlist names the supplier...
    assert NIK_NPWP not in matches.text and _masked(NIK_NPWP) not in matches.text  # ...never its NPWP
    explained = client.get(f"{line}/explanation", params={"supplier_id": profile.id}, headers=buyer)
    assert NIK_NPWP not in explained.text

    log_in(client, make_user(db, buyer_org, (Role.PROCUREMENT_OFFICER,)))
    page = client.get(f"/suppliers/{profile.id}").text
    assert NIK_NPWP not in page and _masked(NIK_NPWP) in page
    directory = client.get("/directory", params={"text": "keripik"}).text
    assert "Keripik Bu Sri" in directory and NIK_NPWP not in directory


def test_the_business_and_its_regional_verifier_see_it_whole(client: TestClient, db: Session) -> None:
    profile = _sole_proprietor(db)
    dinas = identity.create_organization(
        db, name="Dinas KUKM Kota Bandung", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32.73"
    )
    verifier = bearer(api_token_for(db, make_user(db, dinas, (Role.VERIFIER,)), dinas))
    assert client.get(f"/api/v1/suppliers/{profile.id}", headers=verifier).json()["npwp"] == NIK_NPWP
    elsewhere = identity.create_organization(
        db, name="Dinas KUKM Jateng", org_type=OrgType.KEMENTERIAN_DINAS, region_code="33"
    )
    other = bearer(api_token_for(db, make_user(db, elsewhere, (Role.VERIFIER,)), elsewhere))
    assert client.get(f"/api/v1/suppliers/{profile.id}", headers=other).json()["npwp"] == _masked(NIK_NPWP)


def test_the_engine_never_carries_an_npwp() -> None:
    """Shortlists, opportunities and the match plan CSV are made from the engine's supplier facts."""
    assert not any("npwp" in f.name for f in fields(SupplierFacts))
    assert not any("npwp" in column for column in RESULT_COLUMNS)


@pytest.fixture
def cli(
    database_url: str, session_factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The CLI on the test database and transaction (as in tests/cli/test_match_commands.py)."""

    class _NoEngine:
        def dispose(self) -> None:
            return None

    monkeypatch.setenv("RANTAI_DATABASE_URL", database_url)
    monkeypatch.setenv("RANTAI_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(common, "make_engine", lambda _url, **_kwargs: _NoEngine())
    monkeypatch.setattr(common, "make_session_factory", lambda _engine: session_factory)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_the_match_plan_csv_holds_no_npwp(cli: Path, db: Session) -> None:
    profile = _sole_proprietor(db)
    plan = cli / "rencana.csv"
    plan.write_text(
        "nama_paket,spesifikasi,jumlah,satuan,kode_wilayah_pengiriman,pagu,dibutuhkan_tanggal,sertifikasi_wajib\n"
        "Keripik singkong balado,,500,bungkus,32.73,,,\n",
        encoding="utf-8",
    )
    out = cli / "hasil.csv"
    result = CliRunner().invoke(app, ["match", "plan", str(plan), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert profile.nib in [row[2] for row in rows[1:]]
    assert NIK_NPWP not in text and _masked(NIK_NPWP) not in text
