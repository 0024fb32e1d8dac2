"""requirements.lock installs with pip's --require-hashes on a fresh machine.

pip 23 calls a dependency asked for with extras (WeasyPrint asks for ``fonttools[woff]``) unpinned
whenever a newer release than the locked one exists, unless the lock's own line carries the same
extras. uv writes the extras away, so `make lock` writes them back; this test keeps the two agreeing.
"""

from __future__ import annotations

import re
from importlib.metadata import distributions
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = Path(__file__).resolve().parents[2] / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[([^\]]*)\])?==")


def _locked() -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            extras = {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}
            pins[canonicalize_name(match.group(1))] = extras
    return pins


def test_every_extra_a_locked_package_asks_for_is_on_the_locked_line() -> None:
    pins = _locked()
    env = default_environment() | {"extra": ""}
    missing = []
    for dist in distributions():
        if canonicalize_name(dist.metadata["Name"]) not in pins:
            continue
        for text in dist.requires or []:
            req = Requirement(text)
            if not req.extras or (req.marker is not None and not req.marker.evaluate(env)):
                continue
            name = canonicalize_name(req.name)
            if name in pins and not req.extras <= pins[name]:
                missing.append(f"{dist.metadata['Name']} asks for {req}")
    assert pins, "requirements.lock pins nothing"
    assert not missing, missing


def test_the_lock_pins_fonttools_with_the_woff_extra() -> None:
    assert _locked()[canonicalize_name("fonttools")] == {"woff"}
