"""Supplier errors a user can cause, with their messages (English msgids; the doors translate)."""

from __future__ import annotations

from rantai.kit.errors import Conflict, Forbidden, Invalid, NotFound
from rantai.kit.text import N_

MSG_NOT_FOUND = N_("There is no supplier profile here. It may have been removed.")
MSG_NIB_TAKEN = N_("NIB %(nib)s is already registered on Rantai by another business.")
MSG_NOT_SUPPLIER_ORG = N_("Only an UMKM or a cooperative can have a supplier profile.")
MSG_PROFILE_EXISTS = N_("This organization already has a supplier profile.")
MSG_MOVE_NOT_ALLOWED = N_("A profile that is '%(status)s' cannot be %(move)s.")
MSG_REASON_REQUIRED = N_("Say why the profile is rejected, so the owner knows what to fix.")
MSG_NOT_ALLOWED = N_("Your role does not allow this. Ask your organization's administrator.")
MSG_INCOMPLETE = N_("Complete the profile before sending it for verification: %(missing)s.")
MSG_KABKOTA_REQUIRED = N_("Choose the kab/kota where the business is (a province alone is not enough).")
MSG_COOPERATIVE_UNKNOWN = N_("There is no cooperative with NIB %(nib)s on Rantai.")
MSG_CERT_DATES = N_("The 'valid until' date must be after the 'valid from' date.")
MSG_CERT_DUPLICATE = N_("This certificate (%(type)s %(number)s) is already on the profile.")
MSG_FILE_TOO_BIG = N_("The file is %(size)s MB; at most %(max)s MB is accepted.")
MSG_FILE_TYPE = N_("Upload a PDF, JPG or PNG file; '%(name)s' is not one of those.")


class SupplierNotFound(NotFound):
    code = "supplier-not-found"


class NibTaken(Conflict):
    code = "nib-taken"


class MoveNotAllowed(Conflict):
    code = "move-not-allowed"


class SupplierForbidden(Forbidden):
    code = "supplier-forbidden"


class ProfileInvalid(Invalid):
    code = "profile-invalid"
