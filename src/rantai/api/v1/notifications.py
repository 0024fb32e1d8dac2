"""API: the caller's notifications and what they choose to receive.

A notice belongs to a user; a token (scoped to one organization) sees the user's notices about that
organization and those about no organization (their account), never those about another organization.
Texts are worded in the language of ``Accept-Language``, else the user's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from rantai.api.problems import problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import PathId
from rantai.http import DbSession
from rantai.i18n import negotiate, translate
from rantai.kit.pagination import PageRequest
from rantai.notifications import service as notifications
from rantai.notifications.models import Notification
from rantai.notifications.service import Choice

router = APIRouter(tags=["notifications"], responses=problem_responses(400, 404))

KindCode = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z_]+\.[a-z_]+$")]


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: str = Field(description="The kind's heading, in the reader's language.")
    text: str = Field(description="The notice, in the reader's language.")
    message_id: str = Field(description="The English message id the text is worded from.")
    params: dict[str, Any]
    link: str | None = Field(description="A path on Rantai the reader may open.")
    organization_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkedOut(BaseModel):
    marked: int = Field(description="How many notices were unread and are now read.")


class PreferenceOut(BaseModel):
    kind: str
    title: str
    inbox: bool
    email: bool
    email_required: bool = Field(description="A security notice: its email cannot be turned off.")


class PreferenceIn(BaseModel):
    kind: KindCode
    inbox: bool
    email: bool


def _locale(request: Request, caller: ApiCaller) -> str:
    return negotiate(request.headers.get("accept-language")) or caller.user.locale


def _out(item: Notification, locale: str) -> NotificationOut:
    worded = notifications.shown(item, locale)
    return NotificationOut(
        id=item.id,
        kind=item.kind,
        title=worded.title,
        text=worded.text,
        message_id=item.message,
        params=item.params,
        link=item.link,
        organization_id=item.organization_id,
        created_at=item.created_at,
        read_at=item.read_at,
    )


def _preference_out(choice: Choice, locale: str) -> PreferenceOut:
    kind = choice.kind
    title = translate(locale, kind.title)
    return PreferenceOut(
        kind=kind.code,
        title=title,
        inbox=choice.inbox,
        email=choice.email,
        email_required=kind.email_required,
    )


@router.get(
    "/notifications",
    response_model=PageOut[NotificationOut],
    summary="The caller's notifications, unread first or newest first",
)
def list_notifications(
    request: Request,
    order: Literal["unread", "newest"] = "unread",
    paging: PageRequest = Depends(page_request),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PageOut[NotificationOut]:
    locale = _locale(request, caller)
    found = notifications.inbox(
        db, caller.user.id, paging, unread_first=order == "unread", organization_id=caller.organization_id
    )
    return PageOut[NotificationOut].of(found, lambda item: _out(item, locale))


@router.post(
    "/notifications/{notification_id}/read",
    response_model=NotificationOut,
    summary="Mark one of the caller's notifications as read (404 for anyone else's)",
)
def mark_read(
    request: Request,
    notification_id: PathId,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> NotificationOut:
    item = notifications.mark_read(
        db, caller.user.id, notification_id, organization_id=caller.organization_id
    )
    return _out(item, _locale(request, caller))


@router.post(
    "/notifications/read-all", response_model=MarkedOut, summary="Mark all the caller's notifications as read"
)
def mark_all_read(caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> MarkedOut:
    return MarkedOut(
        marked=notifications.mark_all_read(db, caller.user.id, organization_id=caller.organization_id)
    )


@router.get(
    "/notification-preferences",
    response_model=list[PreferenceOut],
    summary="What the caller receives of each kind of notification",
)
def preferences(
    request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> list[PreferenceOut]:
    locale = _locale(request, caller)
    return [_preference_out(choice, locale) for choice in notifications.preferences(db, caller.user.id)]


@router.put(
    "/notification-preferences",
    response_model=list[PreferenceOut],
    summary="Choose what the caller receives of the kinds named (the others keep theirs)",
)
def set_preferences(
    request: Request,
    chosen: Annotated[list[PreferenceIn], Field(max_length=100)],
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> list[PreferenceOut]:
    saved = notifications.set_preferences(
        db, caller.user.id, {item.kind: (item.inbox, item.email) for item in chosen}
    )
    locale = _locale(request, caller)
    return [_preference_out(choice, locale) for choice in saved]
