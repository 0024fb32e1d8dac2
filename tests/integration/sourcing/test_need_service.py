"""Procurement needs on a real database: validation that writes nothing, defaults, lifecycle, decisions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import make_org, make_user
from tests.factories.suppliers import make_supplier

from rantai.audit.models import AuditEvent
from rantai.identity import service as identity
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import today
from rantai.kit.pagination import PageRequest
from rantai.matching.history import KINDS
from rantai.sourcing import plan_file, repository, service, shortlists
from rantai.sourcing.errors import NeedForbidden, NeedInvalid, NeedMoveNotAllowed, NeedNotFound
from rantai.sourcing.models import Need, NeedLine
from rantai.sourcing.service import LineData, NeedData
from rantai.sourcing.state import Decision, NeedMove
from rantai.tabular.reading import open_table

PAGE = PageRequest(1, 25)


def buyer(
    db: Session, org_type: OrgType = OrgType.BUMN, role: Role = Role.PROCUREMENT_OFFICER
) -> tuple[int, Actor]:
    org = make_org(db, org_type)
    user = make_user(db, org, (role,))
    return org.id, identity.actor_for(db, user)


def line(**values: object) -> LineData:
    data: dict[str, object] = {
        "name": "Keripik singkong balado 250 g",
        "quantity": 5000,
        "unit_code": "bungkus",
    }
    data.update(values)
    return LineData(**data)  # type: ignore[arg-type]


def count_needs(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Need)) or 0


def test_a_need_is_recorded_with_its_lines_certificates_and_an_audit_event(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db,
        actor=actor,
        organization_id=org_id,
        data=NeedData(
            title="Kudapan rapat triwulan",
            lines=[
                line(delivery_kabkota_code="32.73", budget=75_000_000, certifications=["halal", "spp_irt"]),
                line(name="Air mineral 600 ml", quantity=200, unit_code="dus"),
            ],
        ),
    )
    lines = repository.lines_of(db, need.id)
    assert [row.line_no for row in lines] == [1, 2]
    assert repository.certifications_of(db, [lines[0].id])[lines[0].id] == ["halal", "spp_irt"]
    assert need.status == "draft"
    assert (
        db.scalar(
            select(AuditEvent.action).where(
                AuditEvent.target_type == "need", AuditEvent.target_id == str(need.id)
            )
        )
        == "need.created"
    )


def test_umkm_only_defaults_to_the_reservation_ceiling_in_force(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db,
        actor=actor,
        organization_id=org_id,
        data=NeedData(
            title="Paket",
            lines=[
                line(budget=14_000_000_000),  # "sampai dengan Rp14 miliar": reserved
                line(budget=14_000_000_001),  # above: open to all
                line(budget=None),  # unknown: reserved
                line(budget=20_000_000_000, umkm_only=True),  # the buyer's choice stands
            ],
        ),
    )
    assert [row.umkm_only for row in repository.lines_of(db, need.id)] == [True, False, True, True]
    assert service.reserved_for_umkm(db, 1, dt.date(2020, 1, 1)) is True  # before any rule: reserved


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"name": "  "}, "lines-1-name"),
        ({"quantity": 0}, "lines-1-quantity"),
        ({"unit_code": "furlong"}, "lines-1-unit_code"),
        ({"delivery_kabkota_code": "32"}, "lines-1-delivery_kabkota_code"),  # a province is not a kab/kota
        ({"needed_by": dt.date(2020, 1, 1)}, "lines-1-needed_by"),
        ({"budget": -1}, "lines-1-budget"),
        ({"certifications": ["halal", "kosher-x"]}, "lines-1-certifications"),
        ({"preferred_size_class": "besar"}, "lines-1-preferred_size_class"),
        ({"kemitraan_code": "waralaba-x"}, "lines-1-kemitraan_code"),
        ({"procurement_type": "sembako"}, "lines-1-procurement_type"),
    ],
)
def test_a_bad_line_names_its_field_and_writes_nothing(
    db: Session, bad: dict[str, object], field: str
) -> None:
    org_id, actor = buyer(db)
    before = count_needs(db)
    with pytest.raises(NeedInvalid) as caught:
        service.create_need(
            db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line(**bad)])
        )
    assert caught.value.field == field
    assert count_needs(db) == before


def test_title_and_lines_are_required(db: Session) -> None:
    org_id, actor = buyer(db)
    with pytest.raises(NeedInvalid) as caught:
        service.create_need(db, actor=actor, organization_id=org_id, data=NeedData(title="", lines=[line()]))
    assert caught.value.field == "title"
    with pytest.raises(NeedInvalid) as caught:
        service.create_need(db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[]))
    assert caught.value.field == "lines"


def test_only_buyers_record_needs_and_only_members_see_them(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line()])
    )
    _, _, supplier_actor = make_supplier(db)
    supplier_org = next(iter(supplier_actor.roles))
    with pytest.raises(NeedForbidden):
        service.create_need(
            db, actor=supplier_actor, organization_id=supplier_org, data=NeedData(title="X", lines=[line()])
        )
    with pytest.raises(NeedNotFound):
        service.get_need(db, actor=supplier_actor, need_id=need.id)
    _, viewer = buyer(db, role=Role.VIEWER)
    with pytest.raises(NeedForbidden):
        service.create_need(
            db,
            actor=viewer,
            organization_id=next(iter(viewer.roles)),
            data=NeedData(title="X", lines=[line()]),
        )


def test_lifecycle_follows_the_transition_table(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line()])
    )
    with pytest.raises(NeedMoveNotAllowed):
        service.move_need(db, actor=actor, need=need, move=NeedMove.CLOSE)  # a draft is not closed
    service.move_need(db, actor=actor, need=need, move=NeedMove.PUBLISH)
    assert need.status == "open"
    assert need.published_at is not None
    service.move_need(db, actor=actor, need=need, move=NeedMove.CANCEL)
    with pytest.raises(NeedMoveNotAllowed):
        service.update_need(db, actor=actor, need=need, data=NeedData(title="Y", lines=[line()]))
    service.move_need(db, actor=actor, need=need, move=NeedMove.REOPEN)
    service.update_need(
        db, actor=actor, need=need, data=NeedData(title="Y", lines=[line(), line(name="Kopi")])
    )
    assert [row.name for row in repository.lines_of(db, need.id)] == ["Keripik singkong balado 250 g", "Kopi"]


def test_update_keeps_decisions_of_lines_that_stay(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line(), line(name="Kopi")])
    )
    first = repository.lines_of(db, need.id)[0]
    profile, _, _ = make_supplier(db, status="verified")
    service.decide(
        db, actor=actor, need=need, line=first, supplier_id=profile.id, decision=Decision.DISMISSED
    )
    service.update_need(db, actor=actor, need=need, data=NeedData(title="X", lines=[line(quantity=10)]))
    assert repository.decisions_of(db, first.id)[profile.id].decision == "dismissed"
    assert len(repository.lines_of(db, need.id)) == 1
    service.decide(db, actor=actor, need=need, line=first, supplier_id=profile.id, decision=None)
    assert repository.decisions_of(db, first.id) == {}


def test_removing_a_line_keeps_the_decisions_of_the_others(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line(), line(name="Kopi")])
    )
    first, second = repository.lines_of(db, need.id)
    profile, _, _ = make_supplier(db, status="verified")
    service.decide(
        db, actor=actor, need=need, line=second, supplier_id=profile.id, decision=Decision.SHORTLISTED
    )
    service.update_need(
        db, actor=actor, need=need, data=NeedData(title="X", lines=[line(id=second.id, name="Kopi")])
    )
    (only,) = repository.lines_of(db, need.id)
    assert (only.id, only.line_no, only.name) == (second.id, 1, "Kopi")
    assert repository.decisions_of(db, only.id)[profile.id].decision == "shortlisted"
    assert repository.line(db, first.id) is None


def test_a_new_line_does_not_inherit_a_removed_lines_decisions(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line(), line(name="Kopi")])
    )
    first, second = repository.lines_of(db, need.id)
    profile, _, _ = make_supplier(db, status="verified")
    service.decide(
        db, actor=actor, need=need, line=second, supplier_id=profile.id, decision=Decision.DISMISSED
    )
    # Line 2 removed, a new line added: the new line is a new row, without line 2's dismissal.
    service.update_need(
        db,
        actor=actor,
        need=need,
        data=NeedData(title="X", lines=[line(id=first.id), line(name="Seragam satpam")]),
    )
    kept, added = repository.lines_of(db, need.id)
    assert kept.id == first.id and added.id != second.id
    assert repository.decisions_of(db, added.id) == {}


def test_an_id_named_twice_keeps_both_lines(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line(), line(name="Kopi")])
    )
    first, _ = repository.lines_of(db, need.id)
    service.update_need(
        db,
        actor=actor,
        need=need,
        data=NeedData(title="X", lines=[line(id=first.id, name="satu"), line(id=first.id, name="dua")]),
    )
    assert [(row.line_no, row.name) for row in repository.lines_of(db, need.id)] == [(1, "satu"), (2, "dua")]
    assert repository.lines_of(db, need.id)[0].id == first.id


def test_too_large_numbers_are_refused(db: Session) -> None:
    org_id, actor = buyer(db)
    for bad, field in (({"quantity": 10**19}, "lines-1-quantity"), ({"budget": 10**19}, "lines-1-budget")):
        with pytest.raises(NeedInvalid) as caught:
            service.create_need(
                db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line(**bad)])
            )
        assert caught.value.field == field


def test_no_decisions_on_a_cancelled_need(db: Session) -> None:
    org_id, actor = buyer(db)
    need = service.create_need(
        db, actor=actor, organization_id=org_id, data=NeedData(title="X", lines=[line()])
    )
    service.move_need(db, actor=actor, need=need, move=NeedMove.CANCEL)
    profile, _, _ = make_supplier(db, status="verified")
    (only,) = repository.lines_of(db, need.id)
    with pytest.raises(NeedMoveNotAllowed):
        service.decide(
            db, actor=actor, need=need, line=only, supplier_id=profile.id, decision=Decision.SHORTLISTED
        )
    assert repository.decisions_of(db, only.id) == {}


def test_needs_page_searches_titles_and_line_names(db: Session) -> None:
    org_id, actor = buyer(db)
    for title, name in [("Kudapan", "Keripik"), ("Seragam", "Kemeja kerja"), ("ATK", "Kertas A4")]:
        service.create_need(
            db, actor=actor, organization_id=org_id, data=NeedData(title=title, lines=[line(name=name)])
        )
    page = service.needs_page(db, actor=actor, organization_id=org_id, page=PAGE, text="kemeja", sort="title")
    assert [n.title for n in page.items] == ["Seragam"]
    page = service.needs_page(db, actor=actor, organization_id=org_id, page=PageRequest(1, 2), sort="title")
    assert [n.title for n in page.items] == ["ATK", "Kudapan"]
    assert page.total == 3


PLAN_OK = (
    "nama_paket;spesifikasi;jumlah;satuan;kode_wilayah_pengiriman;pagu;dibutuhkan_tanggal;sertifikasi_wajib;khusus_umkm\n"
    "Keripik singkong;250 g;5.000;bks;Kota Bandung;Rp 75.000.000;{day};halal;\n"
    "Seragam kerja;;300;stel;32.73;450000000;;;tidak\n"
    "Kopi bubuk;;;;;;;;\n"
)


def test_a_plan_file_becomes_one_need_per_row(db: Session) -> None:
    org_id, actor = buyer(db)
    day = (today() + dt.timedelta(days=60)).strftime("%d/%m/%Y")
    table = open_table(io.BytesIO(PLAN_OK.format(day=day).encode()), filename="rup.csv")
    report = plan_file.import_plan(db, table, actor=actor, organization_id=org_id)
    assert (report.rows, report.created, report.errors) == (3, 3, [])
    lines = [repository.lines_of(db, need_id)[0] for need_id in report.need_ids]
    assert (lines[0].quantity, lines[0].unit_code, lines[0].delivery_kabkota_code, lines[0].budget) == (
        5000,
        "bungkus",
        "32.73",
        75_000_000,
    )
    assert lines[1].umkm_only is False
    assert lines[2].quantity is None


def test_a_plan_file_with_a_bad_row_writes_nothing_and_says_where(db: Session) -> None:
    org_id, actor = buyer(db)
    before = count_needs(db)
    bad = "nama_paket;jumlah;kode_wilayah_pengiriman;pagu;dibutuhkan_tanggal\nKeripik;-5;Atlantis;banyak;31/02/2027\nKopi;1;;;\n"
    report = plan_file.import_plan(
        db, open_table(io.BytesIO(bad.encode()), filename="rup.csv"), actor=actor, organization_id=org_id
    )
    assert report.created == 0
    assert {(e.row, e.column) for e in report.errors} == {
        (2, "jumlah"),
        (2, "kode_wilayah_pengiriman"),
        (2, "pagu"),
        (2, "dibutuhkan_tanggal"),
    }
    assert count_needs(db) == before
    assert db.scalar(select(func.count()).select_from(NeedLine)) is not None


def test_a_line_s_procurement_type_is_stored_and_given_to_the_engine(db: Session) -> None:
    """Issue #14: the shortlist weighs a line's procurement type against suppliers' past packages."""
    org_id, actor = buyer(db)
    need = service.create_need(
        db,
        actor=actor,
        organization_id=org_id,
        data=NeedData(
            title="Pengawasan",
            lines=[
                line(name="Pengawasan gedung", procurement_type="consulting", delivery_kabkota_code="32.73")
            ],
        ),
    )
    [stored] = repository.lines_of(db, need.id)
    assert stored.procurement_type == "consulting"
    engine = shortlists.need_line(db, stored)
    assert (engine.kind, engine.delivery_place) == ("consulting", "32.73")
    assert set(service.PROCUREMENT_TYPES) == set(KINDS)  # the form's choices are the engine's types
