"""What the supplier registry tells a business's members (through ``rantai.notifications``): the answer
to its claim of an imported profile, and a change another organization's import made to its profile.
Recipients are the members who may edit the profile, so every link leads to a page they may open."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from rantai.identity import recipients
from rantai.identity import repository as identity_repo
from rantai.identity.policy import Action
from rantai.kit.text import N_
from rantai.notifications import kinds
from rantai.notifications.service import notify
from rantai.suppliers.models import SupplierClaim, SupplierProfile

MSG_CLAIM_APPROVED = N_(
    "Your claim of the profile of %(business)s (NIB %(nib)s) was approved: the profile is now your "
    "organization's, and only your organization's imports can change it."
)
MSG_CLAIM_REJECTED = N_(
    "Your claim of the profile of %(business)s (NIB %(nib)s) was rejected. The verifier wrote: %(reason)s"
)
MSG_PROFILE_VERIFIED = N_(
    "The profile of %(business)s (NIB %(nib)s) is verified: buyers can now find it in the directory."
)
MSG_PROFILE_REJECTED = N_(
    "A verifier sent the profile of %(business)s (NIB %(nib)s) back. Your profile page lists what to fix; "
    "fix it and send it for verification again."
)
MSG_CHANGED_BY_IMPORT = N_(
    "An import by %(importer)s changed your business profile. Check it; your audit log lists what changed."
)


def claim_approved(session: Session, claim: SupplierClaim, profile: SupplierProfile) -> None:
    org_id = claim.claimant_organization_id
    notify(
        session,
        recipients.members(session, org_id, action=Action.EDIT_SUPPLIER_PROFILE),
        kinds.CLAIM_APPROVED,
        message=MSG_CLAIM_APPROVED,
        params={"business": profile.business_name, "nib": profile.nib},
        link="/supplier",
        organization_id=org_id,
    )


def claim_rejected(session: Session, claim: SupplierClaim, profile: SupplierProfile, reason: str) -> None:
    org_id = claim.claimant_organization_id
    notify(
        session,
        recipients.members(session, org_id, action=Action.EDIT_SUPPLIER_PROFILE),
        kinds.CLAIM_REJECTED,
        message=MSG_CLAIM_REJECTED,
        params={"business": profile.business_name, "nib": profile.nib, "reason": reason},
        link="/supplier/claim",
        organization_id=org_id,
    )


def changed_by_import(
    session: Session, importer_organization_id: int, organization_ids: Iterable[int]
) -> None:
    """One notice per business whose profile the import changed (an imported profile nobody has claimed
    has no members, so nobody is told). One query finds the members of every business in the batch."""
    changed = sorted(set(organization_ids) - {importer_organization_id})
    people = recipients.members_by_organization(session, changed, action=Action.EDIT_SUPPLIER_PROFILE)
    if not people:
        return
    importer = identity_repo.organization_by_id(session, importer_organization_id)
    name = importer.name if importer else str(importer_organization_id)
    for org_id, members in people.items():
        notify(
            session,
            members,
            kinds.PROFILE_CHANGED_BY_IMPORT,
            message=MSG_CHANGED_BY_IMPORT,
            params={"importer": name},
            link="/supplier",
            organization_id=org_id,
        )


def profile_verified(session: Session, profile: SupplierProfile) -> None:
    org_id = profile.organization_id
    notify(
        session,
        recipients.members(session, org_id, action=Action.EDIT_SUPPLIER_PROFILE),
        kinds.PROFILE_VERIFIED,
        message=MSG_PROFILE_VERIFIED,
        params={"business": profile.business_name, "nib": profile.nib},
        link="/supplier",
        organization_id=org_id,
    )


def profile_rejected(session: Session, profile: SupplierProfile) -> None:
    """The owner's members are told; what to fix is on the profile page, in the reader's language."""
    org_id = profile.organization_id
    notify(
        session,
        recipients.members(session, org_id, action=Action.EDIT_SUPPLIER_PROFILE),
        kinds.PROFILE_REJECTED,
        message=MSG_PROFILE_REJECTED,
        params={"business": profile.business_name, "nib": profile.nib},
        link="/supplier",
        organization_id=org_id,
    )
