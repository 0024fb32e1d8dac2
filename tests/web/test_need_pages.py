"""The buyer's journey through the need pages: list, one-sentence entry, form, lifecycle, plan import,
and each line's explained shortlist with the buyer's decisions."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_user
from tests.factories.sourcing import line_data, make_buyer, make_need
from tests.factories.suppliers import add_cert, add_product, make_supplier

from rantai.app import create_app
from rantai.catalog.search_index import live_index
from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity.models import Organization, User, WebSession
from rantai.identity.policy import Actor
from rantai.identity.roles import Role
from rantai.kit.clock import now
from rantai.kit.ids import token_digest
from rantai.settings import Settings
from rantai.sourcing import repository
from rantai.sourcing.models import Need, NeedLine

NEXT_YEAR = dt.date.today().year + 1  # noqa: DTZ011


def _needs(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Need)) or 0


def _english(client: TestClient) -> None:
    client.cookies.set("rantai_lang", "en")


def _buyer(db: Session, client: TestClient, *, english: bool = True) -> tuple[Organization, Actor]:
    org, user, actor = make_buyer(db)
    log_in(client, user)
    if english:
        _english(client)
    return org, actor


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    values = {
        "title": "Oleh-oleh untuk kantor cabang",
        "lines-1-name": "Keripik singkong balado 250 g",
        "lines-1-quantity": "5.000",
        "lines-1-unit_code": "bungkus",
        "lines-1-delivery_kabkota_code": "32.73",
        "lines-1-needed_by": f"31/03/{NEXT_YEAR}",
        "lines-1-budget": "Rp 75.000.000",
        "then": "save",
        "csrf_token": csrf_of(client),
    }
    values.update(fields)
    return values


# --- list -----------------------------------------------------------------------------------------


def test_empty_list_invites_a_first_need_and_the_menu_links_it(client: TestClient, db: Session) -> None:
    _buyer(db, client, english=False)
    page = client.get("/needs")
    assert page.status_code == 200
    assert 'data-testid="empty-state"' in page.text and 'data-testid="quick-entry"' in page.text
    assert 'href="/needs/new"' in page.text and 'href="/needs/import"' in page.text
    assert 'href="/needs">' in client.get("/").text  # the "Kebutuhan" menu link


def test_list_searches_filters_and_pages(client: TestClient, db: Session) -> None:
    org, actor = _buyer(db, client)
    make_need(db, org, actor, title="Seragam satpam", lines=[line_data(name="Seragam", budget=2_000_000)])
    opened = make_need(db, org, actor, title="Kopi bubuk untuk pantry", status="open")
    for n in range(21):
        make_need(db, org, actor, title=f"Paket {n:02d}", lines=[line_data(budget=None)])
    other_org, _, other_actor = make_buyer(db)
    make_need(db, other_org, other_actor, title="Kopi orang lain")

    first = client.get("/needs").text
    assert first.count('data-testid="need"') == 20 and 'rel="next"' in first
    assert "Kopi orang lain" not in first
    second = client.get("/needs", params={"page": 2}).text
    assert second.count('data-testid="need"') == 3

    found = client.get("/needs", params={"q": "kopi"}).text
    assert re.findall(r'data-need-id="(\d+)"', found) == [str(opened.id)]
    by_line = client.get("/needs", params={"q": "seragam", "sort": "title"}).text
    assert "Seragam satpam" in by_line and 'data-testid="need-budget">IDR2,000,000<' in by_line
    open_only = client.get("/needs", params={"status": "open"}).text
    assert re.findall(r'data-need-id="(\d+)"', open_only) == [str(opened.id)]
    none = client.get("/needs", params={"q": "tidak ada"}).text
    assert 'data-testid="no-results"' in none and 'data-testid="empty-state"' not in none


def test_suppliers_cannot_open_needs_and_strangers_get_not_found(client: TestClient, db: Session) -> None:
    org, _, actor = make_buyer(db)
    need = make_need(db, org, actor)
    _, owner, _ = make_supplier(db)
    log_in(client, owner)
    assert client.get("/needs").status_code == 403
    assert client.get("/needs/new").status_code == 403
    assert 'href="/needs"' not in client.get("/").text
    assert client.get(f"/needs/{need.id}").status_code == 404
    client.cookies.clear()
    _, stranger, _ = make_buyer(db)
    log_in(client, stranger)
    assert client.get(f"/needs/{need.id}").status_code == 404
    moved = client.post(f"/needs/{need.id}/move", data={"move": "publish", "csrf_token": csrf_of(client)})
    assert moved.status_code == 404
    db.refresh(need)
    assert need.status == "draft"


# --- the form -------------------------------------------------------------------------------------


def test_create_with_a_bad_budget_saves_nothing_and_keeps_what_was_typed(
    client: TestClient, db: Session
) -> None:
    _buyer(db, client)
    before = _needs(db)
    page = client.post("/needs/new", data=_form(client, **{"lines-1-budget": "sejuta-an"}))
    assert page.status_code == 422
    assert 'id="e-lines-1-budget"' in page.text and "whole Rupiah" in page.text
    assert 'value="Keripik singkong balado 250 g"' in page.text and 'value="sejuta-an"' in page.text
    assert _needs(db) == before

    no_title = client.post("/needs/new", data=_form(client, title=""))
    assert no_title.status_code == 422 and 'id="e-title"' in no_title.text
    past = client.post("/needs/new", data=_form(client, **{"lines-1-needed_by": "2001-01-01"}))
    assert past.status_code == 422 and 'id="e-lines-1-needed_by"' in past.text and "has passed" in past.text
    assert _needs(db) == before


def test_create_with_two_lines_and_certificates(client: TestClient, db: Session) -> None:
    org, _ = _buyer(db, client)
    form = _form(
        client,
        reference="RUP-2027-0042",
        **{
            "lines-3-name": "Kopi bubuk robusta",  # numbers need not follow each other
            "lines-3-budget": "1,5 juta",
            "lines-3-umkm_only": "no",
            "lines-3-kemitraan_code": "rantai_pasok",
            "lines-2-name": "",  # an empty line is dropped
        },
    )
    posted: dict[str, str | list[str]] = {**form, "lines-1-certifications": ["halal", "spp_irt"]}
    response = client.post("/needs/new", data=posted, follow_redirects=False)
    assert response.status_code == 303, response.text
    need_id = int(response.headers["location"].rsplit("/", 1)[1])
    need = db.get(Need, need_id)
    assert need is not None and need.organization_id == org.id and need.reference == "RUP-2027-0042"
    lines = repository.lines_of(db, need_id)
    assert [(ln.line_no, ln.name, ln.quantity, ln.budget) for ln in lines] == [
        (1, "Keripik singkong balado 250 g", 5000, 75_000_000),
        (2, "Kopi bubuk robusta", None, 1_500_000),
    ]
    assert lines[0].needed_by == dt.date(NEXT_YEAR, 3, 31) and lines[0].umkm_only is True
    assert (lines[1].umkm_only, lines[1].kemitraan_code) == (False, "rantai_pasok")
    assert repository.certifications_of(db, [lines[0].id])[lines[0].id] == ["halal", "spp_irt"]

    page = client.get(f"/needs/{need_id}").text
    assert 'data-status="draft"' in page and "IDR75,000,000" in page and "Kota Bandung" in page
    assert f'hx-get="/needs/{need_id}/lines/{lines[0].id}/shortlist"' in page


def test_add_and_remove_lines_without_saving(client: TestClient, db: Session) -> None:
    _buyer(db, client)
    before = _needs(db)
    added = client.post("/needs/new", data=_form(client, then="add-line"))
    assert added.status_code == 200 and added.text.count('data-testid="line-fields"') == 2
    assert 'name="lines-2-name"' in added.text and 'value="Keripik singkong balado 250 g"' in added.text
    two = _form(client, then="remove-1", **{"lines-2-name": "Kopi bubuk"})
    removed = client.post("/needs/new", data=two)
    assert removed.text.count('data-testid="line-fields"') == 1
    assert 'name="lines-1-name"' in removed.text and 'value="Kopi bubuk"' in removed.text
    # HTMX asks for the lines only: the page's content block, without the layout.
    fragment = client.post("/needs/new", data=_form(client, then="add-line"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'id="need-lines"' in fragment.text
    assert _needs(db) == before


def test_kabkota_options_follow_the_province_of_a_line(client: TestClient, db: Session) -> None:
    _buyer(db, client)
    options = client.get("/needs/kabkota-options", params={"lines-2-province_code": "32"}).text
    assert 'value="32.73"' in options and 'value="31.71"' not in options


def test_edit_keeps_numbers_readable_and_saves(client: TestClient, db: Session) -> None:
    org, actor = _buyer(db, client, english=False)
    need = make_need(db, org, actor, lines=[line_data(budget=1_500_000)])
    page = client.get(f"/needs/{need.id}/edit").text
    assert 'value="1.500.000"' in page and 'value="5.000"' in page
    # The stored UMKM flag is what the reservation rule gives, so the form shows "automatic".
    assert re.search(r'<option value="" selected>', page)
    response = client.post(
        f"/needs/{need.id}/edit",
        data=_form(client, title="Judul baru", **{"lines-1-budget": "2.000.000"}),
        follow_redirects=False,
    )
    assert response.status_code == 303
    db.refresh(need)
    assert need.title == "Judul baru"
    assert [ln.budget for ln in repository.lines_of(db, need.id)] == [2_000_000]

    bad = client.post(f"/needs/{need.id}/edit", data=_form(client, title="Lain", **{"lines-1-quantity": "0"}))
    assert bad.status_code == 422 and 'id="e-lines-1-quantity"' in bad.text
    db.refresh(need)
    assert need.title == "Judul baru"


def test_a_form_opened_before_another_save_does_not_overwrite_it(client: TestClient, db: Session) -> None:
    """Issue #9, finding 10: two tabs open the form; the second save must not wipe the first one's budget."""
    org, actor = _buyer(db, client)
    need = make_need(db, org, actor, lines=[line_data(budget=1_500_000)])
    opened = client.get(f"/needs/{need.id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', opened)
    assert version is not None
    first = _form(client, title="Tab pertama", version=version[1], **{"lines-1-budget": "9.000.000"})
    assert client.post(f"/needs/{need.id}/edit", data=first, follow_redirects=False).status_code == 303

    stale = _form(client, title="Tab kedua", version=version[1], **{"lines-1-budget": ""})
    refused = client.post(f"/needs/{need.id}/edit", data=stale)
    assert refused.status_code == 409
    assert "Someone saved this need after you opened it" in refused.text
    assert 'value="Tab kedua"' in refused.text  # what the user typed is still on screen
    db.refresh(need)
    assert need.title == "Tab pertama"
    assert [ln.budget for ln in repository.lines_of(db, need.id)] == [9_000_000]
    # The refused page now carries the current version: saving again is a deliberate overwrite.
    current = re.search(r'name="version" value="(\d+)"', refused.text)
    assert current is not None and int(current[1]) == need.version != int(version[1])


def test_a_lifecycle_button_from_a_stale_page_is_refused(client: TestClient, db: Session) -> None:
    org, actor = _buyer(db, client)
    need = make_need(db, org, actor)
    page = client.get(f"/needs/{need.id}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    data = {"move": "publish", "version": version[1], "csrf_token": csrf_of(client)}
    assert client.post(f"/needs/{need.id}/move", data=data).status_code == 200
    again = client.post(f"/needs/{need.id}/move", data={**data, "move": "close"})
    assert again.status_code == 409
    db.refresh(need)
    assert need.status == "open"


def test_viewers_of_a_buyer_see_a_need_but_cannot_change_it(client: TestClient, db: Session) -> None:
    org, _, actor = make_buyer(db)
    need = make_need(db, org, actor)
    log_in(client, make_user(db, org, (Role.VIEWER,)))
    page = client.get(f"/needs/{need.id}")
    assert page.status_code == 200 and 'data-testid="need-actions"' not in page.text
    assert client.get(f"/needs/{need.id}/edit").status_code == 403
    assert client.get("/needs").status_code == 403


# --- lifecycle ------------------------------------------------------------------------------------


def test_publish_then_cancel_after_confirmation(client: TestClient, db: Session) -> None:
    org, actor = _buyer(db, client)
    need = make_need(db, org, actor)
    page = client.get(f"/needs/{need.id}").text
    assert 'data-testid="move-publish"' in page and 'data-testid="move-close"' not in page

    published = client.post(f"/needs/{need.id}/move", data={"move": "publish", "csrf_token": csrf_of(client)})
    assert published.status_code == 200 and 'data-status="open"' in published.text
    assert "suppliers now see it" in published.text

    asked = client.post(f"/needs/{need.id}/move", data={"move": "cancel", "csrf_token": csrf_of(client)})
    assert asked.status_code == 200 and 'data-testid="confirm-cancel"' in asked.text
    db.refresh(need)
    assert need.status == "open"  # nothing happens until confirmed
    assert 'data-testid="confirm-cancel"' in client.get(f"/needs/{need.id}/cancel").text

    done = client.post(
        f"/needs/{need.id}/move", data={"move": "cancel", "confirm": "yes", "csrf_token": csrf_of(client)}
    )
    assert 'data-status="cancelled"' in done.text and 'data-testid="move-reopen"' in done.text
    assert client.get(f"/needs/{need.id}/edit", follow_redirects=False).status_code == 303

    again = client.post(f"/needs/{need.id}/move", data={"move": "publish", "csrf_token": csrf_of(client)})
    assert again.status_code == 409 and 'data-testid="error"' in again.text


# --- plan files -----------------------------------------------------------------------------------

GOOD_PLAN = (
    "nama_paket;jumlah;satuan;kode_wilayah_pengiriman;pagu;dibutuhkan_tanggal;sertifikasi_wajib\r\n"
    f"Keripik singkong;5.000;bungkus;Kota Bandung;75.000.000;31/03/{NEXT_YEAR};halal\r\n"
    f"Kopi bubuk robusta;200;kg;32.73;Rp 30 juta;{NEXT_YEAR}-06-30;\r\n"
)
BAD_PLAN = (
    "nama_paket;jumlah;satuan;pagu\r\n"
    "Keripik singkong;5.000;bungkus;75.000.000\r\n"
    "Kopi bubuk;banyak;kg;30000000\r\n"
)


def test_import_a_good_plan_creates_drafts(client: TestClient, db: Session) -> None:
    org, _ = _buyer(db, client)
    assert client.get("/needs/import").status_code == 200
    template = client.get("/needs/import/template.csv")
    assert template.status_code == 200 and "nama_paket" in template.content.decode("utf-8-sig")
    assert client.get("/needs/import/template.xlsx").content[:2] == b"PK"

    response = client.post(
        "/needs/import",
        data={"csrf_token": csrf_of(client)},
        files={"file": ("rup.csv", GOOD_PLAN.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/needs?imported=2"
    listed = client.get(response.headers["location"]).text
    assert 'data-testid="notice"' in listed and ": 2." in listed
    names = db.scalars(
        select(NeedLine.name).join(Need, Need.id == NeedLine.need_id).where(Need.organization_id == org.id)
    ).all()
    assert sorted(names) == ["Keripik singkong", "Kopi bubuk robusta"]


def test_import_a_bad_plan_writes_nothing_and_lists_the_rows(client: TestClient, db: Session) -> None:
    _buyer(db, client)
    before = _needs(db)
    page = client.post(
        "/needs/import",
        data={"csrf_token": csrf_of(client)},
        files={"file": ("rup.csv", BAD_PLAN.encode(), "text/csv")},
    )
    assert page.status_code == 422
    assert re.findall(r'data-row="(\d+)" data-column="(\w+)"', page.text) == [("3", "jumlah")]
    assert "banyak" in page.text and "whole number" in page.text
    assert _needs(db) == before
    no_file = client.post("/needs/import", data={"csrf_token": csrf_of(client)})
    assert no_file.status_code == 422 and 'id="e-file"' in no_file.text
    no_columns = client.post(
        "/needs/import",
        data={"csrf_token": csrf_of(client)},
        files={"file": ("rup.csv", b"judul;harga\r\nA;1\r\n", "text/csv")},
    )
    assert no_columns.status_code == 422 and "nama_paket" in no_columns.text


# --- shortlists (the matching engine) ---------------------------------------------------------------


def _shortlist_scene(db: Session) -> tuple[Organization, User, Need, NeedLine, int, int]:
    """A buyer's need for halal cassava chips in Bandung; one verified supplier qualifies, one lacks the
    halal certificate."""
    org, user, actor = make_buyer(db)
    good, _, good_actor = make_supplier(db, status="verified", business_name="Keripik Bu Sri")
    add_product(
        db,
        good,
        good_actor,
        "Keripik Singkong Balado 250 g",
        unit_code="bungkus",
        price_min=12_000,
        capacity_per_month=6_000,
    )
    add_cert(db, good, good_actor, "halal")
    plain, _, plain_actor = make_supplier(db, status="verified", business_name="Keripik Pak Budi")
    add_product(db, plain, plain_actor, "Keripik Singkong Pedas 250 g", unit_code="bungkus")
    need = make_need(
        db,
        org,
        actor,
        title="Oleh-oleh",
        lines=[line_data(name="Keripik singkong", certifications=["halal"])],
    )
    line = repository.lines_of(db, need.id)[0]
    return org, user, need, line, good.id, plain.id


def test_shortlist_fragment_explains_and_decisions_move_suppliers(client: TestClient, db: Session) -> None:
    _, user, need, line, good_id, plain_id = _shortlist_scene(db)
    log_in(client, user)
    _english(client)
    url = f"/needs/{need.id}/lines/{line.id}/shortlist"
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    entries = re.findall(r'data-testid="shortlist-entry" data-supplier-id="(\d+)"', fragment.text)
    assert entries == [str(good_id)]
    assert 'data-newcomer="true"' in fragment.text and 'data-testid="newcomer-badge"' in fragment.text
    assert (
        "Keripik Singkong Balado 250 g" in fragment.text and f'href="/suppliers/{good_id}"' in fragment.text
    )
    assert "Halal certificate" in fragment.text  # the reasons, in words
    why_not = re.findall(r'data-testid="why-not-entry" data-supplier-id="(\d+)"', fragment.text)
    assert why_not == [str(plain_id)]

    decisions = f"/needs/{need.id}/lines/{line.id}/decisions"
    shortlisted = client.post(
        decisions,
        data={"supplier_id": str(good_id), "decision": "shortlisted", "csrf_token": csrf_of(client)},
        headers={"HX-Request": "true"},
    )
    assert 'data-decision="shortlisted"' in shortlisted.text and "<html" not in shortlisted.text
    dismissed = client.post(
        decisions,
        data={"supplier_id": str(good_id), "decision": "dismissed", "csrf_token": csrf_of(client)},
        headers={"HX-Request": "true"},
    )
    assert 'data-testid="shortlist-entry"' not in dismissed.text
    assert f'data-testid="dismissed-entry" data-supplier-id="{good_id}"' in dismissed.text
    assert 'data-testid="shortlist-empty"' in dismissed.text
    undone = client.post(
        decisions,
        data={"supplier_id": str(good_id), "decision": "", "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert undone.status_code == 303 and undone.headers["location"] == url
    assert re.findall(r'data-testid="shortlist-entry" data-supplier-id="(\d+)"', client.get(url).text) == [
        str(good_id)
    ]
    unknown = {"supplier_id": "999999", "decision": "dismissed", "csrf_token": csrf_of(client)}
    assert client.post(decisions, data=unknown).status_code == 422
    # HTMX swaps only a 200 answer, so the fragment with the message comes as one.
    fragment = client.post(decisions, data=unknown, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "no supplier" in fragment.text


def test_why_not_this_supplier(client: TestClient, db: Session) -> None:
    _, user, need, line, good_id, plain_id = _shortlist_scene(db)
    log_in(client, user)
    _english(client)
    url = f"/needs/{need.id}/lines/{line.id}/explain"
    plain = client.get(url, params={"supplier": "Keripik Pak Budi"}, headers={"HX-Request": "true"}).text
    assert 'data-included="false"' in plain and f'data-supplier-id="{plain_id}"' in plain
    assert "Halal" in plain
    good = client.get(url, params={"supplier": str(good_id)}).text
    assert 'data-included="true"' in good
    missing = client.get(url, params={"supplier": "0000000000000"})
    assert missing.status_code == 422 and 'data-testid="explain-error"' in missing.text


def test_other_buyers_cannot_see_a_shortlist_or_decide(client: TestClient, db: Session) -> None:
    org, _, actor = make_buyer(db)
    need = make_need(db, org, actor)
    line = repository.lines_of(db, need.id)[0]
    supplier, _, _ = make_supplier(db, status="verified")
    _, outsider, _ = make_buyer(db)
    log_in(client, outsider)
    response = client.post(
        f"/needs/{need.id}/lines/{line.id}/decisions",
        data={"supplier_id": str(supplier.id), "decision": "dismissed", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 404
    assert client.get(f"/needs/{need.id}/lines/{line.id}/shortlist").status_code == 404
    assert repository.decisions_of(db, line.id) == {}


def test_quick_entry_understands_quantity_unit_certificate_and_place(client: TestClient, db: Session) -> None:
    _buyer(db, client)
    response = client.post(
        "/needs/quick",
        data={
            "text": "keripik singkong 5.000 bungkus, halal, kirim ke Kota Bandung",
            "csrf_token": csrf_of(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    need_id = int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])
    need = db.get(Need, need_id)
    assert need is not None and (need.status, need.source) == ("draft", "quick")
    (line,) = repository.lines_of(db, need_id)
    assert (line.name, line.quantity, line.unit_code, line.delivery_kabkota_code) == (
        "Keripik singkong",
        5000,
        "bungkus",
        "32.73",
    )
    assert repository.certifications_of(db, [line.id])[line.id] == ["halal"]
    assert "filled in the line" in client.get(response.headers["location"]).text

    nowhere = client.post(
        "/needs/quick",
        data={"text": "meja kayu 10 buah, kirim ke Negeri Antah", "csrf_token": csrf_of(client)},
    )
    assert nowhere.status_code == 200 and "Negeri Antah" in nowhere.text
    before = _needs(db)
    empty = client.post("/needs/quick", data={"text": "  ", "csrf_token": csrf_of(client)})
    assert empty.status_code == 422 and 'id="e-text"' in empty.text
    assert _needs(db) == before


# --- the shortlist under load (issue #9: 50 clients, zero errors, server CPU per page) ----------------


def _statements(connection: Connection) -> list[str]:
    """The SQL statements the app sends on the test's connection from now on (savepoints left out)."""
    sent: list[str] = []

    def record(*args: object) -> None:
        statement = str(args[2])
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            sent.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    return sent


def test_a_shortlist_page_asks_the_database_little_and_writes_nothing(
    client: TestClient, db: Session, connection: Connection
) -> None:
    _, user, need, line, good_id, _ = _shortlist_scene(db)
    log_in(client, user)
    url = f"/needs/{need.id}/lines/{line.id}/shortlist"
    client.get(url, headers={"HX-Request": "true"})  # the index is built, reference data read
    sent = _statements(connection)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and f'data-supplier-id="{good_id}"' in fragment.text
    assert not [s for s in sent if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    # The session with its user, their memberships; the need with the line, the buyer's decisions, the
    # line's certificates; the index's queue of changes (dismissed suppliers' names when there are
    # some). Reference data (units, coordinates) is kept by the process. There were 15 before issue #9.
    assert len(sent) <= 6, "\n".join(sent)


def _age_session(db: Session, client: TestClient, minutes: int) -> WebSession:
    """Make the client's session look last seen `minutes` ago, with an expiry that soon ends."""
    web_session = db.scalars(
        select(WebSession).where(WebSession.token_digest == token_digest(client.cookies["rantai_session"]))
    ).one()
    web_session.last_seen_at = now() - dt.timedelta(minutes=minutes)
    web_session.expires_at = now() + dt.timedelta(minutes=30)
    db.flush()
    return web_session


def test_a_session_is_extended_at_most_every_few_minutes_after_its_page(
    client: TestClient, db: Session, settings: Settings
) -> None:
    _, user, need, line, _, _ = _shortlist_scene(db)
    log_in(client, user)
    url = f"/needs/{need.id}/lines/{line.id}/shortlist"
    recent = _age_session(db, client, minutes=2)
    kept = recent.expires_at
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    db.refresh(recent)
    assert recent.expires_at == kept  # seen two minutes ago: not written again yet

    stale = _age_session(db, client, minutes=10)
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    db.refresh(stale)
    extended = now() + dt.timedelta(seconds=settings.session_max_age_seconds)
    assert abs((stale.expires_at - extended).total_seconds()) < 60
    assert now() - stale.last_seen_at < dt.timedelta(minutes=1)


def test_on_sqlite_a_page_answers_while_another_request_holds_the_write_lock(
    committed_url: str, tmp_path: Path
) -> None:
    if not committed_url.startswith("sqlite"):
        pytest.skip("SQLite's one write lock; PostgreSQL locks rows")
    engine = make_engine(committed_url)
    with transaction(make_session_factory(engine)) as session:
        _, user, need, line, good_id, _ = _shortlist_scene(session)
        user_id, url = user.id, f"/needs/{need.id}/lines/{line.id}/shortlist"
    app = create_app(Settings(database_url=committed_url, data_dir=tmp_path / "data"))
    with TestClient(app) as client:
        log_in(client, user)
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200  # the index is built
        with transaction(make_session_factory(engine)) as session:
            _age_session(session, client, minutes=10)
            # A supplier joins after the index was built: its change waits in the index's queue.
            newcomer, _, newcomer_actor = make_supplier(
                session, status="verified", business_name="Sanjai Uni"
            )
            add_product(
                session, newcomer, newcomer_actor, "Keripik Singkong Sanjai 250 g", unit_code="bungkus"
            )
            add_cert(session, newcomer, newcomer_actor, "halal")
            newcomer_id = newcomer.id
        with transaction(make_session_factory(engine)) as session:  # the worker applies the change
            live_index(tmp_path / "data").drain(session)
        writer = sqlite3.connect(str(make_url(committed_url).database), isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another request in the middle of a write
        try:
            page = client.get(url, headers={"HX-Request": "true"})
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert page.status_code == 200 and f'data-supplier-id="{good_id}"' in page.text
        assert f'data-supplier-id="{newcomer_id}"' in page.text  # the worker's commit is read all the same
        # The expiry was not extended while the database was busy; the next page view extends it.
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    with transaction(make_session_factory(engine)) as session:
        seen = session.scalars(select(WebSession.last_seen_at).where(WebSession.user_id == user_id)).one()
        assert now() - seen < dt.timedelta(minutes=1)
    engine.dispose()


def test_superscript_digits_in_form_values_are_not_numbers(client: TestClient, db: Session) -> None:
    """Issue #9, finding 13: "²" passes str.isdigit() and then int() fails (a 500)."""
    org, actor = _buyer(db, client)
    need = make_need(db, org, actor)
    line = repository.lines_of(db, need.id)[0]
    decided = client.post(
        f"/needs/{need.id}/lines/{line.id}/decisions",
        data={"decision": "shortlisted", "supplier_id": "\u00b2", "csrf_token": csrf_of(client)},
    )
    assert decided.status_code < 500
    assert (
        client.get("/needs/kabkota-options", params={"lines-1-province_code": "3\u00b2"}).status_code == 200
    )
    removed = client.post(f"/needs/{need.id}/edit", data=_form(client, then="remove-\u00b9"))
    assert removed.status_code == 200
