"""Every identity query lives here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rantai.identity.models import ApiToken, AuditEvent, Membership, Organization, User, WebSession
from rantai.kit.pagination import Page, PageRequest


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def organization_by_id(session: Session, organization_id: int) -> Organization | None:
    return session.get(Organization, organization_id)


def organization_by_name(session: Session, name: str) -> Organization | None:
    return session.scalars(select(Organization).where(Organization.name == name)).first()


def memberships_with_orgs(session: Session, user_id: int) -> Sequence[tuple[Membership, Organization]]:
    """The user's roles with their (active) organizations, oldest membership first."""
    rows = session.execute(
        select(Membership, Organization)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.user_id == user_id, Organization.is_active.is_(True))
        .order_by(Membership.id)
    )
    return [(m, o) for m, o in rows]


def membership_exists(session: Session, *, user_id: int, organization_id: int, role: str) -> bool:
    stmt = select(Membership.id).where(
        Membership.user_id == user_id,
        Membership.organization_id == organization_id,
        Membership.role == role,
    )
    return session.scalar(stmt) is not None


def members_of(session: Session, organization_id: int) -> Sequence[tuple[User, list[str]]]:
    """Users of an organization with their roles there, by name."""
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id)
        .order_by(User.full_name, Membership.id)
    )
    grouped: dict[int, tuple[User, list[str]]] = {}
    for user, role in rows:
        grouped.setdefault(user.id, (user, []))[1].append(role)
    return list(grouped.values())


def web_session_by_digest(session: Session, digest: str) -> WebSession | None:
    return session.scalars(select(WebSession).where(WebSession.token_digest == digest)).one_or_none()


def api_token_by_digest(session: Session, digest: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_digest == digest)).one_or_none()


def api_token_by_id(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def api_tokens_of(session: Session, organization_id: int) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.organization_id == organization_id).order_by(ApiToken.id.desc())
    ).all()


def audit_page(session: Session, organization_id: int | None, page: PageRequest) -> Page[AuditEvent]:
    """Newest audit events first, for one organization or (None) the whole platform."""
    base = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if organization_id is not None:
        base = base.where(AuditEvent.organization_id == organization_id)
        count = count.where(AuditEvent.organization_id == organization_id)
    items = session.scalars(
        base.order_by(AuditEvent.id.desc()).offset(page.offset).limit(page.per_page)
    ).all()
    return Page(items=items, total=session.scalar(count) or 0, page=page.page, per_page=page.per_page)
