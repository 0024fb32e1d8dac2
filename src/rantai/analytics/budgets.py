"""A buyer's goods-and-services budget per year (pagu), entered by the buyer (issue #15): the denominator
of its UMK share under Inpres 2/2022. Entering it again for a year replaces it; every change is audited
with what it was before."""

from __future__ import annotations

from sqlalchemy.orm import Session

from rantai import audit
from rantai.analytics import repository
from rantai.analytics.errors import MSG_NOT_ALLOWED, MSG_PAGU, MSG_YEAR, AnalyticsForbidden, AnalyticsInvalid
from rantai.analytics.models import BuyerBudget
from rantai.analytics.scope import may_enter_budget
from rantai.audit import Event
from rantai.identity.policy import Actor
from rantai.tabular.cells import MAX_RUPIAH

FIRST_YEAR = 2020
LAST_YEAR = 2100


def set_budget(
    session: Session, *, actor: Actor | None, organization_id: int, year: int, pagu: int
) -> BuyerBudget:
    """Record the buyer's pagu for ``year`` (whole Rupiah), replacing what it entered before."""
    if not may_enter_budget(actor, organization_id):
        raise AnalyticsForbidden(MSG_NOT_ALLOWED)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise AnalyticsInvalid(MSG_YEAR, field="year", first=FIRST_YEAR, last=LAST_YEAR)
    if not 1 <= pagu <= MAX_RUPIAH:
        raise AnalyticsInvalid(MSG_PAGU, field="pagu", max=MAX_RUPIAH)
    row = repository.budget(session, organization_id, year)
    before = None if row is None else {"year": row.year, "pagu": row.pagu}
    if row is None:
        row = BuyerBudget(organization_id=organization_id, year=year, pagu=pagu)
        session.add(row)
    row.pagu = pagu
    row.entered_by_user_id = actor.user_id if actor is not None else None
    session.flush()
    audit.record(
        session,
        Event.BUYER_BUDGET_CHANGED,
        organization_id,
        [organization_id],
        by=actor,
        before=before,
        after={"year": year, "pagu": pagu},
    )
    return row


def budgets_of(session: Session, organization_id: int) -> list[BuyerBudget]:
    """The pagu the buyer entered, latest year first."""
    return repository.budgets_of(session, organization_id)
