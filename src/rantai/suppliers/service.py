"""Supplier use cases: create and edit a profile, size class with history, verification, certificates,
privacy (masking, export, erasure). Services flush, never commit; every change is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity.policy import Action, Actor, OrgScope, can, verifying_organizations
from rantai.kit.clock import now
from rantai.kit.storage import Storage
from rantai.kit.text import N_
from rantai.lifecycle import advance
from rantai.reference import repository as ref
from rantai.reference.models import RegionLevel
from rantai.reference.service import classify_size, require_kbli, require_region
from rantai.suppliers import checklist, notices, past_awards, repository
from rantai.suppliers.errors import (
    MSG_AUTOMATIC_FAILED,
    MSG_CERT_DATES,
    MSG_CERT_DUPLICATE,
    MSG_CHECKS_MISSING,
    MSG_COOPERATIVE_ADDS_MEMBERS,
    MSG_COOPERATIVE_UNKNOWN,
    MSG_DOCUMENT_KIND,
    MSG_FILE_TOO_BIG,
    MSG_FILE_TYPE,
    MSG_INCOMPLETE,
    MSG_NIB_TAKEN,
    MSG_NOT_ALLOWED,
    MSG_NOT_FOUND,
    MSG_PROFILE_EXISTS,
    MSG_REASON_REQUIRED,
    NibTaken,
    ProfileInvalid,
    SupplierForbidden,
    SupplierNotFound,
)
from rantai.suppliers.models import (
    Certification,
    CertificationRecord,
    SizeClassRecord,
    SupplierDocument,
    SupplierProfile,
    VerificationReview,
)
from rantai.suppliers.state import LEGAL_FIELDS, PROFILE_LIFECYCLE, Move, ProfileStatus
from rantai.tabular.cells import LegalForm

LEGAL_FORMS = tuple(form.value for form in LegalForm)
# Sole proprietorships: the NPWP, phone and email there are a person's, hence personal data (UU 27/2022).
# Since PMK 112/2022 an individual's NPWP is their NIK, so it identifies the person everywhere (issue #9).
SOLE_PROPRIETOR_FORMS = frozenset(
    {LegalForm.PERORANGAN.value, LegalForm.UD.value, LegalForm.PT_PERORANGAN.value}
)
EXPIRY_WARNING_DAYS = (60, 14)


@dataclass
class ProfileData:
    """Clean values for a profile (parsing and format checks happen in the door's schema or the importer)."""

    business_name: str
    legal_form: str
    nib: str
    kabkota_code: str
    npwp: str | None = None
    brand_name: str | None = None
    year_founded: int | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    kecamatan_code: str | None = None
    desa_code: str | None = None
    lat: float | None = None
    lng: float | None = None
    kbli_codes: list[str] = field(default_factory=list)
    workers: int | None = None
    women_owned: bool = False
    youth_owned: bool = False
    export_experience: bool = False
    cooperative_nib: str | None = None
    business_capital: int | None = None
    annual_sales: int | None = None


def _require(actor: Actor | None, action: Action, resource: Any) -> None:
    if not can(actor, action, resource):
        raise SupplierForbidden(MSG_NOT_ALLOWED)


def _place(session: Session, data: ProfileData) -> dict[str, Any]:
    """Check the region codes against each other and fill the province and the default coordinates."""
    kabkota = require_region(session, data.kabkota_code, level=RegionLevel.KABKOTA)
    values: dict[str, Any] = {
        "province_code": kabkota.parent_code,
        "kabkota_code": kabkota.code,
        "kecamatan_code": None,
        "desa_code": None,
    }
    if data.kecamatan_code:
        kecamatan = require_region(session, data.kecamatan_code, level=RegionLevel.KECAMATAN)
        if kecamatan.parent_code != kabkota.code:
            raise ProfileInvalid(
                N_("Kecamatan %(code)s is not in the chosen kab/kota."),
                field="kecamatan_code",
                code=kecamatan.code,
            )
        values["kecamatan_code"] = kecamatan.code
    if data.desa_code:
        desa = require_region(session, data.desa_code, level=RegionLevel.DESA)
        if values["kecamatan_code"] is None or desa.parent_code != values["kecamatan_code"]:
            raise ProfileInvalid(
                N_("Desa/kelurahan %(code)s is not in the chosen kecamatan."),
                field="desa_code",
                code=desa.code,
            )
        values["desa_code"] = desa.code
    if data.lat is not None and data.lng is not None:
        values["lat"], values["lng"] = data.lat, data.lng
    else:
        values["lat"], values["lng"] = kabkota.lat, kabkota.lng
    return values


def _check_kbli(session: Session, codes: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    for code in unique:
        require_kbli(session, code, level="kelompok_5d")
    return unique


def _fields(session: Session, data: ProfileData, *, profile_id: int | None) -> dict[str, Any]:
    if data.legal_form not in LEGAL_FORMS:
        raise ProfileInvalid(N_("Choose a legal form from the list."), field="legal_form")
    name = " ".join(data.business_name.split())
    if not name:
        raise ProfileInvalid(N_("Enter the business name."), field="business_name")
    holder = repository.by_nib(session, data.nib)
    if holder is not None and holder.id != profile_id:
        raise NibTaken(MSG_NIB_TAKEN, field="nib", nib=data.nib)
    cooperative_id = None
    if data.cooperative_nib:
        cooperative = repository.cooperative_by_nib(session, data.cooperative_nib)
        if cooperative is None:
            raise ProfileInvalid(MSG_COOPERATIVE_UNKNOWN, field="cooperative_nib", nib=data.cooperative_nib)
        cooperative_id = cooperative.id
        current = repository.by_id(session, profile_id) if profile_id is not None else None
        if current is None or current.cooperative_id != cooperative_id:
            # Membership speaks for the cooperative, so only the cooperative makes the link (its member
            # import, which the policy lets only its manager run: issue #9); the member keeps or drops it.
            raise ProfileInvalid(
                MSG_COOPERATIVE_ADDS_MEMBERS, field="cooperative_nib", nib=data.cooperative_nib
            )
    values = {
        "business_name": name[:200],
        "brand_name": (data.brand_name or "").strip() or None,
        "legal_form": data.legal_form,
        "nib": data.nib,
        "npwp": data.npwp or None,
        "year_founded": data.year_founded,
        "phone": data.phone or None,
        "email": data.email or None,
        "address": (data.address or "").strip() or None,
        "workers": data.workers,
        "women_owned": data.women_owned,
        "youth_owned": data.youth_owned,
        "export_experience": data.export_experience,
        "cooperative_id": cooperative_id,
        "business_capital": data.business_capital,
        "annual_sales": data.annual_sales,
        **_place(session, data),
    }
    kbli = _check_kbli(session, data.kbli_codes)
    values["primary_kbli"] = kbli[0] if kbli else None
    values["kbli_codes"] = kbli
    return values


def _apply_size(session: Session, profile: SupplierProfile, on: dt.date) -> None:
    """Classify by PP 7/2021 and append to the history when the class changes ("naik kelas")."""
    if profile.annual_sales is None and profile.business_capital is None:
        profile.size_class, profile.size_basis = None, None
        return
    size_class, basis = classify_size(
        session, annual_sales=profile.annual_sales, business_capital=profile.business_capital, on=on
    )
    if size_class != profile.size_class or basis != profile.size_basis:
        session.add(
            SizeClassRecord(
                supplier_id=profile.id,
                size_class=size_class,
                basis=basis,
                annual_sales=profile.annual_sales,
                business_capital=profile.business_capital,
                effective_on=on,
            )
        )
    profile.size_class, profile.size_basis = size_class, basis


def create_profile(
    session: Session, *, actor: Actor | None, organization_id: int, data: ProfileData
) -> SupplierProfile:
    """The owner (or an admin) of an UMKM/koperasi organization starts its profile (status draft)."""
    # The policy gives supplier profiles to suppliers' types only (ORG_TYPE_CAPABILITIES).
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(organization_id))
    if repository.by_organization(session, organization_id) is not None:
        raise ProfileInvalid(MSG_PROFILE_EXISTS)
    values = _fields(session, data, profile_id=None)
    codes = values.pop("kbli_codes")
    # Made by its own business: claimed from the start, and only it changes it (issue #9).
    profile = SupplierProfile(
        organization_id=organization_id,
        status=ProfileStatus.DRAFT.value,
        managed_by_organization_id=organization_id,
        claimed_at=now(),
        **values,
    )
    session.add(profile)
    session.flush()
    repository.replace_kbli(session, profile.id, codes)
    _apply_size(session, profile, now().date())
    session.flush()
    _record(session, actor, profile, Event.SUPPLIER_CREATED, {"nib": profile.nib})
    return profile


def update_profile(
    session: Session, *, actor: Actor | None, profile: SupplierProfile, data: ProfileData
) -> list[str]:
    """Change a profile; returns the names of the fields that changed. Changing a legal field of a verified
    profile sends it back to the verifiers. Any change bumps the profile's version, so a verifier's
    decision taken on the page as it was before is refused (``rantai.lifecycle``)."""
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(profile.organization_id))
    values = _fields(session, data, profile_id=profile.id)
    codes = values.pop("kbli_codes")
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    if codes != repository.kbli_codes(session, profile.id):
        changed.append("kbli_codes")
        repository.replace_kbli(session, profile.id, codes)
    for name, value in values.items():
        setattr(profile, name, value)
    _apply_size(session, profile, now().date())
    if changed:
        profile.version = profile.version + 1
    if ProfileStatus(profile.status) is ProfileStatus.VERIFIED and LEGAL_FIELDS.intersection(changed):
        advance(
            session,
            profile,
            PROFILE_LIFECYCLE,
            Move.REVIEW_AGAIN,
            values={"submitted_at": now(), "status_reason": None},
        )
    session.flush()
    if changed:
        details = {"fields": sorted(changed), "status": profile.status}
        _record(session, actor, profile, Event.SUPPLIER_UPDATED, details)
    return changed


def missing_for_submission(profile: SupplierProfile, kbli_codes: Sequence[str]) -> list[str]:
    """What a profile still lacks before a verifier can judge it (field names)."""
    missing = []
    if not kbli_codes:
        missing.append("kbli")
    if profile.annual_sales is None and profile.business_capital is None:
        missing.append("omzet_tahunan")
    if not (profile.phone or profile.email):
        missing.append("telepon")
    return missing


def submit(session: Session, *, actor: Actor | None, profile: SupplierProfile) -> None:
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(profile.organization_id))
    missing = missing_for_submission(profile, repository.kbli_codes(session, profile.id))
    if missing:
        raise ProfileInvalid(MSG_INCOMPLETE, missing=", ".join(missing))
    advance(
        session,
        profile,
        PROFILE_LIFECYCLE,
        Move.SUBMIT,
        values={"submitted_at": now(), "status_reason": None},
    )
    _record(session, actor, profile, Event.SUPPLIER_SUBMITTED, {})


def verify(
    session: Session,
    *,
    actor: Actor | None,
    profile: SupplierProfile,
    checked: Collection[str],
    expected_version: int | None = None,
) -> VerificationReview:
    """Verify a submitted profile on the evidence (issue #13): every manual item of the checklist must be
    ticked (``checked``) and no automatic check may fail; the decision is kept with what was checked.
    With ``expected_version`` (the version the verifier's page showed), a profile changed since is
    refused and nothing is written."""
    _require(actor, Action.VERIFY_SUPPLIER, profile)
    missing = checklist.missing_manual(checked)
    if missing:
        raise ProfileInvalid(MSG_CHECKS_MISSING, field="checks", count=len(missing))
    automatic = checklist.automatic_results(
        session, profile, _counted_certifications(session, profile), now().date()
    )
    if checklist.failed(automatic):
        raise ProfileInvalid(MSG_AUTOMATIC_FAILED, field="checks")
    seen = expected_version if expected_version is not None else profile.version
    advance(
        session,
        profile,
        PROFILE_LIFECYCLE,
        Move.VERIFY,
        expected_version=expected_version,
        values={
            "verified_at": now(),
            "verified_by_user_id": actor.user_id if actor else None,
            "status_reason": None,
        },
    )
    review = _review(session, actor, profile, seen, "verified", checked, (), automatic, None)
    details = {"checked": review.checked, **_by_verifier(actor, profile)}
    _record(session, actor, profile, Event.SUPPLIER_VERIFIED, details)
    if profile.claimed_at is not None:
        # Its business holds the profile and a verifier has checked it: the awards naming it attach.
        past_awards.attach_past_awards(session, profile, actor=actor)
    notices.profile_verified(session, profile)
    return review


def reject(
    session: Session,
    *,
    actor: Actor | None,
    profile: SupplierProfile,
    reason: str = "",
    to_fix: Collection[str] = (),
    checked: Collection[str] = (),
    expected_version: int | None = None,
) -> VerificationReview:
    """Send a profile back to its owner naming what to fix: checklist items (``to_fix``), a free text
    (``reason``), or both; at least one of them. The owner sees them on their profile page and is told."""
    _require(actor, Action.VERIFY_SUPPLIER, profile)
    text = " ".join(reason.split())
    fixes = checklist.known_codes(to_fix)
    if not text and not fixes:
        raise ProfileInvalid(MSG_REASON_REQUIRED, field="reason")
    automatic = checklist.automatic_results(
        session, profile, _counted_certifications(session, profile), now().date()
    )
    seen = expected_version if expected_version is not None else profile.version
    # The stored reason reads on its own (the API, the queue): the text, else the items' names.
    summary = text or "; ".join(checklist.ITEMS[code].label for code in fixes)
    advance(
        session,
        profile,
        PROFILE_LIFECYCLE,
        Move.REJECT,
        expected_version=expected_version,
        values={"status_reason": summary[:1000], "verified_at": None},
    )
    review = _review(
        session, actor, profile, seen, "rejected", checked, fixes, automatic, text[:1000] or None
    )
    details = {"reason": profile.status_reason, "to_fix": review.to_fix, **_by_verifier(actor, profile)}
    _record(session, actor, profile, Event.SUPPLIER_REJECTED, details)
    notices.profile_rejected(session, profile)
    return review


def _counted_certifications(session: Session, profile: SupplierProfile) -> list[Certification]:
    """The certificates the automatic date check looks at (a rejected one no longer counts)."""
    return [c for c in repository.certifications(session, profile.id) if c.status != "rejected"]


def _review(
    session: Session,
    actor: Actor | None,
    profile: SupplierProfile,
    seen_version: int,
    decision: str,
    checked: Collection[str],
    to_fix: Collection[str],
    automatic: Sequence[checklist.AutoResult],
    note: str | None,
) -> VerificationReview:
    review = VerificationReview(
        profile_id=profile.id,
        profile_version=seen_version,
        decision=decision,
        checked=[code for code in checklist.known_codes(checked) if code in checklist.MANUAL_CHECKS],
        to_fix=list(to_fix),
        automatic={result.code: result.passed for result in automatic},
        note=note,
        decided_by_user_id=actor.user_id if actor else None,
    )
    session.add(review)
    session.flush()
    return review


def _by_verifier(actor: Actor | None, profile: SupplierProfile) -> dict[str, Any]:
    """The verifier's organization, for the entry in the business's own audit log (issue #9)."""
    orgs = verifying_organizations(actor, profile)
    return {"actor_organization_id": orgs[0] if orgs else None}


def _record(
    session: Session, actor: Actor | None, profile: SupplierProfile, event: Event, details: dict[str, Any]
) -> None:
    """A profile's event: in the business's own log, and in the logs of the organization managing the
    profile and of the verifier who acted (``actor_organization_id``), when they are others."""
    parties = [
        profile.organization_id,
        profile.managed_by_organization_id,
        details.get("actor_organization_id"),
    ]
    audit.record(session, event, profile.id, parties, by=actor, details=details)


# --- certificates ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CertificationData:
    type_code: str
    number: str
    issuer: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


def add_certification(
    session: Session, *, actor: Actor | None, profile: SupplierProfile, data: CertificationData
) -> Certification:
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(profile.organization_id))
    if ref.get_certification_type(session, data.type_code) is None:
        raise ProfileInvalid(N_("Choose the certificate type from the list."), field="type_code")
    number = data.number.strip()
    if not number:
        raise ProfileInvalid(N_("Enter the certificate number."), field="number")
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        raise ProfileInvalid(MSG_CERT_DATES, field="valid_until")
    if repository.certification_exists(session, profile.id, data.type_code, number):
        raise ProfileInvalid(MSG_CERT_DUPLICATE, field="number", type=data.type_code, number=number)
    certification = Certification(
        supplier_id=profile.id,
        type_code=data.type_code,
        number=number[:100],
        issuer=(data.issuer or "").strip() or None,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
    )
    session.add(certification)
    session.flush()
    _record(session, actor, profile, Event.CERTIFICATION_ADDED, {"type": data.type_code, "number": number})
    return certification


MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# What the first bytes of an allowed document look like; the file name and the browser's word are not
# trusted.
_DOCUMENT_SIGNATURES = {
    b"%PDF-": (".pdf", "application/pdf"),
    b"\x89PNG": (".png", "image/png"),
    b"\xff\xd8\xff": (".jpg", "image/jpeg"),
}


def _document_kind(name: str, data: bytes) -> tuple[str, str]:
    """The suffix and media type of an uploaded document (PDF, JPG or PNG, at most 5 MB), judged by its
    first bytes; raises before anything is written."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ProfileInvalid(MSG_FILE_TOO_BIG, field="document", size=round(len(data) / 1048576, 1), max=5)
    kind = next((v for sig, v in _DOCUMENT_SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        raise ProfileInvalid(MSG_FILE_TYPE, field="document", name=name)
    return kind


def attach_document(
    session: Session,
    *,
    actor: Actor | None,
    profile: SupplierProfile,
    certification: Certification,
    name: str,
    data: bytes,
    storage: Storage,
) -> None:
    """Keep the scanned certificate (PDF, JPG or PNG, at most 5 MB) in file storage, its details here."""
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(profile.organization_id))
    if certification.supplier_id != profile.id:
        raise ProfileInvalid(N_("Choose the certificate type from the list."), field="document")
    kind = _document_kind(name, data)
    if certification.document_key:
        storage.delete(certification.document_key)
    certification.document_key = storage.put(data, suffix=kind[0])
    certification.document_name = name[:200]
    certification.document_type = kind[1]
    certification.document_size = len(data)
    session.flush()
    _record(
        session, actor, profile, Event.CERTIFICATION_DOCUMENT_ATTACHED, {"certification": certification.id}
    )


MSG_RENEW_DOCUMENT = N_("Upload the scan of the new certificate (PDF, JPG or PNG, at most 5 MB).")
MSG_RENEW_UNTIL = N_("Enter the date until which the new certificate is valid.")
MSG_RENEW_LATER = N_("The new certificate must be valid for longer than the one it replaces.")
MSG_RENEW_PAST = N_("This certificate has already expired on that date; enter the new certificate's dates.")


def attach_profile_document(
    session: Session,
    *,
    actor: Actor | None,
    profile: SupplierProfile,
    kind: str,
    name: str,
    data: bytes,
    storage: Storage,
) -> SupplierDocument:
    """Keep the NIB print or the NPWP card (``checklist.DocumentKind``) the way certificate scans are
    kept, with the same file checks; a new one replaces the old. It bumps the profile's version, so a
    verifier's decision taken on the page showing the old document is refused (issue #13)."""
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(profile.organization_id))
    try:
        document_kind = checklist.DocumentKind(kind)
    except ValueError:
        raise ProfileInvalid(MSG_DOCUMENT_KIND, field="kind") from None
    suffix, media_type = _document_kind(name, data)
    existing = repository.documents_of(session, profile.id).get(document_kind.value)
    key = storage.put(data, suffix=suffix)
    if existing is not None:
        storage.delete(existing.document_key)
        document = existing
    else:
        document = SupplierDocument(supplier_id=profile.id, kind=document_kind.value)
        session.add(document)
    document.document_key = key
    document.document_name = name[:200] or document_kind.value
    document.document_type = media_type
    document.document_size = len(data)
    document.uploaded_by_user_id = actor.user_id if actor else None
    document.uploaded_at = now()
    profile.version = profile.version + 1
    session.flush()
    details = {"document": document_kind.value, "name": document.document_name}
    _record(session, actor, profile, Event.SUPPLIER_DOCUMENT_ATTACHED, details)
    return document


def own_certification(session: Session, profile: SupplierProfile, certification_id: int) -> Certification:
    """A certificate of ``profile``; another business's (or none) is not found, as if it did not exist."""
    certification = repository.certification_by_id(session, certification_id)
    if certification is None or certification.supplier_id != profile.id:
        raise SupplierNotFound(MSG_NOT_FOUND)
    return certification


def renew_certification(
    session: Session,
    *,
    actor: Actor | None,
    profile: SupplierProfile,
    certification: Certification,
    data: CertificationData,
    document_name: str,
    document: bytes | None,
    storage: Storage,
    on: dt.date | None = None,
) -> CertificationRecord:
    """Replace an expired (or expiring) certificate by its renewal (issue #13): the earlier number, dates,
    status and scan go to the history (`CertificationRecord`, shown on the profile; the scan is kept),
    the certificate takes the new ones and waits for a verifier again ("pending"). The row stays the
    same, so the directory, the matching index (queued by the flush) and shortlists count the new one.
    The new scan passes the same checks as any certificate's; every check runs before anything is
    written or stored."""
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(profile.organization_id))
    if certification.supplier_id != profile.id:
        raise ProfileInvalid(N_("Choose the certificate type from the list."), field="number")
    number = data.number.strip()
    if not number:
        raise ProfileInvalid(N_("Enter the certificate number."), field="number")
    if data.valid_until is None:
        raise ProfileInvalid(MSG_RENEW_UNTIL, field="valid_until")
    if data.valid_from and data.valid_until <= data.valid_from:
        raise ProfileInvalid(MSG_CERT_DATES, field="valid_until")
    if certification.valid_until is not None and data.valid_until <= certification.valid_until:
        raise ProfileInvalid(MSG_RENEW_LATER, field="valid_until")
    if data.valid_until < (on or now().date()):
        raise ProfileInvalid(MSG_RENEW_PAST, field="valid_until")
    if number != certification.number and repository.certification_exists(
        session, profile.id, certification.type_code, number
    ):
        raise ProfileInvalid(MSG_CERT_DUPLICATE, field="number", type=certification.type_code, number=number)
    if document is None:
        raise ProfileInvalid(MSG_RENEW_DOCUMENT, field="document")
    kind = _document_kind(document_name, document)
    record = CertificationRecord(
        certification_id=certification.id,
        supplier_id=profile.id,
        number=certification.number,
        issuer=certification.issuer,
        valid_from=certification.valid_from,
        valid_until=certification.valid_until,
        document_key=certification.document_key,
        document_name=certification.document_name,
        document_type=certification.document_type,
        document_size=certification.document_size,
        status=certification.status,
    )
    session.add(record)
    before = {"number": certification.number, "valid_until": _iso(certification.valid_until)}
    certification.number = number[:100]
    certification.issuer = (data.issuer or "").strip() or certification.issuer
    certification.valid_from = data.valid_from
    certification.valid_until = data.valid_until
    certification.status = "pending"  # a new certificate: the verifier looks at it again
    certification.document_key = storage.put(document, suffix=kind[0])
    certification.document_name = document_name[:200]
    certification.document_type = kind[1]
    certification.document_size = len(document)
    session.flush()
    _record(
        session,
        actor,
        profile,
        Event.CERTIFICATION_RENEWED,
        {
            "certification": certification.id,
            "type": certification.type_code,
            "before": before,
            "after": {"number": certification.number, "valid_until": _iso(certification.valid_until)},
        },
    )
    return record


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def renewable(state: str) -> bool:
    """Whether a certificate in this state (`certification_state`) offers "renew": expired or expiring."""
    return state in ("expired", "expiring_14", "expiring_60")


def certification_state(certification: Certification, on: dt.date) -> str:
    """``valid``, ``expiring_60``, ``expiring_14`` or ``expired`` on a date; expired ones stop counting."""
    if certification.valid_until is None:
        return "valid"
    days = (certification.valid_until - on).days
    if days < 0:
        return "expired"
    if days <= EXPIRY_WARNING_DAYS[1]:
        return "expiring_14"
    if days <= EXPIRY_WARNING_DAYS[0]:
        return "expiring_60"
    return "valid"


def is_valid_on(certification: Certification, on: dt.date) -> bool:
    if certification.status == "rejected":
        return False
    started = certification.valid_from is None or certification.valid_from <= on
    return started and (certification.valid_until is None or certification.valid_until >= on)


# --- privacy (UU 27/2022) ---------------------------------------------------------------------------


def mask(value: str | None, keep: int = 3) -> str | None:
    """``081234567890`` -> ``081*******90``: enough to recognise, not enough to use."""
    if not value:
        return value
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    if len(value) <= keep + 2:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - keep - 2) + value[-2:]


def npwp_is_nik(npwp: str | None) -> bool:
    """An NPWP in its 16-digit form that is a NIK: an individual's (PMK 112/2022). Other numbers carry a
    leading 0 (``0`` + the old 15 digits, ``importing.cells.parse_npwp``)."""
    return npwp is not None and len(npwp) == 16 and npwp.isdigit() and npwp[0] != "0"


def holds_personal_data(profile: SupplierProfile) -> bool:
    """Whether the profile's NPWP, phone and email are a person's: a sole proprietor's, or any profile
    whose NPWP is a NIK (whatever legal form was entered, that number names a person)."""
    return profile.legal_form in SOLE_PROPRIETOR_FORMS or npwp_is_nik(profile.npwp)


def personal_fields_masked(profile: SupplierProfile, actor: Actor | None) -> bool:
    """Whether this viewer sees the NPWP, phone and email masked: personal data (``holds_personal_data``)
    is shown only to the business's own members and the verifiers of its region."""
    return holds_personal_data(profile) and not can(actor, Action.VIEW_PERSONAL_DATA, profile)


def export_own_data(session: Session, *, actor: Actor | None, profile: SupplierProfile) -> dict[str, Any]:
    """Everything Rantai holds about the owner's business, for the download the law gives them."""
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(profile.organization_id))
    fields = {c.name: getattr(profile, c.name) for c in SupplierProfile.__table__.columns}
    return {
        "profile": {
            k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in fields.items()
        },
        "kbli": repository.kbli_codes(session, profile.id),
        "size_history": [
            {"size_class": r.size_class, "basis": r.basis, "effective_on": r.effective_on.isoformat()}
            for r in repository.size_history(session, profile.id)
        ],
        "certifications": [
            {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(_cert_data(c)).items()}
            for c in repository.certifications(session, profile.id)
        ],
    }


def _cert_data(certification: Certification) -> CertificationData:
    return CertificationData(
        type_code=certification.type_code,
        number=certification.number,
        issuer=certification.issuer,
        valid_from=certification.valid_from,
        valid_until=certification.valid_until,
    )


RETAINED_NOTE = N_(
    "Kept as the law requires: NIB, business name, legal form, region and the audit log of verification "
    "and transactions. Personal contact data and the NPWP of a sole proprietor have been erased."
)


def erase_personal_data(session: Session, *, actor: Actor | None, profile: SupplierProfile) -> None:
    """The owner's request for deletion: erase personal data, keep what must be retained, say so."""
    _require(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(profile.organization_id))
    profile.phone = None
    profile.email = None
    profile.address = None
    if holds_personal_data(profile):
        profile.npwp = None
    profile.lat, profile.lng = None, None
    profile.erased_at = now()
    session.flush()
    _record(session, actor, profile, Event.SUPPLIER_PERSONAL_DATA_ERASED, {})
