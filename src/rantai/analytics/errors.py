"""Errors a user can cause in analytics, with their messages (English msgids; the doors translate)."""

from __future__ import annotations

from rantai.kit.errors import Forbidden, Invalid
from rantai.kit.text import N_

MSG_NOT_ALLOWED = N_("Your role does not allow this. Ask your organization's administrator.")
MSG_NO_FIGURES = N_("Your organization has no program figures to read.")
MSG_PAGU = N_("The budget (pagu) is a whole number of Rupiah from 1 to %(max)s.")
MSG_YEAR = N_("The year is from %(first)s to %(last)s.")
MSG_PERIOD = N_("The period's start must come before its end, at most %(years)s years apart.")
MSG_FILTER = N_("The filter %(field)s has a value the dashboard does not know.")


class AnalyticsForbidden(Forbidden):
    pass


class AnalyticsInvalid(Invalid):
    pass
