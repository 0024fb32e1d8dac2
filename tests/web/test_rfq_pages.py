"""The RFQ pages (issue #11): the buyer's builder, list and status page (the count only before the
deadline), amending and cancelling; the supplier's invitation page with its quote form, questions and
withdrawal. Strangers get not found."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_user
from tests.factories.rfq import DAY, RfqSetup, make_bidders, make_rfq, pass_deadline, quote_on
from tests.factories.sourcing import make_buyer, make_need
from tests.factories.suppliers import make_supplier

from rantai.identity import service as identity
from rantai.identity.models import User
from rantai.identity.policy import Actor
from rantai.identity.roles import Role
from rantai.kit import clock
from rantai.kit.clock import WIB
from rantai.settings import Settings
from rantai.sourcing import repository as need_repository
from rantai.sourcing import service as sourcing
from rantai.sourcing.rfq import export, repository, service
from rantai.sourcing.rfq.models import Award, Quote, QuoteLine, Rfq, RfqInvitation, RfqLine, RfqQuestion
from rantai.sourcing.state import Decision
from rantai.web.routes import comparison as comparison_routes


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _as(client: TestClient, user: User) -> None:
    client.cookies.clear()
    log_in(client, user)
    client.cookies.set("rantai_lang", "en")


def sourcing_lines(db: Session, rfq: Rfq) -> list[RfqLine]:
    return list(repository.lines_of(db, rfq.id))


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%dT%H:%M")


def test_the_builder_makes_a_draft_and_the_buyer_sends_it(client: TestClient, db: Session) -> None:
    org, user, actor = make_buyer(db)
    need = make_need(db, org, actor, status="open")
    line = need_repository.lines_of(db, need.id)[0]
    shortlisted, other = make_bidders(db, 2)
    sourcing.decide(
        db,
        actor=actor,
        need=need,
        line=line,
        supplier_id=shortlisted.profile.id,
        decision=Decision.SHORTLISTED,
    )
    _as(client, user)
    assert f'href="/needs/{need.id}/rfq/new"' in client.get(f"/needs/{need.id}").text
    assert 'href="/rfqs"' in client.get("/").text  # the menu
    empty = client.get("/rfqs").text
    assert 'data-testid="empty-state"' in empty

    page = client.get(f"/needs/{need.id}/rfq/new").text
    assert f'value="{need.title}"' in page
    ticked = re.findall(r'name="supplier_ids" value="(\d+)" checked', page)
    assert ticked == [str(shortlisted.profile.id)]
    key = re.search(r'name="form_key" value="([^"]+)"', page)
    assert key is not None
    deadline = _local(clock.now() + 2 * DAY)
    made = client.post(
        f"/needs/{need.id}/rfq/new",
        data={
            "csrf_token": csrf_of(client),
            "form_key": key.group(1),
            "title": "Keripik untuk kantor cabang",
            "deadline": deadline,
            f"line-{line.id}-include": "1",
            f"line-{line.id}-quantity": "1.200",
            "supplier_ids": [str(shortlisted.profile.id)],
            "currency": "IDR",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    rfq = db.scalars(select(Rfq).where(Rfq.need_id == need.id)).one()
    assert made.headers["location"] == f"/rfqs/{rfq.id}?done=made"
    assert rfq.status == "draft"
    assert [line.quantity for line in sourcing_lines(db, rfq)] == [1200]
    assert db.scalars(select(RfqInvitation.supplier_id).where(RfqInvitation.rfq_id == rfq.id)).all() == [
        shortlisted.profile.id
    ]
    status = client.get(f"/rfqs/{rfq.id}?done=made").text
    assert 'data-testid="send"' in status and 'data-testid="invite-form"' not in status  # all invited
    assert re.findall(r'data-supplier-id="(\d+)"', status) == [str(shortlisted.profile.id)]
    assert other.profile.id != shortlisted.profile.id

    confirm = client.get(f"/rfqs/{rfq.id}/send").text
    assert 'data-testid="confirm-send"' in confirm
    sent = client.post(
        f"/rfqs/{rfq.id}/send",
        data={"csrf_token": csrf_of(client), "version": str(rfq.version), "confirm": "yes"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    db.refresh(rfq)
    assert rfq.status == "open"
    listed = client.get("/rfqs", params={"status": "open"}).text
    assert f'data-rfq-id="{rfq.id}"' in listed
    assert f'data-rfq-id="{rfq.id}"' not in client.get("/rfqs", params={"status": "draft"}).text


def test_a_bad_builder_form_names_the_field_and_makes_nothing(client: TestClient, db: Session) -> None:
    org, user, actor = make_buyer(db)
    need = make_need(db, org, actor, status="open")
    line = need_repository.lines_of(db, need.id)[0]
    _as(client, user)
    before = _count(db, Rfq)
    answer = client.post(
        f"/needs/{need.id}/rfq/new",
        data={
            "csrf_token": csrf_of(client),
            "title": "Keripik",
            "deadline": _local(clock.now() - DAY),
            f"line-{line.id}-include": "1",
            "published": "1",
        },
    )
    assert answer.status_code == 422
    assert 'id="e-deadline"' in answer.text and "later than now" in answer.text
    assert 'value="Keripik"' in answer.text  # the input is kept
    assert _count(db, Rfq) == before


def test_the_buyer_sees_only_the_count_before_the_deadline(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    quote_on(db, setup, setup.bidders[0], unit_price=987_654)
    _as(client, setup.user)
    page = client.get(f"/rfqs/{setup.rfq.id}")
    assert page.status_code == 200
    count = re.search(r'data-testid="quote-count">\s*<h2>[^<]*</h2>\s*<p class="status">(\d+)<', page.text)
    assert count is not None and count.group(1) == "1"
    assert "987.654" not in page.text and "987,654" not in page.text
    assert f'data-supplier-id="{setup.bidders[0].profile.id}"' in page.text  # the invitations are named


def test_a_supplier_quotes_through_the_form(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    bidder = setup.bidders[0]
    line = sourcing_lines(db, setup.rfq)[0]
    _as(client, bidder.user)
    assert 'href="/invitations"' in client.get("/").text
    listed = client.get("/invitations").text
    assert f'data-rfq-id="{setup.rfq.id}"' in listed
    page = client.get(f"/invitations/{setup.rfq.id}").text
    assert 'data-testid="quote-form"' in page and "<table" not in page
    valid = (clock.now() + 30 * DAY).date().isoformat()
    sent = client.post(
        f"/invitations/{setup.rfq.id}/quote",
        data={
            "csrf_token": csrf_of(client),
            f"line-{line.id}-unit_price": "Rp 12.500",
            f"line-{line.id}-quantity": "",
            f"line-{line.id}-lead_time_days": "14",
            "valid_until": valid,
            "notes": "Harga franco gudang",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    quote = db.scalars(select(Quote).where(Quote.rfq_id == setup.rfq.id)).one()
    assert quote.status == "submitted" and quote.notes == "Harga franco gudang"
    lines = db.scalars(select(QuoteLine).where(QuoteLine.quote_id == quote.id)).all()
    assert [(ql.unit_price, ql.quantity, ql.lead_time_days) for ql in lines] == [(12_500, line.quantity, 14)]
    own = client.get(f"/invitations/{setup.rfq.id}").text
    assert 'data-testid="own-quote"' in own and 'data-testid="revisions"' in own
    assert 'data-testid="to-confirm"' not in own


def test_bad_quote_input_is_shown_with_its_field_and_writes_nothing(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    line = sourcing_lines(db, setup.rfq)[0]
    _as(client, setup.bidders[0].user)
    before = (_count(db, Quote), _count(db, QuoteLine))
    answer = client.post(
        f"/invitations/{setup.rfq.id}/quote",
        data={
            "csrf_token": csrf_of(client),
            f"line-{line.id}-unit_price": "12500",
            f"line-{line.id}-quantity": str(line.quantity + 1),
            f"line-{line.id}-lead_time_days": "7",
            "valid_until": (clock.now() + 30 * DAY).date().isoformat(),
        },
    )
    assert answer.status_code == 422
    assert f'id="e-line-{line.id}-quantity"' in answer.text
    assert "quantity offered" in answer.text
    assert f'value="{line.quantity + 1}"' in answer.text
    assert (_count(db, Quote), _count(db, QuoteLine)) == before


def test_strangers_get_not_found(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    _, stranger_supplier, _ = make_supplier(db, status="verified")
    _as(client, stranger_supplier)
    assert client.get(f"/invitations/{setup.rfq.id}").status_code == 404
    assert f'data-rfq-id="{setup.rfq.id}"' not in client.get("/invitations").text
    before = _count(db, RfqQuestion)
    asked = client.post(
        f"/invitations/{setup.rfq.id}/questions", data={"csrf_token": csrf_of(client), "question": "Halo?"}
    )
    assert asked.status_code == 404 and _count(db, RfqQuestion) == before
    assert client.get("/rfqs").status_code == 403
    _, other_buyer, _ = make_buyer(db)
    _as(client, other_buyer)
    assert client.get(f"/rfqs/{setup.rfq.id}").status_code == 404
    assert client.get(f"/invitations/{setup.rfq.id}").status_code == 404
    assert client.get("/invitations").status_code == 403
    cancel = client.post(f"/rfqs/{setup.rfq.id}/cancel", data={"csrf_token": csrf_of(client), "reason": "x"})
    assert cancel.status_code == 404
    db.refresh(setup.rfq)
    assert setup.rfq.status == "open"


def test_questions_are_asked_and_answered_without_naming_the_asker(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    asker, other = setup.bidders
    _as(client, asker.user)
    empty = client.post(f"/invitations/{setup.rfq.id}/questions", data={"csrf_token": csrf_of(client)})
    assert empty.status_code == 422
    assert 'id="e-question"' in empty.text
    asked = client.post(
        f"/invitations/{setup.rfq.id}/questions",
        data={"csrf_token": csrf_of(client), "question": "Apakah kemasan boleh karton?"},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    question = db.scalars(select(RfqQuestion).where(RfqQuestion.rfq_id == setup.rfq.id)).one()

    _as(client, setup.user)
    page = client.get(f"/rfqs/{setup.rfq.id}").text
    assert "Apakah kemasan boleh karton?" in page
    assert asker.profile.business_name not in page.split('data-testid="questions"')[1].split("</section>")[0]
    answered = client.post(
        f"/rfqs/{setup.rfq.id}/questions/{question.id}/answer",
        data={"csrf_token": csrf_of(client), "answer": "Boleh, karton tebal."},
        follow_redirects=False,
    )
    assert answered.status_code == 303

    _as(client, other.user)
    seen = client.get(f"/invitations/{setup.rfq.id}").text
    assert "Apakah kemasan boleh karton?" in seen and "Boleh, karton tebal." in seen
    assert asker.profile.business_name not in seen


def test_amending_marks_the_quote_to_confirm_and_withdrawing_asks_first(
    client: TestClient, db: Session
) -> None:
    setup = make_rfq(db, bidders=1)
    bidder = setup.bidders[0]
    quote = quote_on(db, setup, bidder)
    line = sourcing_lines(db, setup.rfq)[0]
    _as(client, setup.user)
    no_reason = client.post(
        f"/rfqs/{setup.rfq.id}/amend",
        data={"csrf_token": csrf_of(client), "version": str(setup.rfq.version), "reason": ""},
    )
    assert 'id="e-reason"' in no_reason.text
    db.refresh(setup.rfq)
    assert setup.rfq.revision == 1
    amended = client.post(
        f"/rfqs/{setup.rfq.id}/amend",
        data={
            "csrf_token": csrf_of(client),
            "version": str(setup.rfq.version),
            "reason": "Jumlah bertambah",
            "deadline": _local(setup.rfq.deadline + DAY),
            f"line-{line.id}-quantity": str(line.quantity + 10),
        },
        follow_redirects=False,
    )
    assert amended.status_code == 303, amended.text
    db.refresh(setup.rfq)
    db.refresh(line)
    assert setup.rfq.revision == 2 and line.quantity == quote_line_quantity(db, quote) + 10

    _as(client, bidder.user)
    page = client.get(f"/invitations/{setup.rfq.id}").text
    assert 'data-testid="to-confirm"' in page and "Jumlah bertambah" in page
    assert 'data-testid="confirm-withdraw"' in client.get(f"/invitations/{setup.rfq.id}/withdraw").text
    db.refresh(quote)
    withdrawn = client.post(
        f"/invitations/{setup.rfq.id}/withdraw",
        data={"csrf_token": csrf_of(client), "version": str(quote.version)},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    db.refresh(quote)
    assert quote.status == "withdrawn"


def quote_line_quantity(db: Session, quote: Quote) -> int:
    return db.scalars(select(QuoteLine.quantity).where(QuoteLine.quote_id == quote.id)).one()


def test_cancelling_asks_for_a_reason(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    _as(client, setup.user)
    assert 'data-testid="confirm-cancel"' in client.get(f"/rfqs/{setup.rfq.id}/cancel").text
    refused = client.post(
        f"/rfqs/{setup.rfq.id}/cancel",
        data={"csrf_token": csrf_of(client), "version": str(setup.rfq.version)},
    )
    assert 'id="e-reason"' in refused.text
    db.refresh(setup.rfq)
    assert setup.rfq.status == "open"
    done = client.post(
        f"/rfqs/{setup.rfq.id}/cancel",
        data={
            "csrf_token": csrf_of(client),
            "version": str(setup.rfq.version),
            "reason": "Anggaran dipotong",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    db.refresh(setup.rfq)
    assert setup.rfq.status == "cancelled"
    _as(client, setup.bidders[0].user)
    assert "Anggaran dipotong" in client.get(f"/invitations/{setup.rfq.id}").text


def test_after_the_deadline_the_supplier_can_no_longer_quote(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    pass_deadline(db)
    with clock.travel(dt.timedelta(days=3)):
        _as(client, setup.bidders[0].user)  # three days on, the session has ended
        page = client.get(f"/invitations/{setup.rfq.id}").text
    assert 'data-testid="rfq-lines"' in page
    assert 'data-testid="quote-form"' not in page and 'data-testid="ask-form"' not in page


def test_a_quote_carries_an_attachment(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    line = sourcing_lines(db, setup.rfq)[0]
    _as(client, setup.bidders[0].user)
    sent = client.post(
        f"/invitations/{setup.rfq.id}/quote",
        data={
            "csrf_token": csrf_of(client),
            f"line-{line.id}-unit_price": "9000",
            "valid_until": (clock.now() + 30 * DAY).date().isoformat(),
        },
        files={"attachment": ("brosur.pdf", b"%PDF-1.4 brosur", "application/pdf")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    assert "brosur.pdf" in client.get(f"/invitations/{setup.rfq.id}").text
    before = _count(db, QuoteLine)
    refused = client.post(
        f"/invitations/{setup.rfq.id}/quote",
        data={
            "csrf_token": csrf_of(client),
            f"line-{line.id}-unit_price": "8000",
            "valid_until": (clock.now() + 30 * DAY).date().isoformat(),
        },
        files={"attachment": ("virus.exe", b"MZ....", "application/octet-stream")},
    )
    assert refused.status_code == 422 and "virus.exe" in refused.text
    assert _count(db, QuoteLine) == before  # the revision went with the refused file


def test_buyer_settings_are_changed_by_the_owner_and_read_by_officers(
    client: TestClient, db: Session
) -> None:
    org, officer, _ = make_buyer(db)
    _, owner, _ = make_buyer(db, org, (Role.OWNER,))
    _as(client, officer)
    assert 'href="/account/buyer-settings"' in client.get("/rfqs").text
    page = client.get("/account/buyer-settings").text
    assert 'data-testid="buyer-settings"' in page and 'name="approval_above"' not in page
    _as(client, owner)
    bad = client.post(
        "/account/buyer-settings",
        data={"csrf_token": csrf_of(client), "approval_above": "banyak", "payment_terms_days": "30"},
    )
    assert bad.status_code == 422 and 'id="e-approval_above"' in bad.text
    saved = client.post(
        "/account/buyer-settings",
        data={"csrf_token": csrf_of(client), "approval_above": "Rp 250.000.000", "payment_terms_days": "45"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    settings = service.buyer_settings(db, org.id)
    assert (settings.approval_above, settings.payment_terms_days) == (250_000_000, 45)


def test_the_comparison_opens_after_the_deadline_only(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    setup = make_rfq(db, bidders=3)
    cheap, dear, late = setup.bidders
    quote_on(db, setup, cheap, unit_price=9_100)
    quote_on(db, setup, dear, unit_price=12_300)
    _as(client, setup.user)
    sealed = client.get(f"/rfqs/{setup.rfq.id}/comparison")
    assert sealed.status_code == 403 and 'data-testid="sealed"' in sealed.text
    assert "9.100" not in sealed.text and "9,100" not in sealed.text
    assert client.get(f"/rfqs/{setup.rfq.id}/comparison.xlsx").status_code == 403

    pass_deadline(db)
    with clock.travel(dt.timedelta(days=3)):
        _as(client, setup.user)  # three days on, the session has ended
        status = client.get(f"/rfqs/{setup.rfq.id}").text
        assert 'data-testid="comparison-link"' in status
        page = client.get(f"/rfqs/{setup.rfq.id}/comparison")
        assert page.status_code == 200
        assert page.text.count('data-testid="lowest"') == 1
        lowest = page.text.split('data-lowest="1"')[1].split("</td>")[0]
        assert "9,100" in lowest
        assert f'data-supplier-id="{late.profile.id}"' not in page.text  # no quote, no column
        book = client.get(f"/rfqs/{setup.rfq.id}/comparison.xlsx")
        assert book.status_code == 200 and book.content[:2] == b"PK"
        assert "attachment" in book.headers["content-disposition"]

        monkeypatch.setattr(export, "EXPORT_NOW_MAX_ROWS", 0)
        assert 'data-testid="prepare-export"' in client.get(f"/rfqs/{setup.rfq.id}/comparison").text
        later = client.get(f"/rfqs/{setup.rfq.id}/comparison.xlsx", follow_redirects=False)
        assert later.status_code == 303
        job = client.post(
            f"/rfqs/{setup.rfq.id}/comparison/export",
            data={"csrf_token": csrf_of(client)},
            follow_redirects=False,
        )
        assert job.status_code == 303 and "/comparison/export/" in job.headers["location"]
        assert client.get(job.headers["location"]).status_code == 200
        # Its file removed after the keeping time: the page says so and how to get a new one.
        later_on = clock.now() + export.EXPORT_KEEP + dt.timedelta(days=1)
        assert export.remove_old_exports(settings.data_dir, now=later_on) == 1
        gone = client.get(job.headers["location"])
        assert gone.status_code == 200 and 'data-status="expired"' in gone.text
        assert "removed 7 days after" in gone.text

        _as(client, cheap.user)
        assert client.get(f"/rfqs/{setup.rfq.id}/comparison").status_code == 404


def test_the_comparison_pages_its_supplier_columns_and_marks_the_lowest_over_all(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(comparison_routes, "SUPPLIERS_PER_PAGE", 2)
    setup = make_rfq(db, bidders=3)
    first, second, cheapest = setup.bidders
    quote_on(db, setup, first, unit_price=9_500)
    quote_on(db, setup, second, unit_price=9_700)
    quote_on(db, setup, cheapest, unit_price=9_100)  # arrives last: on the second page
    pass_deadline(db)
    with clock.travel(dt.timedelta(days=3)):
        _as(client, setup.user)
        one = client.get(f"/rfqs/{setup.rfq.id}/comparison").text
        columns = re.findall(r'<th scope="col" data-supplier-id="(\d+)"', one)
        assert columns == [str(first.profile.id), str(second.profile.id)]
        assert 'data-lowest="1"' not in one  # the lowest of the line is on the other page
        assert 'data-testid="supplier-range"' in one and 'rel="next"' in one
        two = client.get(f"/rfqs/{setup.rfq.id}/comparison?page=2").text
        assert re.findall(r'<th scope="col" data-supplier-id="(\d+)"', two) == [str(cheapest.profile.id)]
        assert two.count('data-lowest="1"') == 1 and 'rel="prev"' in two
        past = client.get(f"/rfqs/{setup.rfq.id}/comparison?page=9").text  # past the end: the last page
        assert re.findall(r'<th scope="col" data-supplier-id="(\d+)"', past) == [str(cheapest.profile.id)]
        assert client.get(f"/rfqs/{setup.rfq.id}/comparison?page=0").status_code == 422


def test_the_buyer_awards_the_lowest_offer_and_the_suppliers_see_the_outcome(
    client: TestClient, db: Session
) -> None:
    setup = make_rfq(db, bidders=2)
    cheap, dear = setup.bidders
    quote_on(db, setup, cheap, unit_price=9_100)
    quote_on(db, setup, dear, unit_price=12_300)
    line = sourcing_lines(db, setup.rfq)[0]
    pass_deadline(db)
    with clock.travel(dt.timedelta(days=3)):
        _as(client, setup.user)
        assert 'data-testid="award-link"' in client.get(f"/rfqs/{setup.rfq.id}").text
        form = client.get(f"/rfqs/{setup.rfq.id}/award").text
        filled = dict(re.findall(r'name="(part-\d+-\d+)" value="([^"]*)"', form))
        assert filled == {
            f"part-{line.id}-{cheap.profile.id}": str(line.quantity),
            f"part-{line.id}-{dear.profile.id}": "",
        }
        too_many = client.post(
            f"/rfqs/{setup.rfq.id}/award",
            data={
                "csrf_token": csrf_of(client),
                f"part-{line.id}-{cheap.profile.id}": str(line.quantity + 1),
            },
        )
        assert too_many.status_code in {409, 422}
        assert f'id="e-part-{line.id}-{cheap.profile.id}"' in too_many.text or 'role="alert"' in too_many.text
        assert _count(db, Award) == 0
        made = client.post(
            f"/rfqs/{setup.rfq.id}/award",
            data={"csrf_token": csrf_of(client), **filled},
            follow_redirects=False,
        )
        assert made.status_code == 303, made.text
        award = db.scalars(select(Award).where(Award.rfq_id == setup.rfq.id)).one()
        assert award.status == "approved" and award.total == 9_100 * line.quantity
        status = client.get(f"/rfqs/{setup.rfq.id}").text
        assert 'data-testid="award" data-status="approved"' in status
        assert 'data-testid="award-link"' not in status  # awarded in full: nothing left to award
        _as(client, cheap.user)
        won = client.get(f"/invitations/{setup.rfq.id}").text
        assert 'data-testid="won"' in won
        _as(client, dear.user)
        lost = client.get(f"/invitations/{setup.rfq.id}").text
        assert 'data-testid="lost"' in lost and "lower price" in lost


def test_an_invitee_that_did_not_quote_sees_no_empty_outcome(client: TestClient, db: Session) -> None:
    # Found by the browser journey: the supplier that only asked a question got an empty "The outcome" card.
    setup = make_rfq(db, bidders=2)
    bidder, silent = setup.bidders
    quote_on(db, setup, bidder, unit_price=9_100)
    line = sourcing_lines(db, setup.rfq)[0]
    pass_deadline(db)
    with clock.travel(dt.timedelta(days=3)):
        _as(client, setup.user)
        made = client.post(
            f"/rfqs/{setup.rfq.id}/award",
            data={"csrf_token": csrf_of(client), f"part-{line.id}-{bidder.profile.id}": str(line.quantity)},
            follow_redirects=False,
        )
        assert made.status_code == 303, made.text
        _as(client, bidder.user)
        assert 'data-testid="outcome"' in client.get(f"/invitations/{setup.rfq.id}").text
        _as(client, silent.user)
        page = client.get(f"/invitations/{setup.rfq.id}")
        assert page.status_code == 200
        assert 'data-testid="outcome"' not in page.text


def test_an_award_above_the_threshold_waits_for_the_approver(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1, sent=False)
    service.change_buyer_settings(
        db, actor=owner_of(db, setup), organization_id=setup.org.id, approval_above=1, payment_terms_days=30
    )
    service.send(db, actor=setup.actor, rfq=setup.rfq)
    bidder = setup.bidders[0]
    quote_on(db, setup, bidder, unit_price=10_000)
    line = sourcing_lines(db, setup.rfq)[0]
    approver = make_user(db, setup.org, (Role.APPROVER,))
    pass_deadline(db)
    with clock.travel(dt.timedelta(days=3)):
        _as(client, setup.user)
        made = client.post(
            f"/rfqs/{setup.rfq.id}/award",
            data={"csrf_token": csrf_of(client), f"part-{line.id}-{bidder.profile.id}": str(line.quantity)},
            follow_redirects=False,
        )
        assert made.status_code == 303, made.text
        award = db.scalars(select(Award).where(Award.rfq_id == setup.rfq.id)).one()
        assert award.status == "pending_approval"
        _as(client, approver)
        assert 'href="/approvals"' in client.get("/").text
        assert f'data-award-id="{award.id}"' in client.get("/approvals").text
        page = client.get(f"/approvals/{award.id}").text
        assert 'data-testid="approve"' in page
        no_reason = client.post(
            f"/approvals/{award.id}/reject",
            data={"csrf_token": csrf_of(client), "version": str(award.version)},
        )
        assert no_reason.status_code == 422 and 'id="e-reason"' in no_reason.text
        approved = client.post(
            f"/approvals/{award.id}/approve",
            data={"csrf_token": csrf_of(client), "version": str(award.version)},
            follow_redirects=False,
        )
        assert approved.status_code == 303
        db.refresh(award)
        assert award.status == "approved"
        _as(client, bidder.user)
        assert client.get(f"/approvals/{award.id}").status_code in {403, 404}


def owner_of(db: Session, setup: RfqSetup) -> Actor:
    owner = make_user(db, setup.org, (Role.OWNER,))
    return identity.actor_for(db, owner)


def test_the_exception_reason_is_asked_when_the_reservation_refuses(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1, sent=False)
    line = sourcing_lines(db, setup.rfq)[0]
    line.hps = 1_000_000_000  # a BUMN package of Rp1 miliar: reserved for UMKM and cooperatives
    db.flush()
    service.send(db, actor=setup.actor, rfq=setup.rfq)
    (large,) = make_bidders(db, 1, business_name="PT Besar Sekali", annual_sales=60_000_000_000)
    service.invite(db, actor=setup.actor, rfq=setup.rfq, supplier_ids=[large.profile.id])
    quote_on(db, setup, large, unit_price=200_000)
    pass_deadline(db)
    part = f"part-{line.id}-{large.profile.id}"
    with clock.travel(dt.timedelta(days=3)):
        _as(client, setup.user)
        form = client.get(f"/rfqs/{setup.rfq.id}/award").text
        assert 'name="exception_reason"' not in form
        refused = client.post(
            f"/rfqs/{setup.rfq.id}/award", data={"csrf_token": csrf_of(client), part: str(line.quantity)}
        )
        assert refused.status_code == 422
        assert 'id="e-exception_reason"' in refused.text and "PT Besar Sekali" in refused.text
        assert f'value="{line.quantity}"' in refused.text  # the quantities are kept
        assert _count(db, Award) == 0
        made = client.post(
            f"/rfqs/{setup.rfq.id}/award",
            data={
                "csrf_token": csrf_of(client),
                part: str(line.quantity),
                "exception_reason": "Tidak ada UMKM yang sanggup memasok dalam tenggat",
            },
            follow_redirects=False,
        )
        assert made.status_code == 303, made.text
        award = db.scalars(select(Award).where(Award.rfq_id == setup.rfq.id)).one()
        assert award.status == "pending_approval" and award.exception_reason


def test_the_buyer_invites_more_shortlisted_suppliers_to_an_open_rfq(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    (late,) = make_bidders(db, 1)
    need_line = need_repository.lines_of(db, setup.need.id)[0]
    sourcing.decide(
        db,
        actor=setup.actor,
        need=setup.need,
        line=need_line,
        supplier_id=late.profile.id,
        decision=Decision.SHORTLISTED,
    )
    _as(client, setup.user)
    page = client.get(f"/rfqs/{setup.rfq.id}").text
    assert re.findall(r'id="f-invite-(\d+)"', page) == [str(late.profile.id)]
    invited = client.post(
        f"/rfqs/{setup.rfq.id}/invite",
        data={"csrf_token": csrf_of(client), "supplier_ids": [str(late.profile.id)]},
        follow_redirects=False,
    )
    assert invited.status_code == 303
    reached = db.scalars(select(RfqInvitation.supplier_id).where(RfqInvitation.rfq_id == setup.rfq.id)).all()
    assert late.profile.id in reached
    _as(client, late.user)
    assert client.get(f"/invitations/{setup.rfq.id}").status_code == 200


def test_during_evaluation_the_supplier_extends_its_quote_validity(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    quote = quote_on(db, setup, setup.bidders[0])
    was = quote.valid_until
    _as(client, setup.bidders[0].user)
    assert (
        'data-testid="validity-form"' not in client.get(f"/invitations/{setup.rfq.id}").text
    )  # open: revise
    pass_deadline(db)
    page = client.get(f"/invitations/{setup.rfq.id}", headers={"Accept-Language": "en"}).text
    assert 'data-testid="validity-form"' in page
    bad = client.post(
        f"/invitations/{setup.rfq.id}/validity",
        data={"csrf_token": csrf_of(client), "valid_until": was.isoformat(), "version": str(quote.version)},
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert "after the quote&#39;s current last day" in bad.text
    db.refresh(quote)
    assert quote.valid_until == was
    later = was + 10 * DAY
    done = client.post(
        f"/invitations/{setup.rfq.id}/validity",
        data={"csrf_token": csrf_of(client), "valid_until": later.isoformat(), "version": str(quote.version)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?done=extended#own-quote")
    db.refresh(quote)
    assert quote.valid_until == later
