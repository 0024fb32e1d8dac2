"""The one authorization policy: ``can(actor, action, resource)``, deny by default.

Every door (web routes, templates through ``allowed``, API endpoints, CLI) asks this module; no other
module checks roles, compares organization types or decides by hand whose record something is (a test
scans the doors for it). A resource is described by the organizations taking part in it and the part
each takes (its *parties*: owner, buyer, supplier, lender, consortium member, an import's importer and a
profile's manager), where it is (a region code) and whether it is public (issue #10): a purchase order is
its buyer, its supplier and, once financed, its lender; a consortium is its member suppliers; a dashboard
row is its region. An action is allowed when one rule of ``RULES`` holds:

1. **a party**: the actor is a member of an organization that takes one of the rule's parts in the
   resource (API tokens narrow the actor to the token's organization), one of the actor's roles there
   grants the rule's right (ROLE_GRANTS), and the organization's type makes that right meaningful at all
   (ORG_TYPE_CAPABILITIES: a cooperative cannot post procurement needs, a BUMN cannot verify suppliers);
2. **an area**: the actor holds the rule's area right in an organization whose area (a Kemendagri code;
   none for a ministry or the platform operator, meaning everywhere) covers the resource's region: a
   verifier of a dinas acts on profiles in the dinas's region, an analyst reads its region's KPI rows;
3. **public**: the resource is public (a verified profile, an open need) and the rule lets everyone, or
   everyone holding its public right somewhere, see it.

The organization itself is a resource whose one party is its owner (``OrgScope``), so the organization
actions (members, tokens, audit log, creating needs...) are the party rule with the owner part.
A supplier profile is owned by its business, managed by the organization whose imports may change it,
public once verified and placed in its region (SUPPLIER_RULES); an import row is its importer and the
profile's manager, and an import changes a profile only when the importer manages it (IMPORT_RULES,
issue #9): its own business once claimed, else the organization that imported it; a dinas creates and
changes profiles only in its region.

Lists are authorized in the query: ``reach(actor, action)`` says which organizations, areas and public
records a rule lets the actor read, and each repository turns that into a WHERE on its own columns
(``readable_*``), so a list can never hold a row ``can`` would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

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
    # Asked about a record, never granted by a role alone (see RECORD_ACTIONS):
    VIEW_SUPPLIER_PROFILE = "supplier_profile.view"
    VIEW_PERSONAL_DATA = "supplier_profile.personal_data"
    VIEW_CONTACT = "supplier_profile.contact"  # a profile's phone and email (issue #13)
    CHANGE_BY_IMPORT = "supplier_profile.import"  # one row of a supplier or product import
    VIEW_RECORD = "record.view"  # a record shared by its parties: a need, a claim, an import job, a PO...
    SEE_OPPORTUNITY = "need.opportunity"  # an open need offered to suppliers
    RUN_PURCHASE = "purchase.run"  # the buyer's side of a shared purchase record (a PO, a BAST, a payment)
    FULFIL_ORDER = "order.fulfil"  # the supplier's side (accept a PO, ship, invoice)


class Party(StrEnum):
    """The part an organization takes in a record."""

    # The record is the organization's own (the organization itself, its profile, needs, jobs).
    OWNER = "owner"
    BUYER = "buyer"
    SUPPLIER = "supplier"
    LENDER = "lender"
    CONSORTIUM_MEMBER = "consortium_member"
    IMPORTER = "importer"  # the organization running an import
    MANAGER = "manager"  # the organization whose imports may change a supplier profile


_ORG_BASICS = frozenset(
    {
        Action.VIEW_ORGANIZATION,
        Action.MANAGE_ORGANIZATION,
        Action.MANAGE_MEMBERS,
        Action.MANAGE_API_TOKENS,
        Action.VIEW_AUDIT_LOG,
    }
)

# Actions about a record: a role grants them only through a rule's right (e.g. a member who may view
# their organization sees its profile), so they are not in ROLE_GRANTS nor in an organization's menu.
RECORD_ACTIONS = frozenset(
    {
        Action.VIEW_SUPPLIER_PROFILE,
        Action.VIEW_PERSONAL_DATA,
        Action.VIEW_CONTACT,
        Action.CHANGE_BY_IMPORT,
        Action.VIEW_RECORD,
        Action.SEE_OPPORTUNITY,
        Action.RUN_PURCHASE,
        Action.FULFIL_ORDER,
    }
)

ROLE_GRANTS: Mapping[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action) - {Action.VERIFY_SUPPLIER} - RECORD_ACTIONS,
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
    # Kemendagri code of each organization's area (None: national), for region-bound rules.
    org_regions: Mapping[int, str | None] = field(default_factory=dict)

    def is_member(self, organization_id: int) -> bool:
        return bool(self.roles.get(organization_id))

    def within(self, organization_id: int) -> Actor:
        """The actor acting for one organization only (the page's active organization, as an API token
        does for its own): a record of another organization of theirs is then not theirs here."""

        keep = organization_id in self.roles
        return Actor(
            self.user_id,
            {organization_id: self.roles[organization_id]} if keep else {},
            {organization_id: self.org_types[organization_id]}
            if keep and organization_id in self.org_types
            else {},
            self.token_id,
            {organization_id: self.org_regions.get(organization_id)} if keep else {},
        )


# --- resources ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resource:
    """A record as the policy sees it: the organizations taking part and their parts, where it is, and
    whether it is public. Domain models describe themselves with a ``policy_resource`` property."""

    parties: frozenset[tuple[int, Party]] = frozenset()
    region_code: str | None = None
    public: bool = False

    @classmethod
    def of(
        cls,
        *parties: tuple[int | None, Party],
        region_code: str | None = None,
        public: bool = False,
    ) -> Resource:
        """Parties as (organization id, part) pairs; a pair without an organization (no lender yet, a
        profile nobody manages) is left out."""
        return cls(
            frozenset((org, part) for org, part in parties if org is not None), region_code or None, public
        )

    def parts_of(self, organization_id: int) -> frozenset[Party]:
        return frozenset(part for org, part in self.parties if org == organization_id)


@runtime_checkable
class Described(Protocol):
    """Anything that can say what it is to the policy (supplier profiles, needs, claims, import jobs)."""

    @property
    def policy_resource(self) -> Resource: ...


class OwnedByOrganization(Protocol):
    """Anything that belongs to one organization and nobody else (a token, an organization's page)."""

    @property
    def organization_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class OrgScope:
    """The organization itself as a resource (its members, its tokens, its audit log)."""

    organization_id: int

    @property
    def policy_resource(self) -> Resource:
        return Resource.of((self.organization_id, Party.OWNER))


@dataclass(frozen=True, slots=True)
class ImportTarget:
    """One row of a supplier or product import as the policy sees it: the importing organization (which
    owns the import, as for anything it does), where the business is, and, when the profile exists
    already, who manages it (``SupplierProfile.managed_by_organization_id``)."""

    organization_id: int  # the importing organization
    region_code: str  # the business's region as the row leaves it (kab/kota or finer)
    exists: bool  # False: the row creates the profile
    managed_by_organization_id: int | None = None

    @property
    def policy_resource(self) -> Resource:
        # A profile the row creates will be managed by its importer.
        manager = self.managed_by_organization_id if self.exists else self.organization_id
        return Resource.of(
            (self.organization_id, Party.IMPORTER), (manager, Party.MANAGER), region_code=self.region_code
        )


def resource_of(thing: Resource | Described | OwnedByOrganization) -> Resource:
    """The description of ``thing``: its own, or (anything else holding an ``organization_id``) a record
    owned by that one organization."""
    if isinstance(thing, Resource):
        return thing
    if isinstance(thing, Described):
        return thing.policy_resource
    return Resource.of((thing.organization_id, Party.OWNER))


# --- rules -------------------------------------------------------------------------------------------


def _any_of(*parts: Party) -> tuple[frozenset[Party], ...]:
    return tuple(frozenset({part}) for part in parts)


@dataclass(frozen=True, slots=True)
class Rule:
    """Who may take an action on a resource (any one of the three ways)."""

    # 1. A member of an organization holding every part of one of these sets, with ``right`` there
    #    (None: the action itself).
    parties: tuple[frozenset[Party], ...] = _any_of(Party.OWNER)
    right: Action | None = None
    # Party organizations of these types act only on resources inside their own area.
    area_bound: frozenset[OrgType] = frozenset()
    # 2. A member holding ``area_right`` in an organization whose area covers the resource's region.
    area_right: Action | None = None
    # 3. When the resource is public: anyone, or (``public_right``) anyone holding that right somewhere.
    public: bool = False
    public_right: Action | None = None


# Importers bound to their own region when they create or change a profile (issue #9): a dinas serves its
# province or kab/kota. A BUMN loads its vendor list and a cooperative its members wherever they are; a
# ministry or the platform operator (no region) covers everywhere.
REGION_BOUND_IMPORTERS = frozenset({OrgType.KEMENTERIAN_DINAS})

# Supplier profiles (owned by the business, verified by its region, public once verified).
SUPPLIER_RULES: Mapping[Action, Rule] = {
    Action.VERIFY_SUPPLIER: Rule(area_right=Action.VERIFY_SUPPLIER),
    # Personal data (NPWP, owner's name...) is for the business's own members and its region's verifiers.
    Action.VIEW_PERSONAL_DATA: Rule(right=Action.VIEW_ORGANIZATION, area_right=Action.VERIFY_SUPPLIER),
    Action.VIEW_SUPPLIER_PROFILE: Rule(
        right=Action.VIEW_ORGANIZATION, area_right=Action.VERIFY_SUPPLIER, public=True
    ),
    # A profile's phone and email (issue #13): its business, its region's verifiers, and the buyers whose
    # contact request the business accepted (``suppliers.contacts.SharedContact``: they are its buyers).
    Action.VIEW_CONTACT: Rule(
        parties=_any_of(Party.OWNER, Party.BUYER),
        right=Action.VIEW_ORGANIZATION,
        area_right=Action.VERIFY_SUPPLIER,
    ),
}

# An import changes a profile only when the importer manages it (a created profile is managed by its
# importer), so knowing a public NIB gives no write access; a dinas only inside its region.
IMPORT_RULES: Mapping[Action, Rule] = {
    Action.CHANGE_BY_IMPORT: Rule(
        parties=(frozenset({Party.IMPORTER, Party.MANAGER}),),
        right=Action.IMPORT_SUPPLIERS,
        area_bound=REGION_BOUND_IMPORTERS,
    ),
}

# Records shared by several organizations (issue #10).
SHARED_RULES: Mapping[Action, Rule] = {
    # Every party sees the record: a need its buyer, a purchase order its buyer, supplier and lender, a
    # consortium its members, a claim its claimant, an import job its importer.
    Action.VIEW_RECORD: Rule(
        parties=_any_of(
            Party.OWNER, Party.BUYER, Party.SUPPLIER, Party.LENDER, Party.CONSORTIUM_MEMBER, Party.IMPORTER
        ),
        right=Action.VIEW_ORGANIZATION,
    ),
    # An open need is offered to every supplier (whoever manages a catalog); a need addressed to chosen
    # suppliers (an RFQ) to its supplier parties.
    Action.SEE_OPPORTUNITY: Rule(
        parties=_any_of(Party.SUPPLIER),
        right=Action.MANAGE_CATALOG,
        public=True,
        public_right=Action.MANAGE_CATALOG,
    ),
    # A purchase is run by its buyer's procurement officers and fulfilled by its supplier's catalog
    # managers (issue #12).
    Action.RUN_PURCHASE: Rule(parties=_any_of(Party.OWNER, Party.BUYER), right=Action.CREATE_NEED),
    Action.FULFIL_ORDER: Rule(parties=_any_of(Party.SUPPLIER), right=Action.MANAGE_CATALOG),
    # An award is approved by its buyer, an order financed by its lender.
    Action.APPROVE_AWARD: Rule(parties=_any_of(Party.OWNER, Party.BUYER)),
    Action.FINANCE_ORDERS: Rule(parties=_any_of(Party.OWNER, Party.LENDER)),
    # A dashboard row belongs to a region: those who read KPIs there, and the organization's own.
    Action.VIEW_PROGRAM_KPIS: Rule(area_right=Action.VIEW_PROGRAM_KPIS),
}

ORGANIZATION_RULE = Rule()  # every other action: a right of the owner's members

RULES: Mapping[Action, Rule] = {
    **dict.fromkeys(Action, ORGANIZATION_RULE),
    **SUPPLIER_RULES,
    **IMPORT_RULES,
    **SHARED_RULES,
}


def _covers(area: str | None, region_code: str) -> bool:
    """Does an organization's area (a Kemendagri code, None for national) include ``region_code``?"""
    return area is None or region_code == area or region_code.startswith(area + ".")


def _member_can(actor: Actor, action: Action, org_id: int) -> bool:
    """Membership rule: a role in ``org_id`` grants ``action`` and the org's type allows it."""
    roles = actor.roles.get(org_id)
    org_type = actor.org_types.get(org_id)
    if not roles or org_type is None:
        return False
    if action not in ORG_TYPE_CAPABILITIES.get(org_type, frozenset()):
        return False
    return any(action in ROLE_GRANTS.get(role, frozenset()) for role in roles)


def _by_party(actor: Actor, action: Action, rule: Rule, resource: Resource) -> bool:
    right = rule.right or action
    for org_id in {org for org, _ in resource.parties}:
        parts = resource.parts_of(org_id)
        if not any(wanted <= parts for wanted in rule.parties) or not _member_can(actor, right, org_id):
            continue
        if actor.org_types.get(org_id) in rule.area_bound and not (
            resource.region_code and _covers(actor.org_regions.get(org_id), resource.region_code)
        ):
            continue
        return True
    return False


def _areas(actor: Actor | None, right: Action) -> list[str | None]:
    """The areas of the organizations where ``actor`` holds ``right`` (None stands for everywhere)."""
    if actor is None:
        return []
    return [actor.org_regions.get(org_id) for org_id in actor.roles if _member_can(actor, right, org_id)]


def can(actor: Actor | None, action: Action, resource: Resource | Described | OwnedByOrganization) -> bool:
    """May ``actor`` do ``action`` to ``resource``? Anything not granted here is denied."""
    rule = RULES[action]
    described = resource_of(resource)
    if described.public and rule.public:
        if rule.public_right is None:
            return True
        if actor is not None and any(_member_can(actor, rule.public_right, org) for org in actor.roles):
            return True
    if actor is None:
        return False
    if _by_party(actor, action, rule, described):
        return True
    region = described.region_code
    return bool(
        rule.area_right and region and any(_covers(area, region) for area in _areas(actor, rule.area_right))
    )


@dataclass(frozen=True, slots=True)
class Reach:
    """How far an actor's ``action`` reaches, for a query's WHERE (``reach``): the organizations through
    which it acts, per part they must take in a record; the areas it covers (None: everywhere); whether
    public records are in. A repository turns this into a condition on its own columns."""

    parties: Mapping[Party, frozenset[int]]
    areas: tuple[str | None, ...] = ()
    public: bool = False

    def organizations(self, *parts: Party) -> frozenset[int]:
        """The organizations reached through any of ``parts``."""
        return frozenset().union(*(self.parties.get(part, frozenset()) for part in parts))

    @property
    def everywhere(self) -> bool:
        return None in self.areas


def reach(actor: Actor | None, action: Action) -> Reach:
    """What ``can`` grants for ``action``, as data for a query: a row is readable when it is public (and
    ``public``), or one of its parties is reached through its part, or its region lies in ``areas``."""
    rule = RULES[action]
    if rule.area_bound or any(len(parts) != 1 for parts in rule.parties):
        raise ValueError(f"{action} is decided row by row, not by a query")
    right = rule.right or action
    public = rule.public and (
        rule.public_right is None
        or (actor is not None and any(_member_can(actor, rule.public_right, org) for org in actor.roles))
    )
    if actor is None:
        return Reach(parties={}, public=public)
    members = frozenset(org for org in actor.roles if _member_can(actor, right, org))
    parties = {part: members for parts in rule.parties for part in parts}
    areas = tuple(_areas(actor, rule.area_right)) if rule.area_right else ()
    return Reach(parties=parties, areas=areas, public=public)


def allowed_actions(actor: Actor | None, organization_id: int) -> frozenset[Action]:
    """Every action the actor may take on their organization (for navigation menus)."""
    scope = OrgScope(organization_id)
    return frozenset(a for a in Action if a not in RECORD_ACTIONS and can(actor, a, scope))


def verification_areas(actor: Actor | None) -> list[str | None]:
    """The regions where ``actor`` may verify suppliers (None stands for everywhere)."""
    return _areas(actor, Action.VERIFY_SUPPLIER)


def verifying_organizations(actor: Actor | None, profile: Resource | Described) -> list[int]:
    """The organizations through which ``actor`` verifies ``profile`` (for audit entries: who acted)."""
    region = resource_of(profile).region_code
    if actor is None or not region:
        return []
    return sorted(
        org_id
        for org_id in actor.roles
        if _member_can(actor, Action.VERIFY_SUPPLIER, org_id)
        and _covers(actor.org_regions.get(org_id), region)
    )


def sees_unverified_suppliers(actor: Actor | None) -> bool:
    """Whether ``actor`` may ask for suppliers that are not verified yet (in shortlists, the directory):
    those who verify suppliers somewhere (a buyer only ever sees verified ones); which of them they see is
    still ``can(VIEW_SUPPLIER_PROFILE)``, their region's."""
    return bool(verification_areas(actor))


def ruled_out_by_type(actor: Actor | None, action: Action, organization_id: int) -> bool:
    """Whether the organization's type makes ``action`` meaningless there (a cooperative records no
    needs, a BUMN has no supplier profile), so a refusal can say so rather than blame the role."""
    org_type = actor.org_types.get(organization_id) if actor is not None else None
    return org_type is not None and action not in ORG_TYPE_CAPABILITIES.get(org_type, frozenset())


def import_kinds(actor: Actor | None, organization_id: int) -> tuple[str, ...]:
    """Which bulk imports ``actor`` may run for an organization: suppliers (a dinas, a BUMN, a cooperative)
    and products (those, or a supplier for its own catalog)."""
    scope = OrgScope(organization_id)
    suppliers = can(actor, Action.IMPORT_SUPPLIERS, scope)
    products = suppliers or can(actor, Action.MANAGE_CATALOG, scope)
    return (("suppliers",) if suppliers else ()) + (("products",) if products else ())


DASHBOARDS: Mapping[OrgType, str] = {
    **dict.fromkeys(SUPPLIER_TYPES, "supplier"),
    **dict.fromkeys(BUYER_TYPES, "buyer"),
    OrgType.LEMBAGA_PEMBIAYAAN: "lender",
    OrgType.KEMENTERIAN_DINAS: "government",
    OrgType.OPERATOR_PLATFORM: "operator",
}


def dashboard_kind(actor: Actor | None, organization_id: int | None) -> str:
    """Which dashboard a member sees for an organization: its type's ("none" outside any)."""
    if actor is None or organization_id is None or not actor.is_member(organization_id):
        return "none"
    org_type = actor.org_types.get(organization_id)
    return DASHBOARDS[org_type] if org_type is not None else "none"


def grantable_roles(actor: Actor | None, organization_id: int) -> tuple[Role, ...]:
    """The roles ``actor`` may give a new member of an organization by invitation (issue #13): those
    the organization's type gives a meaning (a verifier in a BUMN would verify nothing) and whose rights
    there the actor holds already, so nobody makes a member mightier than themselves (an administrator
    invites no owner). Empty when the actor may not manage the members at all."""
    if actor is None or not can(actor, Action.MANAGE_MEMBERS, OrgScope(organization_id)):
        return ()
    org_type = actor.org_types.get(organization_id)
    if org_type is None:
        return ()
    capabilities = ORG_TYPE_CAPABILITIES.get(org_type, frozenset())
    held = frozenset(a for a in capabilities if _member_can(actor, a, organization_id))
    offered = []
    for role in Role:
        rights = ROLE_GRANTS.get(role, frozenset()) & capabilities
        meaningful = bool(rights - {Action.VIEW_ORGANIZATION}) or ROLE_GRANTS.get(role) == rights
        if rights and meaningful and rights <= held:
            offered.append(role)
    return tuple(offered)
