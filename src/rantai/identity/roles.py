"""The closed vocabularies of identity: organization types and roles (stored as their string values)."""

from __future__ import annotations

from enum import StrEnum

from rantai.kit.text import N_


class OrgType(StrEnum):
    """What kind of organization an account belongs to; it decides which actions make sense at all."""

    UMKM = "umkm"
    KOPERASI = "koperasi"
    BUMN = "bumn"
    SWASTA_BESAR = "swasta_besar"
    PEMBELI_GLOBAL = "pembeli_global"
    INSTANSI_PEMERINTAH = "instansi_pemerintah"
    LEMBAGA_PEMBIAYAAN = "lembaga_pembiayaan"
    KEMENTERIAN_DINAS = "kementerian_dinas"
    OPERATOR_PLATFORM = "operator_platform"

    @property
    def label(self) -> str:
        return ORG_TYPE_LABELS[self]


ORG_TYPE_LABELS: dict[OrgType, str] = {
    OrgType.UMKM: N_("Micro, small or medium enterprise (UMKM)"),
    OrgType.KOPERASI: N_("Cooperative (koperasi)"),
    OrgType.BUMN: N_("State-owned enterprise (BUMN)"),
    OrgType.SWASTA_BESAR: N_("Large private company"),
    OrgType.PEMBELI_GLOBAL: N_("Global buyer"),
    OrgType.INSTANSI_PEMERINTAH: N_("Government agency"),
    OrgType.LEMBAGA_PEMBIAYAAN: N_("Financing institution"),
    OrgType.KEMENTERIAN_DINAS: N_("Ministry or regional office (dinas)"),
    OrgType.OPERATOR_PLATFORM: N_("Platform operator"),
}

SUPPLIER_TYPES = frozenset({OrgType.UMKM, OrgType.KOPERASI})
BUYER_TYPES = frozenset(
    {OrgType.BUMN, OrgType.SWASTA_BESAR, OrgType.PEMBELI_GLOBAL, OrgType.INSTANSI_PEMERINTAH}
)


class Role(StrEnum):
    """A user's role inside one organization (a user may hold several)."""

    OWNER = "owner"
    ADMIN = "admin"
    PROCUREMENT_OFFICER = "procurement_officer"
    APPROVER = "approver"
    VERIFIER = "verifier"
    ANALYST = "analyst"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.OWNER: N_("Owner"),
    Role.ADMIN: N_("Administrator"),
    Role.PROCUREMENT_OFFICER: N_("Procurement officer"),
    Role.APPROVER: N_("Approver"),
    Role.VERIFIER: N_("Verifier"),
    Role.ANALYST: N_("Analyst"),
    Role.VIEWER: N_("Viewer"),
}


def role_label(code: object) -> str | None:
    """The English message id naming a stored role code (an audit entry's), or None for anything else."""
    try:
        return Role(str(code)).label
    except ValueError:
        return None
