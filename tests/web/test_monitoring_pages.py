"""The monitoring pages (issue #15): the dashboard by the reader's policy scope, filters and drill-down, the
map, downloads equal to the tables shown, the buyer's pagu form, and the public page without personal data."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.analytics import monitoring_fixture
from tests.factories.identity import csrf_of, log_in, make_org, make_user

from rantai.analytics.models import BuyerBudget
from rantai.identity.models import Organization
from rantai.identity.roles import OrgType, Role

PERIOD = "start=2026-01-01&end=2026-06-30"


def _analyst(db: Session, region: str | None = None) -> Organization:
    org = make_org(db, OrgType.KEMENTERIAN_DINAS, "Kementerian Pemantau (Uji)")
    org.region_code = region
    db.flush()
    return org


def _cells(html: str, table: str) -> list[list[str]]:
    """The data-value of every cell of a table, row by row."""
    body = html.split(f'data-testid="table-{table}"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r'data-value="([^"]*)"', row) for row in body.split("<tr>")[2:]]


def _headers(html: str, table: str) -> list[str]:
    body = html.split(f'data-testid="table-{table}"', 1)[1].split("</thead>", 1)[0]
    return re.findall(r'<th scope="col">([^<]*)</th>', body)


def test_the_ministry_drills_down_and_downloads(client: TestClient, db: Session) -> None:
    monitoring_fixture(db)
    log_in(client, make_user(db, _analyst(db), (Role.ANALYST,)))
    nation = client.get(f"/monitoring?{PERIOD}")
    assert nation.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in nation.text and 'data-code="96"' in nation.text
    assert [row[0] for row in _cells(nation.text, "regions")] == ["35", "73", "32", "52"]

    page = client.get(f"/monitoring?{PERIOD}&province=32&sector=C")
    assert 'data-testid="place">Jawa Barat' in page.text
    assert _cells(page.text, "regions") == [
        ["32.73", "Kota Bandung", "2", "3", "135000000", "60000000", "30000000"]
    ]

    suppliers = client.get(f"/monitoring?{PERIOD}&province=32&sector=C&kabkota=32.73")
    assert [row[0] for row in _cells(suppliers.text, "suppliers")] == ["Keripik Satu", "Keripik Lima"]

    download = client.get(f"/monitoring/download?{PERIOD}&province=32&sector=C&table=regions&format=csv")
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == _headers(page.text, "regions") and rows[1:] == _cells(page.text, "regions")
    xlsx = client.get(f"/monitoring/download?{PERIOD}&table=months&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_bad_filters_get_a_message(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, _analyst(db), (Role.ANALYST,)))
    for query in ("province=99", "start=2026-13-01", "start=2026-06-01&end=2026-01-01", "sector=Z"):
        response = client.get(f"/monitoring?{query}")
        assert response.status_code == 422, query
    assert client.get(f"/monitoring/download?{PERIOD}&table=people").status_code == 422


def test_a_dinas_sees_its_region_only(client: TestClient, db: Session) -> None:
    monitoring_fixture(db)
    log_in(client, make_user(db, _analyst(db, "32"), (Role.ANALYST,)))
    page = client.get(f"/monitoring?{PERIOD}").text
    assert [row[0] for row in _cells(page, "regions")] == ["32"]


def test_a_buyer_sees_its_own_spend_and_rank(client: TestClient, db: Session) -> None:
    m = monitoring_fixture(db)
    log_in(client, make_user(db, m.swasta, (Role.VIEWER,)))
    page = client.get(f"/monitoring?{PERIOD}").text
    assert [row[0] for row in _cells(page, "regions")] == ["52"]
    assert [row[1] for row in _cells(page, "buyers")] == ["PT Swasta Dua (Uji)"]
    (own,) = re.findall(r'data-testid="own-rank">([^<]*)<', page)
    assert "PT Swasta Dua (Uji)" in own and "1" in own and "2" in own


def test_a_lender_sees_its_portfolio_empty(client: TestClient, db: Session) -> None:
    monitoring_fixture(db)
    log_in(client, make_user(db, make_org(db, OrgType.LEMBAGA_PEMBIAYAAN), (Role.OWNER,)))
    page = client.get(f"/monitoring?{PERIOD}")
    assert page.status_code == 200 and 'href="/monitoring"' in page.text
    assert _cells(page.text, "regions") == [[]]  # the empty-table row: nothing financed yet


def test_no_figures_for_a_supplier(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db, OrgType.UMKM), (Role.OWNER,)))
    response = client.get("/monitoring")
    assert response.status_code == 403


def test_the_buyer_enters_its_pagu(client: TestClient, db: Session) -> None:
    buyer = make_org(db, OrgType.BUMN, "BUMN Pagu Web (Uji)")
    log_in(client, make_user(db, buyer, (Role.ADMIN,)))
    assert 'data-testid="pagu-form"' in client.get("/monitoring/pagu").text
    bad = client.post(
        "/monitoring/pagu", data={"year": "2026", "pagu": "banyak", "csrf_token": csrf_of(client)}
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text and 'value="banyak"' in bad.text
    assert db.get(BuyerBudget, (buyer.id, 2026)) is None
    saved = client.post(
        "/monitoring/pagu", data={"year": "2026", "pagu": "1.500.000.000", "csrf_token": csrf_of(client)}
    )
    assert saved.status_code == 200 and "Rp1.500.000.000" in saved.text
    assert db.get(BuyerBudget, (buyer.id, 2026)).pagu == 1_500_000_000  # type: ignore[union-attr]


def test_the_public_page_needs_no_login_and_names_no_person(client: TestClient, db: Session) -> None:
    m = monitoring_fixture(db)
    person = make_user(db, m.bumn, (Role.OWNER,))
    page = client.get("/transparansi")
    assert page.status_code == 200
    assert "PT Swasta Dua (Uji)" in page.text  # the payment ranking names organizations
    text = page.text
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "an email address"
    assert not re.search(r"(\+62|\b08)\d{7,}", text), "a phone number"
    assert not re.search(r"\b\d{15,16}\b", text), "an NPWP or NIK"
    assert person.full_name not in text and "Keripik Satu" not in text  # no person, no supplier named
    assert 'href="/transparansi/download?table=payments&amp;format=csv"' in text
    assert 'href="/api/v1/ocds/releases"' in text  # the open contracting data, public since issue #15
    download = client.get("/transparansi/download?table=payments&format=csv")
    assert "PT Swasta Dua (Uji)" in download.content.decode("utf-8-sig")


def test_the_pages_say_how_fresh_the_rollup_is(client: TestClient, db: Session) -> None:
    """The figures come from the worker's rollup (issue #15): the pages say as of when, in WIB."""
    from rantai.analytics.models import RollupState  # noqa: PLC0415

    page = client.get("/transparansi").text
    assert 'data-testid="as-of"' in page and " WIB" not in page.split('data-testid="as-of"', 1)[1][:200]
    monitoring_fixture(db)  # rebuilds the rollup
    state = db.get(RollupState, "rollup")
    assert state is not None and state.refreshed_at is not None
    page = client.get("/transparansi").text
    marker = page.split('data-testid="as-of"', 1)[1][:200]
    assert " WIB" in marker and str(state.refreshed_at.year) in marker
    log_in(client, make_user(db, _analyst(db), (Role.ANALYST,)))
    assert " WIB" in client.get(f"/monitoring?{PERIOD}").text.split('data-testid="as-of"', 1)[1][:200]
