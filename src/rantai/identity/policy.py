"""The one authorization policy: ``can(actor, action, resource)``, deny by default.

Every door (web routes, templates through ``allowed``, API endpoints, CLI) asks this module; no other
module checks roles. An action is allowed when all three hold:

1. the actor is a member of the organization that owns the resource (API tokens narrow this to the
   token's organization);
2. one of the actor's roles there grants the action (ROLE_GRANTS);
3. the organization's type makes the action meaningful at all (ORG_TYPE_CAPABILITIES): a cooperative
   cannot post procurement needs, a BUMN cannot verify suppliers.

Supplier profiles add rules that cross organizations (SUPPLIER_RULES below): a verifier of a dinas acts
on profiles in the dinas's region (a ministry or the platform operator, with no region, everywhere);
personal data of a profile is seen by its own members and those verifiers only; a verified profile is
public. An import changes a profile only when the importing organization manages it (IMPORT_RULES below,
issue #9): its own business once claimed, else the organization that imported it; a dinas creates
profiles only in its region.
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
    IMPORT_SUPPLIERS = "suppliers.import"
    # Asked about a supplier profile, not an organization:
    VIEW_SUPPLIER_PROFILE = "supplier_profile.view"
    VIEW_PERSONAL_DATA = "supplier_profile.personal_data"
    # Asked about one row of a supplier or product import (an ImportTarget):
    CHANGE_BY_IMPORT = "supplier_profile.import"


_ORG_BASICS = frozenset(
    {
        Action.VIEW_ORGANIZATION,
        Action.MANAGE_ORGANIZATION,
        Action.MANAGE_MEMBERS,
        Action.MANAGE_API_TOKENS,
        Action.VIEW_AUDIT_LOG,
    }
)

_PROFILE_ACTIONS = frozenset(
    {Action.VIEW_SUPPLIER_PROFILE, Action.VIEW_PERSONAL_DATA, Action.CHANGE_BY_IMPORT}
)

ROLE_GRANTS: Mapping[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action) - {Action.VERIFY_SUPPLIER} - _PROFILE_ACTIONS,
    Role.ADMIN: _ORG_BASICS
    | {Action.EDIT_SUPPLIER_PROFILE, Action.MANAGE_CATALOG, Action.OPERATE_PLATFORM, Action.IMPORT_SUPPLIERS},
    Role.PROCUREMENT_OFFICER: frozenset(
        {Action.VIEW_ORGANIZATION, Action.CREATE_NEED, Action.IMPORT_SUPPLIERS}
    ),
    Role.APPROVER: frozenset({Action.VIEW_ORGANIZATION, Action.APPROVE_AWARD}),
    # Verification is kept apart from ownership so nobody verifies on their own say-so.
    Role.VERIFIER: frozenset({Action.VIEW_ORGANIZATION, Action.VERIFY_SUPPLIER, Action.IMPORT_SUPPLIERS}),
    Role.ANALYST: frozenset({Action.VIEW_ORGANIZATION, Action.VIEW_PROGRAM_KPIS}),
    Role.VIEWER: frozenset({Action.VIEW_ORGANIZATION}),
}

_SUPPLIER = _ORG_BASICS | {Action.EDIT_SUPPLIER_PROFILE, Action.MANAGE_CATALOG}
_BUYER = _ORG_BASICS | {Action.CREATE_NEED, Action.APPROVE_AWARD, Action.IMPORT_SUPPLIERS}

ORG_TYPE_CAPABILITIES: Mapping[OrgType, frozenset[Action]] = {
    **dict.fromkeys(SUPPLIER_TYPES, _SUPPLIER),
    # A cooperative registers its members in bulk.
    OrgType.KOPERASI: _SUPPLIER | {Action.IMPORT_SUPPLIERS},
    **dict.fromkeys(BUYER_TYPES, _BUYER),
    OrgType.LEMBAGA_PEMBIAYAAN: _ORG_BASICS | {Action.FINANCE_ORDERS},
    OrgType.KEMENTERIAN_DINAS: _ORG_BASICS
    | {Action.VERIFY_SUPPLIER, Action.VIEW_PROGRAM_KPIS, Action.IMPORT_SUPPLIERS},
    OrgType.OPERATOR_PLATFORM: _ORG_BASICS
    | {Action.VERIFY_SUPPLIER, Action.VIEW_PROGRAM_KPIS, Action.OPERATE_PLATFORM, Action.IMPORT_SUPPLIERS},
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: a user with their roles per organization (already narrowed for API tokens)."""

    user_id: int
    roles: Mapping[int, frozenset[Role]] = field(default_factory=dict)
    org_types: Mapping[int, OrgType] = field(default_factory=dict)
    token_id: int | None = None
    # Kemendagri code of each organization's area (None: national), for region-bound verification.
    org_regions: Mapping[int, str | None] = field(default_factory=dict)

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


class SupplierResource(Protocol):
    """A supplier profile as the policy sees it."""

    @property
    def organization_id(self) -> int: ...
    @property
    def region_code(self) -> str: ...
    @property
    def status(self) -> str: ...


def _covers(area: str | None, region_code: str) -> bool:
    """Does an organization's area (a Kemendagri code, None for national) include ``region_code``?"""
    return area is None or region_code == area or region_code.startswith(area + ".")


def _verifies(actor: Actor | None, profile: SupplierResource) -> bool:
    if actor is None:
        return False
    return any(
        _member_can(actor, Action.VERIFY_SUPPLIER, org_id)
        and _covers(actor.org_regions.get(org_id), profile.region_code)
        for org_id in actor.roles
    )


def _supplier_rule(actor: Actor | None, action: Action, profile: SupplierResource) -> bool:
    if action is Action.VERIFY_SUPPLIER:
        return _verifies(actor, profile)
    own = actor is not None and _member_can(actor, Action.VIEW_ORGANIZATION, profile.organization_id)
    if action is Action.VIEW_PERSONAL_DATA:
        return own or _verifies(actor, profile)
    # VIEW_SUPPLIER_PROFILE: verified profiles are public.
    return profile.status == "verified" or own or _verifies(actor, profile)


SUPPLIER_RULES = frozenset({Action.VERIFY_SUPPLIER, Action.VIEW_PERSONAL_DATA, Action.VIEW_SUPPLIER_PROFILE})


@dataclass(frozen=True, slots=True)
class ImportTarget:
    """One row of a supplier or product import as the policy sees it: the importing organization (which
    owns the import, as for anything it does), where the business is, and, when the profile exists
    already, who manages it (``SupplierProfile.managed_by_organization_id``)."""

    organization_id: int  # the importing organization
    region_code: str  # the business's region as the row leaves it (kab/kota or finer)
    exists: bool  # False: the row creates the profile
    managed_by_organization_id: int | None = None


# Importers bound to their own region when they create or change a profile (issue #9): a dinas serves its
# province or kab/kota. A BUMN loads its vendor list and a cooperative its members wherever they are; a
# ministry or the platform operator (no region) covers everywhere.
REGION_BOUND_IMPORTERS = frozenset({OrgType.KEMENTERIAN_DINAS})


def _import_rule(actor: Actor | None, target: ImportTarget) -> bool:
    """May this import write this row? Creating: any organization allowed to import suppliers (a dinas
    inside its region). Changing an existing profile (its fields, its catalog, its certificates, its
    cooperative): only the organization that manages it, so knowing a public NIB gives no write access."""
    importer = target.organization_id
    if actor is None or not _member_can(actor, Action.IMPORT_SUPPLIERS, importer):
        return False
    if actor.org_types.get(importer) in REGION_BOUND_IMPORTERS and not _covers(
        actor.org_regions.get(importer), target.region_code
    ):
        return False
    return not target.exists or target.managed_by_organization_id == importer


IMPORT_RULES = frozenset({Action.CHANGE_BY_IMPORT})


def can(actor: Actor | None, action: Action, resource: OwnedByOrganization) -> bool:
    """May ``actor`` do ``action`` to ``resource``? Anything not granted here is denied."""
    if action in SUPPLIER_RULES and hasattr(resource, "region_code") and hasattr(resource, "status"):
        return _supplier_rule(actor, action, resource)  # type: ignore[arg-type]
    if action in IMPORT_RULES:
        return isinstance(resource, ImportTarget) and _import_rule(actor, resource)
    if actor is None:
        return False
    return _member_can(actor, action, resource.organization_id)


def _member_can(actor: Actor, action: Action, org_id: int) -> bool:
    """Membership rule: a role in ``org_id`` grants ``action`` and the org's type allows it."""
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


def verification_areas(actor: Actor | None) -> list[str | None]:
    """The regions where ``actor`` may verify suppliers (None stands for everywhere)."""
    if actor is None:
        return []
    return [
        actor.org_regions.get(org_id)
        for org_id in actor.roles
        if _member_can(actor, Action.VERIFY_SUPPLIER, org_id)
    ]


def verifying_organizations(actor: Actor | None, profile: SupplierResource) -> list[int]:
    """The organizations through which ``actor`` verifies ``profile`` (for audit entries: who acted)."""
    if actor is None:
        return []
    return sorted(
        org_id
        for org_id in actor.roles
        if _member_can(actor, Action.VERIFY_SUPPLIER, org_id)
        and _covers(actor.org_regions.get(org_id), profile.region_code)
    )


def sees_unverified_suppliers(actor: Actor | None) -> bool:
    """Whether ``actor`` may have suppliers that are not verified yet in shortlists: those who verify
    suppliers somewhere (a buyer only ever sees verified ones)."""
    return bool(verification_areas(actor))


def import_kinds(actor: Actor | None, organization_id: int) -> tuple[str, ...]:
    """Which bulk imports ``actor`` may run for an organization: suppliers (a dinas, a BUMN, a cooperative)
    and products (those, or a supplier for its own catalog)."""
    scope = OrgScope(organization_id)
    suppliers = can(actor, Action.IMPORT_SUPPLIERS, scope)
    products = suppliers or can(actor, Action.MANAGE_CATALOG, scope)
    return (("suppliers",) if suppliers else ()) + (("products",) if products else ())
