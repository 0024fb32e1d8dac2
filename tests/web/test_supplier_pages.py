"""The supplier journey through the pages: register, onboard, verify, find; and the forms' bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import PASSWORD, csrf_of, log_in, make_org, make_user, register_and_log_in
from tests.factories.suppliers import next_nib

from rantai.identity import service as identity
from rantai.identity.models import User
from rantai.identity.roles import OrgType, Role
from rantai.suppliers import repository
from rantai.suppliers.checklist import MANUAL_CHECKS
from rantai.suppliers.models import SupplierProfile

PROFILE_FORM = {
    "business_name": "Keripik Mak Ijah",
    "legal_form": "UD",
    "npwp": "01.300.066.6-091.000",
    "province_code": "32",
    "kabkota_code": "32.73",
    "kbli_codes": "10794",
    "annual_sales": "Rp 850.000.000",
    "phone": "0812-3456-7890",
    "then": "submit",
}


def _register(client: TestClient, email: str = "ijah@contoh.co.id") -> None:
    register_and_log_in(client, email=email)


def test_register_onboard_verify_and_find(client: TestClient, db: Session) -> None:
    _register(client)
    nib = next_nib()
    page = client.post(
        "/supplier/onboarding", data={**PROFILE_FORM, "nib": nib, "csrf_token": csrf_of(client)}
    )
    assert page.status_code == 200 and "Menunggu verifikasi" in page.text
    profile = repository.by_nib(db, nib)
    assert profile is not None and profile.status == "submitted"
    assert (profile.npwp, profile.phone, profile.annual_sales) == (
        "0013000666091000",
        "+6281234567890",
        850_000_000,
    )

    verifier_org = identity.create_organization(
        db, name="Dinas KUKM Jabar", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32"
    )
    verifier = make_user(db, verifier_org, (Role.VERIFIER,))
    client.cookies.clear()
    log_in(client, verifier)
    queue = client.get("/verification").text
    assert "Keripik Mak Ijah" in queue and f"/verification/{profile.id}" in queue
    done = client.post(
        f"/verification/{profile.id}/verify",
        data={"csrf_token": csrf_of(client), "checked": sorted(MANUAL_CHECKS)},
    )
    assert "terverifikasi" in done.text.lower()

    found = client.get("/directory", params={"text": "keripik", "province_code": "32"}).text
    assert "Keripik Mak Ijah" in found
    elsewhere = client.get("/directory", params={"text": "keripik", "province_code": "31"}).text
    assert 'data-testid="no-results"' in elsewhere


def test_bad_nib_is_explained_and_nothing_is_saved(client: TestClient, db: Session) -> None:
    _register(client, "nib@contoh.co.id")
    before = db.scalar(select(func.count()).select_from(SupplierProfile))
    page = client.post(
        "/supplier/onboarding", data={**PROFILE_FORM, "nib": "9.12E+12", "csrf_token": csrf_of(client)}
    )
    assert page.status_code == 422
    assert "notasi ilmiah" in page.text or "scientific" in page.text
    assert 'id="e-nib"' in page.text and 'value="Keripik Mak Ijah"' in page.text  # what was typed is kept
    assert db.scalar(select(func.count()).select_from(SupplierProfile)) == before


def test_register_validates(client: TestClient, db: Session) -> None:
    response = client.post(
        "/register",
        data={
            "full_name": "A",
            "email": "bukan-email",
            "password": PASSWORD,
            "organization_name": "X",
            "org_type": "umkm",
            "csrf_token": csrf_of(client),
        },
    )
    assert response.status_code == 422 and 'id="e-email"' in response.text
    assert db.scalar(select(func.count()).select_from(User).where(User.full_name == "A")) == 0
    bumn = client.post(
        "/register",
        data={
            "full_name": "B",
            "email": "b@contoh.co.id",
            "password": PASSWORD,
            "organization_name": "PT B",
            "org_type": "bumn",
            "csrf_token": csrf_of(client),
        },
    )
    assert bumn.status_code == 422


def test_unverified_profiles_are_not_public_and_personal_data_is_masked(
    client: TestClient, db: Session
) -> None:
    from tests.factories.suppliers import make_supplier  # noqa: PLC0415

    pending, _, _ = make_supplier(db, status="submitted")
    assert client.get(f"/suppliers/{pending.id}").status_code == 404
    verified, _, _ = make_supplier(db, status="verified", legal_form="perorangan", phone="+6281299998888")
    page = client.get(f"/suppliers/{verified.id}").text
    assert "+6281299998888" not in page and "+62*********88" in page


def test_buyers_cannot_open_supplier_or_verifier_pages(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db, OrgType.BUMN), (Role.PROCUREMENT_OFFICER,)))
    assert client.get("/supplier").status_code == 403
    assert client.get("/verification").status_code == 403
    assert client.get("/directory").status_code == 200


def test_certificate_with_document_upload(client: TestClient, db: Session) -> None:
    from tests.factories.suppliers import make_supplier  # noqa: PLC0415

    profile, owner_user, _ = make_supplier(db)
    log_in(client, owner_user)
    fake_pdf = b"%PDF-1.4 sertifikat halal"
    page = client.post(
        "/supplier/certifications",
        data={
            "type_code": "halal",
            "number": "ID3211000012",
            "valid_until": "2027-12-31",
            "csrf_token": csrf_of(client),
        },
        files={"document": ("halal.pdf", fake_pdf, "application/pdf")},
    )
    assert page.status_code == 200 and "ID3211000012" in page.text
    cert = repository.certifications(db, profile.id)[0]
    assert cert.document_type == "application/pdf" and cert.document_size == len(fake_pdf)
    assert client.get(f"/certifications/{cert.id}/document").content == fake_pdf
    bad = client.post(
        "/supplier/certifications",
        data={"type_code": "sni", "number": "SNI-1", "csrf_token": csrf_of(client)},
        files={"document": ("virus.exe", b"MZ\x90\x00", "application/pdf")},
    )
    assert bad.status_code == 422 and "virus.exe" in bad.text
    assert [c.type_code for c in repository.certifications(db, profile.id)] == ["halal"]  # nothing saved
    client.cookies.clear()
    log_in(client, make_user(db, make_org(db, OrgType.BUMN)))
    assert client.get(f"/certifications/{cert.id}/document").status_code == 404


def test_a_scan_named_outside_latin_1_downloads_with_its_name(client: TestClient, db: Session) -> None:
    """Issue #9, finding 12: the header could not carry the name, so the download was a 500."""
    from tests.factories.suppliers import make_supplier  # noqa: PLC0415

    profile, owner_user, _ = make_supplier(db)
    log_in(client, owner_user)
    name = "sertifikat halal \u2013 \u0634\u0647\u0627\u062f\u0629.pdf"
    client.post(
        "/supplier/certifications",
        data={
            "type_code": "halal",
            "number": "ID32",
            "valid_until": "2027-12-31",
            "csrf_token": csrf_of(client),
        },
        files={"document": (name, b"%PDF-1.4 halal", "application/pdf")},
    )
    cert = repository.certifications(db, profile.id)[0]
    download = client.get(f"/certifications/{cert.id}/document")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 halal"
    header = download.headers["content-disposition"]
    assert header.startswith('inline; filename="sertifikat halal')
    assert "filename*=UTF-8''sertifikat%20halal%20%E2%80%93%20%D8%B4" in header


def test_product_form_suggests_codes_the_owner_confirms(client: TestClient, db: Session) -> None:
    from tests.factories.suppliers import make_supplier  # noqa: PLC0415

    profile, owner_user, _ = make_supplier(db)
    log_in(client, owner_user)
    fragment = client.get(
        "/catalog/suggest", params={"name": "Kopi bubuk robusta 250 gr"}, headers={"HX-Request": "true"}
    ).text
    assert 'value="10761"' in fragment and 'name="hs_code"' in fragment
    client.post(
        "/supplier/products/new",
        data={
            "name": "Kopi bubuk robusta 250 gr",
            "kbli_code": "10761",
            "hs_code": "",
            "csrf_token": csrf_of(client),
        },
    )
    from rantai.catalog.models import Product  # noqa: PLC0415

    product = db.scalars(select(Product).where(Product.supplier_id == profile.id)).one()
    assert (product.kbli_code, product.hs_code) == ("10761", None)


def test_product_photo_is_shown_on_the_public_profile(client: TestClient, db: Session) -> None:
    from tests.factories.suppliers import make_supplier  # noqa: PLC0415

    profile, owner_user, _ = make_supplier(db, status="verified")
    log_in(client, owner_user)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    client.post(
        "/supplier/products/new",
        data={"name": "Tas Anyaman Pandan", "csrf_token": csrf_of(client)},
        files={"photo": ("tas.png", png, "image/png")},
    )
    bad = client.post(
        "/supplier/products/new",
        data={"name": "Tas Kedua", "csrf_token": csrf_of(client)},
        files={"photo": ("tas.gif", b"GIF89a", "image/gif")},
    )
    assert bad.status_code == 422 and "tas.gif" in bad.text
    client.cookies.clear()
    page = client.get(f"/suppliers/{profile.id}").text
    assert "Tas Anyaman Pandan" in page and "Tas Kedua" not in page  # the bad one was not saved at all
    src = page.split('<img src="')[1].split('"')[0]
    assert client.get(src).content == png


def test_directory_pages_through_many_results(client: TestClient, db: Session) -> None:
    from tests.factories.suppliers import add_product, make_supplier  # noqa: PLC0415

    for index in range(21):
        profile, _, owner = make_supplier(db, status="verified", business_name=f"Rengginang Rasa {index:02d}")
        add_product(db, profile, owner, "Rengginang ketan")
    first = client.get("/directory", params={"text": "rengginang"})
    assert first.status_code == 200 and "21 pemasok terverifikasi" in first.text
    assert 'rel="next"' in first.text and "Halaman 1 dari 2" in first.text
    second = client.get("/directory", params={"text": "rengginang", "page": 2})
    assert "Rengginang Rasa 20" in second.text and 'rel="prev"' in second.text


def test_directory_filters_and_bad_filter_input(client: TestClient, db: Session) -> None:
    from tests.factories.suppliers import add_cert, add_product, make_supplier  # noqa: PLC0415

    big, _, owner_big = make_supplier(
        db, status="verified", business_name="Dodol Garut Besar", kabkota_code="32.05"
    )
    add_product(db, big, owner_big, "Dodol garut", capacity_per_month=10000)
    add_cert(db, big, owner_big, "halal", days_left=30)
    small, _, owner_small = make_supplier(
        db, status="verified", business_name="Dodol Kecil", kabkota_code="32.73"
    )
    add_product(db, small, owner_small, "Dodol durian", capacity_per_month=100)
    names = lambda **params: client.get("/directory", params={"text": "dodol", **params}).text  # noqa: E731
    assert "Dodol Garut Besar" in names(kabkota_code="32.05") and "Dodol Kecil" not in names(
        kabkota_code="32.05"
    )
    assert "Dodol Kecil" not in names(min_capacity="1.000")
    assert "Dodol Garut Besar" in names(certification_type="halal")
    assert "Dodol Garut Besar" not in names(
        certification_type="halal", valid_on="2099-01-01"
    )  # expired by then
    bad = client.get("/directory", params={"text": "dodol", "valid_on": "besok"})
    assert bad.status_code == 422 and 'id="e-valid_on"' in bad.text
