"""Notify users: a notice in their inbox and/or an email in the outbox, as each has chosen.

Callers (identity, suppliers, and every domain above) name the recipients, resolved through identity
(``identity.service.recipients``): this package knows users only by id, address and language. Everything
is written in the caller's transaction (services flush, never commit), so a notice exists exactly when the
change it tells about was kept; emails are delivered after the commit, by the worker
(``notifications.tasks``, ``notifications.delivery``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from rantai import jobs
from rantai.i18n import translate
from rantai.kit.clock import now
from rantai.kit.errors import Invalid, NotFound
from rantai.kit.pagination import Page, PageRequest
from rantai.kit.text import N_
from rantai.notifications import repository
from rantai.notifications.kinds import KINDS, Kind
from rantai.notifications.models import Notification, NotificationPreference, OutboxEmail

MSG_NOT_FOUND = N_("This notification does not exist.")
MSG_UNKNOWN_KIND = N_("There is no notification kind %(kind)s.")
MSG_EMAIL_FOOTER = N_(
    "You receive this email because you have an account on Rantai. Choose which notices Rantai sends you "
    "by email under Account, Notifications."
)
# Sent after a commit that queued an email: the worker delivers the outbox (``notifications.tasks``).
MAIL_SIGNAL = "notifications.mail"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone to notify: a user (``user_id``, for the inbox and their choices) with their address and
    language. ``user_id`` None is an address without an account (an invitation): email only."""

    user_id: int | None
    email: str
    locale: str = "id"


@dataclass(frozen=True, slots=True)
class Choice:
    """What a user receives of one kind."""

    kind: Kind
    inbox: bool
    email: bool


def _choices(session: Session, user_ids: Iterable[int], kind: Kind) -> dict[int, tuple[bool, bool]]:
    rows = repository.preferences_of(session, set(user_ids), kind.code)
    return {row.user_id: (row.inbox, row.email or kind.email_required) for row in rows}


def notify(
    session: Session,
    recipients: Iterable[Recipient],
    kind: Kind,
    *,
    message: str,
    params: Mapping[str, Any] | None = None,
    link: str | None = None,
    organization_id: int | None = None,
) -> list[Notification]:
    """Tell ``recipients`` about something of ``kind``: ``message`` is an English message id filled by
    ``params`` (plain text and numbers, stored as JSON). ``link`` is a path on Rantai the recipients may
    open (the caller picks recipients who may). Each gets what they chose for the kind (the kind's
    defaults when they chose nothing; a security notice's email always). Returns the inbox rows made."""
    people = {(r.user_id, r.email): r for r in recipients}.values()  # a member with two roles once
    values = dict(params or {})
    chosen = _choices(session, [r.user_id for r in people if r.user_id is not None], kind)
    made: list[Notification] = []
    for recipient in people:
        inbox, email = kind.inbox, kind.email
        if recipient.user_id is None:
            inbox = False
        elif recipient.user_id in chosen:
            inbox, email = chosen[recipient.user_id]
        email = email or kind.email_required
        if inbox and recipient.user_id is not None:
            row = Notification(
                user_id=recipient.user_id,
                organization_id=organization_id,
                kind=kind.code,
                message=message,
                params=values,
                link=link,
            )
            session.add(row)
            made.append(row)
        if email:
            queue_email(
                session, recipient, subject=kind.title, body=message, params=values, kind=kind, link=link
            )
    session.flush()
    return made


def queue_email(
    session: Session,
    recipient: Recipient,
    *,
    subject: str,
    body: str,
    params: Mapping[str, Any] | None = None,
    kind: Kind | None = None,
    link: str | None = None,
) -> OutboxEmail:
    """Queue one email, worded now in the recipient's language (``subject`` and ``body`` are English
    message ids). Mail that is not a chosen notice (a registration answer, a password reset link, an
    invitation) comes here directly; it has no kind and no preference applies."""
    values = dict(params or {})
    text = translate(recipient.locale, body, **values)
    if kind is not None:
        text = f"{text}\n\n{translate(recipient.locale, MSG_EMAIL_FOOTER)}"
    row = OutboxEmail(
        user_id=recipient.user_id,
        kind=kind.code if kind else None,
        to_address=recipient.email,
        locale=recipient.locale,
        subject=translate(recipient.locale, subject, **values)[:300],
        body=text,
        link=link,
    )
    session.add(row)
    jobs.signal_after_commit(session, MAIL_SIGNAL)
    return row


# --- the inbox --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shown:
    """A notice worded for its reader."""

    notification: Notification
    title: str
    text: str

    @property
    def id(self) -> int:
        return self.notification.id

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def shown(notification: Notification, locale: str) -> Shown:
    """Word a notice in ``locale`` now (a notice of a kind no longer known shows its message alone)."""
    kind = KINDS.get(notification.kind)
    text = translate(locale, notification.message, **notification.params)
    return Shown(notification, translate(locale, kind.title) if kind else text, text)


def unread_count(session: Session, user_id: int) -> int:
    return repository.unread_count(session, user_id)


def inbox(
    session: Session,
    user_id: int,
    request: PageRequest,
    *,
    unread_first: bool = True,
    organization_id: int | None = None,
) -> Page[Notification]:
    return repository.inbox(
        session, user_id, request, unread_first=unread_first, organization_id=organization_id
    )


def mark_read(
    session: Session, user_id: int, notification_id: int, *, organization_id: int | None = None
) -> Notification:
    """Mark one of the user's notices as read; another user's is reported as missing (404), so its
    existence is not disclosed."""
    row = repository.notification_of(session, user_id, notification_id, organization_id=organization_id)
    if row is None:
        raise NotFound(MSG_NOT_FOUND)
    if row.read_at is None:
        row.read_at = now()
        session.flush()
    return row


def mark_all_read(session: Session, user_id: int, *, organization_id: int | None = None) -> int:
    return repository.mark_all_read(session, user_id, now(), organization_id=organization_id)


# --- preferences ------------------------------------------------------------------------------------


def preferences(session: Session, user_id: int) -> list[Choice]:
    """The user's choice for every kind (the kind's defaults where they chose nothing)."""
    rows = {row.kind: row for row in repository.preferences_of(session, [user_id])}
    choices = []
    for kind in KINDS.values():
        row = rows.get(kind.code)
        inbox, email = (row.inbox, row.email) if row else (kind.inbox, kind.email)
        choices.append(Choice(kind, inbox, email or kind.email_required))
    return choices


def set_preferences(session: Session, user_id: int, chosen: Mapping[str, tuple[bool, bool]]) -> list[Choice]:
    """Save ``{kind code: (inbox, email)}`` for the kinds named (the others keep theirs). A security
    notice's email stays on whatever is sent (see ``kinds``). An unknown kind changes nothing."""
    for code in chosen:
        if code not in KINDS:
            raise Invalid(MSG_UNKNOWN_KIND, field="kind", kind=code)
    rows = {row.kind: row for row in repository.preferences_of(session, [user_id])}
    for code, (inbox, wanted) in chosen.items():
        email = wanted or KINDS[code].email_required
        row = rows.get(code)
        if row is None:
            session.add(NotificationPreference(user_id=user_id, kind=code, inbox=inbox, email=email))
        else:
            row.inbox, row.email, row.updated_at = inbox, email, now()
    session.flush()
    return preferences(session, user_id)
