"""The audit's event names (issue #10): constants that keep the strings already stored, each tied to
the kind of resource it is about."""

from __future__ import annotations

import pytest

from rantai.audit.events import RESOURCE_TYPES, Event, ResourceType
from rantai.audit.log import parties_of, user_of
from rantai.identity.policy import Actor
from rantai.sourcing.state import Decision, NeedMove


def test_every_event_is_about_one_kind_of_resource() -> None:
    assert set(RESOURCE_TYPES) == set(Event)
    assert Event.USER_LOGGED_IN.resource_type is ResourceType.USER
    assert Event.CLAIM_APPROVED.resource_type is ResourceType.SUPPLIER_CLAIM


@pytest.mark.parametrize(
    ("event", "stored"),
    [
        (Event.ORGANIZATION_CREATED, "organization.created"),
        (Event.USER_PASSWORD_CHANGED, "user.password_changed"),
        (Event.SUPPLIER_UPDATED_BY_IMPORT, "supplier.updated_by_import"),
        (Event.CLAIM_REQUESTED, "supplier.claim_requested"),
        (Event.CATALOG_CHANGED_BY_IMPORT, "catalog.changed_by_import"),
        (Event.NEED_SUPPLIER_SHORTLISTED, "need.supplier_shortlisted"),
    ],
)
def test_events_keep_the_strings_existing_rows_hold(event: Event, stored: str) -> None:
    assert event == stored
    assert Event(stored) is event


def test_every_need_move_and_decision_has_its_event() -> None:
    """sourcing names the event from the move or decision: a new move without an event fails here."""
    for move in NeedMove:
        assert Event(f"need.{move.value}").resource_type is ResourceType.NEED
    for decision in Decision:
        assert Event(f"need.supplier_{decision.value}").resource_type is ResourceType.NEED


def test_parties_are_named_once_in_order_without_unknowns() -> None:
    assert parties_of([7, None, 3, 7]) == [7, 3]
    assert parties_of([]) == []


def test_who_acted_is_an_actor_a_user_id_or_nobody() -> None:
    assert user_of(Actor(user_id=5)) == 5
    assert user_of(9) == 9
    assert user_of(None) is None
