"""The authorization policy, pinned as an explicit table: organization type x role x the part the
organization takes in a record x action (written out here, not derived from the policy module, so a
change to the policy must be a deliberate change to this table too)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rantai.identity.policy import (
    Action,
    Actor,
    ImportTarget,
    OrgScope,
    Party,
    Resource,
    allowed_actions,
    can,
    dashboard_kind,
    reach,
    sees_unverified_suppliers,
)
from rantai.identity.roles import OrgType, Role

A = Action
BASICS = {A.VIEW_ORGANIZATION, A.MANAGE_ORGANIZATION, A.MANAGE_MEMBERS, A.MANAGE_API_TOKENS, A.VIEW_AUDIT_LOG}
IMP = A.IMPORT_SUPPLIERS

# For each organization type and role: exactly the actions allowed on that organization.
EXPECTED: dict[OrgType, dict[Role, set[Action]]] = {
    OrgType.UMKM: {
        Role.OWNER: BASICS | {A.EDIT_SUPPLIER_PROFILE, A.MANAGE_CATALOG},
        Role.ADMIN: BASICS | {A.EDIT_SUPPLIER_PROFILE, A.MANAGE_CATALOG},
        Role.PROCUREMENT_OFFICER: {A.VIEW_ORGANIZATION},
        Role.APPROVER: {A.VIEW_ORGANIZATION},
        Role.VERIFIER: {A.VIEW_ORGANIZATION},
        Role.ANALYST: {A.VIEW_ORGANIZATION},
        Role.VIEWER: {A.VIEW_ORGANIZATION},
    },
    OrgType.KOPERASI: {
        Role.OWNER: BASICS | {A.EDIT_SUPPLIER_PROFILE, A.MANAGE_CATALOG, IMP},
        Role.ADMIN: BASICS | {A.EDIT_SUPPLIER_PROFILE, A.MANAGE_CATALOG, IMP},
        Role.PROCUREMENT_OFFICER: {A.VIEW_ORGANIZATION, IMP},
        Role.APPROVER: {A.VIEW_ORGANIZATION},
        Role.VERIFIER: {A.VIEW_ORGANIZATION, IMP},
        Role.ANALYST: {A.VIEW_ORGANIZATION},
        Role.VIEWER: {A.VIEW_ORGANIZATION},
    },
    OrgType.BUMN: {
        Role.OWNER: BASICS | {A.CREATE_NEED, A.APPROVE_AWARD, IMP},
        Role.ADMIN: BASICS | {IMP},
        Role.PROCUREMENT_OFFICER: {A.VIEW_ORGANIZATION, A.CREATE_NEED, IMP},
        Role.APPROVER: {A.VIEW_ORGANIZATION, A.APPROVE_AWARD},
        Role.VERIFIER: {
            A.VIEW_ORGANIZATION,
            IMP,
        },  # a BUMN's vendor-management verifier loads its vendor list
        Role.ANALYST: {A.VIEW_ORGANIZATION},
        Role.VIEWER: {A.VIEW_ORGANIZATION},
    },
    OrgType.KEMENTERIAN_DINAS: {
        Role.OWNER: BASICS | {A.VIEW_PROGRAM_KPIS, IMP},
        Role.ADMIN: BASICS | {IMP},
        Role.PROCUREMENT_OFFICER: {A.VIEW_ORGANIZATION, IMP},
        Role.APPROVER: {A.VIEW_ORGANIZATION},
        Role.VERIFIER: {A.VIEW_ORGANIZATION, A.VERIFY_SUPPLIER, IMP},
        Role.ANALYST: {A.VIEW_ORGANIZATION, A.VIEW_PROGRAM_KPIS},
        Role.VIEWER: {A.VIEW_ORGANIZATION},
    },
    OrgType.LEMBAGA_PEMBIAYAAN: {
        Role.OWNER: BASICS | {A.FINANCE_ORDERS},
        Role.ADMIN: BASICS,
        Role.PROCUREMENT_OFFICER: {A.VIEW_ORGANIZATION},
        Role.APPROVER: {A.VIEW_ORGANIZATION},
        Role.VERIFIER: {A.VIEW_ORGANIZATION},
        Role.ANALYST: {A.VIEW_ORGANIZATION},
        Role.VIEWER: {A.VIEW_ORGANIZATION},
    },
    OrgType.OPERATOR_PLATFORM: {
        Role.OWNER: BASICS | {A.VIEW_PROGRAM_KPIS, A.OPERATE_PLATFORM, IMP},
        Role.ADMIN: BASICS | {A.OPERATE_PLATFORM, IMP},
        Role.PROCUREMENT_OFFICER: {A.VIEW_ORGANIZATION, IMP},
        Role.APPROVER: {A.VIEW_ORGANIZATION},
        Role.VERIFIER: {A.VIEW_ORGANIZATION, A.VERIFY_SUPPLIER, IMP},
        Role.ANALYST: {A.VIEW_ORGANIZATION, A.VIEW_PROGRAM_KPIS},
        Role.VIEWER: {A.VIEW_ORGANIZATION},
    },
}
# Types that behave like one already listed.
SAME_AS = {
    OrgType.SWASTA_BESAR: OrgType.BUMN,
    OrgType.PEMBELI_GLOBAL: OrgType.BUMN,
    OrgType.INSTANSI_PEMERINTAH: OrgType.BUMN,
}
ORG_ID = 7


def _actor(org_type: OrgType, *roles: Role) -> Actor:
    return Actor(user_id=1, roles={ORG_ID: frozenset(roles)}, org_types={ORG_ID: org_type})


def test_every_type_is_in_the_table() -> None:
    assert set(EXPECTED) | set(SAME_AS) == set(OrgType)


# Actions about a record rather than an organization: no role grants them on its own.
RECORD_ACTIONS = {
    A.VIEW_SUPPLIER_PROFILE,
    A.VIEW_PERSONAL_DATA,
    A.VIEW_CONTACT,
    A.CHANGE_BY_IMPORT,
    A.VIEW_RECORD,
    A.SEE_OPPORTUNITY,
    A.RUN_PURCHASE,
    A.FULFIL_ORDER,
}
ORG_ACTIONS = set(Action) - RECORD_ACTIONS
V = A.VIEW_ORGANIZATION
P = Party
# For each part (or set of parts) an organization takes in a record: the actions that gives its members,
# each with the right (of EXPECTED) they need in that organization.
PARTY_ACTIONS: dict[frozenset[Party], dict[Action, Action]] = {
    frozenset({P.OWNER}): {
        **{a: a for a in ORG_ACTIONS},
        A.VIEW_RECORD: V,
        A.VIEW_SUPPLIER_PROFILE: V,
        A.VIEW_PERSONAL_DATA: V,
        A.VIEW_CONTACT: V,
        A.RUN_PURCHASE: A.CREATE_NEED,
    },
    frozenset({P.BUYER}): {
        A.VIEW_RECORD: V,
        A.VIEW_CONTACT: V,
        A.APPROVE_AWARD: A.APPROVE_AWARD,
        A.RUN_PURCHASE: A.CREATE_NEED,
    },
    frozenset({P.SUPPLIER}): {
        A.VIEW_RECORD: V,
        A.SEE_OPPORTUNITY: A.MANAGE_CATALOG,
        A.FULFIL_ORDER: A.MANAGE_CATALOG,
    },
    frozenset({P.LENDER}): {A.VIEW_RECORD: V, A.FINANCE_ORDERS: A.FINANCE_ORDERS},
    frozenset({P.CONSORTIUM_MEMBER}): {A.VIEW_RECORD: V},
    frozenset({P.IMPORTER}): {A.VIEW_RECORD: V},
    frozenset({P.MANAGER}): {},
    # An import row of a profile its importer manages (a dinas is bound to its area, and this record
    # has no region: see IMPORT_TABLE for regions).
    frozenset({P.IMPORTER, P.MANAGER}): {A.VIEW_RECORD: V, A.CHANGE_BY_IMPORT: IMP},
}
AREA_BOUND = {(frozenset({P.IMPORTER, P.MANAGER}), A.CHANGE_BY_IMPORT): {OrgType.KEMENTERIAN_DINAS}}


def test_every_part_is_in_the_table() -> None:
    assert set().union(*PARTY_ACTIONS) == set(Party)


@pytest.mark.parametrize("parts", list(PARTY_ACTIONS), ids=lambda parts: "+".join(sorted(parts)))
@pytest.mark.parametrize("org_type", list(OrgType))
@pytest.mark.parametrize("role", list(Role))
def test_role_party_action_table(parts: frozenset[Party], org_type: OrgType, role: Role) -> None:
    """The full matrix: what a member with ``role`` in an organization of ``org_type`` may do to a record
    in which that organization takes ``parts`` (no region, not public)."""
    rights = EXPECTED[SAME_AS.get(org_type, org_type)][role]
    expected = {
        action
        for action, right in PARTY_ACTIONS[parts].items()
        if right in rights and org_type not in AREA_BOUND.get((parts, action), set())
    }
    record = Resource.of(*((ORG_ID, part) for part in parts))
    assert {a for a in Action if can(_actor(org_type, role), a, record)} == expected


@pytest.mark.parametrize("org_type", list(OrgType))
@pytest.mark.parametrize("role", list(Role))
def test_the_organization_itself_is_its_owners_record(org_type: OrgType, role: Role) -> None:
    actor = _actor(org_type, role)
    assert {a for a in ORG_ACTIONS if can(actor, a, OrgScope(ORG_ID))} == EXPECTED[
        SAME_AS.get(org_type, org_type)
    ][role]
    assert allowed_actions(actor, ORG_ID) == EXPECTED[SAME_AS.get(org_type, org_type)][role]


def test_nothing_is_allowed_on_another_organization() -> None:
    owner = _actor(OrgType.BUMN, Role.OWNER)
    assert not any(can(owner, action, OrgScope(ORG_ID + 1)) for action in Action)


def test_anonymous_is_denied_everything() -> None:
    assert not any(can(None, action, OrgScope(ORG_ID)) for action in Action)


def test_roles_combine() -> None:
    actor = _actor(OrgType.KEMENTERIAN_DINAS, Role.VERIFIER, Role.ANALYST)
    assert allowed_actions(actor, ORG_ID) == {
        A.VIEW_ORGANIZATION,
        A.VERIFY_SUPPLIER,
        A.VIEW_PROGRAM_KPIS,
        IMP,
    }


def test_owner_cannot_verify_even_in_a_dinas() -> None:
    # Separation of duties: verification needs the verifier role.
    assert not can(_actor(OrgType.KEMENTERIAN_DINAS, Role.OWNER), A.VERIFY_SUPPLIER, OrgScope(ORG_ID))


@dataclass(frozen=True)
class Profile:
    """A supplier profile as the policy sees it (the model's ``policy_resource``)."""

    organization_id: int
    region_code: str
    status: str = "submitted"

    @property
    def policy_resource(self) -> Resource:
        return Resource.of(
            (self.organization_id, Party.OWNER),
            region_code=self.region_code,
            public=self.status == "verified",
        )


SUPPLIER_ORG = 99
BANDUNG_PROFILE = Profile(SUPPLIER_ORG, "32.73.01")


def _verifier(org_type: OrgType, area: str | None, *roles: Role) -> Actor:
    return Actor(
        user_id=2,
        roles={ORG_ID: frozenset(roles or (Role.VERIFIER,))},
        org_types={ORG_ID: org_type},
        org_regions={ORG_ID: area},
    )


@pytest.mark.parametrize(
    ("area", "allowed"),
    [("32", True), ("32.73", True), ("32.7", False), ("31", False), ("32.04", False), (None, True)],
)
def test_verifiers_act_in_their_region(area: str | None, allowed: bool) -> None:
    actor = _verifier(OrgType.KEMENTERIAN_DINAS, area)
    assert can(actor, A.VERIFY_SUPPLIER, BANDUNG_PROFILE) is allowed
    assert can(actor, A.VIEW_PERSONAL_DATA, BANDUNG_PROFILE) is allowed


def test_only_verifier_roles_of_verifying_orgs_verify() -> None:
    assert not can(
        _verifier(OrgType.KEMENTERIAN_DINAS, None, Role.ANALYST), A.VERIFY_SUPPLIER, BANDUNG_PROFILE
    )
    assert not can(_verifier(OrgType.KEMENTERIAN_DINAS, None, Role.OWNER), A.VERIFY_SUPPLIER, BANDUNG_PROFILE)
    assert not can(_verifier(OrgType.BUMN, None), A.VERIFY_SUPPLIER, BANDUNG_PROFILE)
    assert can(_verifier(OrgType.OPERATOR_PLATFORM, None), A.VERIFY_SUPPLIER, BANDUNG_PROFILE)


def test_personal_data_is_for_the_owner_and_regional_verifiers_only() -> None:
    owner = Actor(
        user_id=3, roles={SUPPLIER_ORG: frozenset({Role.OWNER})}, org_types={SUPPLIER_ORG: OrgType.UMKM}
    )
    buyer = _actor(OrgType.BUMN, Role.PROCUREMENT_OFFICER)
    verified = Profile(SUPPLIER_ORG, "32.73.01", "verified")
    assert can(owner, A.VIEW_PERSONAL_DATA, verified)
    assert not can(buyer, A.VIEW_PERSONAL_DATA, verified)
    assert not can(None, A.VIEW_PERSONAL_DATA, verified)
    assert not can(owner, A.VERIFY_SUPPLIER, BANDUNG_PROFILE)  # nobody verifies their own business


def test_verified_profiles_are_public_others_are_not() -> None:
    buyer = _actor(OrgType.BUMN, Role.PROCUREMENT_OFFICER)
    assert can(None, A.VIEW_SUPPLIER_PROFILE, Profile(SUPPLIER_ORG, "32.73", "verified"))
    assert can(buyer, A.VIEW_SUPPLIER_PROFILE, Profile(SUPPLIER_ORG, "32.73", "verified"))
    for status in ("draft", "submitted", "rejected"):
        assert not can(buyer, A.VIEW_SUPPLIER_PROFILE, Profile(SUPPLIER_ORG, "32.73", status))
        assert not can(None, A.VIEW_SUPPLIER_PROFILE, Profile(SUPPLIER_ORG, "32.73", status))
    assert can(_verifier(OrgType.KEMENTERIAN_DINAS, "32"), A.VIEW_SUPPLIER_PROFILE, BANDUNG_PROFILE)


def test_only_verifiers_see_unverified_suppliers_in_shortlists() -> None:
    assert sees_unverified_suppliers(_verifier(OrgType.KEMENTERIAN_DINAS, "32"))
    assert sees_unverified_suppliers(_verifier(OrgType.OPERATOR_PLATFORM, None))
    assert not sees_unverified_suppliers(_verifier(OrgType.BUMN, None, Role.PROCUREMENT_OFFICER))
    assert not sees_unverified_suppliers(_verifier(OrgType.KEMENTERIAN_DINAS, None, Role.ANALYST))
    assert not sees_unverified_suppliers(None)


# --- who may change a profile through an import (issue #9, finding 1) ----------------------------------

IMPORTER = ORG_ID
OTHER_IMPORTER = ORG_ID + 2
BANDUNG = "32.73.01"
SOLO = "33.72"


def _importer(org_type: OrgType, role: Role, area: str | None = None) -> Actor:
    return Actor(
        user_id=4,
        roles={IMPORTER: frozenset({role})},
        org_types={IMPORTER: org_type},
        org_regions={IMPORTER: area},
    )


CREATE = ImportTarget(IMPORTER, BANDUNG, exists=False)
CREATE_IN_SOLO = ImportTarget(IMPORTER, SOLO, exists=False)
OWN_IMPORT = ImportTarget(IMPORTER, BANDUNG, exists=True, managed_by_organization_id=IMPORTER)
OWN_IMPORT_IN_SOLO = ImportTarget(IMPORTER, SOLO, exists=True, managed_by_organization_id=IMPORTER)
OTHERS_IMPORT = ImportTarget(IMPORTER, BANDUNG, exists=True, managed_by_organization_id=OTHER_IMPORTER)
CLAIMED = ImportTarget(IMPORTER, BANDUNG, exists=True, managed_by_organization_id=SUPPLIER_ORG)
UNMANAGED = ImportTarget(IMPORTER, BANDUNG, exists=True, managed_by_organization_id=None)

# (importer type, role, its area) -> the rows it may write, of the targets above.
IMPORT_TABLE: list[tuple[OrgType, Role, str | None, set[ImportTarget]]] = [
    # A dinas: in its region only, creating or changing what it imported.
    (OrgType.KEMENTERIAN_DINAS, Role.VERIFIER, "32", {CREATE, OWN_IMPORT}),
    (OrgType.KEMENTERIAN_DINAS, Role.PROCUREMENT_OFFICER, "32.73", {CREATE, OWN_IMPORT}),
    (OrgType.KEMENTERIAN_DINAS, Role.VERIFIER, "33", {CREATE_IN_SOLO, OWN_IMPORT_IN_SOLO}),
    # A ministry (no region): everywhere.
    (
        OrgType.KEMENTERIAN_DINAS,
        Role.VERIFIER,
        None,
        {CREATE, CREATE_IN_SOLO, OWN_IMPORT, OWN_IMPORT_IN_SOLO},
    ),
    # A BUMN's vendor list and a cooperative's members: anywhere, but only what they imported.
    (
        OrgType.BUMN,
        Role.PROCUREMENT_OFFICER,
        "31.71",
        {CREATE, CREATE_IN_SOLO, OWN_IMPORT, OWN_IMPORT_IN_SOLO},
    ),
    (OrgType.KOPERASI, Role.OWNER, "32.04", {CREATE, CREATE_IN_SOLO, OWN_IMPORT, OWN_IMPORT_IN_SOLO}),
    (OrgType.OPERATOR_PLATFORM, Role.ADMIN, None, {CREATE, CREATE_IN_SOLO, OWN_IMPORT, OWN_IMPORT_IN_SOLO}),
    # Roles and organizations without the right to import suppliers: nothing.
    (OrgType.BUMN, Role.APPROVER, None, set()),
    (OrgType.KEMENTERIAN_DINAS, Role.ANALYST, None, set()),
    (OrgType.UMKM, Role.OWNER, "32.73", set()),
    (OrgType.LEMBAGA_PEMBIAYAAN, Role.OWNER, None, set()),
]
TARGETS = (CREATE, CREATE_IN_SOLO, OWN_IMPORT, OWN_IMPORT_IN_SOLO, OTHERS_IMPORT, CLAIMED, UNMANAGED)


@pytest.mark.parametrize(("org_type", "role", "area", "allowed"), IMPORT_TABLE)
def test_import_rule_table(
    org_type: OrgType, role: Role, area: str | None, allowed: set[ImportTarget]
) -> None:
    actor = _importer(org_type, role, area)
    assert {t for t in TARGETS if can(actor, A.CHANGE_BY_IMPORT, t)} == allowed


def test_nobody_changes_by_import_a_profile_managed_by_another_organization() -> None:
    """Knowing a public NIB gives no write access: not for another importer, not over a claimed profile,
    not over one whose importer is unknown."""
    for org_type, role, area, _ in IMPORT_TABLE:
        actor = _importer(org_type, role, area)
        assert not any(can(actor, A.CHANGE_BY_IMPORT, t) for t in (OTHERS_IMPORT, CLAIMED, UNMANAGED))


def test_import_rule_needs_the_importing_organization_and_a_row() -> None:
    member_elsewhere = Actor(
        user_id=5, roles={OTHER_IMPORTER: frozenset({Role.OWNER})}, org_types={OTHER_IMPORTER: OrgType.BUMN}
    )
    assert not can(member_elsewhere, A.CHANGE_BY_IMPORT, CREATE)  # a row of another organization's import
    assert not can(None, A.CHANGE_BY_IMPORT, CREATE)
    owner = _importer(OrgType.BUMN, Role.OWNER)
    assert not can(owner, A.CHANGE_BY_IMPORT, OrgScope(IMPORTER))  # asked only about an import row


# --- records shared by several organizations (issue #10) ----------------------------------------------

BUYER_ORG, SUPPLIER_ORG_2, LENDER_ORG, STRANGER_ORG = 11, 12, 13, 14


def _member(org_id: int, org_type: OrgType, role: Role = Role.OWNER, area: str | None = None) -> Actor:
    return Actor(
        user_id=org_id,
        roles={org_id: frozenset({role})},
        org_types={org_id: org_type},
        org_regions={org_id: area},
    )


def test_a_purchase_order_is_shared_by_its_buyer_supplier_and_lender() -> None:
    order = Resource.of((BUYER_ORG, P.BUYER), (SUPPLIER_ORG_2, P.SUPPLIER))
    financed = Resource.of((BUYER_ORG, P.BUYER), (SUPPLIER_ORG_2, P.SUPPLIER), (LENDER_ORG, P.LENDER))
    buyer = _member(BUYER_ORG, OrgType.BUMN, Role.APPROVER)
    supplier = _member(SUPPLIER_ORG_2, OrgType.UMKM, Role.VIEWER)
    lender = _member(LENDER_ORG, OrgType.LEMBAGA_PEMBIAYAAN)
    stranger = _member(STRANGER_ORG, OrgType.BUMN)
    assert can(buyer, A.VIEW_RECORD, order) and can(supplier, A.VIEW_RECORD, order)
    assert can(buyer, A.APPROVE_AWARD, order) and not can(supplier, A.APPROVE_AWARD, order)
    assert not can(lender, A.VIEW_RECORD, order)  # not financed: not its lender
    assert can(lender, A.VIEW_RECORD, financed) and can(lender, A.FINANCE_ORDERS, financed)
    assert not can(buyer, A.FINANCE_ORDERS, financed)  # an approver finances nothing
    assert not any(can(stranger, a, financed) for a in Action)
    assert not any(can(None, a, financed) for a in Action)


def test_a_consortium_is_seen_by_each_member() -> None:
    members = (21, 22, 23)
    consortium = Resource.of(*((m, P.CONSORTIUM_MEMBER) for m in members))
    for m in members:
        assert can(_member(m, OrgType.UMKM, Role.VIEWER), A.VIEW_RECORD, consortium)
        assert not can(_member(m, OrgType.UMKM), A.MANAGE_ORGANIZATION, consortium)  # no one owns it
    assert not can(_member(24, OrgType.UMKM), A.VIEW_RECORD, consortium)


@pytest.mark.parametrize(
    ("org_type", "role", "area", "allowed"),
    [
        (OrgType.KEMENTERIAN_DINAS, Role.ANALYST, "32", True),
        (OrgType.KEMENTERIAN_DINAS, Role.OWNER, "32.73", True),
        (OrgType.KEMENTERIAN_DINAS, Role.ANALYST, "31", False),
        (OrgType.KEMENTERIAN_DINAS, Role.VERIFIER, "32", False),  # verifies, reads no KPIs
        (OrgType.KEMENTERIAN_DINAS, Role.ANALYST, None, True),  # a ministry: everywhere
        (OrgType.OPERATOR_PLATFORM, Role.ANALYST, None, True),
        (OrgType.BUMN, Role.OWNER, None, False),
    ],
)
def test_a_dashboard_row_is_read_inside_its_region(
    org_type: OrgType, role: Role, area: str | None, allowed: bool
) -> None:
    row = Resource.of(region_code="32.73.01")
    assert can(_member(30, org_type, role, area), A.VIEW_PROGRAM_KPIS, row) is allowed


def test_an_open_need_is_offered_to_every_supplier_and_only_to_suppliers() -> None:
    draft = Resource.of((BUYER_ORG, P.OWNER), (BUYER_ORG, P.BUYER))
    open_need = Resource.of((BUYER_ORG, P.OWNER), (BUYER_ORG, P.BUYER), public=True)
    supplier = _member(SUPPLIER_ORG_2, OrgType.UMKM, Role.ADMIN)
    assert can(supplier, A.SEE_OPPORTUNITY, open_need)
    assert not can(supplier, A.SEE_OPPORTUNITY, draft)
    assert not can(_member(SUPPLIER_ORG_2, OrgType.UMKM, Role.VIEWER), A.SEE_OPPORTUNITY, open_need)
    assert not can(_member(STRANGER_ORG, OrgType.BUMN), A.SEE_OPPORTUNITY, open_need)
    assert not can(None, A.SEE_OPPORTUNITY, open_need)
    # Its buyer sees it as its own record, open or not; another supplier's members never do.
    assert can(_member(BUYER_ORG, OrgType.BUMN, Role.VIEWER), A.VIEW_RECORD, draft)
    assert not can(supplier, A.VIEW_RECORD, open_need)
    # Addressed to a chosen supplier (an RFQ): that supplier only.
    invited = Resource.of((BUYER_ORG, P.BUYER), (SUPPLIER_ORG_2, P.SUPPLIER))
    assert can(supplier, A.SEE_OPPORTUNITY, invited)
    assert not can(_member(25, OrgType.UMKM), A.SEE_OPPORTUNITY, invited)


RECORDS = [
    Resource.of((BUYER_ORG, P.OWNER), (BUYER_ORG, P.BUYER)),
    Resource.of((BUYER_ORG, P.OWNER), (BUYER_ORG, P.BUYER), public=True),
    Resource.of((BUYER_ORG, P.BUYER), (SUPPLIER_ORG_2, P.SUPPLIER), (LENDER_ORG, P.LENDER)),
    Resource.of((SUPPLIER_ORG_2, P.OWNER), region_code="32.73.01"),
    Resource.of((SUPPLIER_ORG_2, P.OWNER), region_code="33.72", public=True),
    Resource.of((21, P.CONSORTIUM_MEMBER), (SUPPLIER_ORG_2, P.CONSORTIUM_MEMBER)),
    Resource.of(region_code="32.73"),
]
ACTORS = [
    None,
    _member(BUYER_ORG, OrgType.BUMN, Role.PROCUREMENT_OFFICER),
    _member(SUPPLIER_ORG_2, OrgType.UMKM, Role.ADMIN),
    _member(SUPPLIER_ORG_2, OrgType.UMKM, Role.VIEWER),
    _member(LENDER_ORG, OrgType.LEMBAGA_PEMBIAYAAN),
    _member(30, OrgType.KEMENTERIAN_DINAS, Role.VERIFIER, "32"),
    _member(31, OrgType.KEMENTERIAN_DINAS, Role.ANALYST, "33"),
    _member(32, OrgType.OPERATOR_PLATFORM, Role.VERIFIER, None),
]


def _reached(actor: Actor | None, action: Action, record: Resource) -> bool:
    """What a query built from ``reach`` selects (the repositories' WHERE, written over a Resource)."""
    scope = reach(actor, action)
    if record.public and scope.public:
        return True
    if any(org in scope.organizations(part) for org, part in record.parties):
        return True
    region = record.region_code
    return bool(region) and any(
        area is None or region == area or region.startswith(area + ".") for area in scope.areas
    )


@pytest.mark.parametrize(
    "action",
    [
        A.VIEW_RECORD,
        A.SEE_OPPORTUNITY,
        A.VIEW_SUPPLIER_PROFILE,
        A.VIEW_PERSONAL_DATA,
        A.VIEW_CONTACT,
        A.VERIFY_SUPPLIER,
        A.VIEW_PROGRAM_KPIS,
        A.VIEW_ORGANIZATION,
    ],
)
def test_reach_selects_exactly_what_can_allows(action: Action) -> None:
    """The readable queries are built from ``reach``: it must agree with ``can`` on every record."""
    for actor in ACTORS:
        for record in RECORDS:
            assert _reached(actor, action, record) is can(actor, action, record), (actor, record)


def test_import_rows_are_decided_row_by_row() -> None:
    with pytest.raises(ValueError, match="row by row"):
        reach(None, A.CHANGE_BY_IMPORT)


def test_acting_for_one_organization() -> None:
    both = Actor(
        user_id=9,
        roles={BUYER_ORG: frozenset({Role.OWNER}), SUPPLIER_ORG_2: frozenset({Role.OWNER})},
        org_types={BUYER_ORG: OrgType.BUMN, SUPPLIER_ORG_2: OrgType.UMKM},
    )
    job = Resource.of((SUPPLIER_ORG_2, P.IMPORTER))
    assert can(both, A.VIEW_RECORD, job)
    assert not can(both.within(BUYER_ORG), A.VIEW_RECORD, job)
    assert can(both.within(SUPPLIER_ORG_2), A.VIEW_RECORD, job)
    assert both.within(STRANGER_ORG).roles == {}


@pytest.mark.parametrize(
    ("org_type", "kind"),
    [
        (OrgType.UMKM, "supplier"),
        (OrgType.KOPERASI, "supplier"),
        (OrgType.BUMN, "buyer"),
        (OrgType.SWASTA_BESAR, "buyer"),
        (OrgType.PEMBELI_GLOBAL, "buyer"),
        (OrgType.INSTANSI_PEMERINTAH, "buyer"),
        (OrgType.LEMBAGA_PEMBIAYAAN, "lender"),
        (OrgType.KEMENTERIAN_DINAS, "government"),
        (OrgType.OPERATOR_PLATFORM, "operator"),
    ],
)
def test_dashboard_kind(org_type: OrgType, kind: str) -> None:
    assert dashboard_kind(_actor(org_type, Role.VIEWER), ORG_ID) == kind
    assert dashboard_kind(_actor(org_type, Role.VIEWER), ORG_ID + 1) == "none"
    assert dashboard_kind(None, ORG_ID) == "none"
