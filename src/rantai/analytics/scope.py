"""Who sees which figures (issue #15), from the one policy: the ministry and the platform operator read the
nation, a dinas its region (``Action.VIEW_PROGRAM_KPIS``, an area rule: ``reach`` gives the areas), a
buyer its own spend and where it ranks (the orders it is the buyer party of: ``Action.VIEW_RECORD``), a
lender its portfolio (the orders it finances: none yet, financing is later work)."""

from __future__ import annotations

from rantai.analytics.repository import Scope
from rantai.identity.policy import Action, Actor, OrgScope, Party, can, reach
from rantai.identity.roles import BUYER_TYPES, OrgType


def scope_for(actor: Actor | None) -> Scope:
    """What ``actor`` may count on the dashboards (empty: nothing, the page is refused)."""
    kpis = reach(actor, Action.VIEW_PROGRAM_KPIS)
    own = reach(actor, Action.VIEW_RECORD).organizations(Party.BUYER)
    # A buyer's own spend: the organizations it takes the buyer's part for (a supplier is never one).
    buyers = frozenset(org for org in own if actor is not None and actor.org_types.get(org) in BUYER_TYPES)
    lenders = frozenset(
        org
        for org in reach(actor, Action.VIEW_RECORD).organizations(Party.LENDER)
        if actor is not None and actor.org_types.get(org) == OrgType.LEMBAGA_PEMBIAYAAN
    )
    return Scope(
        everywhere=kpis.everywhere,
        areas=tuple(sorted(area for area in kpis.areas if area is not None)),
        buyer_ids=buyers,
        lender_ids=lenders,
    )


def may_enter_budget(actor: Actor | None, organization_id: int) -> bool:
    """A buyer's pagu is entered by whoever manages the organization (as its buyer settings are)."""
    return can(actor, Action.MANAGE_ORGANIZATION, OrgScope(organization_id)) and (
        actor is not None and actor.org_types.get(organization_id) in BUYER_TYPES
    )
