"""Builders for buyer organizations and their procurement needs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from tests.factories.identity import make_org, make_user

from rantai.identity import service as identity
from rantai.identity.models import Organization, User
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.sourcing import service as sourcing
from rantai.sourcing.models import Need
from rantai.sourcing.state import NeedMove

# The moves that reach each status from a fresh draft, through the real lifecycle.
_MOVES_TO = {
    "draft": (),
    "open": (NeedMove.PUBLISH,),
    "closed": (NeedMove.PUBLISH, NeedMove.CLOSE),
    "cancelled": (NeedMove.CANCEL,),
}


def make_buyer_org(db: Session, org_type: OrgType = OrgType.BUMN, name: str | None = None) -> Organization:
    return make_org(db, org_type, name)


def make_buyer(
    db: Session,
    org: Organization | None = None,
    roles: tuple[Role, ...] = (Role.PROCUREMENT_OFFICER,),
    *,
    locale: str = "id",
) -> tuple[Organization, User, Actor]:
    """A buyer organization (a BUMN unless given), a member with ``roles``, and that member's actor."""
    org = org or make_buyer_org(db)
    user = make_user(db, org, roles, locale=locale)
    return org, user, identity.actor_for(db, user)


def line_data(**overrides: object) -> sourcing.LineData:
    values: dict[str, object] = {
        "name": "Keripik singkong balado 250 g",
        "quantity": 5000,
        "unit_code": "bungkus",
        "delivery_kabkota_code": "32.73",
        "needed_by": dt.date.today() + dt.timedelta(days=90),  # noqa: DTZ011
        "budget": 75_000_000,
    }
    values.update(overrides)
    return sourcing.LineData(**values)  # type: ignore[arg-type]


def make_need(
    db: Session,
    org: Organization,
    actor: Actor,
    *,
    title: str = "Paket oleh-oleh khas daerah",
    lines: list[sourcing.LineData] | None = None,
    status: str = "draft",
    reference: str | None = None,
    source: str = "form",
) -> Need:
    """A need of ``org`` recorded by ``actor``; ``status`` is reached through the real moves."""
    need = sourcing.create_need(
        db,
        actor=actor,
        organization_id=org.id,
        data=sourcing.NeedData(title=title, lines=lines or [line_data()], reference=reference),
        source=source,
    )
    for move in _MOVES_TO[status]:
        sourcing.move_need(db, actor=actor, need=need, move=move)
    return need
