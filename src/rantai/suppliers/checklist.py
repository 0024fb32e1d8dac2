"""What a verifier checks before a supplier profile is verified (issue #13): the evidence the owner
submits (``DocumentKind``), the checklist (``CHECKLIST``) and the checks the platform does itself
(``automatic_results``).

The checklist is the verification policy: a manual item is something only a person can judge by looking
at the submitted documents (does the NIB print from OSS show this NIB and name?), an automatic item is
computed from the profile and shown to the verifier as done. Verifying needs every manual item ticked
and no automatic item failed; a rejection names the items the owner must fix. This module never writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.orm import Session

from rantai.kit.text import N_, ascii_digits
from rantai.reference import repository as ref
from rantai.suppliers.models import Certification, SupplierProfile
from rantai.tabular.cells import CellError, parse_npwp


class DocumentKind(StrEnum):
    """The documents an owner submits for verification, beside the certificate scans."""

    NIB = "nib"  # the NIB print (cetak NIB) from OSS
    NPWP = "npwp"  # the NPWP card

    @property
    def label(self) -> str:
        return DOCUMENT_LABELS[self]


DOCUMENT_LABELS: dict[DocumentKind, str] = {
    DocumentKind.NIB: N_("NIB print from OSS"),
    DocumentKind.NPWP: N_("NPWP card"),
}


class CheckKind(StrEnum):
    MANUAL = "manual"  # the verifier ticks it after looking at the evidence
    AUTOMATIC = "automatic"  # computed by the platform, shown as done


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One item of the checklist. ``label`` and ``hint`` are English message ids."""

    code: str
    kind: CheckKind
    label: str
    hint: str


CHECKLIST: tuple[CheckItem, ...] = (
    CheckItem(
        "nib_matches",
        CheckKind.MANUAL,
        N_("The NIB matches the OSS print"),
        N_("The NIB print shows this NIB, business name and legal form."),
    ),
    CheckItem(
        "npwp_matches",
        CheckKind.MANUAL,
        N_("The NPWP card matches"),
        N_("The NPWP card shows this number and the business or its owner (tick when no NPWP is given)."),
    ),
    CheckItem(
        "address_plausible",
        CheckKind.MANUAL,
        N_("The address and region are plausible"),
        N_("The address lies in the chosen kab/kota and agrees with the NIB print."),
    ),
    CheckItem(
        "certificates_valid",
        CheckKind.MANUAL,
        N_("The certificates are valid"),
        N_("Each scan shows the certificate's number, holder and dates (tick when there are none)."),
    ),
    CheckItem(
        "nib_format",
        CheckKind.AUTOMATIC,
        N_("NIB has 13 digits"),
        N_("Checked by Rantai."),
    ),
    CheckItem(
        "npwp_check_digit",
        CheckKind.AUTOMATIC,
        N_("NPWP check digit is right"),
        N_("Checked by Rantai."),
    ),
    CheckItem(
        "region_codes",
        CheckKind.AUTOMATIC,
        N_("Region codes exist"),
        N_("Checked by Rantai."),
    ),
    CheckItem(
        "certificate_dates",
        CheckKind.AUTOMATIC,
        N_("Certificate dates are valid"),
        N_("Checked by Rantai."),
    ),
)
ITEMS: dict[str, CheckItem] = {item.code: item for item in CHECKLIST}
MANUAL_CHECKS: frozenset[str] = frozenset(i.code for i in CHECKLIST if i.kind is CheckKind.MANUAL)
AUTOMATIC_CHECKS: tuple[str, ...] = tuple(i.code for i in CHECKLIST if i.kind is CheckKind.AUTOMATIC)


def known_codes(codes: Iterable[str]) -> list[str]:
    """The checklist codes among ``codes``, in the checklist's order (anything else is dropped)."""
    wanted = set(codes)
    return [item.code for item in CHECKLIST if item.code in wanted]


def missing_manual(checked: Collection[str]) -> list[str]:
    """The manual items not ticked, in the checklist's order."""
    return [item.code for item in CHECKLIST if item.kind is CheckKind.MANUAL and item.code not in checked]


@dataclass(frozen=True, slots=True)
class AutoResult:
    """An automatic check's outcome: passed (True), failed (False) or not applicable (None), with what
    was found (an English message id and its parameters)."""

    code: str
    passed: bool | None
    message: str
    params: dict[str, str] = field(default_factory=dict)
    # Worth the verifier's eye without blocking the verification (a lapsed certificate: the business
    # is still who it says it is; the certificate simply stops counting until it is renewed).
    warning: bool = False


def nib_result(profile: SupplierProfile) -> AutoResult:
    if ascii_digits(profile.nib or "") and len(profile.nib) == 13:
        return AutoResult("nib_format", True, N_("NIB %(nib)s has 13 digits."), {"nib": profile.nib})
    return AutoResult(
        "nib_format", False, N_("NIB %(nib)s does not have 13 digits."), {"nib": profile.nib or ""}
    )


def npwp_result(profile: SupplierProfile) -> AutoResult:
    if not profile.npwp:
        return AutoResult("npwp_check_digit", None, N_("No NPWP given."))
    try:
        parse_npwp(profile.npwp)  # python-stdnum's rule, as the importer applies it
    except CellError as exc:
        return AutoResult("npwp_check_digit", False, exc.message, {k: str(v) for k, v in exc.params.items()})
    return AutoResult("npwp_check_digit", True, N_("NPWP %(npwp)s is well formed."), {"npwp": profile.npwp})


def region_result(session: Session, profile: SupplierProfile) -> AutoResult:
    chain = [
        (profile.province_code, None),
        (profile.kabkota_code, profile.province_code),
        (profile.kecamatan_code, profile.kabkota_code),
        (profile.desa_code, profile.kecamatan_code),
    ]
    for code, parent in chain:
        if code is None:
            continue
        region = ref.get_region(session, code)
        if region is None or (parent is not None and region.parent_code != parent):
            return AutoResult("region_codes", False, N_("Region code %(code)s is unknown."), {"code": code})
    return AutoResult("region_codes", True, N_("Every region code exists and lies in its parent."))


def certificate_result(certifications: Sequence[Certification], today: dt.date) -> AutoResult:
    if not certifications:
        return AutoResult("certificate_dates", None, N_("No certificates given."))
    for cert in certifications:
        if cert.valid_from and cert.valid_until and cert.valid_until <= cert.valid_from:
            return AutoResult(
                "certificate_dates",
                False,
                N_("Certificate %(number)s ends before it starts."),
                {"number": cert.number},
            )
        if cert.valid_from is not None and cert.valid_from > today:
            return AutoResult(
                "certificate_dates",
                False,
                N_("Certificate %(number)s is not valid yet."),
                {"number": cert.number},
            )
    expired = [
        cert.number for cert in certifications if cert.valid_until is not None and cert.valid_until < today
    ]
    if expired:
        return AutoResult(
            "certificate_dates",
            None,
            N_("Certificate %(number)s has expired: it does not count until it is renewed."),
            {"number": ", ".join(expired)},
            warning=True,
        )
    return AutoResult("certificate_dates", True, N_("Every certificate is within its dates."))


def automatic_results(
    session: Session, profile: SupplierProfile, certifications: Sequence[Certification], today: dt.date
) -> list[AutoResult]:
    """The automatic items of the checklist for a profile, in the checklist's order."""
    return [
        nib_result(profile),
        npwp_result(profile),
        region_result(session, profile),
        certificate_result(certifications, today),
    ]


def failed(results: Iterable[AutoResult]) -> list[str]:
    """The automatic items that failed."""
    return [r.code for r in results if r.passed is False]
