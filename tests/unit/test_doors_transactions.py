"""Doors do not manage transactions by hand (issue #10): a form shown again with its error wraps the use
case in ``rantai.db.all_or_nothing`` (a savepoint) instead of rolling the request back and reading
everything again; the request's one transaction is committed or rolled back by ``rantai.http``."""

from __future__ import annotations

import ast
from pathlib import Path

import rantai

DOORS = ("web", "api")


def rollbacks(root: Path) -> list[str]:
    """Every ``<something>.rollback(...)`` call in the doors' modules under ``root``."""
    found = []
    for door in DOORS:
        for path in sorted((root / door).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "rollback"
                ):
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_door_rolls_back_by_hand() -> None:
    assert rollbacks(Path(rantai.__file__).parent) == []


def test_the_scan_finds_a_rollback(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "api").mkdir()
    (tmp_path / "web" / "page.py").write_text(
        "def handler(db):\n    try:\n        pass\n    except Exception:\n        db.rollback()\n"
    )
    assert rollbacks(tmp_path) == ["web/page.py:5"]
