"""Errors a user can cause on orders, with their messages (English msgids; the doors translate)."""

from __future__ import annotations

from rantai.kit.errors import Conflict, Forbidden, Invalid, NotFound
from rantai.kit.text import N_

MSG_PO_NOT_FOUND = N_("There is no such purchase order.")
MSG_INVOICE_NOT_FOUND = N_("There is no such invoice.")
MSG_BUYER_NOT_FOUND = N_("There is no such organization.")
MSG_NOT_ALLOWED = N_("Your role does not allow this. Ask your organization's administrator.")
MSG_AWARD_NOT_APPROVED = N_("Purchase orders are made from an approved award.")
MSG_ALREADY_ORDERED = N_("Purchase orders were already made from this award.")
MSG_PO_MOVE = N_("A purchase order that is '%(status)s' cannot take this step.")
MSG_PO_CHANGED = N_("Someone changed this purchase order at the same moment. Open it again and repeat.")
MSG_INVOICE_MOVE = N_("An invoice that is '%(status)s' cannot take this step.")
MSG_INVOICE_CHANGED = N_("Someone recorded a payment on this invoice at the same moment. Open it again.")
MSG_REASON_REQUIRED = N_("Say why (the other party sees the reason).")
MSG_NOT_ACCEPTED = N_("Deliveries, receipts and invoices are recorded once the supplier accepted the order.")
MSG_LINE_UNKNOWN = N_("The line named is not in this purchase order.")
MSG_AMEND_QUANTITY = N_(
    "Line %(line)s: the new quantity is a whole number from %(floor)s (what was shipped and kept, or "
    "invoiced) to %(max)s."
)
MSG_PAYMENT_TERMS = N_("Payment terms are a whole number of days from 0 to 365.")
MSG_DELIVERY_EMPTY = N_("Give the quantity shipped of at least one line.")
MSG_DELIVERY_QUANTITY = N_(
    "Line %(line)s: at most %(left)s more can be shipped (%(quantity)s ordered, %(delivered)s shipped)."
)
MSG_NOTE_NUMBER = N_("Give the delivery note (surat jalan) number.")
MSG_NOTE_TAKEN = N_("This purchase order already has a delivery with the note number %(number)s.")
MSG_RECEIPT_EMPTY = N_("Record the accepted or rejected quantity of at least one line.")
MSG_RECEIPT_QUANTITY = N_(
    "Line %(line)s: only %(left)s shipped units wait for receipt; accepted plus rejected cannot be more."
)
MSG_REJECT_REASON = N_("Line %(line)s: say why units were rejected.")
MSG_OVER_ACCEPTED = N_(
    "Line %(line)s: accepting %(accepted)s would pass the %(quantity)s ordered (someone may have recorded a "
    "receipt at the same moment)."
)
MSG_INVOICE_EMPTY = N_("There is nothing to invoice: no accepted quantity that was not invoiced before.")
MSG_INVOICE_QUANTITY = N_("Line %(line)s: at most %(left)s accepted units are not invoiced yet.")
MSG_TAX_SERIAL = N_("The tax invoice serial (e-Faktur) is 16 or 17 digits; a PKP supplier must give it.")
MSG_PAYMENT_AMOUNT = N_("The payment must be a whole amount from 1 to the %(left)s still due.")
MSG_PAYMENT_REFERENCE = N_("Give the payment's reference (the transfer number).")
MSG_PAYMENT_DATE = N_("The payment date cannot be before the invoice (%(date)s) or in the future.")
MSG_WITHHOLDING = N_("Give the slip number (bukti potong/pungut) of the tax withheld.")
MSG_DATE_FUTURE = N_("The date cannot be in the future.")
MSG_NUMBER_TAKEN = N_("Another document took that number at the same moment. Try again.")


class OrderNotFound(NotFound):
    code = "order-not-found"


class OrderForbidden(Forbidden):
    code = "order-forbidden"


class OrderInvalid(Invalid):
    code = "order-invalid"


class OrderConflict(Conflict):
    code = "order-conflict"
