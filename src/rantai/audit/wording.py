"""The audit log in words (issue #13): one sentence per event for the audit page, worded in the reader's
language by the door. ``%(actor)s`` is the person who acted (by name, the door looks it up), ``%(id)s``
the resource's number; an event without a sentence here reads with the generic one. The raw codes stay
available on the page in a details toggle."""

from __future__ import annotations

from rantai.audit.events import Event
from rantai.kit.text import N_

GENERIC = N_("%(actor)s: %(event)s (%(id)s)")
NOBODY = N_("Rantai")  # an entry made by the platform itself (an import job, a scheduled step)
SOMEONE = N_("Someone not logged in")  # a registration with a known email, a reset request

_E = Event
SENTENCES: dict[Event, str] = {
    _E.ORGANIZATION_CREATED: N_("%(actor)s created the organization"),
    _E.MEMBERSHIP_ADDED: N_("%(actor)s added a member with the role %(role)s"),
    _E.MEMBER_INVITED: N_("%(actor)s invited someone to join with the role %(role)s"),
    _E.MEMBER_INVITATION_REVOKED: N_("%(actor)s revoked an invitation to join"),
    _E.MEMBER_INVITATION_ACCEPTED: N_("%(actor)s accepted an invitation and joined with the role %(role)s"),
    _E.USER_CREATED: N_("%(actor)s created an account"),
    _E.USER_REGISTRATION_REPEATED: N_("Someone tried to register again with an existing account's email"),
    _E.USER_LOCKED_OUT: N_("An account was locked after too many wrong passwords"),
    _E.USER_LOGGED_IN: N_("%(actor)s logged in"),
    _E.USER_LOGGED_OUT: N_("%(actor)s logged out"),
    _E.USER_LOCALE_CHANGED: N_("%(actor)s changed their language"),
    _E.USER_PASSWORD_CHANGED: N_("%(actor)s changed their password"),
    _E.USER_PASSWORD_RESET_REQUESTED: N_("A password reset link was sent to an account's email"),
    _E.USER_PASSWORD_RESET: N_("%(actor)s set a new password with a reset link"),
    _E.API_TOKEN_CREATED: N_("%(actor)s created an API token"),
    _E.API_TOKEN_REVOKED: N_("%(actor)s revoked an API token"),
    _E.SUPPLIER_CREATED: N_("%(actor)s created the business profile"),
    _E.SUPPLIER_UPDATED: N_("%(actor)s changed the business profile"),
    _E.SUPPLIER_SUBMITTED: N_("%(actor)s sent the business profile for verification"),
    _E.SUPPLIER_VERIFIED: N_("%(actor)s verified the business profile"),
    _E.SUPPLIER_REJECTED: N_("%(actor)s sent the business profile back with what to fix"),
    _E.SUPPLIER_PERSONAL_DATA_ERASED: N_("%(actor)s erased the personal data of the business profile"),
    _E.SUPPLIER_IMPORTED: N_("%(actor)s imported suppliers"),
    _E.SUPPLIER_CREATED_BY_IMPORT: N_("%(actor)s created a business profile by import"),
    _E.SUPPLIER_UPDATED_BY_IMPORT: N_("%(actor)s changed a business profile by import"),
    _E.SUPPLIER_MANAGEMENT_ENDED: N_("%(actor)s ended the management of a business profile"),
    _E.SUPPLIER_DOCUMENT_ATTACHED: N_("%(actor)s uploaded a document for verification"),
    _E.CERTIFICATION_ADDED: N_("%(actor)s added a certificate"),
    _E.CERTIFICATION_DOCUMENT_ATTACHED: N_("%(actor)s attached a certificate's scan"),
    _E.CLAIM_REQUESTED: N_("%(actor)s claimed an imported business profile"),
    _E.CLAIM_WITHDRAWN: N_("%(actor)s withdrew a claim"),
    _E.CLAIM_APPROVED: N_("%(actor)s approved a claim"),
    _E.CLAIM_REJECTED: N_("%(actor)s rejected a claim"),
    _E.CLAIM_SUPERSEDED: N_("A claim was closed: the profile went to another business"),
    _E.CONTACT_REQUESTED: N_("%(actor)s asked a business for its contact details"),
    _E.CONTACT_ACCEPTED: N_("%(actor)s accepted a contact request: phone and email shared"),
    _E.CONTACT_DECLINED: N_("%(actor)s declined a contact request"),
    _E.CONTACT_WITHDRAWN: N_("%(actor)s withdrew a contact request"),
    _E.CONTACT_REVOKED: N_("%(actor)s stopped sharing the contact details"),
    _E.PRODUCT_CREATED: N_("%(actor)s added a product"),
    _E.PRODUCT_UPDATED: N_("%(actor)s changed a product"),
    _E.PRODUCT_ARCHIVED: N_("%(actor)s archived a product"),
    _E.PRODUCT_RESTORED: N_("%(actor)s restored a product"),
    _E.PRODUCT_PHOTO_ADDED: N_("%(actor)s added a product photo"),
    _E.PRODUCT_IMPORTED: N_("%(actor)s imported products"),
    _E.CATALOG_CHANGED_BY_IMPORT: N_("%(actor)s changed the catalog by import"),
    _E.NEED_CREATED: N_("%(actor)s created procurement need %(id)s"),
    _E.NEED_UPDATED: N_("%(actor)s changed procurement need %(id)s"),
    _E.NEED_PUBLISH: N_("%(actor)s published procurement need %(id)s"),
    _E.NEED_CLOSE: N_("%(actor)s closed procurement need %(id)s"),
    _E.NEED_CANCEL: N_("%(actor)s cancelled procurement need %(id)s"),
    _E.NEED_REOPEN: N_("%(actor)s reopened procurement need %(id)s"),
    _E.NEED_SUPPLIER_SHORTLISTED: N_("%(actor)s shortlisted a supplier for need %(id)s"),
    _E.NEED_SUPPLIER_DISMISSED: N_("%(actor)s dismissed a supplier for need %(id)s"),
    _E.NEED_DECISION_CLEARED: N_("%(actor)s cleared a shortlist decision on need %(id)s"),
    _E.RFQ_CREATED: N_("%(actor)s created RFQ %(id)s"),
    _E.RFQ_INVITED: N_("%(actor)s invited suppliers to RFQ %(id)s"),
    _E.RFQ_SEND: N_("%(actor)s sent RFQ %(id)s"),
    _E.RFQ_AMEND: N_("%(actor)s amended RFQ %(id)s"),
    _E.RFQ_CLOSE_QUOTES: N_("Quotes on RFQ %(id)s closed"),
    _E.RFQ_AWARD: N_("%(actor)s awarded RFQ %(id)s"),
    _E.RFQ_CANCEL: N_("%(actor)s cancelled RFQ %(id)s"),
    _E.RFQ_QUESTION_ASKED: N_("A supplier asked a question on RFQ %(id)s"),
    _E.RFQ_QUESTION_ANSWERED: N_("%(actor)s answered a question on RFQ %(id)s"),
    _E.QUOTE_SUBMITTED: N_("%(actor)s submitted quote %(id)s"),
    _E.QUOTE_REVISE: N_("%(actor)s revised quote %(id)s"),
    _E.QUOTE_WITHDRAW: N_("%(actor)s withdrew quote %(id)s"),
    _E.QUOTE_SUBMIT_AGAIN: N_("%(actor)s submitted quote %(id)s again"),
    _E.QUOTE_ATTACHMENT_ADDED: N_("%(actor)s attached a file to quote %(id)s"),
    _E.QUOTE_EXTEND: N_("%(actor)s extended the validity of quote %(id)s"),
    _E.AWARD_MADE: N_("%(actor)s made award %(id)s"),
    _E.AWARD_APPROVE: N_("%(actor)s approved award %(id)s"),
    _E.AWARD_REJECT: N_("%(actor)s rejected award %(id)s"),
    _E.BUYER_SETTINGS_CHANGED: N_("%(actor)s changed the buyer settings"),
    _E.BUYER_BUDGET_CHANGED: N_("%(actor)s changed the budget"),
    _E.PO_ISSUED: N_("%(actor)s issued purchase order %(id)s"),
    _E.PO_ACCEPT: N_("%(actor)s accepted purchase order %(id)s"),
    _E.PO_DECLINE: N_("%(actor)s declined purchase order %(id)s"),
    _E.PO_AMEND: N_("%(actor)s amended purchase order %(id)s"),
    _E.PO_COMPLETE: N_("Purchase order %(id)s was completed"),
    _E.PO_CANCEL: N_("%(actor)s cancelled purchase order %(id)s"),
    _E.DELIVERY_RECORDED: N_("%(actor)s recorded a delivery on purchase order %(id)s"),
    _E.RECEIPT_RECORDED: N_("%(actor)s recorded a goods receipt (BAST) on purchase order %(id)s"),
    _E.INVOICE_ISSUED: N_("%(actor)s issued invoice %(id)s"),
    _E.INVOICE_PAY_PART: N_("%(actor)s recorded a part payment of invoice %(id)s"),
    _E.INVOICE_SETTLE: N_("%(actor)s recorded the payment of invoice %(id)s"),
    _E.WITHHOLDING_RECORDED: N_("%(actor)s recorded a tax withholding on invoice %(id)s"),
    _E.SUPPLIER_TAX_CHANGED: N_("%(actor)s changed the tax status of the business"),
    _E.DEMO_REGISTRY_LOADED: N_("The demo registry was loaded"),
    _E.DEMO_HISTORY_LOADED: N_("The demo contracting history was loaded"),
}


def sentence_of(action: str) -> str:
    """The English message id for an entry's ``action`` (the generic one for an unknown code)."""
    try:
        return SENTENCES.get(Event(action), GENERIC)
    except ValueError:
        return GENERIC
