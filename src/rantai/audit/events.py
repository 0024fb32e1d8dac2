"""The names of what the audit log records: every event and every kind of resource, as constants.

The values are the strings stored in ``audit_event.action`` and ``audit_event.target_type`` since the
first release; they never change, so old rows and the audit pages keep reading them (issue #10).
"""

from __future__ import annotations

from enum import StrEnum


class ResourceType(StrEnum):
    """What an event is about (``audit_event.target_type``)."""

    ORGANIZATION = "organization"
    USER = "user"
    API_TOKEN = "api_token"  # noqa: S105 - a resource name, not a secret
    SUPPLIER_PROFILE = "supplier_profile"
    SUPPLIER_CLAIM = "supplier_claim"
    CONTACT_REQUEST = "contact_request"
    PRODUCT = "product"
    NEED = "need"
    RFQ = "rfq"
    QUOTE = "quote"
    AWARD = "award"
    PURCHASE_ORDER = "purchase_order"
    INVOICE = "invoice"
    DEMO_REGISTRY = "demo_registry"


class Event(StrEnum):
    """What happened. Every event is about one kind of resource (``resource_type``, from the table
    below), so a call names the event and the resource's id and cannot pair an event with the wrong kind.
    """

    ORGANIZATION_CREATED = "organization.created"
    MEMBERSHIP_ADDED = "membership.added"
    MEMBER_INVITED = "membership.invited"
    MEMBER_INVITATION_REVOKED = "membership.invitation_revoked"
    MEMBER_INVITATION_ACCEPTED = "membership.invitation_accepted"

    USER_CREATED = "user.created"
    USER_REGISTRATION_REPEATED = "user.registration_repeated"
    USER_LOCKED_OUT = "user.locked_out"
    USER_LOGGED_IN = "user.logged_in"
    USER_LOGGED_OUT = "user.logged_out"
    USER_LOCALE_CHANGED = "user.locale_changed"
    USER_PASSWORD_CHANGED = "user.password_changed"  # noqa: S105 - an event name, not a secret
    USER_PASSWORD_RESET_REQUESTED = "user.password_reset_requested"  # noqa: S105 - an event name
    USER_PASSWORD_RESET = "user.password_reset"  # noqa: S105 - an event name, not a secret

    API_TOKEN_CREATED = "api_token.created"  # noqa: S105 - an event name, not a secret
    API_TOKEN_REVOKED = "api_token.revoked"  # noqa: S105 - an event name, not a secret

    SUPPLIER_CREATED = "supplier.created"
    SUPPLIER_UPDATED = "supplier.updated"
    SUPPLIER_SUBMITTED = "supplier.submitted"
    SUPPLIER_VERIFIED = "supplier.verified"
    SUPPLIER_REJECTED = "supplier.rejected"
    SUPPLIER_PERSONAL_DATA_ERASED = "supplier.personal_data_erased"
    SUPPLIER_IMPORTED = "supplier.imported"
    SUPPLIER_CREATED_BY_IMPORT = "supplier.created_by_import"
    SUPPLIER_UPDATED_BY_IMPORT = "supplier.updated_by_import"
    SUPPLIER_MANAGEMENT_ENDED = "supplier.management_ended"
    SUPPLIER_DOCUMENT_ATTACHED = "supplier.document_attached"
    AWARDS_IMPORTED = "supplier.awards_imported"
    PAST_AWARDS_ATTACHED = "supplier.past_awards_attached"
    CERTIFICATION_ADDED = "certification.added"
    CERTIFICATION_DOCUMENT_ATTACHED = "certification.document_attached"
    CERTIFICATION_RENEWED = "certification.renewed"

    CLAIM_REQUESTED = "supplier.claim_requested"
    CLAIM_WITHDRAWN = "supplier.claim_withdrawn"
    CLAIM_APPROVED = "supplier.claim_approved"
    CLAIM_REJECTED = "supplier.claim_rejected"
    CLAIM_SUPERSEDED = "supplier.claim_superseded"
    CONTACT_REQUESTED = "supplier.contact_requested"
    CONTACT_ACCEPTED = "supplier.contact_accepted"
    CONTACT_DECLINED = "supplier.contact_declined"
    CONTACT_WITHDRAWN = "supplier.contact_withdrawn"
    CONTACT_REVOKED = "supplier.contact_revoked"

    PRODUCT_CREATED = "product.created"
    PRODUCT_UPDATED = "product.updated"
    PRODUCT_ARCHIVED = "product.archived"
    PRODUCT_RESTORED = "product.restored"
    PRODUCT_PHOTO_ADDED = "product.photo_added"
    PRODUCT_IMPORTED = "product.imported"
    CATALOG_CHANGED_BY_IMPORT = "catalog.changed_by_import"

    NEED_CREATED = "need.created"
    NEED_UPDATED = "need.updated"
    # One per lifecycle move (``sourcing.state.NeedMove``): "need.<move>".
    NEED_PUBLISH = "need.publish"
    NEED_CLOSE = "need.close"
    NEED_CANCEL = "need.cancel"
    NEED_REOPEN = "need.reopen"
    # One per shortlist decision (``sourcing.state.Decision``): "need.supplier_<decision>".
    NEED_SUPPLIER_SHORTLISTED = "need.supplier_shortlisted"
    NEED_SUPPLIER_DISMISSED = "need.supplier_dismissed"
    NEED_DECISION_CLEARED = "need.decision_cleared"

    RFQ_CREATED = "rfq.created"
    RFQ_INVITED = "rfq.invited"
    # One per lifecycle move (``sourcing.rfq.state.RfqMove``): "rfq.<move>".
    RFQ_SEND = "rfq.send"
    RFQ_AMEND = "rfq.amend"
    RFQ_CLOSE_QUOTES = "rfq.close_quotes"
    RFQ_AWARD = "rfq.award"
    RFQ_CANCEL = "rfq.cancel"
    RFQ_QUESTION_ASKED = "rfq.question_asked"
    RFQ_QUESTION_ANSWERED = "rfq.question_answered"
    # Quote events are in the supplier's log only, without prices reaching anyone else (the seal).
    QUOTE_SUBMITTED = "quote.submitted"
    QUOTE_REVISE = "quote.revise"
    QUOTE_WITHDRAW = "quote.withdraw"
    QUOTE_SUBMIT_AGAIN = "quote.submit_again"
    QUOTE_ATTACHMENT_ADDED = "quote.attachment_added"
    QUOTE_EXTEND = "quote.extend"
    AWARD_MADE = "award.made"
    AWARD_APPROVE = "award.approve"
    AWARD_REJECT = "award.reject"
    BUYER_SETTINGS_CHANGED = "organization.buyer_settings_changed"

    PO_ISSUED = "po.issued"
    # One per lifecycle move (``orders.state.PoMove``): "po.<move>".
    PO_ACCEPT = "po.accept"
    PO_DECLINE = "po.decline"
    PO_AMEND = "po.amend"
    PO_COMPLETE = "po.complete"
    PO_CANCEL = "po.cancel"
    DELIVERY_RECORDED = "po.delivery_recorded"
    RECEIPT_RECORDED = "po.receipt_recorded"
    INVOICE_ISSUED = "invoice.issued"
    # One per lifecycle move (``orders.state.InvoiceMove``): "invoice.<move>".
    INVOICE_PAY_PART = "invoice.pay_part"
    INVOICE_SETTLE = "invoice.settle"
    WITHHOLDING_RECORDED = "invoice.withholding_recorded"
    SUPPLIER_TAX_CHANGED = "supplier.tax_status_changed"
    BUYER_BUDGET_CHANGED = "organization.budget_changed"  # the pagu a buyer enters per year (issue #15)

    DEMO_REGISTRY_LOADED = "demo.registry_loaded"
    DEMO_HISTORY_LOADED = "demo.history_loaded"  # the demo's contracting history (issue #15)

    @property
    def resource_type(self) -> ResourceType:
        return RESOURCE_TYPES[self]


_R = ResourceType
RESOURCE_TYPES: dict[Event, ResourceType] = {
    Event.ORGANIZATION_CREATED: _R.ORGANIZATION,
    Event.MEMBERSHIP_ADDED: _R.USER,
    Event.MEMBER_INVITED: _R.ORGANIZATION,
    Event.MEMBER_INVITATION_REVOKED: _R.ORGANIZATION,
    Event.MEMBER_INVITATION_ACCEPTED: _R.ORGANIZATION,
    Event.USER_CREATED: _R.USER,
    Event.USER_REGISTRATION_REPEATED: _R.USER,
    Event.USER_LOCKED_OUT: _R.USER,
    Event.USER_LOGGED_IN: _R.USER,
    Event.USER_LOGGED_OUT: _R.USER,
    Event.USER_LOCALE_CHANGED: _R.USER,
    Event.USER_PASSWORD_CHANGED: _R.USER,
    Event.USER_PASSWORD_RESET_REQUESTED: _R.USER,
    Event.USER_PASSWORD_RESET: _R.USER,
    Event.API_TOKEN_CREATED: _R.API_TOKEN,
    Event.API_TOKEN_REVOKED: _R.API_TOKEN,
    Event.SUPPLIER_CREATED: _R.SUPPLIER_PROFILE,
    Event.SUPPLIER_UPDATED: _R.SUPPLIER_PROFILE,
    Event.SUPPLIER_SUBMITTED: _R.SUPPLIER_PROFILE,
    Event.SUPPLIER_VERIFIED: _R.SUPPLIER_PROFILE,
    Event.SUPPLIER_REJECTED: _R.SUPPLIER_PROFILE,
    Event.SUPPLIER_PERSONAL_DATA_ERASED: _R.SUPPLIER_PROFILE,
    # An import's own entry is about the importing organization; its rows get entries of their own.
    Event.SUPPLIER_IMPORTED: _R.ORGANIZATION,
    Event.SUPPLIER_CREATED_BY_IMPORT: _R.SUPPLIER_PROFILE,
    Event.SUPPLIER_UPDATED_BY_IMPORT: _R.SUPPLIER_PROFILE,
    Event.SUPPLIER_MANAGEMENT_ENDED: _R.SUPPLIER_PROFILE,
    Event.SUPPLIER_DOCUMENT_ATTACHED: _R.SUPPLIER_PROFILE,
    Event.AWARDS_IMPORTED: _R.ORGANIZATION,
    Event.PAST_AWARDS_ATTACHED: _R.SUPPLIER_PROFILE,
    Event.CERTIFICATION_ADDED: _R.SUPPLIER_PROFILE,
    Event.CERTIFICATION_DOCUMENT_ATTACHED: _R.SUPPLIER_PROFILE,
    Event.CERTIFICATION_RENEWED: _R.SUPPLIER_PROFILE,
    Event.CLAIM_REQUESTED: _R.SUPPLIER_CLAIM,
    Event.CLAIM_WITHDRAWN: _R.SUPPLIER_CLAIM,
    Event.CLAIM_APPROVED: _R.SUPPLIER_CLAIM,
    Event.CLAIM_REJECTED: _R.SUPPLIER_CLAIM,
    Event.CLAIM_SUPERSEDED: _R.SUPPLIER_CLAIM,
    Event.CONTACT_REQUESTED: _R.CONTACT_REQUEST,
    Event.CONTACT_ACCEPTED: _R.CONTACT_REQUEST,
    Event.CONTACT_DECLINED: _R.CONTACT_REQUEST,
    Event.CONTACT_WITHDRAWN: _R.CONTACT_REQUEST,
    Event.CONTACT_REVOKED: _R.CONTACT_REQUEST,
    Event.PRODUCT_CREATED: _R.PRODUCT,
    Event.PRODUCT_UPDATED: _R.PRODUCT,
    Event.PRODUCT_ARCHIVED: _R.PRODUCT,
    Event.PRODUCT_RESTORED: _R.PRODUCT,
    Event.PRODUCT_PHOTO_ADDED: _R.PRODUCT,
    Event.PRODUCT_IMPORTED: _R.ORGANIZATION,
    Event.CATALOG_CHANGED_BY_IMPORT: _R.SUPPLIER_PROFILE,
    Event.NEED_CREATED: _R.NEED,
    Event.NEED_UPDATED: _R.NEED,
    Event.NEED_PUBLISH: _R.NEED,
    Event.NEED_CLOSE: _R.NEED,
    Event.NEED_CANCEL: _R.NEED,
    Event.NEED_REOPEN: _R.NEED,
    Event.NEED_SUPPLIER_SHORTLISTED: _R.NEED,
    Event.NEED_SUPPLIER_DISMISSED: _R.NEED,
    Event.NEED_DECISION_CLEARED: _R.NEED,
    Event.RFQ_CREATED: _R.RFQ,
    Event.RFQ_INVITED: _R.RFQ,
    Event.RFQ_SEND: _R.RFQ,
    Event.RFQ_AMEND: _R.RFQ,
    Event.RFQ_CLOSE_QUOTES: _R.RFQ,
    Event.RFQ_AWARD: _R.RFQ,
    Event.RFQ_CANCEL: _R.RFQ,
    Event.RFQ_QUESTION_ASKED: _R.RFQ,
    Event.RFQ_QUESTION_ANSWERED: _R.RFQ,
    Event.QUOTE_SUBMITTED: _R.QUOTE,
    Event.QUOTE_REVISE: _R.QUOTE,
    Event.QUOTE_WITHDRAW: _R.QUOTE,
    Event.QUOTE_SUBMIT_AGAIN: _R.QUOTE,
    Event.QUOTE_ATTACHMENT_ADDED: _R.QUOTE,
    Event.QUOTE_EXTEND: _R.QUOTE,
    Event.AWARD_MADE: _R.AWARD,
    Event.AWARD_APPROVE: _R.AWARD,
    Event.AWARD_REJECT: _R.AWARD,
    Event.BUYER_SETTINGS_CHANGED: _R.ORGANIZATION,
    Event.PO_ISSUED: _R.PURCHASE_ORDER,
    Event.PO_ACCEPT: _R.PURCHASE_ORDER,
    Event.PO_DECLINE: _R.PURCHASE_ORDER,
    Event.PO_AMEND: _R.PURCHASE_ORDER,
    Event.PO_COMPLETE: _R.PURCHASE_ORDER,
    Event.PO_CANCEL: _R.PURCHASE_ORDER,
    Event.DELIVERY_RECORDED: _R.PURCHASE_ORDER,
    Event.RECEIPT_RECORDED: _R.PURCHASE_ORDER,
    Event.INVOICE_ISSUED: _R.INVOICE,
    Event.INVOICE_PAY_PART: _R.INVOICE,
    Event.INVOICE_SETTLE: _R.INVOICE,
    Event.WITHHOLDING_RECORDED: _R.INVOICE,
    Event.SUPPLIER_TAX_CHANGED: _R.SUPPLIER_PROFILE,
    Event.BUYER_BUDGET_CHANGED: _R.ORGANIZATION,
    Event.DEMO_REGISTRY_LOADED: _R.DEMO_REGISTRY,
    Event.DEMO_HISTORY_LOADED: _R.DEMO_REGISTRY,
}
