"""The authorization policy, pinned as an explicit role x action table (written out here, not derived from
the policy module, so a change to the policy must be a deliberate change to this table too)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rantai.identity.policy import (
    Action,
    Actor,
    ImportTarget,
    OrgScope,
    allowed_actions,
    can,
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


@pytest.mark.parametrize("org_type", list(OrgType))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_role_action_table(org_type: OrgType, role: Role, action: Action) -> None:
    expected = action in EXPECTED[SAME_AS.get(org_type, org_type)][role]
    assert can(_actor(org_type, role), action, OrgScope(ORG_ID)) is expected


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
    organization_id: int
    region_code: str
    status: str = "submitted"


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
