"""Supplier errors a user can cause, with their messages (English msgids; the doors translate)."""

from __future__ import annotations

from rantai.kit.errors import Conflict, Forbidden, Invalid, NotFound
from rantai.kit.text import N_

MSG_NOT_FOUND = N_("There is no supplier profile here. It may have been removed.")
MSG_NIB_TAKEN = N_("NIB %(nib)s is already registered on Rantai by another business.")
MSG_NOT_SUPPLIER_ORG = N_("Only an UMKM or a cooperative can have a supplier profile.")
MSG_PROFILE_EXISTS = N_("This organization already has a supplier profile.")
MSG_MOVE_NOT_ALLOWED = N_("A profile that is '%(status)s' cannot take this step.")
MSG_PROFILE_CHANGED = N_(
    "This profile changed after you opened it (its owner or another verifier saved it). Nothing was "
    "saved: look at the profile as it is now, then decide again."
)
MSG_REASON_REQUIRED = N_("Say why the profile is rejected, so the owner knows what to fix.")
MSG_NOT_ALLOWED = N_("Your role does not allow this. Ask your organization's administrator.")
MSG_INCOMPLETE = N_("Complete the profile before sending it for verification: %(missing)s.")
MSG_KABKOTA_REQUIRED = N_("Choose the kab/kota where the business is (a province alone is not enough).")
MSG_COOPERATIVE_UNKNOWN = N_("There is no cooperative with NIB %(nib)s on Rantai.")
MSG_COOPERATIVE_ADDS_MEMBERS = N_(
    "Only the cooperative records its members: ask cooperative %(nib)s to include your NIB in its member "
    "file. Here you can keep or remove the link it made."
)
MSG_CERT_DATES = N_("The 'valid until' date must be after the 'valid from' date.")
MSG_CERT_DUPLICATE = N_("This certificate (%(type)s %(number)s) is already on the profile.")
MSG_FILE_TOO_BIG = N_("The file is %(size)s MB; at most %(max)s MB is accepted.")
MSG_CHECKS_MISSING = N_(
    "Tick every item of the checklist before verifying (%(count)s not ticked), or send the profile back "
    "naming what to fix."
)
MSG_AUTOMATIC_FAILED = N_(
    "An automatic check failed, so the profile cannot be verified: send it back naming what to fix."
)
MSG_DOCUMENT_KIND = N_("Choose which document this is: the NIB print or the NPWP card.")
MSG_FILE_TYPE = N_("Upload a PDF, JPG or PNG file; '%(name)s' is not one of those.")
# Imports (issue #9): an import changes only the profiles its organization manages.
MSG_IMPORT_NOT_MANAGED = N_(
    "NIB %(nib)s is already on Rantai and its profile is not managed by your organization, so this row "
    "changed nothing. Only the business itself (or, until it claims its profile, the organization that "
    "imported it) can change it."
)
MSG_IMPORT_OUTSIDE_REGION = N_(
    "NIB %(nib)s is in region %(code)s, outside your organization's area, so this row changed nothing. A "
    "dinas registers the businesses of its own region."
)
MSG_IMPORT_COOPERATIVE_NOT_MANAGED = N_(
    "Cooperative NIB %(nib)s is not managed by your organization, so this row cannot make a member of it "
    "and changed nothing. Leave nib_koperasi empty, or ask the cooperative to import its members."
)
MSG_PRODUCTS_NOT_MANAGED = N_(
    "NIB %(nib)s belongs to a profile your organization does not manage, so this row changed nothing. "
    "The business adds its own products."
)
# Claims (issue #9): a business takes over the profile an import made for it, checked by a verifier.
MSG_CLAIM_NO_PROFILE = N_(
    "There is no profile with NIB %(nib)s to claim. Check the number, or create your profile instead."
)
MSG_CLAIM_ALREADY_CLAIMED = N_(
    "The profile of NIB %(nib)s is already held by its business on Rantai. If the business is yours, "
    "contact the verifiers of its region."
)
MSG_CLAIM_HAS_PROFILE = N_(
    "Your organization already has a supplier profile; an organization holds one profile only."
)
MSG_CLAIM_PENDING = N_(
    "Your organization is already waiting for a verifier on its claim for NIB %(nib)s. Withdraw that claim "
    "first to claim another profile."
)
MSG_CLAIM_EVIDENCE = N_(
    "Say how a verifier can confirm the business is yours: for example the phone number registered with "
    "OSS, or where they can visit you."
)
MSG_CLAIM_COOPERATIVE = N_("NIB %(nib)s is a cooperative's profile; claim it from a cooperative's account.")
MSG_CLAIM_NOT_COOPERATIVE = N_(
    "NIB %(nib)s is a business's profile, not a cooperative's; claim it from an UMKM account."
)
MSG_CLAIM_DECIDED = N_("This claim has been decided or withdrawn meanwhile. Reload the page to see it.")
MSG_CLAIM_NOT_FOUND = N_("There is no such claim here. It may have been decided or withdrawn.")
MSG_CLAIM_OWN = N_("You are a member of the organization asking; another verifier must decide this claim.")
MSG_CLAIM_REASON = N_("Say why the claim is rejected, so the business knows what to bring.")


class SupplierNotFound(NotFound):
    code = "supplier-not-found"


class NibTaken(Conflict):
    code = "nib-taken"


class MoveNotAllowed(Conflict):
    code = "move-not-allowed"


class ProfileChanged(Conflict):
    pass


class SupplierForbidden(Forbidden):
    code = "supplier-forbidden"


class ProfileInvalid(Invalid):
    code = "profile-invalid"


class ClaimNotFound(NotFound):
    code = "claim-not-found"


class ClaimConflict(Conflict):
    code = "claim-conflict"


class ClaimInvalid(Invalid):
    code = "claim-invalid"


# Contact requests (issue #13).
MSG_CONTACT_NOT_FOUND = N_("There is no such contact request.")
MSG_CONTACT_ANSWERED = N_(
    "This contact request was answered or withdrawn meanwhile. Open it again to see where it stands."
)
MSG_CONTACT_MESSAGE = N_("Write a short message: who you are and what you would like to buy.")
MSG_CONTACT_TOO_LONG = N_("The message is longer than %(max)s characters.")
MSG_CONTACT_OPEN = N_(
    "Your organization already asked this business for its contact details; the request is '%(status)s'."
)
MSG_CONTACT_NOT_BUYER = N_("Only a buyer's procurement staff can ask a supplier for its contact details.")
MSG_CONTACT_NOT_ALLOWED = N_("Your role does not allow this. Ask your organization's administrator.")
MSG_CONTACT_OWN = N_("This is your own business.")


class ContactNotFound(NotFound):
    code = "contact-request-not-found"


class ContactConflict(Conflict):
    code = "contact-request-conflict"


class ContactInvalid(Invalid):
    code = "contact-request-invalid"


class ContactForbidden(Forbidden):
    code = "contact-request-forbidden"
