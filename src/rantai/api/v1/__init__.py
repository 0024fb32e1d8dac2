"""Version 1 of the JSON API. One module per domain; each adds its router here."""

from __future__ import annotations

from fastapi import APIRouter

from rantai.api.idempotency import ADOPT, ApiIdempotentRoute
from rantai.api.v1 import (
    awards,
    claims,
    comparison,
    contacts,
    identity,
    needs,
    notifications,
    ocds,
    opportunities,
    orders,
    reference,
    rfqs,
    suppliers,
)
from rantai.idempotent import adopt

router = APIRouter()
router.include_router(identity.router)
router.include_router(needs.router)
router.include_router(opportunities.router)
router.include_router(reference.router)
router.include_router(suppliers.router)
router.include_router(contacts.router)
router.include_router(claims.router)
router.include_router(notifications.router)
router.include_router(rfqs.router)
router.include_router(comparison.router)
router.include_router(awards.router)
router.include_router(orders.router)
router.include_router(ocds.router)
adopt(router, ApiIdempotentRoute, **ADOPT)  # every POST takes an Idempotency-Key
