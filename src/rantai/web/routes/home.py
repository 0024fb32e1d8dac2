"""The home page: for a visitor, what Rantai is (the public front door); for a member, the work waiting in
the active organization, built from live data (issue #13). What each kind of organization sees is the
policy's (``dashboard_kind``); each box and each link is there only when the policy allows its action, so
no link on a home leads to a refusal (tests/browser/test_role_homes.py walks them)."""

from __future__ import annotations

from typing import Any

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rantai.analytics import figures
from rantai.http import DbSession
from rantai.identity.policy import Action, dashboard_kind
from rantai.identity.roles import OrgType, Role
from rantai.jobs import repository as jobs_repo
from rantai.kit.clock import now
from rantai.kit.money import format_number, format_rupiah
from rantai.kit.pagination import PageRequest
from rantai.orders import reading as orders_reading
from rantai.orders.state import PoStatus
from rantai.settings import Settings
from rantai.sourcing import opportunities, shortlists
from rantai.sourcing import repository as sourcing_repo
from rantai.sourcing import service as sourcing
from rantai.sourcing.rfq import awards
from rantai.sourcing.rfq import repository as rfq_repository
from rantai.sourcing.rfq import service as rfqs
from rantai.sourcing.rfq.state import RfqStatus
from rantai.sourcing.state import NeedStatus
from rantai.sourcing.wording import Vocabulary, describe, short_cert_name
from rantai.suppliers import repository as supplier_repo
from rantai.suppliers.state import STATUS_LABELS, ProfileStatus
from rantai.web.auth import get_viewer, require_action
from rantai.web.requestctx import Viewer, get_settings_dep
from rantai.web.routes.opportunities import gap_text
from rantai.web.templating import render

router = APIRouter()

SHOWN = 5  # items per box on a home; the box links to the full list
FIRST = PageRequest(1, SHOWN)


@router.get("/")
def home(
    request: Request,
    db: Session = DbSession,
    viewer: Viewer = Depends(get_viewer),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    if viewer.user is None:
        if viewer.session_expired:
            return RedirectResponse("/login?expired=1", status_code=303)
        return render(request, "home/landing.html", viewer, {"figures": figures.program_figures(db)})
    org = viewer.organization
    roles: list[Role] = []
    if org is not None and viewer.actor is not None:
        roles = sorted(viewer.actor.roles.get(org.id, frozenset()), key=list(Role).index)
    kind = dashboard_kind(viewer.actor, org.id if org else None)
    work = _WORK[kind](db, viewer, settings) if kind in _WORK else {}
    return render(
        request,
        "home/dashboard.html",
        viewer,
        {
            "kind": kind,
            "org": org,
            "org_type_label": OrgType(org.org_type).label if org else "",
            "roles": roles,
            **work,
        },
    )


def _orders_and_invoices(db: Session, viewer: Viewer) -> dict[str, Any]:
    """POs waiting for the supplier and invoices not paid yet, of the active organization (as buyer or as
    supplier: the lists hold only the POs and invoices it takes part in)."""
    actor = viewer.current_actor.within(viewer.current_org.id)
    waiting = orders_reading.orders_list(db, actor=actor, page=FIRST, status=PoStatus.ISSUED.value)
    amended = orders_reading.orders_list(db, actor=actor, page=FIRST, status=PoStatus.AMENDED.value)
    unpaid = orders_reading.invoices_list(db, actor=actor, page=FIRST, show="open")
    return {
        "pos_waiting": [*waiting.page.items, *amended.page.items][:SHOWN],
        "pos_waiting_total": waiting.page.total + amended.page.total,
        "po_buyers": waiting.buyers | amended.buyers,
        "po_suppliers": waiting.suppliers | amended.suppliers,
        "invoices_open": unpaid,
    }


def _supplier_work(db: Session, viewer: Viewer, _settings: Settings) -> dict[str, Any]:
    org = viewer.current_org
    profile = supplier_repo.by_organization(db, org.id)
    work: dict[str, Any] = {
        "profile": profile,
        "profile_status_label": STATUS_LABELS[ProfileStatus(profile.status)] if profile else "",
    }
    if viewer.can(Action.MANAGE_CATALOG):
        actor = viewer.current_actor.within(org.id)
        work["invitations"] = rfqs.supplier_rfqs_page(
            db, actor=actor, page=FIRST, status=RfqStatus.OPEN.value, sort="deadline"
        )
        work |= _orders_and_invoices(db, viewer)
    return work


def _buyer_work(db: Session, viewer: Viewer, _settings: Settings) -> dict[str, Any]:
    org = viewer.current_org
    actor = viewer.current_actor.within(org.id)
    work: dict[str, Any] = {}
    if viewer.can(Action.CREATE_NEED):
        needs = sourcing.needs_page(
            db, actor=actor, organization_id=org.id, page=FIRST, status=NeedStatus.OPEN.value
        )
        work["needs"] = needs
        work["need_counts"] = sourcing_repo.line_counts(db, [need.id for need in needs.items])
        work["to_evaluate"] = rfqs.buyer_rfqs_page(
            db, actor=actor, organization_id=org.id, page=FIRST, status=RfqStatus.EVALUATION.value
        )
        work["rfqs_open"] = rfqs.buyer_rfqs_page(
            db, actor=actor, organization_id=org.id, page=FIRST, status=RfqStatus.OPEN.value
        )
        work |= _orders_and_invoices(db, viewer)
    if viewer.can(Action.APPROVE_AWARD):
        waiting = awards.approvals_page(db, actor=actor, page=FIRST)
        work["approvals"] = waiting
        # The RFQ each award is on (the buyer's own: the awards are those the viewer may approve).
        work["award_rfqs"] = {
            award.id: rfq
            for award in waiting.items
            if (rfq := rfq_repository.rfq(db, award.rfq_id)) is not None
        }
    return work


def _government_work(db: Session, viewer: Viewer, _settings: Settings) -> dict[str, Any]:
    work: dict[str, Any] = {}
    if viewer.can(Action.VERIFY_SUPPLIER):
        actor = viewer.current_actor.within(viewer.current_org.id)
        queue = supplier_repo.verification_queue(db, FIRST, actor=actor)
        submitted = [p.submitted_at for p in queue.items if p.submitted_at is not None]
        oldest = min(submitted) if submitted else None  # a profile may wait without a submission time
        work["queue"] = queue
        work["oldest_days"] = (now() - oldest).days if oldest is not None else None
    if viewer.can(Action.VIEW_PROGRAM_KPIS):
        work["figures"] = figures.program_figures(db)
    return work


def _operator_work(db: Session, viewer: Viewer, _settings: Settings) -> dict[str, Any]:
    work: dict[str, Any] = {}
    if viewer.can(Action.OPERATE_PLATFORM):
        work["jobs"] = jobs_repo.queue_health(db)
        work["statuses"] = figures.supplier_status_counts(db)
        work["figures"] = figures.program_figures(db)
    return work


def _lender_work(db: Session, _viewer: Viewer, _settings: Settings) -> dict[str, Any]:
    return {"figures": figures.program_figures(db)}


_WORK = {
    "supplier": _supplier_work,
    "buyer": _buyer_work,
    "government": _government_work,
    "operator": _operator_work,
    "lender": _lender_work,
}


@router.get("/buyer/matches")
def buyer_matches(
    request: Request,
    db: Session = DbSession,
    viewer: Viewer = require_action(Action.CREATE_NEED),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    """The buyer home's open needs with, for each, the best-matching suppliers it has not reviewed yet
    (loaded into the home by HTMX: a shortlist per line)."""
    org = viewer.current_org
    actor = viewer.current_actor.within(org.id)
    needs = sourcing.needs_page(
        db, actor=actor, organization_id=org.id, page=FIRST, status=NeedStatus.OPEN.value
    )
    unreviewed = shortlists.unreviewed_matches(
        db, actor=actor, data_dir=settings.data_dir, needs=needs.items, newcomer_slots=settings.newcomer_slots
    )
    return render(
        request,
        "home/_needs.html",
        viewer,
        {
            "needs": needs,
            "need_counts": sourcing_repo.line_counts(db, [need.id for need in needs.items]),
            "unreviewed": unreviewed,
        },
    )


_BABEL = {"id": "id_ID", "en": "en_US"}


@router.get("/supplier/opportunities")
def supplier_opportunities(
    request: Request, db: Session = DbSession, viewer: Viewer = require_action(Action.MANAGE_CATALOG)
) -> Response:
    """The supplier home's opportunities and gaps (loaded into the dashboard by HTMX)."""
    profile = supplier_repo.by_organization(db, viewer.current_org.id)
    found = (
        opportunities.opportunities_for(db, profile.id, actor=viewer.current_actor)
        if profile is not None
        else None
    )
    vocabulary = Vocabulary(db, viewer.locale)
    locale = _BABEL.get(viewer.locale, "id_ID")
    items = []
    for recommendation, shown in found.recommended if found else ():
        line = shown
        items.append(
            {
                "name": line.name,
                "need_id": line.need_id,
                "line_id": line.line_id,
                "buyer": shown.buyer,
                "quantity": f"{format_number(line.quantity, viewer.locale)} {vocabulary.unit(line.unit_code)}"
                if line.quantity
                else "",
                "needed_by": format_date(line.needed_by, "d MMM yyyy", locale=locale)
                if line.needed_by
                else "",
                "budget": format_rupiah(line.budget, viewer.locale) if line.budget else "",
                "certs": [short_cert_name(code) for code in shown.certifications],
                "offer": recommendation.offer.name,
                "reasons": [describe(reason, vocabulary) for reason in recommendation.reasons],
            }
        )
    gaps = []
    for gap in found.gaps if found else ():
        # Where the supplier acts on it, when the policy lets the viewer go there.
        link, action = "", ""
        if gap.kind in ("cert", "verification") and viewer.can(Action.EDIT_SUPPLIER_PROFILE):
            link = "/supplier"
            action = viewer._("Renew it on your profile") if gap.kind == "cert" else viewer._("Your profile")
        elif gap.kind == "capacity" and gap.offer_id and viewer.can(Action.MANAGE_CATALOG):
            link = f"/supplier/products/{int(gap.offer_id)}/edit"
            action = viewer._("Change the product's capacity")
        text = gap_text(viewer, gap, found.offers if found else {})
        gaps.append({"kind": gap.kind, "text": text, "link": link, "action": action})
    return render(
        request,
        "home/_opportunities.html",
        viewer,
        {
            "has_profile": profile is not None,
            "items": items,
            "gaps": gaps,
            "open_lines": found.open_lines if found else 0,
        },
    )
