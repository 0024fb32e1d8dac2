"""Sourcing errors a user can cause, with their messages (English msgids; the doors translate)."""

from __future__ import annotations

from rantai.kit.errors import Conflict, Forbidden, Invalid, NotFound
from rantai.kit.text import N_

MSG_NOT_FOUND = N_("There is no such procurement need. It may have been removed.")
MSG_LINE_NOT_FOUND = N_("There is no such line in this need.")
MSG_NOT_ALLOWED = N_("Your role does not allow this. Ask your organization's administrator.")
MSG_NOT_BUYER = N_(
    "Only a buyer organization (BUMN, large company, government agency) records procurement needs."
)
MSG_ONLY_VERIFIERS_UNVERIFIED = N_("Only verifiers may include suppliers that are not verified yet.")
MSG_MOVE_NOT_ALLOWED = N_("A need that is '%(status)s' cannot take this step.")
MSG_NOT_EDITABLE = N_("A need that is '%(status)s' cannot be changed; reopen it first.")
MSG_TITLE_REQUIRED = N_("Give the need a title (for example the package name).")
MSG_NO_LINES = N_("Add at least one line: what you need.")
MSG_TOO_MANY_LINES = N_("A need holds at most %(max)s lines; split it into several needs.")
MSG_LINE_NAME_REQUIRED = N_("Line %(line)s: say what you need (the package or item name).")
MSG_TOO_LONG = N_("Line %(line)s: the %(what)s is longer than %(max)s characters.")
MSG_QUANTITY = N_("Line %(line)s: the quantity must be a whole number from 1 to %(max)s.")
MSG_UNIT_UNKNOWN = N_("Line %(line)s: '%(unit)s' is not a unit Rantai knows. Choose one from the list.")
MSG_REGION_UNKNOWN = N_(
    "Line %(line)s: choose the delivery kab/kota from the list ('%(code)s' is not a kab/kota code)."
)
MSG_PAST_DATE = N_("Line %(line)s: the needed-by date %(date)s has passed. Choose a date from today on.")
MSG_BUDGET = N_("Line %(line)s: the budget (HPS/pagu) must be a whole number of Rupiah from 0 to %(max)s.")
MSG_CERT_UNKNOWN = N_("Line %(line)s: '%(code)s' is not a certificate type Rantai knows.")
MSG_SIZE_UNKNOWN = N_("Line %(line)s: the preferred size class must be mikro, kecil or menengah.")
MSG_PROCUREMENT_TYPE_UNKNOWN = N_(
    "Line %(line)s: the procurement type must be goods, works, consulting or other services."
)
MSG_KEMITRAAN_UNKNOWN = N_("Line %(line)s: '%(code)s' is not a kemitraan pattern of PP 7/2021.")
MSG_NEED_CHANGED = N_(
    "Someone saved this need after you opened it, so your changes are not saved yet. Check them against "
    "the current need (version %(version)s), then save again."
)
MSG_NEED_CHANGED_NOW = N_(
    "Someone saved this need at the same moment, so your changes are not saved. Open the need again and "
    "repeat your change."
)
MSG_SUPPLIER_UNKNOWN = N_("There is no supplier with that id or NIB.")
MSG_QUICK_EMPTY = N_(
    "Write what you need, for example: keripik singkong 5.000 bungkus, halal, kirim ke Kota Bandung."
)


class NeedNotFound(NotFound):
    code = "need-not-found"


class NeedForbidden(Forbidden):
    code = "need-forbidden"


class NeedInvalid(Invalid):
    code = "need-invalid"


class NeedMoveNotAllowed(Conflict):
    code = "need-move-not-allowed"


class NeedChanged(Conflict):
    """The need was saved by someone else since the form was opened (or at the same moment)."""

    code = "need-changed"
