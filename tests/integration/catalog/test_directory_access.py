"""Issue #9, finding 11: who may list profiles not verified yet, decided inside the directory's query.

Verified profiles are public. Draft, submitted and rejected ones are listed only to a verifier, and only
inside the regions that verifier covers, whatever flag a door passes; and text with control characters
reaches no database (PostgreSQL refused a NUL with a 500)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.suppliers import add_product, make_supplier, national_verifier

from rantai.catalog import directory
from rantai.identity import service as identity
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.kit.pagination import PageRequest

PAGE = PageRequest(1, 50)


@pytest.fixture
def suppliers(db: Session) -> None:
    """Keripik makers in Kota Bandung (32.73) and Kota Surabaya (35.78), in each status."""
    for status in ("verified", "draft", "submitted", "rejected"):
        for kabkota, city in (("32.73", "Bandung"), ("35.78", "Surabaya")):
            profile, _, owner = make_supplier(
                db, status=status, business_name=f"Keripik {city} {status}", kabkota_code=kabkota
            )
            add_product(db, profile, owner, "Keripik singkong")


def _names(db: Session, actor: Actor | None, *, verified_only: bool = False, **query: object) -> set[str]:
    found = directory.search(
        db,
        directory.DirectoryQuery(text="keripik", verified_only=verified_only, **query),  # type: ignore[arg-type]
        PAGE,
        actor=actor,
    )
    return {profile.business_name for profile in found.items}


def _regional_verifier(db: Session, area: str) -> Actor:
    org = identity.create_organization(
        db, name=f"Dinas Koperasi {area}", org_type=OrgType.KEMENTERIAN_DINAS, region_code=area
    )
    return identity.actor_for(db, make_user(db, org, (Role.VERIFIER,)))


VERIFIED = {"Keripik Bandung verified", "Keripik Surabaya verified"}
SURABAYA_UNVERIFIED = {"Keripik Surabaya draft", "Keripik Surabaya submitted", "Keripik Surabaya rejected"}
BANDUNG_UNVERIFIED = {"Keripik Bandung draft", "Keripik Bandung submitted", "Keripik Bandung rejected"}


@pytest.mark.usefixtures("suppliers")
def test_a_regional_verifier_lists_unverified_profiles_of_its_region_only(db: Session) -> None:
    jatim = _regional_verifier(db, "35")  # the province of Surabaya
    assert _names(db, jatim) == VERIFIED | SURABAYA_UNVERIFIED
    # Even when filtering on another province, nothing unverified from outside its region shows.
    assert _names(db, jatim, province_code="32") == {"Keripik Bandung verified"}
    surabaya = _regional_verifier(db, "35.78")
    assert _names(db, surabaya) == VERIFIED | SURABAYA_UNVERIFIED
    assert _names(db, national_verifier(db)) == VERIFIED | SURABAYA_UNVERIFIED | BANDUNG_UNVERIFIED


@pytest.mark.usefixtures("suppliers")
def test_everyone_else_gets_verified_profiles_whatever_the_flag(db: Session) -> None:
    buyer_org = make_org(db, OrgType.BUMN)
    buyer = identity.actor_for(db, make_user(db, buyer_org, (Role.OWNER, Role.PROCUREMENT_OFFICER)))
    assert _names(db, buyer) == VERIFIED
    assert _names(db, None) == VERIFIED  # a door that forgets the reader gets the public listing
    jatim = _regional_verifier(db, "35")
    assert _names(db, jatim, verified_only=True) == VERIFIED  # not asked for: not given


@pytest.mark.usefixtures("suppliers")
def test_the_api_door_passes_the_reader(client: TestClient, db: Session) -> None:
    dinas = identity.create_organization(
        db, name="Dinas Jatim API", org_type=OrgType.KEMENTERIAN_DINAS, region_code="35"
    )
    verifier = bearer(api_token_for(db, make_user(db, dinas, (Role.VERIFIER,)), dinas))
    params = {"text": "keripik", "include_unverified": "true", "per_page": "50"}
    listed = client.get("/api/v1/suppliers", params=params, headers=verifier).json()
    assert {p["business_name"] for p in listed["items"]} == VERIFIED | SURABAYA_UNVERIFIED
    buyer_org = make_org(db, OrgType.BUMN)
    buyer = bearer(api_token_for(db, make_user(db, buyer_org, (Role.PROCUREMENT_OFFICER,)), buyer_org))
    listed = client.get("/api/v1/suppliers", params=params, headers=buyer).json()
    assert {p["business_name"] for p in listed["items"]} == VERIFIED


@pytest.mark.usefixtures("suppliers")
def test_control_characters_and_huge_numbers_reach_no_query(db: Session) -> None:
    assert _names(db, None, province_code="3\x002", kbli_code="\x00", certification_type="halal\x00") == set()
    assert _names(db, None, kabkota_code="32.73\x00") == {"Keripik Bandung verified"}  # the NUL is dropped
    found = directory.search(db, directory.DirectoryQuery(text="keripik\x00 singkong"), PAGE)
    assert {p.business_name for p in found.items} == VERIFIED
    assert _names(db, None, min_capacity=2**70) == set()
