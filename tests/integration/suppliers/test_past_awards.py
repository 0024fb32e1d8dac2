"""Track record from awards (issue #14, item 3): past contracts imported from a file with the template's
Indonesian headers, row errors reported as the supplier import's are, and unclaimed awards attached when
a verifier has checked the winner's business."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.suppliers import (
    business_owner,
    import_file,
    importer,
    make_supplier,
    national_verifier,
    next_nib,
    supplier_row,
)

from rantai.catalog.search_index import LiveIndex
from rantai.identity.models import Organization
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType
from rantai.matching import Reason, ShortlistConfig, Shortlister
from rantai.sourcing import shortlists
from rantai.suppliers import claims, past_awards, repository
from rantai.suppliers.award_file import MSG_WINNER_REQUIRED, AwardRow
from rantai.suppliers.errors import SupplierForbidden
from rantai.suppliers.models import PastAward, TrackRecord
from rantai.tabular.batches import ImportMode, ImportOutcome
from rantai.tabular.reading import open_table

HEADER = "pembeli,nama_paket,nilai,tanggal,nib_pemenang,npwp_pemenang,kode_wilayah_pengiriman,metode"
EVIDENCE = "Nomor telepon di OSS 0812-3456-7890; silakan kunjungi Jl. Braga 1."


def _import(
    db: Session, rows: list[str], *, mode: str = "valid_rows", org_type: OrgType = OrgType.BUMN
) -> tuple[ImportOutcome, Organization, Actor]:
    org, actor = importer(db, org_type)
    data = io.BytesIO(("\r\n".join([HEADER, *rows]) + "\r\n").encode())
    with open_table(data, filename="awards.csv") as table:
        outcome = past_awards.import_award_file(
            db, table, actor=actor, importer_organization_id=org.id, mode=ImportMode(mode)
        )
    return outcome, org, actor


def _awards(db: Session) -> list[PastAward]:
    return list(db.scalars(select(PastAward).order_by(PastAward.id)))


def test_valid_rows_are_recorded_and_bad_rows_reported_cell_by_cell(db: Session) -> None:
    nib = next_nib()
    outcome, _, _ = _import(
        db,
        [
            f"PT Pelabuhan Contoh,Pengadaan Tas Seminar Kit,125000000,2026-03-31,{nib},,32.73,tender",
            "PT Pelabuhan Contoh,Jasa Katering Rapat,abc,31/02/2026,,,99.99,",
            f"PT Pelabuhan Contoh,,5000000,2026-01-05,{nib},,,",
            f"PT Pelabuhan Contoh,Sewa Tenda,5000000,2030-01-05,{nib},,,",
        ],
    )
    assert (outcome.rows, outcome.inserted, outcome.rejected_rows) == (4, 1, 3)
    by_row: dict[int, set[str]] = {}
    for error in outcome.errors:
        by_row.setdefault(error.row, set()).add(error.column)
    # Every problem of a row is reported, each naming its cell, as the supplier import does.
    assert by_row[3] == {"nilai", "tanggal", "kode_wilayah_pengiriman", "nib_pemenang"}
    assert next(e for e in outcome.errors if e.row == 3 and e.column == "nib_pemenang").message == (
        MSG_WINNER_REQUIRED
    )
    assert by_row[4] == {"nama_paket"}
    assert by_row[5] == {"tanggal"}  # in the future
    [award] = _awards(db)
    assert (award.title, award.value_idr, award.awarded_on, award.winner_nib) == (
        "Pengadaan Tas Seminar Kit",
        125_000_000,
        dt.date(2026, 3, 31),
        nib,
    )
    assert (award.region_code, award.method, award.supplier_id) == ("32.73", "tender", None)  # unclaimed


def test_all_or_nothing_writes_nothing_and_a_second_import_changes_nothing(db: Session) -> None:
    nib = next_nib()
    good = f"PT Pelabuhan Contoh,Pengadaan Tas Seminar Kit,125000000,2026-03-31,{nib},,,"
    outcome, _, _ = _import(db, [good, "PT X,Sewa Tenda,1,2026-01-01,,,,"], mode="all_or_nothing")
    assert outcome.rolled_back and _awards(db) == []
    first, _, _ = _import(db, [good])
    again, _, _ = _import(db, [good])
    assert (first.inserted, again.inserted, again.unchanged) == (1, 0, 1)
    assert len(_awards(db)) == 1


def test_the_import_needs_the_right_to_import(db: Session) -> None:
    _, _, viewer = make_supplier(db)
    row = AwardRow(2, "PT A", "Sewa Tenda", None, dt.date(2026, 1, 1), next_nib(), None)
    with pytest.raises(SupplierForbidden):
        past_awards.import_awards(
            db, [row], actor=viewer, importer_organization_id=1, mode=ImportMode.VALID_ROWS
        )


def test_an_unclaimed_award_attaches_when_the_business_claim_is_approved(db: Session) -> None:
    org, actor = importer(db, OrgType.BUMN)
    nib = next_nib()
    import_file(db, org, actor, [supplier_row(nib, "Tas Bu Sri", telepon="0812-3456-7890")])
    profile = repository.by_nib(db, nib)
    assert profile is not None
    _import(db, [f"PT Pelabuhan Contoh,Pengadaan Tas Seminar Kit,125000000,2026-03-31,{nib},,,"])
    [award] = _awards(db)
    assert award.supplier_id is None  # the profile exists, but nobody checked its business yet
    assert db.get(TrackRecord, profile.id) is None

    business, _, owner = business_owner(db)
    claim = claims.request_claim(db, actor=owner, organization_id=business.id, nib=nib, evidence=EVIDENCE)
    db.refresh(award)
    assert award.supplier_id is None  # a pending claim is no proof
    claims.approve_claim(db, actor=national_verifier(db, "32"), claim=claim)
    db.refresh(award)
    assert award.supplier_id == profile.id and award.attached_at is not None
    record = db.get(TrackRecord, profile.id)
    assert record is not None and record.awards_won == 1  # no newcomer any more


def test_an_award_attaches_when_the_business_own_profile_is_verified(db: Session) -> None:
    nib = next_nib()
    _import(db, [f"Kementerian Contoh,Jasa Kebersihan Gedung,90000000,2026-02-01,{nib},,,non tender"])
    profile, _, _ = make_supplier(db, status="verified", nib=nib)
    [award] = _awards(db)
    assert award.supplier_id == profile.id
    # Later awards naming a checked business attach at once.
    _import(db, [f"Kementerian Contoh,Jasa Kebersihan Kantor,80000000,2026-03-01,{nib},,,"])
    assert (
        db.scalar(select(func.count()).select_from(PastAward).where(PastAward.supplier_id == profile.id)) == 2
    )
    record = db.get(TrackRecord, profile.id)
    assert record is not None and record.awards_won == 2


def test_a_profile_not_yet_verified_keeps_its_awards_unclaimed(db: Session) -> None:
    nib = next_nib()
    make_supplier(db, status="submitted", nib=nib)
    _import(db, [f"Kementerian Contoh,Jasa Kebersihan Gedung,90000000,2026-02-01,{nib},,,"])
    assert [award.supplier_id for award in _awards(db)] == [None]


def test_a_business_known_only_by_its_awards_is_shortlisted_for_like_work(
    db: Session, tmp_path: Path
) -> None:
    nib = next_nib()
    profile, _, _ = make_supplier(db, status="verified", nib=nib)
    _import(
        db,
        [
            f"Kementerian Contoh,Jasa Kebersihan Gedung Kantor Pusat,90000000,2026-02-01,{nib},,,",
            f"Kementerian Contoh,Jasa Kebersihan Gedung Kantor Cabang,60000000,2025-11-01,{nib},,,",
        ],
    )
    live = LiveIndex(tmp_path / "index")
    live.rebuild(db)
    engine = Shortlister(live.current(db), ShortlistConfig(units=shortlists.units(db)))
    need = shortlists.engine_line(db, text="jasa kebersihan gedung kantor", on=dt.date(2026, 6, 1))
    [entry] = [e for e in engine.shortlist(need, top=10).entries if e.supplier.id == str(profile.id)]
    assert entry.offer.name == "Jasa Kebersihan Gedung Kantor Pusat" and not entry.newcomer
    assert Reason.of("won_similar", count=2, year=2026) in entry.reasons


def test_the_procurement_type_and_delivery_place_are_recorded_and_weighed(
    db: Session, tmp_path: Path
) -> None:
    """The award file's jenis_pengadaan and kode_wilayah_pengiriman reach the shortlist: for a need of
    the same words, the supplier whose past packages are of the need's type and were delivered where the
    need is ranks first."""
    consultant, builder = next_nib(), next_nib()
    consultant_profile, _, _ = make_supplier(db, status="verified", nib=consultant)
    builder_profile, _, _ = make_supplier(db, status="verified", nib=builder)
    org, actor = importer(db, OrgType.BUMN)
    rows = [
        "pembeli,nama_paket,nilai,tanggal,nib_pemenang,kode_wilayah_pengiriman,jenis_pengadaan",
        f"Kementerian Contoh,Pengawasan Gedung Kantor,90000000,2026-02-01,{consultant},61.71,Jasa Konsultansi",
        f"Kementerian Contoh,Pengawasan Gedung Kantor,900000000,2026-02-01,{builder},32.73,pekerjaan konstruksi",
        f"Kementerian Contoh,Pengawasan Gedung Kantor,1000,2026-02-01,{builder},32.73,sembako",
    ]
    with open_table(io.BytesIO(("\r\n".join(rows) + "\r\n").encode()), filename="awards.csv") as table:
        outcome = past_awards.import_award_file(
            db, table, actor=actor, importer_organization_id=org.id, mode=ImportMode.VALID_ROWS
        )
    assert (outcome.inserted, [error.column for error in outcome.errors]) == (2, ["jenis_pengadaan"])
    assert sorted((award.procurement_type, award.region_code) for award in _awards(db)) == [
        ("consulting", "61.71"),
        ("works", "32.73"),
    ]
    live = LiveIndex(tmp_path / "index")
    live.rebuild(db)
    engine = Shortlister(live.current(db), ShortlistConfig(units=shortlists.units(db)))
    ids = {str(consultant_profile.id): "consultant", str(builder_profile.id): "builder"}
    for kind, place, first in (("consulting", "61.71", "consultant"), ("works", "32.73", "builder")):
        need = shortlists.engine_line(
            db,
            text="pengawasan gedung kantor",
            on=dt.date(2026, 6, 1),
            procurement_type=kind,
            kabkota_code=place,
        )
        ranked = [ids[e.supplier.id] for e in engine.shortlist(need, top=10).entries if e.supplier.id in ids]
        assert ranked[0] == first
