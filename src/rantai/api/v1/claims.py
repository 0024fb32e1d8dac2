"""Claims through the API (issue #9): a supplier organization asks for the profile an import made for its
business; a verifier of the profile's region approves or rejects. The same services as the claim pages
(``suppliers.claims``) decide; the policy authorizes."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from rantai.api.problems import problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import NIB, MultiLine, PathId
from rantai.http import DbSession
from rantai.identity.policy import Action, OrgScope, can
from rantai.kit.errors import Forbidden
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.suppliers import claims, repository
from rantai.suppliers.errors import MSG_CLAIM_NOT_FOUND, ClaimNotFound
from rantai.suppliers.models import SupplierClaim, SupplierProfile

router = APIRouter(tags=["claims"], responses=problem_responses(400, 403, 404, 409))

TEXT_MAX = 1000


class ClaimIn(BaseModel):
    nib: str = Field(pattern=NIB, description="The NIB of the business whose imported profile you claim.")
    evidence: MultiLine = Field(
        min_length=1,
        max_length=TEXT_MAX,
        description="How the verifier can check that the business is yours (phone in OSS, a visit...).",
    )


class DecisionIn(BaseModel):
    reason: MultiLine = Field(
        min_length=1, max_length=TEXT_MAX, description="What the claimant should bring."
    )


class ClaimOut(BaseModel):
    id: int
    profile_id: int
    nib: str
    business_name: str
    status: str = Field(description="pending, approved, rejected, withdrawn or superseded")
    reason: str | None = Field(description="Why it was rejected.")
    created_at: dt.datetime
    decided_at: dt.datetime | None


def _out(claim: SupplierClaim, profile: SupplierProfile) -> ClaimOut:
    return ClaimOut(
        id=claim.id,
        profile_id=profile.id,
        nib=profile.nib,
        business_name=profile.business_name,
        status=claim.status,
        reason=claim.reason,
        created_at=claim.created_at,
        decided_at=claim.decided_at,
    )


MSG_NOT_ALLOWED = N_("Your role does not allow this. Ask your organization's administrator.")


def _require(caller: ApiCaller, action: Action) -> None:
    if not can(caller.actor, action, OrgScope(caller.organization_id)):
        raise Forbidden(MSG_NOT_ALLOWED)


def _own(db: Session, caller: ApiCaller, claim_id: int) -> tuple[SupplierClaim, SupplierProfile]:
    claim = repository.readable_claim(db, caller.actor, claim_id)  # the token's organization's only
    profile = repository.by_id(db, claim.profile_id) if claim is not None else None
    if claim is None or profile is None:
        raise ClaimNotFound(MSG_CLAIM_NOT_FOUND)
    return claim, profile


@router.post(
    "/supplier/claims", response_model=ClaimOut, status_code=201, summary="Claim an imported profile"
)
def request_claim(
    body: ClaimIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ClaimOut:
    claim = claims.request_claim(
        db, actor=caller.actor, organization_id=caller.organization_id, nib=body.nib, evidence=body.evidence
    )
    return _out(*_own(db, caller, claim.id))


@router.get("/supplier/claims", response_model=list[ClaimOut], summary="The caller organization's claims")
def my_claims(caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> list[ClaimOut]:
    _require(caller, Action.EDIT_SUPPLIER_PROFILE)
    return [
        _out(*_own(db, caller, claim.id))
        for claim, _nib in repository.claims_of(db, caller.actor, caller.organization_id)
    ]


@router.post(
    "/supplier/claims/{claim_id}/withdraw", response_model=ClaimOut, summary="Withdraw a waiting claim"
)
def withdraw(claim_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> ClaimOut:
    claim, profile = _own(db, caller, claim_id)
    claims.withdraw_claim(db, actor=caller.actor, claim=claim)
    return _out(claim, profile)


@router.get("/claims", response_model=PageOut[ClaimOut], summary="Claims waiting in the caller's regions")
def claim_queue(
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[ClaimOut]:
    _require(caller, Action.VERIFY_SUPPLIER)
    page = repository.claim_queue(db, paging, actor=caller.actor)
    return PageOut[ClaimOut].of(page, lambda item: _out(*item))


@router.post("/claims/{claim_id}/approve", response_model=ClaimOut, summary="Approve a claim (verifiers)")
def approve(claim_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> ClaimOut:
    claim, _profile = claims.decidable_claim(db, actor=caller.actor, claim_id=claim_id)
    profile = claims.approve_claim(db, actor=caller.actor, claim=claim)
    return _out(claim, profile)


@router.post("/claims/{claim_id}/reject", response_model=ClaimOut, summary="Reject a claim with a reason")
def reject(
    claim_id: PathId, body: DecisionIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ClaimOut:
    claim, profile = claims.decidable_claim(db, actor=caller.actor, claim_id=claim_id)
    claims.reject_claim(db, actor=caller.actor, claim=claim, reason=body.reason)
    return _out(claim, profile)
