"""The OCDS mapping (issue #15): a realistic process (an RFQ awarded split, PO, delivery, BAST, invoice,
partial payment) becomes releases and a record that validate against OCDS 1.1.5 with the declared
extensions, offline, with zero errors; ids are stable; no personal data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from tests.factories.ocds import KOPERASI, MIKRO, schema_errors, split_process

from rantai.ocds import mapping, packages

PREFIX = "ocds-test01"
BASE = "https://rantai.example.id"
NOW = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)


def _releases() -> list[dict[str, object]]:
    return mapping.releases(split_process(), prefix=PREFIX)


def _release_package() -> dict[str, object]:
    return packages.release_package(_releases(), uri=f"{BASE}/r.json", published_at=NOW, base_url=BASE)


def test_the_split_process_validates_as_release_and_record_packages() -> None:
    release_package = _release_package()
    assert schema_errors(release_package) == []
    records = [packages.record(_releases(), package_uri=f"{BASE}/r.json")]
    record_package = packages.record_package(
        records, uri=f"{BASE}/rec.json", published_at=NOW, base_url=BASE, release_packages=[f"{BASE}/r.json"]
    )
    assert schema_errors(record_package) == []
    assert release_package["extensions"] == [
        packages.PARTY_SCALE_URL,
        f"{BASE}/api/v1/ocds/extension/extension.json",
    ]


def test_the_validator_finds_errors() -> None:
    """The validator is not blind: a tag outside the closed codelist, a scale outside the party-scale
    extension's codelist, a size class outside Rantai's and a missing ocid are each an error."""
    package = _release_package()
    releases = package["releases"]
    assert isinstance(releases, list)
    releases[0]["tag"] = ["ordered"]
    releases[1]["parties"][1]["details"]["scale"] = "kecil"
    releases[1]["parties"][2]["details"]["rantaiSizeClass"] = "small"
    del releases[2]["ocid"]
    errors = schema_errors(package)
    assert len(errors) == 4, errors
    assert any(e.startswith("releases/1/parties/1/details/scale") for e in errors)
    assert any(e.startswith("releases/1/parties/2/details/rantaiSizeClass") for e in errors)


def test_releases_tell_the_story_in_order_with_stable_ids() -> None:
    releases = _releases()
    ids = [r["id"] for r in releases]
    assert ids == [
        f"{PREFIX}-rfq-41-tender-1",
        f"{PREFIX}-rfq-41-award-5",
        f"{PREFIX}-rfq-41-contract-31-issued",
        f"{PREFIX}-rfq-41-contract-31-accepted",
        f"{PREFIX}-rfq-41-delivery-401",
        f"{PREFIX}-rfq-41-bast-501",
        f"{PREFIX}-rfq-41-invoice-601",
        f"{PREFIX}-rfq-41-payment-701",
    ]
    assert [r["id"] for r in _releases()] == ids  # the same facts, the same ids
    assert len(set(ids)) == len(ids)


def test_the_split_award_is_one_ocds_award_per_winner() -> None:
    (award_release,) = [r for r in _releases() if r["tag"] == ["award"]]
    awards = {a["id"]: a for a in award_release["awards"]}
    assert set(awards) == {"A5-S12", "A5-S11"}
    assert awards["A5-S12"]["value"] == {"amount": 25_200_000, "currency": "IDR"}
    assert awards["A5-S11"]["value"] == {"amount": 21_700_000, "currency": "IDR"}
    assert [i["quantity"] for i in awards["A5-S11"]["items"]] == [4_000, 500]
    assert awards["A5-S11"]["items"][0]["unit"]["value"] == {"amount": 4_300, "currency": "IDR"}
    assert awards["A5-S11"]["items"][0]["rantaiKemitraan"] == "rantai_pasok"
    assert awards["A5-S11"]["rantaiReservation"] == {"standing": "below_floor", "exception": False}
    assert award_release["tender"] == {"id": "RFQ/2026/000041", "status": "complete"}


def test_the_compiled_record_merges_by_id() -> None:
    compiled = packages.compiled_release(_releases())
    assert compiled["tag"] == ["compiled"]
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["rantaiReservedForUMKM"] is True
    assert "value" not in compiled["tender"]  # one line has no HPS, so the tender has no estimate
    (contract,) = compiled["contracts"]
    assert contract["status"] == "active" and contract["awardID"] == "A5-S12"
    milestones = {x["id"]: x for x in contract["implementation"]["milestones"]}
    assert set(milestones) == {"D401", "B501", "I601"}
    assert milestones["I601"]["status"] == "scheduled"  # paid in part only
    (payment,) = contract["implementation"]["transactions"]
    assert payment["value"] == {"amount": 6_000_000, "currency": "IDR"}
    parties = {p["id"]: p for p in compiled["parties"]}
    assert parties["ORG-7"]["roles"] == ["buyer", "procuringEntity", "payer"]
    assert parties[f"NIB-{KOPERASI.nib}"]["roles"] == ["supplier", "payee"]
    assert parties[f"NIB-{MIKRO.nib}"]["roles"] == ["supplier"]
    assert parties[f"NIB-{KOPERASI.nib}"]["details"] == {
        "scale": "small",
        "rantaiSizeClass": "kecil",
        "rantaiCooperative": True,
    }


def test_a_settling_payment_marks_the_invoice_met() -> None:
    process = split_process()
    order = process.orders[0]
    invoice = order.invoices[0]
    paid = mapping.PaymentFacts(702, 6_180_000, invoice.due_on)
    settled = mapping.InvoiceFacts(
        invoice.invoice_id,
        invoice.number,
        invoice.issued_on,
        invoice.due_on,
        invoice.total,
        settled_on=invoice.due_on,
        payments=(*invoice.payments, paid),
    )
    order = mapping.OrderFacts(**{**{f: getattr(order, f) for f in order.__slots__}, "invoices": (settled,)})
    process = mapping.ProcessFacts(process.tender, process.buyer, process.suppliers, process.awards, (order,))
    compiled = packages.compiled_release(mapping.releases(process, prefix=PREFIX))
    milestones = {x["id"]: x for x in compiled["contracts"][0]["implementation"]["milestones"]}
    assert milestones["I601"]["status"] == "met"
    assert len(compiled["contracts"][0]["implementation"]["transactions"]) == 2


def test_no_personal_data() -> None:
    """A sole proprietor's NPWP is a NIK and never appears; a business's own NPWP does; no emails,
    phones, contact points or street addresses."""
    text = json.dumps(_release_package())
    assert MIKRO.npwp is not None and MIKRO.npwp not in text
    assert KOPERASI.npwp is not None and KOPERASI.npwp in text
    assert "contactPoint" not in text and "streetAddress" not in text and "@" not in text
    # Even when the caller forgets to say the business is personal, a 16-digit NPWP not starting with 0
    # is a NIK and is dropped.
    forgetful = mapping.SupplierFacts(1, "CV X", "1", npwp="3578012345670001", personal=False)
    assert mapping.publishable_npwp(forgetful) is None


def test_usd_values_keep_their_cents() -> None:
    assert mapping.value(123_456, "USD") == {"amount": 1234.56, "currency": "USD"}
    assert mapping.value(123_400, "USD") == {"amount": 1234, "currency": "USD"}
    assert mapping.value(1_500_000, "IDR") == {"amount": 1_500_000, "currency": "IDR"}


def test_days_are_midnight_wib_and_moments_utc() -> None:
    assert mapping.timestamp(dt.date(2026, 9, 13)) == "2026-09-13T00:00:00+07:00"
    assert mapping.timestamp(dt.datetime(2026, 9, 13, 1, 2, 3, tzinfo=dt.UTC)) == "2026-09-13T01:02:03Z"
    assert mapping.timestamp(dt.datetime(2026, 9, 13, 8, 2, 3, tzinfo=mapping.WIB)) == "2026-09-13T01:02:03Z"


def test_awards_read_back_from_our_own_packages() -> None:
    """The way back (the award import): each winner of the split award is one award read, from a release
    package and from a record package alike."""
    package = _release_package()
    read = list(mapping.awards_read(package))
    assert {(a.award_id, a.supplier, a.amount) for a in read} == {
        ("A5-S12", KOPERASI.name, 25_200_000),
        ("A5-S11", MIKRO.name, 21_700_000),
    }
    cooperative = next(a for a in read if a.award_id == "A5-S12")
    assert cooperative.supplier_identifier == f"ID-NIB-{KOPERASI.nib}"
    assert cooperative.buyer == "PT Semen Nusantara (Persero)" and cooperative.currency == "IDR"
    assert cooperative.date == dt.date(2026, 9, 10) and cooperative.items == ("Karung PP 50 kg",)
    # What the award import identifies a winner by: the NIB, and the NPWP only when it is the business's.
    assert (cooperative.supplier_nib, cooperative.supplier_npwp) == (KOPERASI.nib, KOPERASI.npwp)
    micro = next(a for a in read if a.award_id == "A5-S11")
    assert (micro.supplier_nib, micro.supplier_npwp) == (MIKRO.nib, None)
    assert (cooperative.value_idr, cooperative.package_code) == (25_200_000, "RFQ/2026/000041")
    assert cooperative.method == "Permintaan penawaran (RFQ) di Rantai"
    assert cooperative.procurement_type == "goods"
    records = packages.record_package(
        [packages.record(_releases(), package_uri="u")], uri="r", published_at=NOW, base_url=BASE
    )
    assert sorted(a.award_id for a in mapping.awards_read(records)) == ["A5-S11", "A5-S12"]


def test_awards_read_skips_what_is_not_an_active_award() -> None:
    release = {
        "ocid": "ocds-x-1",
        "date": "2026-01-05T00:00:00Z",
        "awards": [
            {"id": "1", "status": "pending", "suppliers": [{"id": "a", "name": "A"}]},
            {"id": "2", "status": "active", "value": {"amount": "12"}, "suppliers": [{"name": "B"}, "junk"]},
            "junk",
        ],
    }
    (read,) = mapping.awards_read({"releases": [release, "junk"]})
    assert (read.award_id, read.supplier, read.amount, read.date) == ("2", "B", None, dt.date(2026, 1, 5))
    assert (read.value_idr, read.supplier_nib, read.method, read.delivery_region) == (None, None, None, None)
    other = {
        "ocid": "ocds-b5fd17-1",
        "tender": {
            "id": "T-9",
            "procurementMethod": "open",
            "items": [{"deliveryAddress": {"region": "Aceh"}}],
        },
        "parties": [{"id": "s", "identifier": {"scheme": "ID-NPWP", "id": "012345678901000"}}],
        "awards": [
            {
                "id": "a",
                "date": "2026-02-01",
                "value": {"amount": 5, "currency": "USD"},
                "suppliers": [{"id": "s", "name": "S"}],
            }
        ],
    }
    (usd,) = mapping.awards_read({"releases": [other]})
    assert (usd.value_idr, usd.amount, usd.supplier_npwp, usd.method, usd.delivery_region) == (
        None,
        5,
        "012345678901000",
        "open",
        "Aceh",
    )
    assert list(mapping.awards_read({})) == []


def test_the_tender_states_its_lines_procurement_type_as_ocds_categories() -> None:
    (tender, *_) = _releases()
    body = tender["tender"]
    assert isinstance(body, dict)
    assert (body["mainProcurementCategory"], body["additionalProcurementCategories"]) == ("goods", ["goods"])
    mixed = split_process()
    lines = (mixed.tender.lines[0], dataclasses.replace(mixed.tender.lines[1], procurement_type="services"))
    mixed = dataclasses.replace(mixed, tender=dataclasses.replace(mixed.tender, lines=lines))
    (first, *_) = mapping.releases(mixed, prefix=PREFIX)
    assert "mainProcurementCategory" not in first["tender"]  # lines of two types: no one main category


def _typed(main: str | None, *additional: str, ocid: str = "ocds-x-1") -> dict[str, object]:
    tender: dict[str, object] = {"id": ocid}
    if main is not None:
        tender["mainProcurementCategory"] = main
    if additional:
        tender["additionalProcurementCategories"] = list(additional)
    return {"ocid": ocid, "tender": tender, "awards": [{"id": "a", "suppliers": [{"name": "S"}]}]}


def test_the_award_import_reads_the_procurement_type_from_the_tenders_categories() -> None:
    def kinds(*releases: dict[str, object]) -> list[str | None]:
        return [a.procurement_type for a in mapping.awards_read({"releases": list(releases)})]

    assert kinds(_typed("goods"), _typed("works", ocid="2")) == ["goods", "works"]
    assert kinds(_typed("services", "consultingServices")) == ["consulting"]
    assert kinds(_typed("services", "services")) == ["services"]
    # Plain services may be consulting unless the package uses consultingServices (the codelist's rule).
    assert kinds(_typed("services")) == [None]
    assert kinds(_typed("services"), _typed("services", "consultingServices", ocid="2")) == [
        "services",
        "consulting",
    ]
    assert kinds(_typed(None), _typed("junk", ocid="2")) == [None, None]


def test_each_amendment_is_a_release_of_its_own_and_the_first_stays_as_sent() -> None:
    process = split_process()
    t = process.tender
    amended = mapping.TenderFacts(
        **{
            **{f: getattr(t, f) for f in t.__slots__},
            "status": "open",
            "revision": 2,
            "deadline": t.deadline + dt.timedelta(days=3),
            "amendments": (
                mapping.AmendmentFacts(
                    2, t.sent_at + dt.timedelta(days=1), "Tambah karung", t.deadline, {101: 8_000}
                ),
            ),
        }
    )
    releases = mapping.releases(mapping.ProcessFacts(amended, process.buyer), prefix=PREFIX)
    first, second = releases
    assert (first["id"], first["tag"], second["id"], second["tag"]) == (
        f"{PREFIX}-rfq-41-tender-1",
        ["tender"],
        f"{PREFIX}-rfq-41-tender-2",
        ["tenderAmendment"],
    )
    assert first["tender"]["items"][0]["quantity"] == 8_000  # as sent
    assert first["tender"]["tenderPeriod"]["endDate"] == mapping.timestamp(t.deadline)
    assert second["tender"]["items"][0]["quantity"] == 10_000  # as amended
    assert second["tender"]["amendments"][0]["rationale"] == "Tambah karung"
    package = packages.release_package(releases, uri=f"{BASE}/r.json", published_at=NOW, base_url=BASE)
    assert schema_errors(package) == []
    compiled = packages.compiled_release(releases)
    assert compiled["tender"]["items"][0]["quantity"] == 10_000


def test_a_cancelled_rfq_is_a_cancellation_release() -> None:
    t = split_process().tender
    cancelled = mapping.TenderFacts(
        **{
            **{f: getattr(t, f) for f in t.__slots__},
            "status": "cancelled",
            "cancelled_at": t.sent_at + dt.timedelta(days=2),
        }
    )
    releases = mapping.releases(mapping.ProcessFacts(cancelled, split_process().buyer), prefix=PREFIX)
    assert [r["tag"] for r in releases] == [["tender"], ["tenderCancellation"]]
    package = packages.release_package(releases, uri=f"{BASE}/r.json", published_at=NOW, base_url=BASE)
    assert schema_errors(package) == []
    assert packages.compiled_release(releases)["tender"]["status"] == "cancelled"


def test_a_completed_po_terminates_its_contract_on_its_last_bast() -> None:
    process = split_process()
    order = process.orders[0]
    done = mapping.OrderFacts(**{**{f: getattr(order, f) for f in order.__slots__}, "status": "completed"})
    finished = mapping.ProcessFacts(process.tender, process.buyer, process.suppliers, process.awards, (done,))
    releases = mapping.releases(finished, prefix=PREFIX)
    (ending,) = [r for r in releases if r["tag"] == ["contractTermination"]]
    assert ending["id"] == f"{PREFIX}-rfq-41-contract-31-completed"
    assert ending["date"] == mapping.timestamp(order.receipts[0].received_on)
    package = packages.release_package(releases, uri=f"{BASE}/r.json", published_at=NOW, base_url=BASE)
    assert schema_errors(package) == []
    assert packages.compiled_release(releases)["contracts"][0]["status"] == "terminated"
