"""The order of the routes is chosen for speed (the shortlist page first, the pages before the API: issue
#9, server CPU per page), so it must decide nothing else: no path is matched by two route patterns."""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import BaseRoute, Mount, compile_path

from rantai.app import create_app


def _patterns(routes: list[BaseRoute], prefix: str = "") -> list[str]:
    """Every route's full path pattern, included routers walked (their prefixes added)."""
    found: list[str] = []
    for route in routes:
        included: Any = getattr(route, "original_router", None)
        if included is not None:
            found += _patterns(included.routes, prefix + (route.include_context.prefix or ""))  # type: ignore[attr-defined]
        elif isinstance(route, Mount):
            found.append(prefix + route.path + "/{path:path}")
        else:
            found.append(prefix + route.path)  # type: ignore[attr-defined]
    return found


def _samples(pattern: str) -> set[str]:
    """Paths a pattern matches when its parameters are a number, or a word."""
    return {re.sub(r"\{[^}]*\}", value, pattern) for value in ("7", "x")}


def test_no_path_matches_two_route_patterns() -> None:
    patterns = sorted(set(_patterns(create_app().routes)))
    assert any("/shortlist" in pattern for pattern in patterns)  # the walk reached the included routers
    compiled = [(pattern, compile_path(pattern)[0]) for pattern in patterns]
    clashes = [
        (path, pattern, other)
        for pattern, regex in compiled
        for path in _samples(pattern)
        if regex.match(path)
        for other, other_regex in compiled
        if other != pattern and other_regex.match(path)
    ]
    assert clashes == []
