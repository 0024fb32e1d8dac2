"""Every domain's audit entries carry their resource and their parties (issue #10), and each party reads
them in its own log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.identity import make_org, make_user
from tests.factories.sourcing import make_buyer, make_need
from tests.factories.suppliers import (
    add_product,
    business_owner,
    import_file,
    importer,
    make_supplier,
    next_nib,
    supplier_row,
)

from rantai.audit import repository as audit_repo
from rantai.audit.events import Event
from rantai.audit.models import AuditEvent, AuditParty
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.kit.pagination import PageRequest
from rantai.sourcing import service as sourcing
from rantai.sourcing.state import NeedMove
from rantai.suppliers import claims
from rantai.suppliers import repository as suppliers_repo


def _parties(db: Session, event: AuditEvent) -> list[int]:
    return list(db.scalars(select(AuditParty.organization_id).where(AuditParty.event_id == event.id)))


def _entries(db: Session, after_id: int) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)))


def _last_id(db: Session) -> int:
    return db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_every_domain_names_its_resource_and_parties(db: Session) -> None:
    start = _last_id(db)
    # identity
    org = make_org(db, OrgType.UMKM)
    owner = make_user(db, org, (Role.OWNER,))
    identity.create_api_token(
        db, actor=identity.actor_for(db, owner), user=owner, organization_id=org.id, name="uji"
    )
    # suppliers (a verifier of another organization acts) and catalog
    profile, _, actor = make_supplier(db, status="verified")
    add_product(db, profile, actor, "Keripik singkong")
    # sourcing
    buyer_org, _, buyer = make_buyer(db)
    need = make_need(db, buyer_org, buyer)
    sourcing.move_need(db, actor=buyer, need=need, move=NeedMove.PUBLISH, expected_version=need.version)
    # an import by another organization: the business's entry names the importer too
    imp_org, imp_actor = importer(db)
    import_file(db, imp_org, imp_actor, [supplier_row(next_nib(), "Kopi Uji")])

    entries = _entries(db, start)
    domains = {entry.action.split(".")[0] for entry in entries}
    assert {"organization", "user", "api_token", "supplier", "product", "need"} <= domains
    for entry in entries:
        event = Event(entry.action)
        assert entry.target_type == event.resource_type.value, entry.action
        assert entry.target_id is not None, entry.action
        parties = _parties(db, entry)
        if entry.organization_id is None:
            assert parties == [], entry.action  # the platform's own log (a user's account events)
        else:
            assert entry.organization_id in parties, entry.action

    verified = next(e for e in entries if e.action == Event.SUPPLIER_VERIFIED)
    verifier_org = verified.details["actor_organization_id"]
    assert set(_parties(db, verified)) == {profile.organization_id, verifier_org}

    moved = next(e for e in entries if e.action == Event.NEED_PUBLISH)
    assert (moved.before, moved.after) == ({"status": "draft"}, {"status": "open"})
    assert _parties(db, moved) == [buyer_org.id]

    created = next(e for e in entries if e.action == Event.SUPPLIER_CREATED_BY_IMPORT)
    assert created.organization_id != imp_org.id  # in the business's log first...
    assert set(_parties(db, created)) == {created.organization_id, imp_org.id}  # ...and the importer's


def test_an_organization_reads_the_entries_it_is_a_party_to(db: Session) -> None:
    imp_org, imp_actor = importer(db)
    nib = next_nib()
    import_file(db, imp_org, imp_actor, [supplier_row(nib, "Kopi Uji")])
    profile = suppliers_repo.by_nib(db, nib)
    assert profile is not None

    importer_log = audit_repo.page_of(db, imp_org.id, PageRequest(per_page=100))
    business_log = audit_repo.page_of(db, profile.organization_id, PageRequest(per_page=100))
    assert {e.action for e in importer_log.items} >= {
        Event.SUPPLIER_IMPORTED,
        Event.SUPPLIER_CREATED_BY_IMPORT,
    }
    assert [e.action for e in business_log.items] == [Event.SUPPLIER_CREATED_BY_IMPORT]
    assert importer_log.total == len(importer_log.items)
    stranger, _, _ = business_owner(db)
    own = audit_repo.page_of(db, stranger.id, PageRequest()).items
    assert {e.action for e in own} == {Event.ORGANIZATION_CREATED, Event.MEMBERSHIP_ADDED}  # its own only


def test_a_claim_is_in_the_claimants_and_the_deciding_verifiers_logs(db: Session) -> None:
    imp_org, imp_actor = importer(db, region="32")
    nib = next_nib()
    import_file(db, imp_org, imp_actor, [supplier_row(nib, "Kopi Uji")])
    org, _, owner = business_owner(db)
    claim = claims.request_claim(db, actor=owner, organization_id=org.id, nib=nib, evidence="Surat NIB asli")
    claims.approve_claim(db, actor=imp_actor, claim=claim)

    approved = db.scalars(select(AuditEvent).where(AuditEvent.action == Event.CLAIM_APPROVED)).all()[-1]
    assert approved.organization_id == org.id
    assert set(_parties(db, approved)) == {org.id, imp_org.id}
    ended = db.scalars(select(AuditEvent).where(AuditEvent.action == Event.SUPPLIER_MANAGEMENT_ENDED)).all()[
        -1
    ]
    assert _parties(db, ended)[0] == imp_org.id
