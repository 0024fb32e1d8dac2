"""Double-clicked forms make no twins: a creating form carries a one-time key, and a second POST with it
answers like the first (the same redirect) without creating again."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_org, make_user
from tests.factories.sourcing import make_buyer
from tests.factories.suppliers import make_supplier

from rantai.app import create_app
from rantai.catalog.models import Product
from rantai.db import make_engine, make_session_factory, transaction
from rantai.i18n import translate
from rantai.idempotent import routes_of
from rantai.identity import idempotency
from rantai.identity.models import ApiToken
from rantai.identity.roles import OrgType, Role
from rantai.settings import Settings
from rantai.sourcing import quick
from rantai.sourcing.models import Need
from rantai.web.forms import FormKeyRoute
from rantai.web.routes import router as web_router
from rantai.web.templating import TEMPLATE_DIR

QUICK = "keripik singkong 5.000 bungkus, halal, kirim ke Kota Bandung"
# Every form that creates something, by template: each must carry the key.
CREATING_FORMS = {
    "auth/register.html": "/register",
    "account/tokens.html": "/account/tokens",
    "claims/claim.html": "/supplier/claim",
    "imports/index.html": "/imports",
    "needs/import.html": "/needs/import",
    "needs/form.html": "{{ action }}",
    "needs/index.html": "/needs/quick",
    "suppliers/profile_form.html": "{{ action }}",
    "suppliers/mine.html": "/supplier/certifications",
    "suppliers/product_form.html": "/supplier/products/new",
    "rfqs/new.html": "{{ action }}",
    "rfqs/award.html": "/rfqs/{{ rfq.id }}/award",
    "invitations/detail.html": "/invitations/{{ rfq.id }}/quote",
    "orders/detail.html": "/orders/{{ po.id }}/deliveries",  # and the BAST's and the invoice's forms
    "orders/invoice.html": "/invoices/{{ inv.id }}/payments",
    "orders/_award_orders.html": "/awards/{{ award.id }}/orders",
}


def _key_in(html: str) -> str:
    match = re.search(r'name="form_key" value="([^"]+)"', html)
    assert match, "no form key on the page"
    return match.group(1)


def _needs(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Need)) or 0


def _quick(client: TestClient, key: str, text: str = QUICK) -> Any:
    return client.post(
        "/needs/quick",
        data={"text": text, "csrf_token": csrf_of(client), "form_key": key},
        follow_redirects=False,
    )


def test_every_creating_form_carries_a_key() -> None:
    for template, action in CREATING_FORMS.items():
        source = (TEMPLATE_DIR / template).read_text(encoding="utf-8")
        form = source[source.index(f'action="{action}"') :]
        form = form[: form.index("</form>")]
        assert '{% include "_form_key.html" %}' in form, template


def test_every_browser_post_takes_a_form_key() -> None:
    """A router included after the door's ``adopt`` call would be missed: this fails then."""
    posts = [route for route in routes_of(web_router) if "POST" in (route.methods or ())]
    assert len(posts) > 20
    assert [route.path for route in posts if not isinstance(route, FormKeyRoute)] == []


def test_a_double_submitted_quick_need_makes_one_need(client: TestClient, db: Session) -> None:
    _org, user, _actor = make_buyer(db)
    log_in(client, user)
    key = _key_in(client.get("/needs").text)
    before = _needs(db)
    first = _quick(client, key)
    second = _quick(client, key)
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == first.headers["location"]
    assert _needs(db) == before + 1
    # The page drawn after it carries a new key, so the next need is made.
    assert _key_in(client.get("/needs").text) != key


def test_a_double_submitted_need_form_makes_one_need(client: TestClient, db: Session) -> None:
    _org, user, _actor = make_buyer(db)
    log_in(client, user)
    key = _key_in(client.get("/needs/new").text)
    form = {
        "title": "Oleh-oleh untuk kantor cabang",
        "lines-1-name": "Keripik singkong balado 250 g",
        "lines-1-quantity": "5.000",
        "lines-1-unit_code": "bungkus",
        "lines-1-delivery_kabkota_code": "32.73",
        "lines-1-budget": "Rp 75.000.000",
        "then": "save",
        "csrf_token": csrf_of(client),
        "form_key": key,
    }
    before = _needs(db)
    # "Add a line" redraws part of the page (HTMX) and keeps the key: it claims nothing.
    added = client.post("/needs/new", data={**form, "then": "add-line"}, headers={"HX-Request": "true"})
    assert added.status_code == 200
    answers = [client.post("/needs/new", data=form, follow_redirects=False) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert _needs(db) == before + 1


def test_a_double_submitted_product_with_a_photo_makes_one_product(client: TestClient, db: Session) -> None:
    """A multipart form: each send draws a new boundary, so the fields and the file's digest are compared,
    not the raw body; another file with the same key is another request."""
    profile, owner, _ = make_supplier(db)
    log_in(client, owner)
    key = _key_in(client.get("/supplier/products/new").text)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    data = {"name": "Tas Anyaman Pandan", "csrf_token": csrf_of(client), "form_key": key}
    answers = [
        client.post(
            "/supplier/products/new",
            data=data,
            files={"photo": ("tas.png", png, "image/png")},
            follow_redirects=False,
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    other = client.post(
        "/supplier/products/new",
        data=data,
        files={"photo": ("tas.png", png + b"1", "image/png")},
        follow_redirects=False,
    )
    assert other.status_code == 422
    assert db.scalar(select(func.count()).select_from(Product).where(Product.supplier_id == profile.id)) == 1


def test_a_form_with_errors_frees_its_key(client: TestClient, db: Session) -> None:
    _org, user, _actor = make_buyer(db)
    log_in(client, user)
    key = _key_in(client.get("/needs").text)
    before = _needs(db)
    assert 400 <= _quick(client, key, text="  ").status_code < 500
    assert _quick(client, key).status_code == 303
    assert _needs(db) == before + 1


def test_the_same_key_with_other_contents_is_refused(client: TestClient, db: Session) -> None:
    _org, user, _actor = make_buyer(db)
    log_in(client, user)
    client.cookies.set("rantai_lang", "en")
    key = _key_in(client.get("/needs").text)
    assert _quick(client, key).status_code == 303
    before = _needs(db)
    refused = _quick(client, key, text="air mineral 200 dus ke Kota Bandung")
    assert refused.status_code == 422
    assert translate("en", idempotency.MSG_FORM_REUSED) in refused.text
    assert _needs(db) == before


def test_a_double_submitted_token_form_makes_one_token(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.UMKM)
    log_in(client, make_user(db, org, (Role.OWNER,)))
    client.cookies.set("rantai_lang", "en")
    key = _key_in(client.get("/account/tokens").text)
    data = {"name": "erp", "csrf_token": csrf_of(client), "form_key": key}
    first = client.post("/account/tokens", data=data)
    assert first.status_code == 200 and "rnt_" in first.text
    second = client.post("/account/tokens", data=data)
    # The secret is shown once and not kept: the second answer says the token was made.
    assert second.status_code == 409 and "rnt_" not in second.text
    assert translate("en", idempotency.MSG_SECRET_WITHHELD) in second.text
    assert (
        db.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.organization_id == org.id)) == 1
    )


def test_a_form_without_a_key_behaves_as_before(client: TestClient, db: Session) -> None:
    _org, user, _actor = make_buyer(db)
    log_in(client, user)
    before = _needs(db)
    for _ in range(2):
        sent = client.post(
            "/needs/quick", data={"text": QUICK, "csrf_token": csrf_of(client)}, follow_redirects=False
        )
        assert sent.status_code == 303
    assert _needs(db) == before + 2


def test_a_double_click_waits_for_the_first_and_gets_its_redirect(
    committed_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real connections, two threads: the second POST arrives while the first still runs; it waits for
    it and answers with the same redirect, and one need exists."""
    engine = make_engine(committed_url)
    with transaction(make_session_factory(engine)) as session:
        _org, user, _actor = make_buyer(session)
        before = _needs(session)
    real = quick.create_quick_need
    started = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        started.set()
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(quick, "create_quick_need", slow)
    app = create_app(Settings(database_url=committed_url, data_dir=tmp_path / "data"))
    answers: list[Any] = []
    with TestClient(app) as client:
        log_in(client, user)
        key = _key_in(client.get("/needs").text)

        def send() -> None:
            answers.append(_quick(client, key))

        first = threading.Thread(target=send)
        first.start()
        assert started.wait(30)
        second = threading.Thread(target=send)
        second.start()
        first.join(60)
        second.join(60)
    assert [a.status_code for a in answers] == [303, 303], [a.text[:300] for a in answers]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    with transaction(make_session_factory(engine)) as session:
        assert _needs(session) == before + 1
    engine.dispose()
