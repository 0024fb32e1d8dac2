"""'Show more' on a line's shortlist (issue #13): ten first, then ten more, decisions keep what is shown."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in
from tests.factories.sourcing import line_data, make_buyer, make_need
from tests.factories.suppliers import many_makers

from rantai.sourcing.models import NeedLine
from rantai.web.routes.shortlists import shown_count

MAKERS = 13


def test_show_more(client: TestClient, db: Session) -> None:
    many_makers(db, MAKERS)
    org, user, actor = make_buyer(db)
    need = make_need(db, org, actor, lines=[line_data(name="Keripik singkong balado", quantity=500)])
    line_id = db.scalars(select(NeedLine.id).where(NeedLine.need_id == need.id)).one()
    log_in(client, user)
    url = f"/needs/{need.id}/lines/{line_id}/shortlist"
    first = client.get(url, headers={"HX-Request": "true"}).text
    assert first.count('data-testid="shortlist-entry"') == 10
    assert 'data-testid="show-more"' in first and f"{url}?top=20" in first
    more = client.get(url, params={"top": "20"}, headers={"HX-Request": "true"}).text
    assert more.count('data-testid="shortlist-entry"') == MAKERS
    assert 'data-testid="show-more"' not in more  # all of them are shown
    assert 'name="top" value="20"' in more  # a decision keeps the twenty
    entry = more.split('data-supplier-id="')[1].split('"')[0]
    decided = client.post(
        f"/needs/{need.id}/lines/{line_id}/decisions",
        data={"csrf_token": csrf_of(client), "supplier_id": entry, "decision": "shortlisted", "top": "20"},
        headers={"HX-Request": "true"},
    ).text
    assert decided.count('data-testid="shortlist-entry"') == MAKERS


def test_shown_count_is_bounded() -> None:
    assert [shown_count(raw) for raw in ("", "x", "5", "10", "25", "100", "500", "-1", "²0")] == [
        10,
        10,
        10,
        10,
        20,
        100,
        100,
        10,
        10,
    ]
