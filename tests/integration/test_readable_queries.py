"""Reads authorized where they are made (issue #10): every readable query returns exactly the rows
``policy.can`` allows its reader, and the doors (web pages, API) list nothing more. Two organizations of
each kind: buyers, suppliers, verifiers of two regions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, log_in, make_user
from tests.factories.sourcing import line_data, make_buyer, make_need
from tests.factories.suppliers import add_product, make_supplier

from rantai.catalog import directory
from rantai.identity import service as identity
from rantai.identity.models import Organization, User
from rantai.identity.policy import Action, Actor, OrgScope, can
from rantai.identity.roles import OrgType, Role
from rantai.kit.pagination import PageRequest
from rantai.sourcing import opportunities
from rantai.sourcing import repository as sourcing_repository
from rantai.sourcing import service as sourcing
from rantai.sourcing.models import Need
from rantai.suppliers import contacts
from rantai.suppliers import repository as suppliers_repository
from rantai.suppliers.models import ContactRequest, ImportJob, SupplierProfile

BANDUNG, SOLO = "32.73", "33.72"
PAGE = PageRequest(1, 100)


@dataclass
class Member:
    org: Organization
    user: User
    actor: Actor


@dataclass
class World:
    buyers: list[Member]
    suppliers: list[Member]
    verifiers: list[Member]  # of Jawa Barat (32) and Jawa Tengah (33)
    needs: dict[str, Need]  # "<buyer>-<status>" -> need
    waiting: dict[str, SupplierProfile]  # submitted profiles by region
    drafts: list[SupplierProfile]

    @property
    def members(self) -> list[Member]:
        return [*self.buyers, *self.suppliers, *self.verifiers]

    @property
    def actors(self) -> list[Actor | None]:
        return [None, *(m.actor for m in self.members)]


def _verifier(db: Session, area: str) -> Member:
    org = identity.create_organization(
        db, name=f"Dinas Koperasi dan UKM {area}", org_type=OrgType.KEMENTERIAN_DINAS, region_code=area
    )
    user = make_user(db, org, (Role.VERIFIER,))
    return Member(org, user, identity.actor_for(db, user))


@pytest.fixture
def world(db: Session) -> World:
    buyers = []
    needs = {}
    for tag in ("a", "b"):
        org, user, actor = make_buyer(db)
        buyers.append(Member(org, user, actor))
        for status in ("draft", "open", "closed"):
            needs[f"{tag}-{status}"] = make_need(
                db,
                org,
                actor,
                title=f"Paket {tag} {status}",
                lines=[line_data(name=f"Keripik singkong balado {tag} {status}")],
                status=status,
            )
    suppliers = []
    for _ in range(2):
        profile, owner, actor = make_supplier(db, status="verified")
        add_product(
            db,
            profile,
            actor,
            "Keripik Singkong Balado 250 g",
            unit_code="bungkus",
            capacity_per_month=50_000,
        )
        suppliers.append(Member(db.get(Organization, profile.organization_id), owner, actor))  # type: ignore[arg-type]
    waiting = {
        BANDUNG: make_supplier(
            db, status="submitted", business_name="Batik Bandung Menunggu", kabkota_code=BANDUNG
        )[0],
        SOLO: make_supplier(db, status="submitted", business_name="Batik Solo Menunggu", kabkota_code=SOLO)[
            0
        ],
    }
    drafts = [
        make_supplier(db, business_name=f"Draf {region}", kabkota_code=region)[0]
        for region in (BANDUNG, SOLO)
    ]
    verifiers = [_verifier(db, "32"), _verifier(db, "33")]
    db.flush()
    return World(buyers, suppliers, verifiers, needs, waiting, drafts)


def _ids(rows: object) -> set[int]:
    return {row.id for row in rows}  # type: ignore[attr-defined]


# --- through the repositories ---------------------------------------------------------------------------


@pytest.mark.parametrize("action", [Action.VIEW_RECORD, Action.SEE_OPPORTUNITY])
def test_readable_needs_are_exactly_what_the_policy_allows(db: Session, world: World, action: Action) -> None:
    ours = list(world.needs.values())
    for actor in world.actors:
        listed = _ids(
            db.scalars(sourcing_repository.readable_needs(actor, action).where(Need.id.in_(_ids(ours))))
        )
        assert listed == {n.id for n in ours if can(actor, action, n)}, actor


def test_a_buyers_list_holds_its_own_needs_only(db: Session, world: World) -> None:
    for tag, buyer in zip("ab", world.buyers, strict=True):
        page = sourcing.needs_page(db, actor=buyer.actor, organization_id=buyer.org.id, page=PAGE)
        assert _ids(page.items) == {world.needs[f"{tag}-{s}"].id for s in ("draft", "open", "closed")}
        # Asked for the other buyer's list, even by passing its id, nothing of it is readable.
        other = world.buyers[1 if tag == "a" else 0]
        assert (
            sourcing_repository.needs_page(
                db, actor=buyer.actor, organization_id=other.org.id, page=PAGE
            ).items
            == []
        )


def test_a_supplier_is_offered_open_needs_only(db: Session, world: World) -> None:
    open_needs = {world.needs["a-open"].id, world.needs["b-open"].id}
    for supplier in world.suppliers:
        offered = _ids(
            db.scalars(
                sourcing_repository.readable_needs(supplier.actor, Action.SEE_OPPORTUNITY).where(
                    Need.id.in_(_ids(world.needs.values()))
                )
            )
        )
        assert offered == open_needs
        profile = suppliers_repository.by_organization(db, supplier.org.id)
        assert profile is not None
        found = opportunities.opportunities_for(db, profile.id, actor=supplier.actor, top=50)
        shown = {line.need_id for _, line in found.recommended}
        assert shown == open_needs
    # A buyer's member, or nobody, is offered nothing.
    assert (
        sourcing_repository.readable_need_ids(
            db, world.buyers[0].actor, sorted(open_needs), Action.SEE_OPPORTUNITY
        )
        == set()
    )
    assert (
        sourcing_repository.readable_need_ids(db, None, sorted(open_needs), Action.SEE_OPPORTUNITY) == set()
    )


def test_browsing_open_needs_lists_open_needs_only(db: Session, world: World) -> None:
    """Issue #13: the opportunities page's query (every open line, not only the matched) offers the
    open needs and nothing else, to suppliers only."""
    open_needs = {world.needs["a-open"].id, world.needs["b-open"].id}
    for actor in world.actors:
        page = sourcing_repository.opportunity_lines_page(
            db, actor=actor, wanted=sourcing_repository.OpportunityFilter(words=("keripik",)), page=PAGE
        )
        listed = {need.id for _, need, _ in page.items} & _ids(world.needs.values())
        assert listed == {n.id for n in world.needs.values() if can(actor, Action.SEE_OPPORTUNITY, n)}
        assert listed in (open_needs, set())
    supplier = world.suppliers[0]
    assert {
        need.id
        for _, need, _ in sourcing_repository.opportunity_lines_page(
            db, actor=supplier.actor, wanted=sourcing_repository.OpportunityFilter(), page=PAGE
        ).items
    } >= open_needs


def test_contact_requests_are_read_by_their_buyer_and_business_only(db: Session, world: World) -> None:
    """Issue #13: a contact request is its buyer's and its business's, in the query and in ``can``."""
    rows = []
    for buyer, supplier in zip(world.buyers, world.suppliers, strict=True):
        profile = suppliers_repository.by_organization(db, supplier.org.id)
        assert profile is not None
        rows.append(
            contacts.request_contact(
                db, actor=buyer.actor, buyer_organization_id=buyer.org.id, profile=profile, message="Halo"
            )
        )
    ids = _ids(rows)
    for actor in world.actors:
        listed = _ids(
            db.scalars(
                select(ContactRequest).where(contacts.request_readable(actor), ContactRequest.id.in_(ids))
            )
        )
        assert listed == {r.id for r in rows if can(actor, Action.VIEW_RECORD, r)}, actor
    assert (
        _ids(
            r.request
            for r in contacts.requests_page(
                db, actor=world.buyers[0].actor, organization_id=world.buyers[1].org.id, page=PAGE
            ).items
        )
        == set()
    )


def test_the_verifier_queue_holds_its_region_only(db: Session, world: World) -> None:
    ours = [*world.waiting.values(), *world.drafts]
    for actor in world.actors:
        queue = suppliers_repository.verification_queue(db, PAGE, actor=actor)
        listed = _ids(queue.items) & _ids(ours)
        assert listed == {
            p.id for p in ours if p.status == "submitted" and can(actor, Action.VERIFY_SUPPLIER, p)
        }
    west, central = world.verifiers
    assert _ids(suppliers_repository.verification_queue(db, PAGE, actor=west.actor).items) & _ids(ours) == {
        world.waiting[BANDUNG].id
    }
    assert _ids(suppliers_repository.verification_queue(db, PAGE, actor=central.actor).items) & _ids(
        ours
    ) == {world.waiting[SOLO].id}


def test_readable_profiles_are_exactly_what_the_policy_allows(db: Session, world: World) -> None:
    ours = _ids([*world.waiting.values(), *world.drafts]) | {
        p.id for m in world.suppliers if (p := suppliers_repository.by_organization(db, m.org.id))
    }
    profiles = db.scalars(select(SupplierProfile).where(SupplierProfile.id.in_(ours))).all()
    for actor in world.actors:
        for action in (Action.VIEW_SUPPLIER_PROFILE, Action.VIEW_PERSONAL_DATA, Action.VERIFY_SUPPLIER):
            listed = _ids(
                db.scalars(
                    suppliers_repository.readable_profiles(actor, action).where(SupplierProfile.id.in_(ours))
                )
            )
            assert listed == {p.id for p in profiles if can(actor, action, p)}, (actor, action)
        # The directory: verified ones unless asked, then what the policy lets the reader see.
        public = _ids(
            db.scalars(
                select(SupplierProfile).where(
                    SupplierProfile.id.in_(ours), directory.readable(actor, include_unverified=False)
                )
            )
        )
        assert public == {p.id for p in profiles if p.status == "verified"}
        asked = _ids(
            db.scalars(
                select(SupplierProfile).where(
                    SupplierProfile.id.in_(ours), directory.readable(actor, include_unverified=True)
                )
            )
        )
        assert asked == {p.id for p in profiles if can(actor, Action.VIEW_SUPPLIER_PROFILE, p)}


def test_readable_organizations_and_products_are_what_the_policy_allows(db: Session, world: World) -> None:
    from rantai.catalog import repository as catalog_repository  # noqa: PLC0415
    from rantai.catalog.models import Product  # noqa: PLC0415
    from rantai.identity import repository as identity_repository  # noqa: PLC0415
    from rantai.identity.models import Organization as Org  # noqa: PLC0415

    orgs = [m.org for m in world.members]
    profiles = [*world.waiting.values(), *world.drafts]
    for member in world.suppliers:
        profile = suppliers_repository.by_organization(db, member.org.id)
        assert profile is not None
        profiles.append(profile)
    products = db.scalars(select(Product).where(Product.supplier_id.in_(_ids(profiles)))).all()
    for actor in world.actors:
        for action in (Action.VIEW_ORGANIZATION, Action.MANAGE_MEMBERS, Action.VERIFY_SUPPLIER):
            listed = _ids(
                db.scalars(
                    identity_repository.readable_organizations(actor, action).where(Org.id.in_(_ids(orgs)))
                )
            )
            assert listed == {o.id for o in orgs if can(actor, action, OrgScope(o.id))}
        by_profile = {p.id: p for p in profiles}
        listed = _ids(
            db.scalars(catalog_repository.readable_products(actor).where(Product.id.in_(_ids(products))))
        )
        assert listed == {
            product.id
            for product in products
            if can(actor, Action.VIEW_SUPPLIER_PROFILE, by_profile[product.supplier_id])
        }


def test_import_jobs_are_read_by_their_importer_only(db: Session, world: World) -> None:
    jobs = {
        m.org.id: ImportJob(kind="suppliers", mode="valid_rows", file_name="a.csv", organization_id=m.org.id)
        for m in world.buyers
    }
    db.add_all(jobs.values())
    db.flush()
    for member in world.members:
        for org_id, job in jobs.items():
            found = suppliers_repository.readable_import_job(db, member.actor, job.id)
            assert (
                (found is not None) is (org_id == member.org.id) is can(member.actor, Action.VIEW_RECORD, job)
            )
    assert suppliers_repository.readable_import_job(db, None, next(iter(jobs.values())).id) is None


def test_a_shortlist_includes_unverified_suppliers_only_for_verifiers_of_their_region(
    db: Session, world: World, tmp_path: Path
) -> None:
    from rantai.sourcing import shortlists  # noqa: PLC0415
    from rantai.sourcing.errors import NeedForbidden  # noqa: PLC0415

    need = world.needs["a-open"]
    line = sourcing_repository.lines_of(db, need.id)[0]
    with pytest.raises(NeedForbidden):
        shortlists.shortlist_line(
            db, actor=world.buyers[0].actor, data_dir=tmp_path, line=line, include_unverified=True
        )


# --- through the doors ------------------------------------------------------------------------------------


def test_the_needs_page_and_api_list_the_buyers_own_needs(
    client: TestClient, db: Session, world: World
) -> None:
    first, second = world.buyers
    log_in(client, first.user)
    page = client.get("/needs")
    assert page.status_code == 200
    for key, need in world.needs.items():
        assert (need.title in page.text) is key.startswith("a-"), key
    token = api_token_for(db, second.user, second.org)
    body = client.get("/api/v1/needs", headers=bearer(token), params={"per_page": 100}).json()
    assert {item["id"] for item in body["items"]} == {
        n.id for k, n in world.needs.items() if k.startswith("b-")
    }


def test_the_opportunities_page_and_api_offer_open_needs_only(
    client: TestClient, db: Session, world: World
) -> None:
    first, second = world.suppliers
    log_in(client, first.user)
    page = client.get("/supplier/opportunities")
    assert page.status_code == 200
    for key in world.needs:
        assert (f"Keripik singkong balado {key.replace('-', ' ')}" in page.text) is key.endswith("-open"), key
    token = api_token_for(db, second.user, second.org)
    body = client.get("/api/v1/opportunities", headers=bearer(token), params={"top": 100}).json()
    assert {item["need_id"] for item in body["recommended"]} == {
        world.needs["a-open"].id,
        world.needs["b-open"].id,
    }


def test_the_verification_page_and_api_list_the_verifiers_region_only(
    client: TestClient, db: Session, world: World
) -> None:
    west, central = world.verifiers
    log_in(client, west.user)
    page = client.get("/verification")
    assert page.status_code == 200
    assert "Batik Bandung Menunggu" in page.text
    assert "Batik Solo Menunggu" not in page.text
    token = api_token_for(db, central.user, central.org)
    body = client.get("/api/v1/verification-queue", headers=bearer(token), params={"per_page": 100}).json()
    names = {item["business_name"] for item in body["items"]}
    assert "Batik Solo Menunggu" in names
    assert "Batik Bandung Menunggu" not in names
