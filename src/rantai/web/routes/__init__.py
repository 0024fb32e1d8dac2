"""Browser routes, one module per domain. Every state-changing request passes the CSRF check."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from rantai.idempotent import adopt
from rantai.web.auth import csrf_protect
from rantai.web.forms import FormKeyRoute
from rantai.web.routes import (
    account,
    auth,
    awards,
    buyers,
    claims,
    comparison,
    contacts,
    directory,
    health,
    home,
    imports,
    invitations,
    invoices,
    joining,
    monitoring,
    needs,
    notifications,
    opportunities,
    order_documents,
    orders,
    plans,
    products,
    recovery,
    rfq_documents,
    rfqs,
    shortlists,
    suppliers,
    verification,
)

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
# A request is matched against the routes in this order, one by one: the page asked most (a need line's
# shortlist, an HTMX request per line of a need page) comes first (issue #9: server CPU per page). Order
# decides nothing else: no two routes match the same path (tests/web/test_route_order.py).
router.include_router(shortlists.router)
router.include_router(health.router)
router.include_router(auth.router)
router.include_router(recovery.router)
router.include_router(joining.router)
router.include_router(home.router)
router.include_router(account.router)
router.include_router(suppliers.router)
router.include_router(products.router)
router.include_router(verification.router)
router.include_router(directory.router)
router.include_router(contacts.router)
router.include_router(imports.router)
router.include_router(needs.router)
router.include_router(opportunities.router)
router.include_router(plans.router)
router.include_router(claims.router)
router.include_router(notifications.router)
router.include_router(rfqs.router)
router.include_router(comparison.router)
router.include_router(awards.router)
router.include_router(invitations.router)
router.include_router(orders.router)
router.include_router(invoices.router)
router.include_router(order_documents.router)
router.include_router(rfq_documents.router)
router.include_router(buyers.router)
router.include_router(monitoring.router)
adopt(router, FormKeyRoute)  # a POST carrying a form key runs once per key (double clicks)
