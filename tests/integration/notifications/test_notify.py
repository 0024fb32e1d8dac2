"""Notifying users (issue #10, item 5): the inbox row, worded in its reader's language when shown; each
user's choices; security notices whose email cannot be turned off; recipients resolved by identity."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from tests.factories.identity import make_org, make_user
from tests.factories.notifications import inbox_of, outbox_to
from tests.factories.suppliers import (
    business_owner,
    import_file,
    importer,
    national_verifier,
    next_nib,
    supplier_row,
)
from tests.integration.identity.test_service import _change
from tests.integration.suppliers.test_claims import EVIDENCE, _imported

from rantai.i18n import translate
from rantai.identity import notices as identity_notices
from rantai.identity import recipients
from rantai.identity import repository as identity_repo
from rantai.identity.policy import Action
from rantai.identity.roles import OrgType, Role
from rantai.kit.errors import Invalid, NotFound
from rantai.kit.pagination import PageRequest
from rantai.notifications import kinds
from rantai.notifications import service as notifications
from rantai.notifications.service import MSG_EMAIL_FOOTER, Recipient
from rantai.suppliers import claims, repository
from rantai.suppliers.models import SupplierProfile

MESSAGE = (
    "Your claim of the profile of %(business)s (NIB %(nib)s) was rejected. The verifier wrote: %(reason)s"
)


def test_a_notice_is_stored_once_and_worded_in_its_readers_language(db: Session) -> None:
    org = make_org(db)
    user = make_user(db, org, locale="en")
    notifications.notify(
        db,
        [recipients.recipient_of(user)],
        kinds.CLAIM_REJECTED,
        message=MESSAGE,
        params={"business": "Keripik Bu Sri", "nib": "1234567890123", "reason": "Bawa akta."},
        link="/supplier/claim",
        organization_id=org.id,
    )
    (row,) = inbox_of(db, user.id)
    assert (row.kind, row.message, row.link, row.read_at) == (
        "supplier.claim_rejected",
        MESSAGE,
        "/supplier/claim",
        None,
    )
    for locale in ("id", "en"):
        shown = notifications.shown(row, locale)
        assert shown.title == translate(locale, kinds.CLAIM_REJECTED.title)
        assert shown.text == translate(
            locale, MESSAGE, business="Keripik Bu Sri", nib="1234567890123", reason="Bawa akta."
        )
        assert "Keripik Bu Sri" in shown.text and "Bawa akta." in shown.text
    # The email is worded when queued, in the recipient's language, with the link kept apart.
    (email,) = outbox_to(db, user.email)
    assert email.locale == "en" and email.subject == translate("en", kinds.CLAIM_REJECTED.title)
    assert email.body.startswith(
        translate("en", MESSAGE, business="Keripik Bu Sri", nib="1234567890123", reason="Bawa akta.")
    )
    assert email.body.endswith(translate("en", MSG_EMAIL_FOOTER)) and email.link == "/supplier/claim"
    assert (email.status, email.attempts, email.user_id) == ("queued", 0, user.id)


def test_each_user_gets_what_they_chose(db: Session) -> None:
    org = make_org(db)
    quiet, mail_only, default = (make_user(db, org) for _ in range(3))
    notifications.set_preferences(db, quiet.id, {kinds.CLAIM_APPROVED.code: (False, False)})
    notifications.set_preferences(db, mail_only.id, {kinds.CLAIM_APPROVED.code: (False, True)})
    people = [recipients.recipient_of(u) for u in (quiet, mail_only, default)]
    made = notifications.notify(db, people, kinds.CLAIM_APPROVED, message="x", link="/supplier")
    assert [n.user_id for n in made] == [default.id]
    assert (inbox_of(db, quiet.id), outbox_to(db, quiet.email)) == ([], [])
    assert (inbox_of(db, mail_only.id), len(outbox_to(db, mail_only.email))) == ([], 1)
    assert (len(inbox_of(db, default.id)), len(outbox_to(db, default.email))) == (1, 1)
    # Another kind keeps its defaults.
    notifications.notify(db, people[:1], kinds.CLAIM_REJECTED, message="y")
    assert len(inbox_of(db, quiet.id)) == 1


def test_a_security_notice_is_always_emailed(db: Session) -> None:
    user = make_user(db, make_org(db))
    choices = notifications.set_preferences(db, user.id, {kinds.PASSWORD_CHANGED.code: (False, False)})
    saved = next(c for c in choices if c.kind is kinds.PASSWORD_CHANGED)
    assert (saved.inbox, saved.email) == (False, True)
    identity_notices.password_changed(db, user)
    assert inbox_of(db, user.id) == []
    (email,) = outbox_to(db, user.email)
    assert email.kind == "account.password_changed" and email.link == "/account/password"


def test_unknown_kinds_are_refused_and_change_nothing(db: Session) -> None:
    user = make_user(db, make_org(db))
    with pytest.raises(Invalid):
        notifications.set_preferences(
            db, user.id, {kinds.CLAIM_APPROVED.code: (False, False), "no.such": (True, True)}
        )
    assert all(c.inbox for c in notifications.preferences(db, user.id))


def test_an_address_without_an_account_gets_email_only(db: Session) -> None:
    made = notifications.notify(
        db, [Recipient(None, "undangan@contoh.co.id", "id")], kinds.CLAIM_APPROVED, message="x"
    )
    assert made == [] and len(outbox_to(db, "undangan@contoh.co.id")) == 1


def test_recipients_are_the_members_whose_roles_allow_the_action(db: Session) -> None:
    org = make_org(db, OrgType.UMKM)
    owner = make_user(db, org, (Role.OWNER, Role.ADMIN))
    viewer = make_user(db, org, (Role.VIEWER,))
    gone = make_user(db, org, (Role.OWNER,))
    gone.is_active = False
    make_user(db, make_org(db), (Role.OWNER,))  # another organization's
    db.flush()
    everyone = recipients.members(db, org.id)
    assert sorted(r.user_id for r in everyone if r.user_id) == sorted([owner.id, viewer.id])
    editors = recipients.members(db, org.id, action=Action.EDIT_SUPPLIER_PROFILE)
    assert editors == [Recipient(owner.id, owner.email, owner.locale)]  # once, though two roles


def test_the_inbox_is_one_users_and_marking_anothers_is_not_found(db: Session) -> None:
    org = make_org(db)
    reader, other = make_user(db, org), make_user(db, org)
    for n in range(3):
        notifications.notify(db, [recipients.recipient_of(reader)], kinds.CLAIM_APPROVED, message=f"m{n}")
    (others,) = notifications.notify(db, [recipients.recipient_of(other)], kinds.CLAIM_APPROVED, message="o")
    assert notifications.unread_count(db, reader.id) == 3
    first = inbox_of(db, reader.id)[0]
    notifications.mark_read(db, reader.id, first.id)
    page = notifications.inbox(db, reader.id, PageRequest(page=1, per_page=10))
    assert [n.message for n in page.items] == ["m2", "m1", "m0"]  # unread first, then newest
    assert page.total == 3 and notifications.unread_count(db, reader.id) == 2
    newest = notifications.inbox(db, reader.id, PageRequest(page=1, per_page=2), unread_first=False)
    assert [n.message for n in newest.items] == ["m2", "m1"] and newest.pages == 2
    with pytest.raises(NotFound):
        notifications.mark_read(db, reader.id, others.id)
    assert others.read_at is None
    assert notifications.mark_all_read(db, reader.id) == 2
    assert notifications.unread_count(db, reader.id) == 0 and notifications.unread_count(db, other.id) == 1


def test_a_password_change_tells_the_owner(db: Session) -> None:
    user = make_user(db, make_org(db), locale="en")
    assert _change(db, user, "correct-horse-battery", "a-new-long-passphrase-9").error is None
    (notice,) = inbox_of(db, user.id)
    assert notice.kind == kinds.PASSWORD_CHANGED.code
    assert notifications.shown(notice, "en").title == translate("en", kinds.PASSWORD_CHANGED.title)
    assert [e.subject for e in outbox_to(db, user.email)] == [translate("en", kinds.PASSWORD_CHANGED.title)]


def test_a_claims_answer_reaches_the_claimants_editors(db: Session) -> None:
    profile, _, _ = _imported(db)
    business, owner, owner_actor = business_owner(db)
    viewer = make_user(db, business, (Role.VIEWER,))
    claim = claims.request_claim(
        db, actor=owner_actor, organization_id=business.id, nib=profile.nib, evidence=EVIDENCE
    )
    claims.approve_claim(db, actor=national_verifier(db, "32"), claim=claim)
    (notice,) = inbox_of(db, owner.id)
    assert (notice.kind, notice.link, notice.organization_id) == (
        "supplier.claim_approved",
        "/supplier",
        business.id,
    )
    assert notice.params == {"business": profile.business_name, "nib": profile.nib}
    assert inbox_of(db, viewer.id) == []  # a viewer may not open the profile page: not told


def test_an_import_that_changes_a_members_profile_tells_them(db: Session) -> None:
    org, actor = importer(db, OrgType.BUMN)
    nib = next_nib()
    import_file(db, org, actor, [supplier_row(nib, "Keripik Bu Sri")])
    profile = repository.by_nib(db, nib)
    assert profile is not None
    # The business's people are members of the profile's organization, which the importer still manages
    # (as migration 0008 may leave it).
    business = identity_repo.organization_by_id(db, profile.organization_id)
    assert business is not None
    owner = make_user(db, business, (Role.OWNER,))
    db.execute(
        update(SupplierProfile)
        .where(SupplierProfile.id == profile.id)
        .values(managed_by_organization_id=org.id)
    )
    import_file(db, org, actor, [supplier_row(nib, "Keripik Bu Sri Baru")])
    (notice,) = inbox_of(db, owner.id)
    assert notice.kind == "supplier.changed_by_import" and notice.params == {"importer": org.name}
    assert inbox_of(db, actor.user_id) == []  # the importer's own people are not told of their import
