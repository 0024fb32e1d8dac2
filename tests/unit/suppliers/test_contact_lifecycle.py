"""The contact request's lifecycle table and who sees a profile's phone and email (issue #13)."""

from __future__ import annotations

from types import SimpleNamespace

from rantai.identity.policy import Action, Actor, can
from rantai.identity.roles import OrgType, Role
from rantai.suppliers.contacts import SharedContact
from rantai.suppliers.state import CONTACT_LIFECYCLE, ContactMove, ContactStatus

BUSINESS, BUYER, OTHER = 1, 2, 3


def test_only_a_waiting_request_is_answered_or_withdrawn() -> None:
    assert CONTACT_LIFECYCLE.moves_from(ContactStatus.PENDING) == [
        ContactMove.ACCEPT,
        ContactMove.DECLINE,
        ContactMove.WITHDRAW,
    ]
    assert CONTACT_LIFECYCLE.moves_from(ContactStatus.ACCEPTED) == [ContactMove.REVOKE]
    for done in (ContactStatus.DECLINED, ContactStatus.WITHDRAWN, ContactStatus.REVOKED):
        assert CONTACT_LIFECYCLE.moves_from(done) == []


def _officer(org_id: int, org_type: OrgType = OrgType.BUMN, role: Role = Role.PROCUREMENT_OFFICER) -> Actor:
    return Actor(user_id=9, roles={org_id: frozenset({role})}, org_types={org_id: org_type})


def test_the_phone_goes_to_the_business_and_the_buyers_it_accepted() -> None:
    profile = SimpleNamespace(organization_id=BUSINESS, region_code="32.73")
    shared = SharedContact(profile, frozenset({BUYER}))  # type: ignore[arg-type]
    not_shared = SharedContact(profile, frozenset())  # type: ignore[arg-type]
    assert can(_officer(BUYER), Action.VIEW_CONTACT, shared)
    assert not can(_officer(BUYER), Action.VIEW_CONTACT, not_shared)
    assert not can(_officer(OTHER), Action.VIEW_CONTACT, shared)
    assert can(_officer(BUSINESS, OrgType.UMKM, Role.VIEWER), Action.VIEW_CONTACT, not_shared)
    verifier = Actor(
        user_id=5,
        roles={7: frozenset({Role.VERIFIER})},
        org_types={7: OrgType.KEMENTERIAN_DINAS},
        org_regions={7: "32"},
    )
    assert can(verifier, Action.VIEW_CONTACT, not_shared)
    assert not can(None, Action.VIEW_CONTACT, shared)
