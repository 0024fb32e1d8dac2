"""The audit page in words (issue #13): sentences in the reader's language with the actor's name, dates
by Babel, and the raw codes only behind a details toggle."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import log_in, make_org, make_user

from rantai.audit import wording
from rantai.audit.events import Event
from rantai.identity import service as identity
from rantai.identity.roles import Role


def _outside_details(html: str) -> str:
    return re.sub(r"<details>.*?</details>", "", html, flags=re.S)


def test_entries_read_as_sentences_with_names(client: TestClient, db: Session) -> None:
    org = make_org(db)
    owner = make_user(db, org, (Role.OWNER,), locale="en")
    newcomer = make_user(db)
    identity.add_membership(db, user=newcomer, organization=org, role=Role.APPROVER, actor_user_id=owner.id)
    db.flush()
    log_in(client, owner)
    page = client.get("/account/audit")
    assert page.status_code == 200
    shown = _outside_details(page.text)
    assert f"{owner.full_name} logged in" in shown
    assert f"{owner.full_name} added a member with the role Approver" in shown
    assert "user.logged_in" not in shown and f"user {owner.id}" not in shown
    assert "<code>user.logged_in</code>" in page.text  # still there, behind the toggle
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} WIB", shown)  # Babel's date and time


def test_an_entry_without_a_person_names_the_platform(client: TestClient, db: Session) -> None:
    org = make_org(db)  # ORGANIZATION_CREATED has no actor
    owner = make_user(db, org, (Role.OWNER,), locale="en")
    log_in(client, owner)
    assert "Rantai created the organization" in _outside_details(client.get("/account/audit").text)


def test_every_sentence_uses_only_the_known_placeholders() -> None:
    allowed = {"actor", "id", "role", "event"}
    for event, sentence in wording.SENTENCES.items():
        assert set(re.findall(r"%\((\w+)\)s", sentence)) <= allowed, event
    assert wording.sentence_of("no.such_event") == wording.GENERIC
    assert wording.sentence_of(Event.USER_LOGGED_IN.value) == "%(actor)s logged in"
