"""Claims: a business takes over the supplier profile an import made for it (issue #9, finding 1).

An import (a dinas, a BUMN, a cooperative) makes profiles for businesses that are not on Rantai yet: each
gets an organization without members, and the importer manages the profile. When the business arrives,
its owner registers an organization of their own and asks to claim the profile by its NIB, saying how
they can be checked; a NIB is public, so knowing it proves nothing. A verifier whose region covers the
profile approves or rejects with a reason.

On approval the profile moves into the claimant's organization (the account its owner registered and is
logged in with): that organization then manages it, the importer can no longer change it, and the
organization the import made, left empty, is deactivated. The claimant's other data (members, tokens,
audit log) stays where it is; what happened to the profile before, recorded under the import's
organization, is summed up in the approval's entry of the business's log.

The lifecycle is ``state.CLAIM_TRANSITIONS``; every move is a compare-and-set on the claim's status, so
two verifiers deciding at once get one decision and a clear conflict. Services flush, never commit;
every move is audited in the claimant's log (and the approval in the former manager's too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity import repository as identity_repo
from rantai.identity.policy import Action, Actor, OrgScope, can, verifying_organizations
from rantai.identity.roles import SUPPLIER_TYPES, OrgType
from rantai.kit.clock import now
from rantai.kit.text import without_control_characters
from rantai.lifecycle import advance
from rantai.suppliers import notices, past_awards, repository
from rantai.suppliers.errors import (
    MSG_CLAIM_ALREADY_CLAIMED,
    MSG_CLAIM_COOPERATIVE,
    MSG_CLAIM_EVIDENCE,
    MSG_CLAIM_HAS_PROFILE,
    MSG_CLAIM_NO_PROFILE,
    MSG_CLAIM_NOT_COOPERATIVE,
    MSG_CLAIM_NOT_FOUND,
    MSG_CLAIM_OWN,
    MSG_CLAIM_PENDING,
    MSG_CLAIM_REASON,
    MSG_NOT_ALLOWED,
    MSG_NOT_SUPPLIER_ORG,
    ClaimConflict,
    ClaimInvalid,
    ClaimNotFound,
    SupplierForbidden,
)
from rantai.suppliers.models import SupplierClaim, SupplierProfile
from rantai.suppliers.state import CLAIM_LIFECYCLE, ClaimMove, ClaimStatus
from rantai.tabular.cells import CellError, LegalForm, parse_nib

MAX_TEXT = 2000


def _clean(text: str) -> str:
    # Control characters (a NUL is refused by PostgreSQL) become spaces; the text is one line.
    return " ".join(without_control_characters(text).split())[:MAX_TEXT]


def _org_kind(profile: SupplierProfile) -> OrgType:
    """The kind of organization a profile belongs in (the import makes cooperatives' that way too)."""
    return OrgType.KOPERASI if profile.legal_form == LegalForm.KOPERASI.value else OrgType.UMKM


def request_claim(
    session: Session, *, actor: Actor | None, organization_id: int, nib: str, evidence: str
) -> SupplierClaim:
    """The owner (or an admin) of a supplier organization without a profile asks for the unclaimed
    profile of ``nib``; a verifier of its region decides."""
    if actor is None or not can(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(organization_id)):
        raise SupplierForbidden(MSG_NOT_ALLOWED)
    org = identity_repo.organization_by_id(session, organization_id)
    if org is None or OrgType(org.org_type) not in SUPPLIER_TYPES:
        raise ClaimInvalid(MSG_NOT_SUPPLIER_ORG)
    try:
        number = parse_nib(nib.strip())
    except CellError as exc:
        raise ClaimInvalid(exc.message, field="nib", **exc.params) from exc
    text = _clean(evidence)
    if not text:
        raise ClaimInvalid(MSG_CLAIM_EVIDENCE, field="evidence")
    if repository.by_organization(session, organization_id) is not None:
        raise ClaimConflict(MSG_CLAIM_HAS_PROFILE)
    waiting = repository.pending_claim_of(session, organization_id)
    if waiting is not None:
        pending = repository.by_id(session, waiting.profile_id)
        raise ClaimConflict(MSG_CLAIM_PENDING, nib=pending.nib if pending else "")
    profile = repository.by_nib(session, number)
    if profile is None:
        raise ClaimInvalid(MSG_CLAIM_NO_PROFILE, field="nib", nib=number)
    if profile.is_claimed:
        raise ClaimConflict(MSG_CLAIM_ALREADY_CLAIMED, field="nib", nib=number)
    kind = _org_kind(profile)
    if OrgType(org.org_type) is not kind:
        message = MSG_CLAIM_COOPERATIVE if kind is OrgType.KOPERASI else MSG_CLAIM_NOT_COOPERATIVE
        raise ClaimInvalid(message, field="nib", nib=number)
    claim = SupplierClaim(
        profile_id=profile.id,
        claimant_organization_id=organization_id,
        claimant_user_id=actor.user_id,
        status=ClaimStatus.PENDING.value,
        evidence=text,
    )
    session.add(claim)
    session.flush()
    _record(session, actor, claim, Event.CLAIM_REQUESTED, {"nib": profile.nib})
    return claim


def withdraw_claim(session: Session, *, actor: Actor | None, claim: SupplierClaim) -> None:
    """The claimant takes its claim back while it waits."""
    if actor is None or not can(
        actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(claim.claimant_organization_id)
    ):
        raise SupplierForbidden(MSG_NOT_ALLOWED)
    _move(session, claim, ClaimMove.WITHDRAW, {})
    _record(session, actor, claim, Event.CLAIM_WITHDRAWN, {})


def decidable_claim(
    session: Session, *, actor: Actor | None, claim_id: int
) -> tuple[SupplierClaim, SupplierProfile]:
    """A claim and its profile that ``actor`` may decide (a verifier whose region covers the profile);
    any other claim is reported as missing, so its existence is not disclosed."""
    claim = repository.claim_by_id(session, claim_id)
    profile = repository.by_id(session, claim.profile_id) if claim is not None else None
    if claim is None or profile is None or not can(actor, Action.VERIFY_SUPPLIER, profile):
        raise ClaimNotFound(MSG_CLAIM_NOT_FOUND)
    return claim, profile


def approve_claim(session: Session, *, actor: Actor | None, claim: SupplierClaim) -> SupplierProfile:
    """The verifier has checked the claimant: the profile moves into the claimant's organization, which
    manages it from now on (the importer no longer can); other claims on it are closed."""
    profile = _decider_check(session, actor, claim)
    moment = now()
    former_org, former_manager = profile.organization_id, profile.managed_by_organization_id
    if repository.by_organization(session, claim.claimant_organization_id) is not None:
        raise ClaimConflict(MSG_CLAIM_HAS_PROFILE)
    decided = {"decided_by_user_id": actor.user_id if actor else None, "decided_at": moment}
    _move(session, claim, ClaimMove.APPROVE, decided)
    if not repository.hand_over(
        session, profile.id, organization_id=claim.claimant_organization_id, at=moment
    ):
        raise ClaimConflict(MSG_CLAIM_ALREADY_CLAIMED, nib=profile.nib)
    session.refresh(profile)
    # The verifier checked the business: the contracts it won before (imported awards) are its now.
    past_awards.attach_past_awards(session, profile, actor=actor)
    # The organization the import made has nobody in it (an unclaimed profile's never has) and no profile
    # now: deactivated, kept for the records that name it.
    shell = identity_repo.organization_by_id(session, former_org)
    if shell is not None and not identity_repo.members_of(session, former_org):
        shell.is_active = False
    for other in repository.pending_claims_on(session, profile.id):
        _move(session, other, ClaimMove.SUPERSEDE, decided)
        _record(session, actor, other, Event.CLAIM_SUPERSEDED, _by(actor, profile))
    total, history = repository.profile_history(session, profile.id)
    details = {
        "nib": profile.nib,
        "claim_id": claim.id,
        "former_organization_id": former_org,
        "former_manager_organization_id": former_manager,
        "earlier_entries": total,
        "earlier": history,
        **_by(actor, profile),
    }
    _record(session, actor, claim, Event.CLAIM_APPROVED, details)
    if former_manager is not None and former_manager != claim.claimant_organization_id:
        # In the former manager's log: it no longer manages the profile.
        ended = {"nib": profile.nib, "claim_id": claim.id, **_by(actor, profile)}
        parties = [former_manager, ended["actor_organization_id"]]
        audit.record(session, Event.SUPPLIER_MANAGEMENT_ENDED, profile.id, parties, by=actor, details=ended)
    notices.claim_approved(session, claim, profile)
    session.flush()
    return profile


def reject_claim(session: Session, *, actor: Actor | None, claim: SupplierClaim, reason: str) -> None:
    """The verifier could not confirm the claimant; the reason says what to bring."""
    profile = _decider_check(session, actor, claim)
    text = _clean(reason)
    if not text:
        raise ClaimInvalid(MSG_CLAIM_REASON, field="reason")
    decided = {"decided_by_user_id": actor.user_id if actor else None, "decided_at": now(), "reason": text}
    _move(session, claim, ClaimMove.REJECT, decided)
    _record(session, actor, claim, Event.CLAIM_REJECTED, {"reason": text, **_by(actor, profile)})
    notices.claim_rejected(session, claim, profile, text)


def _decider_check(session: Session, actor: Actor | None, claim: SupplierClaim) -> SupplierProfile:
    profile = repository.by_id(session, claim.profile_id)
    if profile is None or not can(actor, Action.VERIFY_SUPPLIER, profile):
        raise ClaimNotFound(MSG_CLAIM_NOT_FOUND)
    if actor is not None and actor.is_member(claim.claimant_organization_id):
        # Nobody decides a claim for their own organization.
        raise SupplierForbidden(MSG_CLAIM_OWN)
    return profile


def _move(session: Session, claim: SupplierClaim, move: ClaimMove, values: dict[str, Any]) -> None:
    """Apply a move of the transition table as a compare-and-set on the claim's version
    (``rantai.lifecycle``): of two verifiers deciding at once, the second gets a clear conflict."""
    advance(session, claim, CLAIM_LIFECYCLE, move, values=values)


def _by(actor: Actor | None, profile: SupplierProfile) -> dict[str, Any]:
    orgs = verifying_organizations(actor, profile)
    return {"actor_organization_id": orgs[0] if orgs else None}


def _record(
    session: Session, actor: Actor | None, claim: SupplierClaim, event: Event, details: dict[str, Any]
) -> None:
    """In the claimant's own log (the business sees every step of its claim) and the deciding
    verifier's (``actor_organization_id``)."""
    parties = [claim.claimant_organization_id, details.get("actor_organization_id")]
    audit.record(
        session, event, claim.id, parties, by=actor, details={"profile_id": claim.profile_id, **details}
    )


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A pending claim as the verifier's list shows it."""

    claim: SupplierClaim
    profile: SupplierProfile
    claimant_organization: str
    claimant_name: str
    claimant_email: str
    managed_by: str | None


def claim_rows(session: Session, items: Sequence[tuple[SupplierClaim, SupplierProfile]]) -> list[ClaimRow]:
    """The names a verifier needs beside each claim, read in two queries for the page."""
    org_ids = {c.claimant_organization_id for c, _ in items} | {
        p.managed_by_organization_id for _, p in items if p.managed_by_organization_id is not None
    }
    names = repository.organization_names(session, sorted(org_ids))
    users = repository.users_by_id(
        session, sorted({c.claimant_user_id for c, _ in items if c.claimant_user_id})
    )
    rows = []
    for claim, profile in items:
        user = users.get(claim.claimant_user_id or 0)
        manager = profile.managed_by_organization_id
        rows.append(
            ClaimRow(
                claim=claim,
                profile=profile,
                claimant_organization=names.get(claim.claimant_organization_id, ""),
                claimant_name=user.full_name if user else "",
                claimant_email=user.email if user else "",
                managed_by=names.get(manager) if manager is not None else None,
            )
        )
    return rows
