"""Errors a user can cause on RFQs, quotes and awards, with their messages (English msgids)."""

from __future__ import annotations

from rantai.kit.errors import Conflict, Forbidden, Invalid, NotFound
from rantai.kit.text import N_

MSG_RFQ_NOT_FOUND = N_("There is no such request for quotations. It may have been removed.")
MSG_QUOTE_NOT_FOUND = N_("There is no such quote.")
MSG_AWARD_NOT_FOUND = N_("There is no such award.")
MSG_NOT_ALLOWED = N_("Your role does not allow this. Ask your organization's administrator.")
MSG_RFQ_MOVE_NOT_ALLOWED = N_("A request for quotations that is '%(status)s' cannot take this step.")
MSG_RFQ_CHANGED = N_(
    "Someone changed this request for quotations at the same moment, so your change is not saved. Open it "
    "again and repeat your change."
)
MSG_QUOTE_MOVE_NOT_ALLOWED = N_("A quote that is '%(status)s' cannot take this step.")
MSG_QUOTE_CHANGED = N_(
    "This quote was changed at the same moment (perhaps in another window), so your change is not saved. "
    "Open it again and repeat your change."
)
MSG_AWARD_MOVE_NOT_ALLOWED = N_("An award that is '%(status)s' cannot take this step.")
MSG_AWARD_CHANGED = N_("Someone decided on this award at the same moment. Open it again to see the decision.")
MSG_TITLE_REQUIRED = N_("Give the request for quotations a title.")
MSG_NO_LINES = N_("Choose at least one line of the need to ask prices for.")
MSG_CANCEL_AWARDED = N_(
    "This RFQ has an approved award and cannot be cancelled; cancel its purchase orders instead."
)
MSG_LINE_HPS = N_(
    "Line %(line)s: the owner's estimate (HPS) is a whole amount from 0 to %(max)s, or left empty."
)
MSG_LINE_QUANTITY = N_("Line %(line)s: give the quantity to quote for, a whole number from 1 to %(max)s.")
MSG_DEADLINE_PAST = N_("The quote deadline must be later than now (at least %(minutes)s minutes from now).")
MSG_DEADLINE_EARLIER = N_(
    "An amendment may extend the deadline, not bring it forward (it is now %(deadline)s)."
)
MSG_DEADLINE_FAR = N_("The quote deadline must be within %(days)s days.")
MSG_NEED_NOT_READY = N_("Only a draft or open need can be turned into a request for quotations.")
MSG_NO_SUPPLIERS = N_(
    "Invite at least one supplier from the shortlist, or publish the request to every eligible supplier."
)
MSG_SUPPLIER_CANNOT_QUOTE = N_(
    "%(name)s has no organization on Rantai yet (the profile is not claimed), so it cannot be invited to "
    "quote."
)
MSG_CURRENCY = N_("Choose the currency: IDR or USD.")
MSG_RATE_REQUIRED = N_("A USD request needs the Rupiah rate and the date of that rate.")
MSG_INCOTERM = N_("'%(code)s' is not an Incoterms 2020 rule. Choose one from the list.")
MSG_INCOTERM_PLACE = N_("Name the place for %(code)s (for example the port: FOB Tanjung Priok).")
MSG_REASON_REQUIRED = N_("Say why (the reason is shown to the suppliers).")
MSG_QUESTION_REQUIRED = N_("Write your question.")
MSG_ANSWER_REQUIRED = N_("Write the answer.")
MSG_TOO_LONG = N_("The %(what)s is longer than %(max)s characters.")
MSG_QUESTION_NOT_FOUND = N_("There is no such question on this request.")
MSG_QUESTIONS_CLOSED = N_("Questions can be asked only while the request is open for quotes.")
MSG_NOT_INVITED = N_("This request for quotations is not open to your business.")
MSG_DEADLINE_PASSED = N_(
    "The quote deadline (%(deadline)s) has passed; quotes can no longer be given or changed."
)
MSG_QUOTE_LINE_UNKNOWN = N_("The quote names a line that is not in this request.")
MSG_QUOTE_EMPTY = N_("Give a price for at least one line.")
MSG_UNIT_PRICE = N_("Line %(line)s: the unit price must be a whole number from 0 to %(max)s.")
MSG_OFFERED_QUANTITY = N_(
    "Line %(line)s: the quantity offered must be a whole number from 1 to the line's %(quantity)s."
)
MSG_LEAD_TIME = N_("Line %(line)s: the lead time must be a whole number of days from 0 to %(max)s.")
MSG_VALID_UNTIL = N_("The quote must stay valid at least until the deadline (%(deadline)s).")
MSG_VALIDITY_EXTEND = N_(
    "Give a date after the quote's current last day (%(until)s) and at most %(days)s days from today."
)
MSG_VALIDITY_CLOSED = N_(
    "This quote's validity can no longer be changed: the RFQ is no longer open or being evaluated, or the "
    "quote was withdrawn."
)
MSG_QUOTE_LAPSED = N_(
    "%(name)s's quote was valid until %(until)s. Ask the supplier to extend its validity "
    "(on its invitation page) before awarding to it."
)
MSG_QUOTE_SEALED = N_(
    "Quotes stay sealed until the deadline (%(deadline)s): you see how many arrived, not what they say."
)
MSG_ALREADY_AWARDED = N_(
    "Every line of this request has been awarded (perhaps by someone else at the same moment). Open it "
    "again to see the awards."
)
MSG_NOT_EVALUATING = N_("Awards are made after the quote deadline, while the request is being evaluated.")
MSG_AWARD_EMPTY = N_("Choose at least one supplier and quantity to award.")
MSG_AWARD_QUOTE = N_("Line %(line)s: %(name)s did not quote for this line.")
MSG_AWARD_QUANTITY = N_(
    "Line %(line)s: award a whole quantity from 1 to what %(name)s offered (%(offered)s)."
)
MSG_OVER_AWARD = N_(
    "Line %(line)s: only %(left)s of %(quantity)s are left to award (someone may have awarded part of it "
    "at the same moment). Lower the quantity."
)
MSG_REJECTION_REASON = N_("Say why the award is rejected (the officer sees it).")
MSG_ATTACHMENT_TOO_BIG = N_("The file %(name)s is %(size)s MB; attach files of at most %(max)s MB.")
MSG_ATTACHMENT_TYPE = N_("The file %(name)s is not a PDF, JPG or PNG. Attach one of those.")
MSG_SETTINGS = N_("The approval threshold must be a whole number of Rupiah from 0 to %(max)s.")
MSG_TERMS = N_("The payment terms must be a whole number of days from 0 to %(max)s.")
MSG_BUYER_CODE = N_(
    "The code in purchase order numbers is 2 to 16 capital letters and digits (for example PLN or KAI)."
)


class RfqNotFound(NotFound):
    code = "rfq-not-found"


class RfqForbidden(Forbidden):
    code = "rfq-forbidden"


class RfqInvalid(Invalid):
    code = "rfq-invalid"


class RfqConflict(Conflict):
    """A move the state table does not allow, or a change made by someone else at the same moment."""

    code = "rfq-conflict"


class QuoteSealed(Forbidden):
    """The buyer asked for what a quote says before the deadline."""

    code = "quote-sealed"


class QuoteInvalid(Invalid):
    code = "quote-invalid"


class QuoteConflict(Conflict):
    code = "quote-conflict"


class AwardInvalid(Invalid):
    code = "award-invalid"


class AwardConflict(Conflict):
    """The award would exceed a line's quantity, or someone decided it at the same moment."""

    code = "award-conflict"


class ReservationBroken(Invalid):
    """The award breaks the UMKM reservation rule and records no exception."""

    code = "award-reservation"
