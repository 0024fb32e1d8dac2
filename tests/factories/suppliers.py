"""Builders for supplier profiles, certificates and products."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from sqlalchemy.orm import Session
from tests.factories.identity import make_org, make_user

from rantai.catalog import directory
from rantai.catalog import service as catalog
from rantai.catalog.bulk import import_products
from rantai.catalog.models import Product
from rantai.identity import service as identity
from rantai.identity.models import Organization, User
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.suppliers import service as suppliers
from rantai.suppliers.bulk import import_suppliers
from rantai.suppliers.checklist import MANUAL_CHECKS
from rantai.suppliers.models import SupplierProfile
from rantai.tabular.batches import ImportMode, ImportOutcome
from rantai.tabular.reading import open_table

_nib = itertools.count(1_000_000_000_001)


def next_nib() -> str:
    return str(next(_nib))


def profile_data(**overrides: object) -> suppliers.ProfileData:
    values: dict[str, object] = {
        "business_name": "Keripik Bu Sri",
        "legal_form": "ud",
        "nib": next_nib(),
        "kabkota_code": "32.73",
        "npwp": "013000666091000",
        "phone": "+6281234567890",
        "email": "sri@contoh.co.id",
        "kbli_codes": ["10794"],
        "annual_sales": 1_200_000_000,
    }
    values.update(overrides)
    return suppliers.ProfileData(**values)  # type: ignore[arg-type]


def make_supplier(
    db: Session, *, status: str = "draft", org_type: OrgType = OrgType.UMKM, **overrides: object
) -> tuple[SupplierProfile, User, Actor]:
    """A profile with its organization and owner; ``status`` is reached through the real transitions."""
    org: Organization = make_org(db, org_type)
    owner = make_user(db, org, (Role.OWNER,))
    actor = identity.actor_for(db, owner)
    profile = suppliers.create_profile(
        db, actor=actor, organization_id=org.id, data=profile_data(**overrides)
    )
    if status in ("submitted", "verified", "rejected"):
        suppliers.submit(db, actor=actor, profile=profile)
    if status in ("verified", "rejected"):
        verifier = national_verifier(db)
        if status == "verified":
            suppliers.verify(db, actor=verifier, profile=profile, checked=MANUAL_CHECKS)
        else:
            suppliers.reject(db, actor=verifier, profile=profile, reason="NIB tidak sesuai dengan OSS")
    return profile, owner, actor


def national_verifier(db: Session, area: str | None = None) -> Actor:
    org = identity.create_organization(
        db, name=f"Dinas Uji {area}", org_type=OrgType.KEMENTERIAN_DINAS, region_code=area
    )
    user = make_user(db, org, (Role.VERIFIER,))
    return identity.actor_for(db, user)


def add_product(
    db: Session, profile: SupplierProfile, actor: Actor, name: str, **overrides: object
) -> Product:
    data = catalog.ProductData(name=name, **overrides)  # type: ignore[arg-type]
    product = catalog.create_product(db, actor=actor, profile=profile, data=data)
    directory.refresh(db, [profile.id])
    return product


def add_cert(
    db: Session, profile: SupplierProfile, actor: Actor, type_code: str = "halal", days_left: int = 400
) -> None:
    today = dt.date.today()  # noqa: DTZ011
    suppliers.add_certification(
        db,
        actor=actor,
        profile=profile,
        data=suppliers.CertificationData(
            type_code=type_code,
            number=f"ID-{type_code}-{next_nib()}",
            valid_from=today - dt.timedelta(days=30),
            valid_until=today + dt.timedelta(days=days_left),
        ),
    )


def many_makers(db: Session, count: int) -> list[SupplierProfile]:
    """`count` verified, halal makers of cassava chips in Kota Bandung: a shortlist longer than a page."""
    profiles = []
    for i in range(count):
        profile, _, actor = make_supplier(db, status="verified", business_name=f"Keripik Nomor {i + 1}")
        add_cert(db, profile, actor, "halal")
        add_product(
            db,
            profile,
            actor,
            f"Keripik Singkong Balado {i + 1}",
            unit_code="bungkus",
            capacity_per_month=20_000,
        )
        profiles.append(profile)
    return profiles


# --- imports and claims (issue #9) ------------------------------------------------------------------

SUPPLIER_HEADER = (
    "nib;nama_usaha;bentuk_usaha;npwp;kode_wilayah;alamat;kbli;modal_usaha;omzet_tahunan;"
    "jumlah_tenaga_kerja;telepon;email;tahun_berdiri;nib_koperasi"
)
PRODUCT_HEADER = (
    "nib;kode_produk;nama_produk;deskripsi;kategori;kbli;kode_hs;satuan;harga_satuan;moq;"
    "kapasitas_per_bulan;waktu_produksi_hari;sertifikasi"
)


def supplier_row(nib: str, name: str = "Keripik Bu Sri", **cells: str) -> str:
    """One line of a supplier file (``;``-separated), with the cells a test cares about."""
    values = {
        "bentuk_usaha": "UD",
        "npwp": "",
        "kode_wilayah": "32.73",
        "alamat": "",
        "kbli": "10794",
        "modal_usaha": "",
        "omzet_tahunan": "850000000",
        "jumlah_tenaga_kerja": "",
        "telepon": "",
        "email": "",
        "tahun_berdiri": "",
        "nib_koperasi": "",
    }
    values.update(cells)
    return ";".join([nib, name, *values.values()])


def product_row(nib: str, name: str, **cells: str) -> str:
    values = {
        "kode_produk": "",
        "deskripsi": "",
        "kategori": "",
        "kbli": "",
        "kode_hs": "",
        "satuan": "bungkus",
        "harga_satuan": "12000",
        "moq": "",
        "kapasitas_per_bulan": "",
        "waktu_produksi_hari": "",
        "sertifikasi": "",
    }
    values.update(cells)
    return ";".join([nib, values.pop("kode_produk"), name, *values.values()])


def importer(
    db: Session, org_type: OrgType = OrgType.KEMENTERIAN_DINAS, region: str | None = None
) -> tuple[Organization, Actor]:
    """An organization that imports suppliers, and one of its people allowed to (a dinas's verifier, a
    BUMN's procurement officer, a cooperative's owner)."""
    org = identity.create_organization(
        db, name=f"Pengimpor Uji {next_nib()}", org_type=org_type, region_code=region
    )
    role = {
        OrgType.KEMENTERIAN_DINAS: Role.VERIFIER,
        OrgType.OPERATOR_PLATFORM: Role.VERIFIER,
        OrgType.KOPERASI: Role.OWNER,
    }.get(org_type, Role.PROCUREMENT_OFFICER)
    return org, identity.actor_for(db, make_user(db, org, (role,)))


def import_file(
    db: Session,
    org: Organization,
    actor: Actor,
    rows: list[str],
    *,
    kind: str = "suppliers",
    mode: str = "valid_rows",
) -> ImportOutcome:
    """Run a supplier (or product) import of these rows as ``actor`` for ``org``."""
    header = SUPPLIER_HEADER if kind == "suppliers" else PRODUCT_HEADER
    data = io.BytesIO(("\r\n".join([header, *rows]) + "\r\n").encode())
    run = import_suppliers if kind == "suppliers" else import_products
    with open_table(data, filename=f"{kind}.csv") as table:
        return run(db, table, actor=actor, importer_organization_id=org.id, mode=ImportMode(mode))


def business_owner(db: Session, org_type: OrgType = OrgType.UMKM) -> tuple[Organization, User, Actor]:
    """A business that registered itself (an organization with its owner) and has no profile yet."""
    org = make_org(db, org_type)
    user = make_user(db, org, (Role.OWNER,))
    return org, user, identity.actor_for(db, user)
