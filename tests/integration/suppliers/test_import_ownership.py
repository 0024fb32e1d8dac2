"""Issue #9, finding 1: an import creates profiles and changes only those its organization manages.

The attack the issue describes: an organization allowed to import (a self-registered cooperative, any
BUMN, a dinas of any region) uploads a file with another business's public NIB to rename it, replace its
contacts, send it back for verification, or add products to its catalog. Each of these must be a row error
naming the NIB that changes nothing, and every change an importer does make shows in the business's log.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.suppliers import (
    add_product,
    business_owner,
    import_file,
    importer,
    make_supplier,
    next_nib,
    product_row,
    supplier_row,
)

from rantai.audit.models import AuditEvent
from rantai.catalog.models import Product
from rantai.identity.roles import OrgType
from rantai.suppliers import repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import (
    MSG_IMPORT_COOPERATIVE_NOT_MANAGED,
    MSG_IMPORT_NOT_MANAGED,
    MSG_IMPORT_OUTSIDE_REGION,
    MSG_PRODUCTS_NOT_MANAGED,
)
from rantai.suppliers.models import Certification, SupplierProfile


def _events(db: Session, organization_id: int, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.organization_id == organization_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.scalars(query.order_by(AuditEvent.id)))


def test_an_import_cannot_take_over_a_registered_business(db: Session) -> None:
    victim, _, _ = make_supplier(
        db, status="verified", business_name="Keripik Bu Sri", phone="+6281234567890"
    )
    before = _events(db, victim.organization_id)
    for org_type in (OrgType.KOPERASI, OrgType.BUMN, OrgType.KEMENTERIAN_DINAS):
        org, actor = importer(db, org_type, region="32" if org_type is OrgType.KEMENTERIAN_DINAS else None)
        attack = supplier_row(
            victim.nib, "Keripik Palsu", telepon="0811-1111-2222", email="penipu@contoh.co.id", kbli="10794"
        )
        outcome = import_file(db, org, actor, [attack])
        assert (outcome.updated, outcome.rejected_rows) == (0, 1)
        [error] = outcome.errors
        assert (error.row, error.column, error.message, error.params) == (
            2,
            "nib",
            MSG_IMPORT_NOT_MANAGED,
            {"nib": victim.nib},
        )
    db.refresh(victim)
    assert (victim.business_name, victim.phone, victim.email, victim.status) == (
        "Keripik Bu Sri",
        "+6281234567890",
        "sri@contoh.co.id",
        "verified",
    )
    assert _events(db, victim.organization_id) == before  # nothing happened to the business


def test_all_or_nothing_rolls_back_the_whole_file_for_one_foreign_nib(db: Session) -> None:
    victim, _, _ = make_supplier(db)
    org, actor = importer(db, OrgType.BUMN)
    fresh = next_nib()
    outcome = import_file(
        db, org, actor, [supplier_row(fresh), supplier_row(victim.nib, "Diambil Alih")], mode="all_or_nothing"
    )
    assert outcome.rolled_back and [e.params for e in outcome.errors] == [{"nib": victim.nib}]
    assert repository.by_nib(db, fresh) is None


def test_the_importer_manages_what_it_imported_and_the_business_sees_each_change(db: Session) -> None:
    org, actor = importer(db, OrgType.BUMN)
    nib = next_nib()
    created = import_file(db, org, actor, [supplier_row(nib, "Batik Laweyan")])
    assert created.inserted == 1
    profile = repository.by_nib(db, nib)
    assert profile is not None
    assert (profile.managed_by_organization_id, profile.claimed_at) == (org.id, None)

    changed = import_file(db, org, actor, [supplier_row(nib, "Batik Laweyan Solo", telepon="0812-3456-7890")])
    assert (changed.updated, changed.errors) == (1, [])
    db.refresh(profile)
    assert (profile.business_name, profile.phone) == ("Batik Laweyan Solo", "+6281234567890")

    # Both show in the log of the business's own organization, with the importer named.
    entries = _events(db, profile.organization_id)
    made = [e for e in entries if e.action == "supplier.created_by_import"]
    updated = [e for e in entries if e.action == "supplier.updated_by_import"]
    assert [e.details["actor_organization_id"] for e in made + updated] == [org.id, org.id]
    assert updated[0].details["fields"] == ["business_name", "phone"]
    assert {e.actor_user_id for e in made + updated} == {actor.user_id}

    # Another importer knows the NIB too: it still cannot change the profile.
    other, other_actor = importer(db, OrgType.KOPERASI)
    refused = import_file(db, other, other_actor, [supplier_row(nib, "Direbut")])
    assert [e.message for e in refused.errors] == [MSG_IMPORT_NOT_MANAGED]


def test_a_dinas_creates_profiles_only_in_its_region(db: Session) -> None:
    org, actor = importer(db, OrgType.KEMENTERIAN_DINAS, region="32")
    inside, outside = next_nib(), next_nib()
    outcome = import_file(
        db,
        org,
        actor,
        [supplier_row(inside, kode_wilayah="32.73"), supplier_row(outside, kode_wilayah="33.72")],
    )
    assert outcome.inserted == 1
    [error] = outcome.errors
    assert (error.row, error.column, error.message) == (3, "kode_wilayah", MSG_IMPORT_OUTSIDE_REGION)
    assert error.params == {"nib": outside, "code": "33.72"}
    assert repository.by_nib(db, inside) is not None and repository.by_nib(db, outside) is None

    # Nor may it move one it manages out of its region.
    moved = import_file(db, org, actor, [supplier_row(inside, kode_wilayah="33.72")])
    assert [e.message for e in moved.errors] == [MSG_IMPORT_OUTSIDE_REGION]

    # A ministry (no region) and a BUMN register businesses anywhere.
    ministry, ministry_actor = importer(db, OrgType.KEMENTERIAN_DINAS, region=None)
    bumn, bumn_actor = importer(db, OrgType.BUMN)
    assert (
        import_file(db, ministry, ministry_actor, [supplier_row(next_nib(), kode_wilayah="11.17")]).inserted
        == 1
    )
    assert import_file(db, bumn, bumn_actor, [supplier_row(next_nib(), kode_wilayah="33.72")]).inserted == 1


def test_members_are_linked_only_to_a_cooperative_the_importer_manages(db: Session) -> None:
    victim_coop, _, _ = make_supplier(db, org_type=OrgType.KOPERASI, legal_form="koperasi")
    org, actor = importer(db, OrgType.BUMN)
    member = next_nib()
    outcome = import_file(db, org, actor, [supplier_row(member, nib_koperasi=victim_coop.nib)])
    [error] = outcome.errors
    assert (error.column, error.message, error.params) == (
        "nib_koperasi",
        MSG_IMPORT_COOPERATIVE_NOT_MANAGED,
        {"nib": victim_coop.nib},
    )
    assert repository.by_nib(db, member) is None  # the row changed nothing

    # Its own cooperative, in the same file: linked.
    coop, member2 = next_nib(), next_nib()
    rows = [
        supplier_row(member2, nib_koperasi=coop),
        supplier_row(coop, "Koperasi Tani", bentuk_usaha="Koperasi"),
    ]
    assert import_file(db, org, actor, rows).errors == []
    linked = repository.by_nib(db, member2)
    cooperative = repository.by_nib(db, coop)
    assert linked is not None and cooperative is not None and linked.cooperative_id == cooperative.id


def test_a_cooperative_links_members_to_itself(db: Session) -> None:
    coop, _, owner = make_supplier(db, org_type=OrgType.KOPERASI, legal_form="koperasi")
    org = coop.organization_id
    from rantai.identity import repository as identity_repo  # noqa: PLC0415

    organization = identity_repo.organization_by_id(db, org)
    assert organization is not None
    member = next_nib()
    assert import_file(db, organization, owner, [supplier_row(member, nib_koperasi=coop.nib)]).errors == []
    linked = repository.by_nib(db, member)
    assert linked is not None and linked.cooperative_id == coop.id


def test_products_only_for_profiles_the_importer_manages(db: Session) -> None:
    victim, _, victim_actor = make_supplier(db, status="verified")
    add_product(db, victim, victim_actor, "Keripik Singkong Balado")
    org, actor = importer(db, OrgType.BUMN)
    mine = next_nib()
    import_file(db, org, actor, [supplier_row(mine, "Sambal Bu Rudy")])
    rows = [
        product_row(victim.nib, "Produk Palsu", sertifikasi="halal:ID32110000999990123"),
        product_row(mine, "Sambal Bawang 150 ml", sertifikasi="halal:ID32110000888880123"),
    ]
    outcome = import_file(db, org, actor, rows, kind="products")
    assert (outcome.inserted, outcome.rejected_rows) == (1, 1)
    [error] = outcome.errors
    assert (error.row, error.column, error.message, error.params) == (
        2,
        "nib",
        MSG_PRODUCTS_NOT_MANAGED,
        {"nib": victim.nib},
    )
    names = db.scalars(select(Product.name).where(Product.supplier_id == victim.id)).all()
    assert names == ["Keripik Singkong Balado"]
    victim_certs = db.scalar(
        select(func.count()).select_from(Certification).where(Certification.supplier_id == victim.id)
    )
    assert victim_certs == 0

    managed = repository.by_nib(db, mine)
    assert managed is not None
    [entry] = _events(db, managed.organization_id, "catalog.changed_by_import")
    assert entry.details == {
        "products_inserted": 1,
        "products_updated": 0,
        "certificates_added": 1,
        "actor_organization_id": org.id,
    }


def test_a_business_imports_its_own_products(db: Session) -> None:
    profile, _, owner = make_supplier(db)
    from rantai.identity import repository as identity_repo  # noqa: PLC0415

    org = identity_repo.organization_by_id(db, profile.organization_id)
    assert org is not None
    outcome = import_file(
        db, org, owner, [product_row(profile.nib, "Keripik Pisang Coklat")], kind="products"
    )
    assert (outcome.inserted, outcome.errors) == (1, [])
    # Its own log has the import itself, not a second entry "changed by someone else".
    assert _events(db, org.id, "catalog.changed_by_import") == []


def test_profiles_made_by_their_business_are_claimed_and_self_managed(db: Session) -> None:
    profile, _, _ = make_supplier(db)
    assert profile.managed_by_organization_id == profile.organization_id
    assert profile.claimed_at is not None


def test_a_claimed_profile_is_closed_to_its_former_importer(db: Session) -> None:
    org, actor = importer(db, OrgType.BUMN)
    nib = next_nib()
    import_file(db, org, actor, [supplier_row(nib)])
    profile = repository.by_nib(db, nib)
    assert profile is not None
    claimant, _, _ = business_owner(db)
    # As a claim approval leaves it (tests/integration/suppliers/test_claims.py goes through the service).
    profile.organization_id, profile.managed_by_organization_id = claimant.id, claimant.id
    profile.claimed_at = profile.created_at
    db.flush()
    assert [e.message for e in import_file(db, org, actor, [supplier_row(nib, "Lagi")]).errors] == [
        MSG_IMPORT_NOT_MANAGED
    ]
    assert [
        e.message for e in import_file(db, org, actor, [product_row(nib, "Lagi")], kind="products").errors
    ] == [MSG_PRODUCTS_NOT_MANAGED]
    assert suppliers.personal_fields_masked(profile, actor)  # and it sees no personal data of it


def test_unmanaged_imported_profiles_are_changed_by_nobody(db: Session) -> None:
    org, actor = importer(db, OrgType.BUMN)
    nib = next_nib()
    import_file(db, org, actor, [supplier_row(nib)])
    profile = db.scalars(select(SupplierProfile).where(SupplierProfile.nib == nib)).one()
    profile.managed_by_organization_id = None  # as migration 0008 leaves an import it cannot attribute
    db.flush()
    assert [e.message for e in import_file(db, org, actor, [supplier_row(nib, "Lagi")]).errors] == [
        MSG_IMPORT_NOT_MANAGED
    ]


def test_the_demo_registry_is_managed_by_its_importer_and_the_demo_business_is_claimed(db: Session) -> None:
    from rantai.demo.procurement import load_demo_supplier_login  # noqa: PLC0415
    from rantai.demo.registry import DEMO_NIB_PREFIX, IMPORTER_ORGANIZATION, load_demo_registry  # noqa: PLC0415
    from rantai.demo.seed import load_demo_identity  # noqa: PLC0415
    from rantai.identity import repository as identity_repo  # noqa: PLC0415
    from rantai.kit.clock import today  # noqa: PLC0415

    load_demo_identity(db)
    load_demo_registry(db, suppliers=20, seed=7)
    assert load_demo_supplier_login(db, today=today())
    operator = identity_repo.organization_by_name(db, IMPORTER_ORGANIZATION)
    assert operator is not None
    login_nib = "9999099990001"  # the demo UMKM login's own business (rantai.demo.procurement)
    registry = db.scalars(
        select(SupplierProfile).where(
            SupplierProfile.nib.startswith(DEMO_NIB_PREFIX), SupplierProfile.nib != login_nib
        )
    ).all()
    assert len(registry) == 20
    assert {(p.managed_by_organization_id, p.claimed_at) for p in registry} == {(operator.id, None)}
    login = db.scalars(select(SupplierProfile).where(SupplierProfile.nib == login_nib)).one()
    assert login.managed_by_organization_id == login.organization_id and login.claimed_at is not None
