"""Reference-data errors: unknown codes a user can send, and shipped data failing its checks (our fault)."""

from __future__ import annotations

from rantai.kit.errors import Invalid, NotFound
from rantai.kit.text import N_

MSG_UNKNOWN_REGION = N_("There is no region with code %(code)s. Choose it from the list.")
MSG_UNKNOWN_KBLI = N_("There is no KBLI 2020 code %(code)s. Choose it from the list.")
MSG_SIZE_NEEDS_FIGURES = N_("Give the annual sales or the business capital to determine the business size.")
MSG_NEGATIVE_AMOUNT = N_("The amount cannot be negative.")
MSG_NO_SIZE_THRESHOLDS = N_("No business size criteria are in force on %(date)s.")


class ReferenceDataError(Exception):
    """A shipped data file does not pass the loader's checks. Nothing is written when it is raised."""


class UnknownRegion(NotFound):
    code = "unknown-region"


class UnknownKbli(NotFound):
    code = "unknown-kbli"


class CannotClassifySize(Invalid):
    code = "cannot-classify-size"
