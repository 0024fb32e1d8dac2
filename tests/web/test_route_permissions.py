"""Every route of the app, web and API, listed from the router and checked against this table (issue #9).

Each route is public (with the reason), needs a login (any member of any organization: what it shows
is the caller's own or is checked per record), or needs a named policy action. For every route that is
not public, an anonymous request is refused (a redirect to the login page, 401, or 404), and for a
route with an action a logged-in user whose organization type or role lacks it is refused (403 or 404).
A route missing from the table fails the test with its path named, so a new route cannot forget.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI, routing
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.routing import Mount
from tests.factories.identity import api_token_for, bearer, csrf_of, log_in, make_org, make_user

from rantai.identity.policy import Action, Actor, OrgScope, can
from rantai.identity.roles import OrgType, Role


@dataclass(frozen=True)
class Public:
    reason: str


@dataclass(frozen=True)
class Login:
    """Any logged-in member; the handler shows the caller's own records or checks each one."""

    reason: str


@dataclass(frozen=True)
class Needs:
    action: Action


Rule = Public | Login | Needs

CREATE_NEED = Needs(Action.CREATE_NEED)
EDIT_PROFILE = Needs(Action.EDIT_SUPPLIER_PROFILE)
CATALOG = Needs(Action.MANAGE_CATALOG)
VERIFY = Needs(Action.VERIFY_SUPPLIER)
TOKENS = Needs(Action.MANAGE_API_TOKENS)
AUDIT = Needs(Action.VIEW_AUDIT_LOG)
OWN_NEED = Login("a need is found only in the caller's organization (404 otherwise, sourcing.get_need)")
OWN_RFQ = Login("an RFQ is found only by its buyer's members (404 otherwise, rfq.service.get_rfq)")
OWN_PO = Login("a PO is found only by its buyer's and supplier's members (404 otherwise, orders get_po)")
OWN_INVOICE = Login("an invoice is found only by its parties' members (404 otherwise, get_invoice)")
INVITED = Login("an RFQ reaches only its invited suppliers (404 otherwise, rfq.service.acting_supplier)")
PO_PARTY = Login("a PO is found only by its buyer's and supplier's members (404 otherwise, orders get_po)")
CONTACT_PARTY = Login("a contact request is found only by its buyer's and business's members (404 otherwise)")
INVOICE_PARTY = Login("an invoice is found only by its buyer's and supplier's members (404 otherwise)")

ROUTES: dict[tuple[str, str], Rule] = {
    # --- outside the app's doors
    ("GET", "/static"): Public("vendored CSS, JS and images"),
    ("GET", "/api/openapi.json"): Public("the API's description, for client generators"),
    ("GET", "/api/docs"): Public("Swagger UI over the public OpenAPI document"),
    ("GET", "/healthz"): Public("liveness probe"),
    ("GET", "/readyz"): Public("readiness probe"),
    # --- accounts
    ("GET", "/login"): Public("the login form"),
    ("POST", "/login"): Public("logging in"),
    ("POST", "/logout"): Public("logging out ends whatever session the cookie names, if any"),
    ("POST", "/lang"): Public("choosing the language, before logging in too"),
    ("GET", "/register"): Public("the registration form"),
    ("POST", "/register"): Public("registering"),
    ("GET", "/password/forgot"): Public("asking for a password reset link, before logging in"),
    ("POST", "/password/forgot"): Public("the same answer for every email; throttled"),
    ("GET", "/password/reset/{token}"): Public("the emailed link: the token is the proof"),
    ("POST", "/password/reset/{token}"): Public("the emailed link: the token is the proof"),
    ("POST", "/org/switch"): Login("switches among the caller's own memberships"),
    ("GET", "/account/members"): Login("VIEW_ORGANIZATION, which every role of every member holds"),
    ("POST", "/account/members/invite"): Needs(Action.MANAGE_MEMBERS),
    ("POST", "/account/members/invitations/{invitation_id}/revoke"): Needs(Action.MANAGE_MEMBERS),
    ("GET", "/join/{token}"): Public("the emailed invitation link: the token is the proof"),
    ("POST", "/join/{token}"): Public("the emailed invitation link: the token is the proof"),
    ("GET", "/account/tokens"): TOKENS,
    ("POST", "/account/tokens"): TOKENS,
    ("POST", "/account/tokens/{token_id}/revoke"): TOKENS,
    ("GET", "/account/audit"): AUDIT,
    ("GET", "/account/password"): Login("the caller's own password"),
    ("POST", "/account/password"): Login("the caller's own password"),
    ("GET", "/"): Public("the landing page; a logged-in member sees their dashboard"),
    # --- notifications: a user's own, every query narrowed to them (another's is a 404)
    ("GET", "/notifications"): Login("the caller's own notifications"),
    ("POST", "/notifications/{notification_id}/read"): Login("the caller's own notification (404 else)"),
    ("POST", "/notifications/read-all"): Login("the caller's own notifications"),
    ("GET", "/account/notifications"): Login("the caller's own choices"),
    ("POST", "/account/notifications"): Login("the caller's own choices"),
    # --- suppliers and the directory
    ("GET", "/supplier/opportunities"): CATALOG,
    ("GET", "/buyer/matches"): CREATE_NEED,
    ("GET", "/opportunities"): CATALOG,
    ("POST", "/suppliers/{profile_id}/invite"): CREATE_NEED,
    ("POST", "/suppliers/{profile_id}/shortlist"): CREATE_NEED,
    ("POST", "/suppliers/{profile_id}/contact"): CREATE_NEED,
    ("GET", "/contact-requests"): Login("the requests of the caller's organization, decided in the query"),
    ("GET", "/contact-requests/{request_id}"): CONTACT_PARTY,
    ("POST", "/contact-requests/{request_id}/move"): CONTACT_PARTY,
    ("GET", "/opportunities/{need_id}"): CATALOG,
    ("GET", "/supplier/onboarding"): EDIT_PROFILE,
    ("POST", "/supplier/onboarding"): EDIT_PROFILE,
    ("GET", "/supplier/edit"): EDIT_PROFILE,
    ("POST", "/supplier/edit"): EDIT_PROFILE,
    ("GET", "/supplier"): EDIT_PROFILE,
    ("POST", "/supplier/submit"): EDIT_PROFILE,
    ("POST", "/supplier/certifications"): EDIT_PROFILE,
    ("POST", "/supplier/documents"): EDIT_PROFILE,
    ("GET", "/supplier/certifications/{certification_id}/renew"): EDIT_PROFILE,
    ("POST", "/supplier/certifications/{certification_id}/renew"): EDIT_PROFILE,
    ("GET", "/certifications/history/{record_id}/document"): Login(
        "the profile's members and its region's verifiers (checked per certificate)"
    ),
    ("GET", "/supplier/export"): EDIT_PROFILE,
    ("POST", "/supplier/erase"): EDIT_PROFILE,
    ("GET", "/supplier/products/new"): CATALOG,
    ("POST", "/supplier/products/new"): CATALOG,
    ("POST", "/supplier/products/{product_id}/archive"): CATALOG,
    ("GET", "/supplier/products/{product_id}/edit"): CATALOG,
    ("POST", "/supplier/products/{product_id}/edit"): CATALOG,
    ("GET", "/regions/options"): Public("the address picker of the registration form"),
    ("GET", "/kbli/suggest"): Login("reference data for the profile form"),
    ("GET", "/verification"): VERIFY,
    ("GET", "/verification/{profile_id}"): VERIFY,
    ("POST", "/verification/{profile_id}/verify"): VERIFY,
    ("POST", "/verification/{profile_id}/reject"): VERIFY,
    ("GET", "/directory"): Public("verified suppliers are public; the rest is decided in the query"),
    ("GET", "/suppliers/{profile_id}"): Public(
        "a verified profile is public (policy: VIEW_SUPPLIER_PROFILE)"
    ),
    ("GET", "/certifications/{certification_id}/document"): Login(
        "the profile's members and its region's verifiers (checked per certificate)"
    ),
    ("GET", "/suppliers/{profile_id}/documents/{kind}"): Login(
        "the profile's members and its region's verifiers (checked per profile)"
    ),
    ("GET", "/catalog/suggest"): Login("code suggestions for the product form"),
    ("GET", "/products/photos/{photo_id}"): Public("photos of products on public profiles"),
    # --- claims of imported profiles
    ("GET", "/supplier/claim"): EDIT_PROFILE,
    ("POST", "/supplier/claim"): EDIT_PROFILE,
    ("POST", "/supplier/claim/{claim_id}/withdraw"): EDIT_PROFILE,
    ("GET", "/verification/claims"): VERIFY,
    ("GET", "/verification/claims/{claim_id}/approve"): VERIFY,
    ("POST", "/verification/claims/{claim_id}/approve"): VERIFY,
    ("POST", "/verification/claims/{claim_id}/reject"): VERIFY,
    # --- bulk imports: which kinds an organization may import is asked of the policy per request
    ("GET", "/imports"): Login("policy.import_kinds: 403 when the organization may import nothing"),
    ("GET", "/imports/template/{kind}.{fmt}"): Login("blank templates"),
    ("POST", "/imports"): Login("policy.import_kinds, checked before the file is read"),
    ("GET", "/imports/{job_id}"): Login("a job is shown to its own organization only"),
    ("GET", "/imports/{job_id}/errors.csv"): Login("a job is shown to its own organization only"),
    ("GET", "/imports/{job_id}/errors.xlsx"): Login("a job is shown to its own organization only"),
    # --- procurement needs
    ("GET", "/needs"): CREATE_NEED,
    ("POST", "/needs/quick"): CREATE_NEED,
    ("GET", "/needs/new"): CREATE_NEED,
    ("POST", "/needs/new"): CREATE_NEED,
    ("GET", "/needs/{need_id}/edit"): OWN_NEED,
    ("POST", "/needs/{need_id}/edit"): OWN_NEED,
    ("GET", "/needs/kabkota-options"): Login("the kab/kota picker of the need form"),
    ("GET", "/needs/{need_id}"): OWN_NEED,
    ("GET", "/needs/{need_id}/cancel"): OWN_NEED,
    ("POST", "/needs/{need_id}/move"): OWN_NEED,
    ("GET", "/needs/{need_id}/lines/{line_id}/shortlist"): OWN_NEED,
    ("POST", "/needs/{need_id}/lines/{line_id}/decisions"): OWN_NEED,
    ("GET", "/needs/{need_id}/lines/{line_id}/explain"): OWN_NEED,
    ("GET", "/needs/import"): CREATE_NEED,
    ("GET", "/needs/import/template.{fmt}"): CREATE_NEED,
    ("POST", "/needs/import"): CREATE_NEED,
    # --- RFQs (issue #11): the buyer's list needs CREATE_NEED, the supplier's MANAGE_CATALOG; one RFQ is
    # found only by its buyer or an invited supplier (rfq.service.get_rfq / acting_supplier: 404 else)
    ("GET", "/rfqs"): CREATE_NEED,
    ("GET", "/needs/{need_id}/rfq/new"): CREATE_NEED,
    ("POST", "/needs/{need_id}/rfq/new"): CREATE_NEED,
    ("GET", "/rfqs/{rfq_id}"): OWN_RFQ,
    ("GET", "/buyers/{organization_id}"): Login("a buyer's profile and days-to-pay: any logged-in user"),
    # --- monitoring (issue #15): what a reader counts is its policy scope (analytics.scope_for: nation,
    # region, own orders; a reader with none gets 403); the pagu is the organization's to manage
    ("GET", "/monitoring"): Login("figures within the reader's policy scope (403 when it has none)"),
    ("GET", "/monitoring/download"): Login("the dashboard's tables within the reader's policy scope"),
    ("GET", "/monitoring/pagu"): Needs(Action.MANAGE_ORGANIZATION),
    ("POST", "/monitoring/pagu"): Needs(Action.MANAGE_ORGANIZATION),
    ("GET", "/transparansi"): Public("the public transparency page: national aggregates, no person"),
    ("GET", "/transparansi/download"): Public("the public page's tables (aggregates of organizations)"),
    ("GET", "/transparansi/kebijakan-data"): Public("the open data's publication policy: no data at all"),
    ("GET", "/rfqs/{rfq_id}/print"): Login(
        "a printed RFQ is found only by its buyer and invitees (get_rfq: 404 else)"
    ),
    ("GET", "/rfqs/{rfq_id}/send"): OWN_RFQ,
    ("POST", "/rfqs/{rfq_id}/send"): OWN_RFQ,
    ("POST", "/rfqs/{rfq_id}/questions/{question_id}/answer"): OWN_RFQ,
    ("POST", "/rfqs/{rfq_id}/amend"): OWN_RFQ,
    ("POST", "/rfqs/{rfq_id}/invite"): OWN_RFQ,
    ("GET", "/rfqs/{rfq_id}/cancel"): OWN_RFQ,
    ("POST", "/rfqs/{rfq_id}/cancel"): OWN_RFQ,
    ("GET", "/rfqs/{rfq_id}/comparison"): OWN_RFQ,
    ("GET", "/rfqs/{rfq_id}/comparison.xlsx"): OWN_RFQ,
    ("POST", "/rfqs/{rfq_id}/comparison/export"): OWN_RFQ,
    ("GET", "/rfqs/{rfq_id}/comparison/export/{job_id}"): OWN_RFQ,
    ("GET", "/rfqs/{rfq_id}/award"): OWN_RFQ,
    ("POST", "/rfqs/{rfq_id}/award"): OWN_RFQ,
    ("GET", "/approvals"): Needs(Action.APPROVE_AWARD),
    ("GET", "/approvals/{award_id}"): Login(
        "an award is found only by its buyer's members (awards.get_award)"
    ),
    ("POST", "/approvals/{award_id}/approve"): Login(
        "awards.get_award, then APPROVE_AWARD in awards.approve"
    ),
    ("POST", "/approvals/{award_id}/reject"): Login("awards.get_award, then APPROVE_AWARD in awards.reject"),
    ("GET", "/account/buyer-settings"): CREATE_NEED,
    ("POST", "/account/buyer-settings"): CREATE_NEED,  # and MANAGE_ORGANIZATION, asked by the service
    ("GET", "/invitations"): CATALOG,
    ("GET", "/invitations/{rfq_id}"): INVITED,
    ("POST", "/invitations/{rfq_id}/questions"): INVITED,
    ("POST", "/invitations/{rfq_id}/quote"): INVITED,
    ("GET", "/invitations/{rfq_id}/withdraw"): INVITED,
    ("POST", "/invitations/{rfq_id}/withdraw"): INVITED,
    ("POST", "/invitations/{rfq_id}/validity"): INVITED,
    # --- orders (issue #12): lists authorized in the query, one PO or invoice found only by its parties;
    # each step asks RUN_PURCHASE (the buyer's side) or FULFIL_ORDER (the supplier's) in the service
    ("GET", "/orders"): Login("the POs of the caller's organizations (orders.repository.po_readable)"),
    ("GET", "/orders/{po_id}"): OWN_PO,
    ("POST", "/orders/{po_id}/accept"): OWN_PO,
    ("GET", "/orders/{po_id}/decline"): OWN_PO,
    ("POST", "/orders/{po_id}/decline"): OWN_PO,
    ("GET", "/orders/{po_id}/cancel"): OWN_PO,
    ("POST", "/orders/{po_id}/cancel"): OWN_PO,
    ("POST", "/orders/{po_id}/amend"): OWN_PO,
    ("POST", "/orders/{po_id}/deliveries"): OWN_PO,
    ("POST", "/orders/{po_id}/receipts"): OWN_PO,
    ("POST", "/orders/{po_id}/invoices"): OWN_PO,
    ("POST", "/awards/{award_id}/orders"): Login(
        "awards.get_award (the buyer's members), then RUN_PURCHASE in issue_for_award"
    ),
    ("GET", "/invoices"): Login("the invoices of the caller's organizations (invoice_readable)"),
    ("GET", "/invoices/{invoice_id}"): OWN_INVOICE,
    ("POST", "/invoices/{invoice_id}/payments"): OWN_INVOICE,
    ("POST", "/invoices/{invoice_id}/slips"): OWN_INVOICE,
    ("GET", "/account/tax"): EDIT_PROFILE,
    ("POST", "/account/tax"): EDIT_PROFILE,
    # --- printed POs and BAST (issue #12): found only by the PO's buyer and supplier (get_po: 404 else)
    ("GET", "/print/document.css"): Public("the printed documents' stylesheet; no data"),
    ("GET", "/orders/{po_id}/print"): OWN_PO,
    ("GET", "/orders/{po_id}/po.pdf"): OWN_PO,
    ("GET", "/orders/{po_id}/receipts/{receipt_id}/print"): OWN_PO,
    ("GET", "/orders/{po_id}/receipts/{receipt_id}/bast.pdf"): OWN_PO,
    # --- the API: every operation needs a token (401 without one)
    ("GET", "/api/v1/me"): Login("the caller itself"),
    ("GET", "/api/v1/tokens"): TOKENS,
    ("POST", "/api/v1/tokens"): TOKENS,
    ("DELETE", "/api/v1/tokens/{token_id}"): TOKENS,
    ("GET", "/api/v1/audit-events"): AUDIT,
    ("GET", "/api/v1/needs"): Login("the caller organization's own needs (none for a supplier)"),
    ("POST", "/api/v1/needs"): CREATE_NEED,
    ("GET", "/api/v1/needs/{need_id}"): OWN_NEED,
    ("PUT", "/api/v1/needs/{need_id}"): OWN_NEED,
    ("POST", "/api/v1/needs/{need_id}/publish"): OWN_NEED,
    ("POST", "/api/v1/needs/{need_id}/close"): OWN_NEED,
    ("POST", "/api/v1/needs/{need_id}/cancel"): OWN_NEED,
    ("POST", "/api/v1/needs/{need_id}/reopen"): OWN_NEED,
    ("GET", "/api/v1/needs/{need_id}/lines/{line_id}/matches"): OWN_NEED,
    ("GET", "/api/v1/needs/{need_id}/lines/{line_id}/explanation"): OWN_NEED,
    ("POST", "/api/v1/needs/{need_id}/lines/{line_id}/decisions"): OWN_NEED,
    ("GET", "/api/v1/opportunities"): CATALOG,
    ("POST", "/api/v1/suppliers/{profile_id}/contact-requests"): CREATE_NEED,
    ("GET", "/api/v1/contact-requests"): Login("the caller organization's requests, decided in the query"),
    ("GET", "/api/v1/contact-requests/{request_id}"): CONTACT_PARTY,
    ("POST", "/api/v1/contact-requests/{request_id}/{move}"): CONTACT_PARTY,
    ("GET", "/api/v1/opportunities/lines"): CATALOG,
    ("GET", "/api/v1/opportunities/needs/{need_id}"): CATALOG,
    # RFQs, quotes and awards (issue #11): lists show the caller's own (none for the other side); one RFQ
    # or award is found only by its buyer's members or an invited supplier (404 otherwise)
    ("GET", "/api/v1/rfqs"): Login("the caller organization's own RFQs (none for a supplier)"),
    ("POST", "/api/v1/needs/{need_id}/rfqs"): OWN_NEED,
    ("GET", "/api/v1/rfqs/{rfq_id}"): OWN_RFQ,
    ("POST", "/api/v1/rfqs/{rfq_id}/send"): OWN_RFQ,
    ("POST", "/api/v1/rfqs/{rfq_id}/invite"): OWN_RFQ,
    ("POST", "/api/v1/rfqs/{rfq_id}/amend"): OWN_RFQ,
    ("POST", "/api/v1/rfqs/{rfq_id}/cancel"): OWN_RFQ,
    ("GET", "/api/v1/rfqs/{rfq_id}/questions"): OWN_RFQ,
    ("POST", "/api/v1/rfqs/{rfq_id}/questions/{question_id}/answer"): OWN_RFQ,
    ("GET", "/api/v1/rfqs/{rfq_id}/quotes"): OWN_RFQ,
    ("GET", "/api/v1/rfqs/{rfq_id}/comparison"): OWN_RFQ,
    ("GET", "/api/v1/rfqs/{rfq_id}/comparison.xlsx"): OWN_RFQ,
    ("POST", "/api/v1/rfqs/{rfq_id}/comparison/exports"): OWN_RFQ,
    ("GET", "/api/v1/rfqs/{rfq_id}/comparison/exports/{job_id}"): OWN_RFQ,
    ("POST", "/api/v1/rfqs/{rfq_id}/awards"): OWN_RFQ,
    ("GET", "/api/v1/rfqs/{rfq_id}/awards"): OWN_RFQ,
    ("GET", "/api/v1/awards/{award_id}"): Login(
        "an award is found only by its buyer's members (404 otherwise)"
    ),
    ("POST", "/api/v1/awards/{award_id}/approve"): Login(
        "an award its buyer's approvers decide (404 otherwise)"
    ),
    ("POST", "/api/v1/awards/{award_id}/reject"): Login(
        "an award its buyer's approvers decide (404 otherwise)"
    ),
    ("GET", "/api/v1/approvals"): Login("the awards waiting for the caller's approval (none for others)"),
    ("GET", "/api/v1/invitations"): Login("the RFQs reaching the caller's supplier (none for a buyer)"),
    ("GET", "/api/v1/invitations/{rfq_id}"): INVITED,
    ("POST", "/api/v1/invitations/{rfq_id}/questions"): INVITED,
    ("GET", "/api/v1/invitations/{rfq_id}/quote"): INVITED,
    ("PUT", "/api/v1/invitations/{rfq_id}/quote"): INVITED,
    ("POST", "/api/v1/invitations/{rfq_id}/quote/withdraw"): INVITED,
    ("POST", "/api/v1/invitations/{rfq_id}/quote/validity"): INVITED,
    ("GET", "/api/v1/invitations/{rfq_id}/outcome"): INVITED,
    # Orders (issue #12): lists show the POs and invoices the caller's organization takes part in; a PO or
    # an invoice is found only by its parties (404 otherwise), the wrong side's step is 403
    ("POST", "/api/v1/awards/{award_id}/orders"): Login(
        "POs are issued from an award its buyer's members find (404 otherwise)"
    ),
    ("GET", "/api/v1/orders"): Login("the POs the caller's organization issued or received"),
    ("GET", "/api/v1/orders/{po_id}"): PO_PARTY,
    ("POST", "/api/v1/orders/{po_id}/accept"): PO_PARTY,
    ("POST", "/api/v1/orders/{po_id}/decline"): PO_PARTY,
    ("POST", "/api/v1/orders/{po_id}/amend"): PO_PARTY,
    ("POST", "/api/v1/orders/{po_id}/cancel"): PO_PARTY,
    ("POST", "/api/v1/orders/{po_id}/deliveries"): PO_PARTY,
    ("POST", "/api/v1/orders/{po_id}/receipts"): PO_PARTY,
    ("POST", "/api/v1/orders/{po_id}/invoices"): PO_PARTY,
    ("GET", "/api/v1/invoices"): Login("the invoices the caller's organization received or issued"),
    ("GET", "/api/v1/invoices/{invoice_id}"): INVOICE_PARTY,
    ("POST", "/api/v1/invoices/{invoice_id}/payments"): INVOICE_PARTY,
    ("POST", "/api/v1/invoices/{invoice_id}/withholdings/{kind}"): INVOICE_PARTY,
    ("GET", "/api/v1/buyers/{organization_id}/days-to-pay"): Login(
        "a buyer's days-to-pay is published to anyone logged in (the aggregate only)"
    ),
    ("GET", "/api/v1/ocds/releases"): Public(
        "open data (issue #15): OCDS releases of public-sector buyers' RFQs; no personal data (docs/ocds.md)"
    ),
    ("GET", "/api/v1/ocds/records"): Public("open data (issue #15): the same processes' OCDS records"),
    ("GET", "/api/v1/ocds/extension/{name}"): Public("the OCDS extension every open-data package declares"),
    ("GET", "/api/v1/reference/regions"): Login("reference data"),
    ("GET", "/api/v1/reference/regions/{code}"): Login("reference data"),
    ("GET", "/api/v1/reference/kbli"): Login("reference data"),
    ("GET", "/api/v1/reference/hs-codes"): Login("reference data"),
    ("GET", "/api/v1/reference/units"): Login("reference data"),
    ("GET", "/api/v1/reference/certification-types"): Login("reference data"),
    ("GET", "/api/v1/reference/kemitraan-patterns"): Login("reference data"),
    ("GET", "/api/v1/supplier"): Login("the caller organization's own profile (404 when it has none)"),
    ("POST", "/api/v1/supplier"): EDIT_PROFILE,
    ("PUT", "/api/v1/supplier"): Login("the caller organization's own profile (404 when it has none)"),
    ("POST", "/api/v1/supplier/submit"): Login("the caller organization's own profile"),
    ("GET", "/api/v1/supplier/export"): Login("the caller organization's own profile"),
    ("POST", "/api/v1/supplier/certifications"): Login("the caller organization's own profile"),
    ("POST", "/api/v1/supplier/certifications/{certification_id}/renew"): Login(
        "the caller organization's own certificate; another's is not found"
    ),
    ("GET", "/api/v1/supplier/products"): Login("the caller organization's own profile"),
    ("POST", "/api/v1/supplier/products"): Login("the caller organization's own profile"),
    ("PUT", "/api/v1/supplier/products/{product_id}"): Login("the caller organization's own profile"),
    ("PATCH", "/api/v1/supplier/products/{product_id}"): Login("the caller organization's own profile"),
    ("POST", "/api/v1/supplier/products/{product_id}/archive"): Login(
        "the caller organization's own profile"
    ),
    ("POST", "/api/v1/supplier/claims"): EDIT_PROFILE,
    ("GET", "/api/v1/supplier/claims"): EDIT_PROFILE,
    ("POST", "/api/v1/supplier/claims/{claim_id}/withdraw"): EDIT_PROFILE,
    ("GET", "/api/v1/claims"): VERIFY,
    ("POST", "/api/v1/claims/{claim_id}/approve"): VERIFY,
    ("POST", "/api/v1/claims/{claim_id}/reject"): VERIFY,
    ("GET", "/api/v1/member-invitations"): Needs(Action.MANAGE_MEMBERS),
    ("POST", "/api/v1/member-invitations"): Needs(Action.MANAGE_MEMBERS),
    ("DELETE", "/api/v1/member-invitations/{invitation_id}"): Needs(Action.MANAGE_MEMBERS),
    ("GET", "/api/v1/verification-queue"): VERIFY,
    ("POST", "/api/v1/suppliers/{profile_id}/verify"): VERIFY,
    ("POST", "/api/v1/suppliers/{profile_id}/reject"): VERIFY,
    ("GET", "/api/v1/suppliers"): Login("the directory: verified profiles, the rest decided in the query"),
    ("GET", "/api/v1/suppliers/{profile_id}"): Login("policy VIEW_SUPPLIER_PROFILE, checked per profile"),
    ("GET", "/api/v1/suppliers/{profile_id}/products"): Login("policy VIEW_SUPPLIER_PROFILE, per profile"),
    ("GET", "/api/v1/catalog/suggest"): Login("code suggestions"),
    ("GET", "/api/v1/notifications"): Login("the caller's own notifications"),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Login(
        "the caller's own notification (404 else)"
    ),
    ("POST", "/api/v1/notifications/read-all"): Login("the caller's own notifications"),
    ("GET", "/api/v1/notification-preferences"): Login("the caller's own choices"),
    ("PUT", "/api/v1/notification-preferences"): Login("the caller's own choices"),
}

# Valid bodies for the API operations that take one: an invalid body is refused (422) before the
# handler can ask the policy, which would hide a missing permission check.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/tokens"): {"name": "ERP"},
    ("POST", "/api/v1/needs"): {"title": "Paket", "lines": [{"name": "Keripik"}]},
    ("POST", "/api/v1/supplier"): {
        "business_name": "Keripik Bu Sri",
        "legal_form": "UD",
        "nib": "9120000000777",
        "kabkota_code": "32.73",
    },
    ("POST", "/api/v1/suppliers/{profile_id}/verify"): {"checked": ["nib_matches"]},
    ("POST", "/api/v1/member-invitations"): {"email": "baru@contoh.co.id", "role": "viewer"},
    ("POST", "/api/v1/suppliers/{profile_id}/reject"): {"reason": "NIB tidak sesuai"},
    ("POST", "/api/v1/supplier/claims"): {"nib": "9120000000777", "evidence": "Telepon di OSS"},
    ("POST", "/api/v1/claims/{claim_id}/reject"): {"reason": "Bukti belum cukup"},
    ("POST", "/api/v1/suppliers/{profile_id}/contact-requests"): {"message": "Kami butuh keripik"},
    ("PUT", "/api/v1/notification-preferences"): [],
}
SAMPLE = {"kind": "suppliers", "fmt": "csv", "code": "32", "move": "accept"}


def _routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route the app serves, ``{id:id}`` convertors written ``{id}``."""
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        path = str(context.path).replace(":id}", "}")
        if isinstance(route, Mount):
            yield "GET", path
            continue
        methods = getattr(context, "methods", None) or getattr(route, "methods", None) or set()
        for method in sorted(set(methods) - {"HEAD"}):
            yield method, path


def _url(path: str) -> str:
    for name, value in SAMPLE.items():
        path = path.replace("{" + name + "}", value)
    while "{" in path:
        start = path.index("{")
        path = path[:start] + "1" + path[path.index("}", start) + 1 :]
    return path


def _lacking(action: Action) -> tuple[OrgType, tuple[Role, ...]]:
    """An organization type and roles for which the policy refuses ``action``: every role in an
    organization of a type without the action, or else a role without it."""
    for org_type in OrgType:
        actor = Actor(user_id=1, roles={1: frozenset(Role)}, org_types={1: org_type})
        if not can(actor, action, OrgScope(1)):
            return org_type, tuple(Role)
    for org_type in OrgType:
        for role in Role:
            actor = Actor(user_id=1, roles={1: frozenset({role})}, org_types={1: org_type})
            if not can(actor, action, OrgScope(1)):
                return org_type, (role,)
    raise AssertionError(f"nobody lacks {action}")


def _send(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    body = BODIES.get((method, path))
    response = client.request(method, _url(path), json=body, headers=headers, follow_redirects=False)
    return response.status_code


def _refused_anonymously(client: TestClient, method: str, path: str) -> bool:
    headers = {"X-CSRF-Token": csrf_of(client)} if method != "GET" else {}
    response = client.request(
        method, _url(path), json=BODIES.get((method, path)), headers=headers, follow_redirects=False
    )
    if path.startswith("/api/"):
        return response.status_code in (401, 404)
    redirected = response.status_code in (302, 303) and "/login" in response.headers.get("location", "")
    return redirected or response.status_code in (401, 404)


def test_every_route_is_in_the_table(app: FastAPI) -> None:
    served = set(_routes(app))
    missing = sorted(served - set(ROUTES))
    assert not missing, f"routes without a permission rule in this table: {missing}"
    gone = sorted(set(ROUTES) - served)
    assert not gone, f"the table lists routes the app no longer serves: {gone}"


def test_no_route_but_the_public_ones_lets_a_stranger_in(app: FastAPI) -> None:
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        let_in = [
            f"{method} {path}"
            for method, path in sorted(set(_routes(app)))
            if not isinstance(ROUTES.get((method, path)), Public)
            and not _refused_anonymously(anonymous, method, path)
        ]
    assert not let_in, f"served to an anonymous request: {let_in}"


@pytest.fixture
def members(app: FastAPI, db: Session) -> Iterator[dict[tuple[OrgType, tuple[Role, ...]], Any]]:
    """A logged-in browser and an API token per (organization type, roles), made when first asked."""
    made: dict[tuple[OrgType, tuple[Role, ...]], Any] = {}
    clients: list[TestClient] = []

    class Members(dict[tuple[OrgType, tuple[Role, ...]], Any]):
        def __missing__(self, key: tuple[OrgType, tuple[Role, ...]]) -> Any:
            org_type, roles = key
            org = make_org(db, org_type)
            user = make_user(db, org, roles)
            client = TestClient(app, raise_server_exceptions=False)
            client.__enter__()
            clients.append(client)
            log_in(client, user)
            made[key] = (client, {"X-CSRF-Token": csrf_of(client)}, bearer(api_token_for(db, user, org)))
            self[key] = made[key]
            return made[key]

    yield Members()
    for client in clients:
        client.__exit__(None, None, None)


def test_a_member_without_the_action_is_refused(
    app: FastAPI, members: dict[tuple[OrgType, tuple[Role, ...]], Any]
) -> None:
    let_in = []
    for method, path in sorted(set(_routes(app))):
        rule = ROUTES.get((method, path))
        if not isinstance(rule, Needs):
            continue
        client, csrf, token = members[_lacking(rule.action)]
        headers = token if path.startswith("/api/") else csrf
        status = _send(client, method, path, headers)
        if status not in (403, 404):
            let_in.append(f"{method} {path} ({rule.action}): {status}")
    assert not let_in, f"answered a member whose organization or role lacks the action: {let_in}"
