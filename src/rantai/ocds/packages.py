"""OCDS packages: the release schema patched with the declared extensions, records compiled with
``ocdsmerge`` (not by hand), and the release and record packages around them.

The schemas are files in this package (``schema/1__1__5``, ``extensions/``; provenance in NOTICE.md), so
nothing is downloaded at run time: ``ocdsmerge`` is given the patched schema as a dictionary, which it reads
its merge rules from.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import ocdsmerge

from rantai.ocds.mapping import Json

HERE = Path(__file__).parent
SCHEMA_DIR = HERE / "schema" / "1__1__5"
EXTENSIONS_DIR = HERE / "extensions"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
# The published party-scale extension, which every package declares (our copy of its patch is only for
# validating offline: extensions/partyScale/README.md).
PARTY_SCALE_URL = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_partyDetails_scale_extension/master/extension.json"
)
# Rantai's own extension, served by the platform itself (api/v1/ocds.py).
RANTAI_EXTENSION_PATH = "/api/v1/ocds/extension/extension.json"
EXTENSION_FILES = ("extension.json", "release-schema.json")
OCDS_VERSION = "1.1"
PUBLISHER = {"name": "Rantai", "uri": "https://github.com/rantai/rantai"}
# The platform's page saying what it publishes, when, and what it leaves out (web/routes/monitoring.py).
POLICY_PATH = "/transparansi/kebijakan-data"


def extension_urls(base_url: str) -> list[str]:
    return [PARTY_SCALE_URL, base_url.rstrip("/") + RANTAI_EXTENSION_PATH]


def load(path: Path) -> Json:
    with path.open(encoding="utf-8") as file:
        data: Json = json.load(file)
    return data


def merge_patch(target: Any, patch: Any) -> Any:
    """JSON Merge Patch (RFC 7396), how OCDS applies an extension's release-schema.json to the core."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def extension_patches() -> list[Json]:
    """The release-schema patches of the extensions every package declares, in the order declared."""
    return [load(EXTENSIONS_DIR / name / "release-schema.json") for name in ("partyScale", "rantai")]


@cache
def _patched_release_schema() -> str:
    schema = load(SCHEMA_DIR / "release-schema.json")
    for patch in extension_patches():
        schema = merge_patch(schema, patch)
    return json.dumps(schema)


def release_schema() -> Json:
    """The OCDS 1.1.5 release schema patched with the declared extensions (a fresh copy each call)."""
    schema: Json = json.loads(_patched_release_schema())
    return schema


@cache
def _merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=release_schema())


def compiled_release(releases: Sequence[Json]) -> Json:
    """The compiled release of one process's releases, merged by ``ocdsmerge`` with the patched schema's
    rules (parties, awards, contracts, milestones and transactions merged by their ids)."""
    compiled: Json = _merger().create_compiled_release(list(releases))
    return compiled


def record(releases: Sequence[Json], *, package_uri: str) -> Json:
    """A record: the process's releases linked by URL into the release package, and its compiled release."""
    return {
        "ocid": releases[0]["ocid"],
        "releases": [
            {"url": f"{package_uri}#{r['id']}", "date": r["date"], "tag": r["tag"]} for r in releases
        ],
        "compiledRelease": compiled_release(releases),
    }


def published(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def policy_url(base_url: str) -> str:
    """The publication policy's address: the page that says what is published, when, and what is not."""
    return base_url.rstrip("/") + POLICY_PATH


def package_head(
    *, uri: str, published_at: dt.datetime, base_url: str, license_url: str | None = None
) -> Json:
    """What a release or record package says before its list: where it is, when, by whom, under which
    licence and publication policy, and the extensions."""
    head: Json = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published(published_at),
        "publisher": dict(PUBLISHER),
    }
    if license_url:
        head["license"] = license_url
    head["publicationPolicy"] = policy_url(base_url)
    head["extensions"] = extension_urls(base_url)
    return head


def release_package(
    releases: Iterable[Json],
    *,
    uri: str,
    published_at: dt.datetime,
    base_url: str,
    license_url: str | None = None,
) -> Json:
    head = package_head(uri=uri, published_at=published_at, base_url=base_url, license_url=license_url)
    return head | {"releases": list(releases)}


def record_package(
    records: Iterable[Json],
    *,
    uri: str,
    published_at: dt.datetime,
    base_url: str,
    release_packages: Sequence[str] = (),
    license_url: str | None = None,
) -> Json:
    head = package_head(uri=uri, published_at=published_at, base_url=base_url, license_url=license_url)
    if release_packages:
        head["packages"] = list(release_packages)
    return head | {"records": list(records)}
