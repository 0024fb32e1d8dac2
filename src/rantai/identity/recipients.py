"""Whom to notify in an organization: its members, or those whose roles allow an action there (asked of
the policy, so a notice links only where its reader may go). Notifications sit below identity and know
users only as ``Recipient``s; every domain resolves them here."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from rantai.identity import repository
from rantai.identity.models import User
from rantai.identity.policy import Action, Actor, OrgScope, can
from rantai.identity.roles import OrgType, Role
from rantai.notifications.service import Recipient


def recipient_of(user: User) -> Recipient:
    return Recipient(user_id=user.id, email=user.email, locale=user.locale)


def members_by_organization(
    session: Session, organization_ids: Iterable[int], *, action: Action | None = None
) -> dict[int, list[Recipient]]:
    """The active members of each organization named (in one query), optionally only those whose roles
    allow ``action`` on it. By action, not by role: roles are read by the policy alone."""
    grouped: dict[tuple[int, int], tuple[str, str, str, set[Role]]] = {}
    for user_id, email, locale, org_id, org_type, role in repository.active_memberships_in(
        session, list(organization_ids)
    ):
        entry = grouped.setdefault((org_id, user_id), (email, locale, org_type, set()))
        entry[3].add(Role(role))
    found: dict[int, list[Recipient]] = {}
    for (org_id, user_id), (email, locale, org_type, held) in grouped.items():
        if action is not None:
            actor = Actor(
                user_id=user_id, roles={org_id: frozenset(held)}, org_types={org_id: OrgType(org_type)}
            )
            if not can(actor, action, OrgScope(org_id)):
                continue
        found.setdefault(org_id, []).append(Recipient(user_id=user_id, email=email, locale=locale))
    return found


def members(session: Session, organization_id: int, *, action: Action | None = None) -> list[Recipient]:
    """The active members of one organization (``members_by_organization``)."""
    return members_by_organization(session, [organization_id], action=action).get(organization_id, [])
