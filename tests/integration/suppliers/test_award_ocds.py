"""Past awards from an OCDS package (issue #15 with #14): `rantai import awards x.json` reads release and
record packages through the one OCDS mapping into the award import's rows, checked by the same cell rules;
a winner named by neither NIB nor NPWP is a rejected row; a file that is not a package changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.ocds import KOPERASI, MIKRO, split_process
from tests.factories.suppliers import importer

from rantai.identity.roles import OrgType
from rantai.kit.errors import Invalid
from rantai.ocds import mapping, packages
from rantai.suppliers import award_ocds, past_awards
from rantai.suppliers.award_file import MSG_WINNER_REQUIRED
from rantai.suppliers.models import PastAward
from rantai.tabular.batches import ImportMode, ImportOutcome

NOW = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def _package(kind: str = "releases") -> dict[str, object]:
    releases = mapping.releases(split_process(), prefix="ocds-b5fd17")
    if kind == "releases":
        return packages.release_package(releases, uri="u", published_at=NOW, base_url="https://x")
    record = packages.record(releases, package_uri="u")
    return packages.record_package([record], uri="r", published_at=NOW, base_url="https://x")


def _import(db: Session, package: dict[str, object]) -> ImportOutcome:
    org, actor = importer(db, OrgType.BUMN)
    return past_awards.import_award_package(
        db,
        package,
        filename="awards.json",
        actor=actor,
        importer_organization_id=org.id,
        mode=ImportMode.VALID_ROWS,
    )


@pytest.mark.parametrize("kind", ["releases", "records"])
def test_each_winner_of_an_ocds_award_is_a_past_award(db: Session, kind: str) -> None:
    outcome = _import(db, _package(kind))
    assert (outcome.rows, outcome.inserted, outcome.rejected_rows) == (2, 2, 0)
    awards = {a.winner_nib: a for a in db.scalars(select(PastAward))}
    assert set(awards) == {MIKRO.nib, KOPERASI.nib}
    cooperative = awards[KOPERASI.nib]
    assert (cooperative.buyer_name, cooperative.value_idr, cooperative.awarded_on) == (
        "PT Semen Nusantara (Persero)",
        25_200_000,
        dt.date(2026, 9, 10),
    )
    assert cooperative.package_code == "RFQ/2026/000041" and cooperative.method
    assert cooperative.procurement_type == "goods"  # the tender's mainProcurementCategory
    assert cooperative.winner_npwp == "0" + (KOPERASI.npwp or "")  # stored as 16 digits
    assert awards[MIKRO.nib].winner_npwp is None  # a sole proprietor's NPWP was never published
    again = _import(db, _package(kind))
    assert (again.inserted, again.unchanged) == (0, 2)


def test_a_winner_without_nib_or_npwp_is_a_rejected_row(db: Session) -> None:
    release = {
        "ocid": "ocds-b5fd17-9",
        "id": "1",
        "date": "2026-05-01T00:00:00Z",
        "buyer": {"id": "b", "name": "PT Contoh (Persero)"},
        "tender": {"id": "T-9", "title": "Sewa tenda"},
        "parties": [{"id": "s", "name": "Tenda Jaya"}],
        "awards": [
            {
                "id": "a",
                "status": "active",
                "value": {"amount": 5_000_000, "currency": "IDR"},
                "suppliers": [{"id": "s", "name": "Tenda Jaya"}],
            }
        ],
    }
    outcome = _import(db, {"releases": [release]})
    assert (outcome.rows, outcome.inserted, outcome.rejected_rows) == (1, 0, 1)
    (error,) = outcome.errors
    assert (error.row, error.column, error.message) == (1, "nib_pemenang", MSG_WINNER_REQUIRED)
    assert list(db.scalars(select(PastAward))) == []


def test_what_is_not_an_ocds_package_is_refused_with_a_reason(db: Session) -> None:
    with pytest.raises(Invalid) as not_json:
        award_ocds.load_package(b"pembeli,nama_paket", filename="x.json")
    assert not_json.value.message == award_ocds.MSG_NOT_JSON
    with pytest.raises(Invalid) as not_package:
        award_ocds.load_package(json.dumps({"awards": []}).encode(), filename="x.json")
    assert not_package.value.message == award_ocds.MSG_NOT_PACKAGE
    with pytest.raises(Invalid) as no_awards:
        _import(db, {"releases": [{"ocid": "o", "tender": {"id": "t"}}]})
    assert no_awards.value.message == award_ocds.MSG_NO_AWARDS
    assert list(db.scalars(select(PastAward))) == []
