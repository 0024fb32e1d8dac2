"""What a notification is about: one constant per kind, with its title, what the user may turn off, and
its defaults. The preferences page lists these; a caller names one when it notifies.

A kind whose email cannot be turned off (``email_required``) is a security notice: it tells the account's
owner that something was done with their account. Whoever got into the account (a stolen password, a
session left open) could otherwise turn the email off first and act unseen; the email reaches the mailbox
the owner still holds, so they learn of it even when they no longer control the account.
"""

from __future__ import annotations

from dataclasses import dataclass

from rantai.kit.text import N_


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of notification. ``title`` is an English message id: the inbox's heading and the email's
    subject; ``description`` says on the preferences page when it is sent."""

    code: str
    title: str
    description: str
    inbox: bool = True
    email: bool = True
    email_required: bool = False


PASSWORD_CHANGED = Kind(
    "account.password_changed",
    N_("Your password was changed"),
    N_("When the password of your account is changed."),
    email_required=True,
)
CLAIM_APPROVED = Kind(
    "supplier.claim_approved",
    N_("Your claim of a business profile was approved"),
    N_("When a verifier approves your organization's claim of an imported business profile."),
)
CLAIM_REJECTED = Kind(
    "supplier.claim_rejected",
    N_("Your claim of a business profile was rejected"),
    N_("When a verifier rejects your organization's claim of an imported business profile."),
)
PROFILE_CHANGED_BY_IMPORT = Kind(
    "supplier.changed_by_import",
    N_("Another organization's import changed your business profile"),
    N_("When an import by another organization changes your organization's business profile."),
)
PROFILE_VERIFIED = Kind(
    "supplier.profile_verified",
    N_("Your business profile was verified"),
    N_("When a verifier verifies your organization's business profile."),
)
PROFILE_REJECTED = Kind(
    "supplier.profile_rejected",
    N_("Your business profile was sent back: see what to fix"),
    N_("When a verifier sends your organization's business profile back with what to fix."),
)

# Buyers reaching suppliers (issue #13).
CONTACT_REQUESTED = Kind(
    "supplier.contact_requested",
    N_("A buyer asks for your contact details"),
    N_("When a buyer asks your business for its phone and email, with a message."),
)
CONTACT_ANSWERED = Kind(
    "supplier.contact_answered",
    N_("A supplier answered your contact request"),
    N_("When a supplier accepts or declines your organization's request for its contact details."),
)
# RFQ to award (issue #11). None of these carries another supplier's price: the seal holds in the inbox.
RFQ_INVITED = Kind(
    "rfq.invited",
    N_("You are invited to quote"),
    N_("When a buyer invites your business to quote, or publishes a request your business is eligible for."),
)
RFQ_AMENDED = Kind(
    "rfq.amended",
    N_("A request for quotations you take part in was amended"),
    N_("When a buyer amends a request for quotations your business was invited to."),
)
RFQ_ANSWERED = Kind(
    "rfq.answered",
    N_("A clarification question was answered"),
    N_("When a buyer answers a question on a request for quotations your business was invited to."),
)
RFQ_QUESTION = Kind(
    "rfq.question",
    N_("A supplier asked a question on your request for quotations"),
    N_("When a supplier asks a clarification question on your organization's request for quotations."),
)
RFQ_CANCELLED = Kind(
    "rfq.cancelled",
    N_("A request for quotations was cancelled"),
    N_("When a buyer cancels a request for quotations your business was invited to."),
)
RFQ_QUOTES_OPEN = Kind(
    "rfq.quotes_open",
    N_("The quote deadline passed: quotes are ready to compare"),
    N_("When the deadline of your organization's request for quotations passes."),
)
AWARD_TO_APPROVE = Kind(
    "award.to_approve",
    N_("An award waits for your approval"),
    N_("When an award above your organization's threshold, or with a reservation exception, needs approval."),
)
AWARD_DECIDED = Kind(
    "award.decided",
    N_("An award you made was approved or rejected"),
    N_("When an approver approves or rejects an award your organization made."),
)
AWARD_WON = Kind(
    "award.won",
    N_("Your business won an award"),
    N_("When a buyer awards a request for quotations, or part of it, to your business."),
)
AWARD_LOST = Kind(
    "award.lost",
    N_("The outcome of a request for quotations you quoted on"),
    N_("When a buyer awards a request your business quoted on to another supplier, with the reason."),
)

# From award to money (issue #12).
PO_ISSUED = Kind(
    "po.issued",
    N_("A purchase order for your business"),
    N_("When a buyer issues or amends a purchase order to your business."),
)
PO_ANSWERED = Kind(
    "po.answered",
    N_("A supplier answered your purchase order"),
    N_("When a supplier accepts or declines a purchase order your organization issued."),
)
PO_CANCELLED = Kind(
    "po.cancelled",
    N_("A purchase order was cancelled"),
    N_("When a buyer cancels a purchase order to your business."),
)
DELIVERY_SHIPPED = Kind(
    "po.shipped",
    N_("A supplier shipped goods"),
    N_("When a supplier records a delivery (surat jalan) against your organization's purchase order."),
)
GOODS_RECEIVED = Kind(
    "po.received",
    N_("The buyer recorded a goods receipt (BAST)"),
    N_("When a buyer records what it accepted and rejected of your delivery."),
)
INVOICE_RECEIVED = Kind(
    "invoice.received",
    N_("An invoice to pay"),
    N_("When a supplier sends your organization an invoice."),
)
PAYMENT_RECEIVED = Kind(
    "invoice.paid",
    N_("A payment on your invoice"),
    N_("When a buyer records a payment on your business's invoice."),
)

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        PASSWORD_CHANGED,
        CLAIM_APPROVED,
        CLAIM_REJECTED,
        PROFILE_CHANGED_BY_IMPORT,
        PROFILE_VERIFIED,
        PROFILE_REJECTED,
        CONTACT_REQUESTED,
        CONTACT_ANSWERED,
        RFQ_INVITED,
        RFQ_AMENDED,
        RFQ_ANSWERED,
        RFQ_QUESTION,
        RFQ_CANCELLED,
        RFQ_QUOTES_OPEN,
        AWARD_TO_APPROVE,
        AWARD_DECIDED,
        AWARD_WON,
        AWARD_LOST,
        PO_ISSUED,
        PO_ANSWERED,
        PO_CANCELLED,
        DELIVERY_SHIPPED,
        GOODS_RECEIVED,
        INVOICE_RECEIVED,
        PAYMENT_RECEIVED,
    )
}


def kind_of(code: str) -> Kind | None:
    return KINDS.get(code)
