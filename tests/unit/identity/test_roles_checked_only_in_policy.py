"""The policy module is the only place roles are checked: no other source file compares against a Role."""

from __future__ import annotations

import re
from pathlib import Path

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
