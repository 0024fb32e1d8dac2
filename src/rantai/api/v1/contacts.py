"""Contact requests through the API (issue #13): a buyer asks a supplier for its phone and email with a
message; the supplier accepts or declines; the buyer may withdraw a waiting request and the supplier stop
sharing. Rules in ``suppliers.contacts``; a profile's phone and email show in ``/api/v1/suppliers/<id>``
once shared."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from rantai.api.problems import problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import MultiLine, PathId
from rantai.http import DbSession
from rantai.kit.pagination import PageRequest
from rantai.suppliers import contacts
from rantai.suppliers import repository as supplier_repo
from rantai.suppliers.contacts import MESSAGE_MAX, RequestRow
from rantai.suppliers.errors import MSG_NOT_FOUND, SupplierNotFound
from rantai.suppliers.state import ContactMove

router = APIRouter(tags=["contact requests"], responses=problem_responses(400, 403, 404, 409))


class ContactRequestIn(BaseModel):
    message: MultiLine = Field(
        min_length=1, max_length=MESSAGE_MAX, description="Who you are and what you would like to buy."
    )


class VersionIn(BaseModel):
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="The version you read (optional).")


class ContactRequestOut(BaseModel):
    id: int
    supplier_id: int
    business_name: str
    buyer_organization_id: int
    buyer: str
    message: str
    status: Literal["pending", "accepted", "declined", "withdrawn", "revoked"]
    version: int
    created_at: dt.datetime
    answered_at: dt.datetime | None

    @classmethod
    def of(cls, row: RequestRow) -> ContactRequestOut:
        r = row.request
        return cls(
            id=r.id,
            supplier_id=r.supplier_id,
            business_name=row.business,
            buyer_organization_id=r.buyer_organization_id,
            buyer=row.buyer,
            message=r.message,
            status=r.status,
            version=r.version,
            created_at=r.created_at,
            answered_at=r.answered_at,
        )


@router.post(
    "/suppliers/{profile_id}/contact-requests",
    response_model=ContactRequestOut,
    status_code=201,
    summary="Ask a supplier for its phone and email, with a message (buyers)",
)
def ask(
    profile_id: PathId,
    body: ContactRequestIn,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> ContactRequestOut:
    profile = supplier_repo.by_id(db, profile_id)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    row = contacts.request_contact(
        db,
        actor=caller.actor,
        buyer_organization_id=caller.organization_id,
        profile=profile,
        message=body.message,
    )
    return ContactRequestOut.of(contacts.rows_of(db, [row])[0])


@router.get(
    "/contact-requests",
    response_model=PageOut[ContactRequestOut],
    summary="The contact requests the caller's organization sent or received, newest first",
)
def index(
    status: Literal["", "pending", "accepted", "declined", "withdrawn", "revoked"] = Query(""),
    paging: PageRequest = Depends(page_request),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PageOut[ContactRequestOut]:
    page = contacts.requests_page(
        db, actor=caller.actor, organization_id=caller.organization_id, page=paging, status=status or None
    )
    return PageOut[ContactRequestOut].of(page, ContactRequestOut.of)


@router.get("/contact-requests/{request_id}", response_model=ContactRequestOut, summary="A contact request")
def detail(
    request_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ContactRequestOut:
    row = contacts.get_request(db, actor=caller.actor, request_id=request_id)
    return ContactRequestOut.of(contacts.rows_of(db, [row])[0])


@router.post(
    "/contact-requests/{request_id}/{move}",
    response_model=ContactRequestOut,
    summary="Accept or decline (the supplier), withdraw (the buyer), or stop sharing (the supplier)",
)
def move(
    request_id: PathId,
    move: Literal["accept", "decline", "withdraw", "revoke"],
    body: VersionIn | None = None,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> ContactRequestOut:
    row = contacts.get_request(db, actor=caller.actor, request_id=request_id)
    contacts.move(
        db,
        actor=caller.actor,
        row=row,
        move=ContactMove(move),
        expected_version=body.version if body else None,
    )
    return ContactRequestOut.of(contacts.rows_of(db, [row])[0])
