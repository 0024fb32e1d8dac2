"""Loads the demo organizations and users through the identity services (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role

DEMO_PASSWORD = "rantai-demo-2026"  # noqa: S105 - printed on purpose: demo logins only


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    name: str
    organization: str
    org_type: OrgType
    roles: tuple[Role, ...]
    region_code: str | None = None


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "umkm@demo.rantai.id", "Ros Marlina", "Keripik Sanjai Bu Ros", OrgType.UMKM, (Role.OWNER,), "13.71"
    ),
    DemoLogin(
        "koperasi@demo.rantai.id",
        "Ahmad Fauzi",
        "Koperasi Pondok Pesantren Al-Hikmah",
        OrgType.KOPERASI,
        (Role.OWNER,),
        "32.04",
    ),
    DemoLogin(
        "pembeli@demo.rantai.id",
        "Dewi Lestari",
        "PT Perkebunan Nusantara (Demo)",
        OrgType.BUMN,
        (Role.PROCUREMENT_OFFICER,),
        "31.71",
    ),
    DemoLogin(
        "approver@demo.rantai.id",
        "Bambang Sutrisno",
        "PT Perkebunan Nusantara (Demo)",
        OrgType.BUMN,
        (Role.APPROVER, Role.ADMIN),
        "31.71",
    ),
    DemoLogin(
        "verifikator@demo.rantai.id",
        "Siti Rahmawati",
        "Dinas Koperasi dan UKM Provinsi Jawa Barat (Demo)",
        OrgType.KEMENTERIAN_DINAS,
        (Role.VERIFIER, Role.ANALYST),
        "32",
    ),
    DemoLogin(
        "pembiayaan@demo.rantai.id",
        "Yohanes Pardede",
        "Lembaga Pembiayaan Mitra UMKM (Demo)",
        OrgType.LEMBAGA_PEMBIAYAAN,
        (Role.OWNER,),
        "31.71",
    ),
    DemoLogin(
        "operator@demo.rantai.id",
        "Admin Rantai",
        "Operator Rantai",
        OrgType.OPERATOR_PLATFORM,
        (Role.ADMIN, Role.ANALYST),  # the operator watches the program's figures too (/monitoring)
        None,
    ),
)


def load_demo_identity(session: Session) -> list[DemoLogin]:
    """Create the demo organizations and users that do not exist yet; returns the logins to print."""
    for login in DEMO_LOGINS:
        org = identity_repo.organization_by_name(session, login.organization)
        if org is None:
            org = identity.create_organization(
                session, name=login.organization, org_type=login.org_type, region_code=login.region_code
            )
        user = identity_repo.user_by_email(session, login.email)
        if user is None:
            user = identity.create_user(
                session, email=login.email, full_name=login.name, password=DEMO_PASSWORD
            )
        for role in login.roles:
            if not identity_repo.membership_exists(
                session, user_id=user.id, organization_id=org.id, role=role.value
            ):
                identity.add_membership(session, user=user, organization=org, role=role)
    return list(DEMO_LOGINS)
