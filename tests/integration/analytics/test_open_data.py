"""OCDS open data from the platform's own tables (issue #15): an RFQ awarded split between two suppliers,
a PO accepted, shipped in part, received with a rejection (BAST), invoiced and paid in part, all made by
the real services, exported in batches and validated offline against OCDS 1.1.5 with the declared
extensions, with zero errors; no personal data; only public-sector buyers' RFQs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from tests.factories.ocds import CV_NPWP, schema_errors, split_awarded
from tests.factories.orders import make_po
from tests.factories.rfq import make_rfq

from rantai.analytics import open_data
from rantai.orders import purchase_orders
from rantai.orders import repository as orders_repository
from rantai.sourcing.rfq import service

PREFIX = "ocds-test01"
BASE = "https://rantai.example.id"


def _exported(db: Session, out: Path, size: int = 100) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    open_data.export(db, out, prefix=PREFIX, base_url=BASE, size=size)

    def read(kind: str) -> list[dict[str, Any]]:
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob(f"{kind}-*.json"))]

    return read("releases"), read("records")


def test_the_split_award_exports_and_validates_with_zero_errors(db: Session, tmp_path: Path) -> None:
    setup = split_awarded(db)
    release_packages, record_packages = _exported(db, tmp_path)
    assert release_packages and record_packages
    for package in release_packages + record_packages:
        assert schema_errors(package) == []
    ocid = f"{PREFIX}-rfq-{setup.rfq.id}"
    releases = [r for p in release_packages for r in p["releases"] if r["ocid"] == ocid]
    tags = [r["tag"][0] for r in releases]
    assert tags.count("award") == 1 and tags.count("contract") == 2 and "contractUpdate" in tags
    assert tags.count("implementation") == 4  # delivery, BAST, invoice, payment
    (award_release,) = [r for r in releases if r["tag"] == ["award"]]
    assert len(award_release["awards"]) == 2  # one per winner of the split
    (record,) = [r for p in record_packages for r in p["records"] if r["ocid"] == ocid]
    compiled = record["compiledRelease"]
    assert compiled["tender"]["status"] == "complete"
    accepted = [c for c in compiled["contracts"] if c["status"] == "active"]
    (contract,) = accepted
    (transaction,) = contract["implementation"]["transactions"]
    assert transaction["value"] == {"amount": 4_000_000, "currency": "IDR"}
    assert [u["url"].split("#")[1] for u in record["releases"]] == [r["id"] for r in releases]


def test_exported_packages_name_the_licence_given(db: Session, tmp_path: Path) -> None:
    split_awarded(db)
    open_data.export(db, tmp_path, prefix=PREFIX, base_url=BASE, license_url="https://example.id/lisensi")
    for path in tmp_path.glob("*.json"):
        package = json.loads(path.read_text(encoding="utf-8"))
        assert package["license"] == "https://example.id/lisensi"
        assert package["publicationPolicy"] == BASE + "/transparansi/kebijakan-data"


def test_no_personal_data_is_exported(db: Session, tmp_path: Path) -> None:
    setup = split_awarded(db)
    release_packages, record_packages = _exported(db, tmp_path)
    text = json.dumps(release_packages + record_packages, ensure_ascii=False)
    ud = setup.bidders[0].profile
    assert ud.npwp and ud.npwp not in text  # a UD's NPWP is its owner's
    assert ud.phone and ud.phone not in text and ud.email and ud.email not in text
    assert CV_NPWP in text  # a CV's own NPWP is the business's
    assert setup.user.email not in text and setup.user.full_name not in text
    assert "TRF-9" not in text  # payment references stay with the parties


def test_batches_and_pages_agree_and_private_buyers_are_left_out(db: Session, tmp_path: Path) -> None:
    public = [make_rfq(db, bidders=1) for _ in range(3)]
    private = make_rfq(db, bidders=1)
    private.org.org_type = "swasta_besar"
    draft = make_rfq(db, bidders=1, sent=False)
    db.flush()
    release_packages, _ = _exported(db, tmp_path, size=2)
    ocids = [r["ocid"] for p in release_packages for r in p["releases"]]
    for setup in public:
        assert f"{PREFIX}-rfq-{setup.rfq.id}" in ocids
    assert f"{PREFIX}-rfq-{private.rfq.id}" not in ocids and f"{PREFIX}-rfq-{draft.rfq.id}" not in ocids
    assert all(len({r["ocid"] for r in p["releases"]}) <= 2 for p in release_packages)
    # Page k of the API holds what file k holds.
    batch, total = open_data.page(db, prefix=PREFIX, number=2, size=2)
    assert total >= 3
    assert [r["id"] for r in batch.releases] == [r["id"] for r in release_packages[1]["releases"]]
    assert release_packages[1]["uri"] == f"{BASE}/api/v1/ocds/releases?page=2&per_page=2"


def test_an_amended_rfq_keeps_its_first_release_as_sent(db: Session, tmp_path: Path) -> None:
    setup = make_rfq(db, bidders=1)
    (line,) = service.repository.lines_of(db, setup.rfq.id)
    sent_quantity = line.quantity
    service.amend(
        db,
        actor=setup.actor,
        rfq=setup.rfq,
        data=service.AmendmentData(reason="Tambah jumlah", quantities={line.id: sent_quantity + 500}),
    )
    release_packages, _ = _exported(db, tmp_path)
    (package,) = release_packages
    assert schema_errors(package) == []
    first, second = [r for r in package["releases"] if r["ocid"] == f"{PREFIX}-rfq-{setup.rfq.id}"]
    assert first["tag"] == ["tender"] and first["tender"]["items"][0]["quantity"] == sent_quantity
    assert second["tag"] == ["tenderAmendment"]
    assert second["tender"]["items"][0]["quantity"] == sent_quantity + 500
    assert second["tender"]["amendments"][0]["rationale"] == "Tambah jumlah"


def test_an_amended_po_keeps_what_it_said_when_issued(db: Session, tmp_path: Path) -> None:
    made = make_po(db)
    (line,) = orders_repository.po_lines(db, made.po.id)
    issued_quantity = line.quantity
    purchase_orders.amend(
        db,
        actor=made.setup.actor,
        po=made.po,
        data=purchase_orders.Amendment(reason="Tambah 500", quantities={line.id: issued_quantity + 500}),
    )
    purchase_orders.accept(db, actor=made.setup.bidders[0].actor, po=made.po)
    release_packages, record_packages = _exported(db, tmp_path)
    for package in release_packages + record_packages:
        assert schema_errors(package) == []
    releases = {r["id"].rsplit("-rfq-", 1)[1]: r for p in release_packages for r in p["releases"]}
    prefix = f"{made.setup.rfq.id}-contract-{made.po.id}"
    issued = releases[f"{prefix}-issued"]["contracts"][0]
    amended = releases[f"{prefix}-amendment-2"]["contracts"][0]
    assert issued["items"][0]["quantity"] == issued_quantity
    assert amended["items"][0]["quantity"] == issued_quantity + 500
    assert amended["amendments"][0]["rationale"] == "Tambah 500"
    assert amended["value"]["amount"] == (issued_quantity + 500) * 10_000
    (record,) = [r for p in record_packages for r in p["records"]]
    (contract,) = record["compiledRelease"]["contracts"]
    assert contract["status"] == "active" and contract["items"][0]["quantity"] == issued_quantity + 500
