"""The policy module is the only place roles are checked: no other source file compares against a Role,
and no door (web, API, CLI) compares organization ids, organization types or roles at all (issue #10)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from rantai.identity.roles import OrgType, Role

SRC = Path(__file__).resolve().parents[3] / "src" / "rantai"
ALLOWED = {SRC / "identity" / "policy.py", SRC / "identity" / "roles.py"}
# A role check looks like `Role.ADMIN in roles`, `role == Role.OWNER`, `"owner" in roles`...
ROLE_CHECK = re.compile(
    r"(Role\.[A-Z_]+\s+(in|not in)\b|[=!]=\s*Role\.[A-Z_]+|Role\.[A-Z_]+\s*[=!]=|"
    r"[\"'](owner|admin|procurement_officer|approver|verifier|analyst|viewer)[\"']\s+(in|not in)\b|"
    r"role\s*[=!]=\s*[\"'])"
)


def test_no_role_checks_outside_the_policy() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if path in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE_CHECK.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    templates = SRC / "web" / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\.role\b|roles\s*(==|\bcontains\b)|'(owner|admin|verifier)'\s+in", text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_the_detector_catches_a_role_check() -> None:
    assert ROLE_CHECK.search("if Role.ADMIN in actor.roles[org]:")
    assert ROLE_CHECK.search('if membership.role == "owner":')
    assert ROLE_CHECK.search('if "verifier" in roles:')
    assert ROLE_CHECK.search("if role == Role.OWNER:")


# --- doors never decide access themselves (issue #10) -------------------------------------------------

DOORS = ("web", "api", "cli")
# What access is decided from: whose record it is, what kind of organization, which role.
ACCESS_NAMES = {"organization_id", "org_type", "org_types", "role", "roles", "org_regions", "region_code"}
ACCESS_OWNERS = {"org", "organization", "current_org", "organizations"}  # `<owner>.id`
ACCESS_CONSTANTS = {"SUPPLIER_TYPES", "BUYER_TYPES", "REGION_BOUND_IMPORTERS"}
ACCESS_VALUES = {r.value for r in Role} | {t.value for t in OrgType}


def _access_term(node: ast.AST) -> str | None:
    """What in ``node`` is access data, if anything (searched through the whole expression)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute):
            if sub.attr in ACCESS_NAMES or sub.attr.endswith("_organization_id"):
                return sub.attr
            if sub.attr == "id" and isinstance(sub.value, ast.Attribute | ast.Name):
                owner = sub.value.attr if isinstance(sub.value, ast.Attribute) else sub.value.id
                if owner in ACCESS_OWNERS:
                    return f"{owner}.id"
            if isinstance(sub.value, ast.Name) and sub.value.id in {"Role", "OrgType"}:
                return f"{sub.value.id}.{sub.attr}"
        if isinstance(sub, ast.Name) and (
            sub.id in ACCESS_CONSTANTS or sub.id in ACCESS_NAMES or sub.id.endswith("_organization_id")
        ):
            return sub.id
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and sub.value in ACCESS_VALUES:
            return repr(sub.value)
    return None


def access_decisions(source: str) -> list[tuple[int, str]]:
    """Comparisons (==, !=, in, is...) made on organization ids, organization types or roles."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                term = _access_term(operand)
                if term is not None:
                    found.append((node.lineno, term))
                    break
    return found


def test_no_door_decides_access_itself() -> None:
    """The web pages, the API and the CLI ask the policy (or a repository's readable query); they never
    compare whose record something is, what type an organization is or which role a member holds."""
    offenders = []
    for door in DOORS:
        for path in (SRC / door).rglob("*.py"):
            for line, term in access_decisions(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(SRC)}:{line}: compares {term}")
    assert offenders == []


@pytest.mark.parametrize(
    "source",
    [
        "if job.organization_id != viewer.current_org.id: raise NotFound()",
        "if claim.claimant_organization_id == caller.organization_id: pass",
        "ok = org.org_type in BUYER_TYPES",
        "ok = OrgType(org.org_type) not in SUPPLIER_TYPES",
        "if kind is OrgType.KOPERASI: pass",
        "if Role.ADMIN in actor.roles[org_id]: pass",
        "if membership.role == 'owner': pass",
        "mine = [p for p in profiles if p.organization_id == viewer.organization.id]",
        "if organization.type == 'bumn': pass",
        "stmt = select(Need).where(Need.organization_id == org_id)",
    ],
)
def test_the_door_scan_catches_an_access_decision(source: str) -> None:
    assert access_decisions(source)


@pytest.mark.parametrize(
    "source",
    [
        "if job is None: raise NotFound()",
        "ok = can(actor, Action.VIEW_RECORD, job)",
        "if gap.kind == 'cert': pass",
        "if status not in ('submitted', 'verified'): pass",
        "label = OrgType(org.org_type).label",
    ],
)
def test_the_door_scan_leaves_other_comparisons_alone(source: str) -> None:
    assert not access_decisions(source)
