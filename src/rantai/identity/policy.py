"""The one authorization policy: ``can(actor, action, resource)``, deny by default.

Every door (web routes, templates through ``allowed``, API endpoints, CLI) asks this module; no other
module checks roles. An action is allowed when all three hold:

1. the actor is a member of the organization that owns the resource (API tokens narrow this to the
   token's organization);
2. one of the actor's roles there grants the action (ROLE_GRANTS);
3. the organization's type makes the action meaningful at all (ORG_TYPE_CAPABILITIES): a cooperative
   cannot post procurement needs, a BUMN cannot verify suppliers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from rantai.identity.roles import BUYER_TYPES, SUPPLIER_TYPES, OrgType, Role


class Action(StrEnum):
    VIEW_ORGANIZATION = "organization.view"
    MANAGE_ORGANIZATION = "organization.manage"
    MANAGE_MEMBERS = "members.manage"
    MANAGE_API_TOKENS = "api_tokens.manage"
    VIEW_AUDIT_LOG = "audit.view"
    EDIT_SUPPLIER_PROFILE = "supplier_profile.edit"
    MANAGE_CATALOG = "catalog.manage"
    VERIFY_SUPPLIER = "supplier.verify"
    CREATE_NEED = "need.create"
    APPROVE_AWARD = "award.approve"
    FINANCE_ORDERS = "financing.manage"
    VIEW_PROGRAM_KPIS = "kpi.view"
    OPERATE_PLATFORM = "platform.operate"


_ORG_BASICS = frozenset(
    {
        Action.VIEW_ORGANIZATION,
        Action.MANAGE_ORGANIZATION,
        Action.MANAGE_MEMBERS,
        Action.MANAGE_API_TOKENS,
        Action.VIEW_AUDIT_LOG,
    }
)

ROLE_GRANTS: Mapping[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action) - {Action.VERIFY_SUPPLIER},
    Role.ADMIN: _ORG_BASICS | {Action.EDIT_SUPPLIER_PROFILE, Action.MANAGE_CATALOG, Action.OPERATE_PLATFORM},
    Role.PROCUREMENT_OFFICER: frozenset({Action.VIEW_ORGANIZATION, Action.CREATE_NEED}),
    Role.APPROVER: frozenset({Action.VIEW_ORGANIZATION, Action.APPROVE_AWARD}),
    # Verification is kept apart from ownership so nobody verifies on their own say-so.
    Role.VERIFIER: frozenset({Action.VIEW_ORGANIZATION, Action.VERIFY_SUPPLIER}),
    Role.ANALYST: frozenset({Action.VIEW_ORGANIZATION, Action.VIEW_PROGRAM_KPIS}),
    Role.VIEWER: frozenset({Action.VIEW_ORGANIZATION}),
}

_SUPPLIER = _ORG_BASICS | {Action.EDIT_SUPPLIER_PROFILE, Action.MANAGE_CATALOG}
_BUYER = _ORG_BASICS | {Action.CREATE_NEED, Action.APPROVE_AWARD}

ORG_TYPE_CAPABILITIES: Mapping[OrgType, frozenset[Action]] = {
    **dict.fromkeys(SUPPLIER_TYPES, _SUPPLIER),
    **dict.fromkeys(BUYER_TYPES, _BUYER),
    OrgType.LEMBAGA_PEMBIAYAAN: _ORG_BASICS | {Action.FINANCE_ORDERS},
    OrgType.KEMENTERIAN_DINAS: _ORG_BASICS | {Action.VERIFY_SUPPLIER, Action.VIEW_PROGRAM_KPIS},
    OrgType.OPERATOR_PLATFORM: _ORG_BASICS
    | {Action.VERIFY_SUPPLIER, Action.VIEW_PROGRAM_KPIS, Action.OPERATE_PLATFORM},
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: a user with their roles per organization (already narrowed for API tokens)."""

    user_id: int
    roles: Mapping[int, frozenset[Role]] = field(default_factory=dict)
    org_types: Mapping[int, OrgType] = field(default_factory=dict)
    token_id: int | None = None

    def is_member(self, organization_id: int) -> bool:
        return bool(self.roles.get(organization_id))


class OwnedByOrganization(Protocol):
    """Anything that belongs to one organization (a profile, a product, a need, a token...)."""

    @property
    def organization_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class OrgScope:
    """The organization itself as a resource (its members, its tokens, its audit log)."""

    organization_id: int


def can(actor: Actor | None, action: Action, resource: OwnedByOrganization) -> bool:
    """May ``actor`` do ``action`` to ``resource``? Anything not granted here is denied."""
    if actor is None:
        return False
    org_id = resource.organization_id
    roles = actor.roles.get(org_id)
    org_type = actor.org_types.get(org_id)
    if not roles or org_type is None:
        return False
    if action not in ORG_TYPE_CAPABILITIES.get(org_type, frozenset()):
        return False
    return any(action in ROLE_GRANTS.get(role, frozenset()) for role in roles)


def allowed_actions(actor: Actor | None, organization_id: int) -> frozenset[Action]:
    """Every action the actor may take on their organization (for navigation menus)."""
    scope = OrgScope(organization_id)
    return frozenset(a for a in Action if can(actor, a, scope))
