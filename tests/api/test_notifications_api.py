"""The notifications API: the caller's own notices, worded in the caller's language; marking them read;
choosing what to receive (issue #10, item 5)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.notifications import inbox_of

from rantai.i18n import translate
from rantai.identity.recipients import recipient_of
from rantai.identity.roles import OrgType
from rantai.notifications import kinds
from rantai.notifications import service as notifications

MESSAGE = (
    "An import by %(importer)s changed your business profile. Check it; your audit log lists what changed."
)


def test_the_caller_lists_and_marks_their_own_notices(client: TestClient, db: Session) -> None:
    org, elsewhere = make_org(db, OrgType.UMKM), make_org(db, OrgType.UMKM)
    user, other = make_user(db, org, locale="en"), make_user(db, org)
    make_user(db, elsewhere)
    notifications.notify(
        db,
        [recipient_of(user)],
        kinds.PROFILE_CHANGED_BY_IMPORT,
        message=MESSAGE,
        params={"importer": "PT X"},
        link="/supplier",
        organization_id=org.id,
    )
    notifications.notify(db, [recipient_of(user)], kinds.PASSWORD_CHANGED, message="About the account")
    # About another organization the user is also in: not for this organization's token.
    notifications.notify(
        db, [recipient_of(user)], kinds.CLAIM_APPROVED, message="x", organization_id=elsewhere.id
    )
    (others,) = notifications.notify(db, [recipient_of(other)], kinds.CLAIM_APPROVED, message="o")
    headers = bearer(api_token_for(db, user, org))
    body = client.get("/api/v1/notifications", headers={**headers, "Accept-Language": "id"}).json()
    assert body["total"] == 2
    imported = next(item for item in body["items"] if item["kind"] == "supplier.changed_by_import")
    assert imported["text"] == translate("id", MESSAGE, importer="PT X")
    assert imported["title"] == translate("id", kinds.PROFILE_CHANGED_BY_IMPORT.title)
    assert (imported["message_id"], imported["params"], imported["link"]) == (
        MESSAGE,
        {"importer": "PT X"},
        "/supplier",
    )
    english = client.get("/api/v1/notifications", headers=headers).json()  # the user's own language
    assert english["items"][0]["title"] in {
        translate("en", kinds.PASSWORD_CHANGED.title),
        translate("en", kinds.PROFILE_CHANGED_BY_IMPORT.title),
    }

    marked = client.post(f"/api/v1/notifications/{imported['id']}/read", headers=headers)
    assert marked.status_code == 200 and marked.json()["read_at"] is not None
    assert client.post(f"/api/v1/notifications/{others.id}/read", headers=headers).status_code == 404
    assert others.read_at is None
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == {"marked": 1}
    # The notice about the other organization stays unread: this token does not reach it.
    assert [n.read_at is None for n in inbox_of(db, user.id)] == [False, False, True]


def test_choosing_what_to_receive_through_the_api(client: TestClient, db: Session) -> None:
    org = make_org(db)
    user = make_user(db, org)
    headers = bearer(api_token_for(db, user, org))
    listed = client.get("/api/v1/notification-preferences", headers=headers).json()
    assert {item["kind"] for item in listed} == set(kinds.KINDS)
    chosen = [
        {"kind": kinds.PASSWORD_CHANGED.code, "inbox": False, "email": False},
        {"kind": kinds.CLAIM_APPROVED.code, "inbox": True, "email": False},
    ]
    saved = {
        item["kind"]: item
        for item in client.put("/api/v1/notification-preferences", json=chosen, headers=headers).json()
    }
    assert (
        saved["account.password_changed"]["email"],
        saved["account.password_changed"]["email_required"],
    ) == (True, True)
    assert (saved["supplier.claim_approved"]["inbox"], saved["supplier.claim_approved"]["email"]) == (
        True,
        False,
    )
    unknown = client.put(
        "/api/v1/notification-preferences",
        json=[{"kind": "no.such", "inbox": True, "email": True}],
        headers=headers,
    )
    assert unknown.status_code == 422 and unknown.headers["content-type"] == "application/problem+json"
