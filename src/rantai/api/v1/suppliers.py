"""API: supplier profiles, verification, products, the directory and code suggestions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from rantai.api.problems import problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    PRODUCT_NAME_MAX,
    SEARCH_MAX,
    Count,
    Days,
    HsCode,
    Id,
    IsoDate,
    KbliCode,
    MultiLine,
    OneLine,
    PathId,
    PlainCode,
    PositiveRupiah,
    RegionCode,
    SmallCount,
)
from rantai.catalog import directory
from rantai.catalog import repository as catalog_repo
from rantai.catalog import service as catalog
from rantai.catalog.models import Product
from rantai.catalog.suggest import suggest_classified
from rantai.db import all_or_nothing
from rantai.http import DbSession
from rantai.identity.policy import Action, OrgScope, can
from rantai.kit.clock import now
from rantai.kit.errors import Forbidden
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.suppliers import contacts, repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import MSG_NOT_FOUND, SupplierNotFound
from rantai.suppliers.inputs import parse_certification, parse_profile
from rantai.suppliers.models import Certification, SupplierProfile

router = APIRouter(tags=["suppliers"], responses=problem_responses(400, 403, 404, 409))

Short = Annotated[OneLine, Field(max_length=40)]  # a number as people write it: "Rp 850.000.000"


class ProfileIn(BaseModel):
    """Profile fields as people write them; parsed with the importer's rules (NIB, NPWP, phone, Rupiah)."""

    business_name: OneLine = Field(max_length=NAME_MAX)
    legal_form: Short = Field(description="perorangan, UD, CV, firma, PT, PT perorangan or koperasi")
    nib: Short = Field(description="13 digits from OSS")
    kabkota_code: RegionCode = Field(description="Kemendagri kab/kota code, e.g. 32.73")
    npwp: Short | None = None
    brand_name: OneLine | None = Field(None, max_length=NAME_MAX)
    kecamatan_code: RegionCode | None = None
    desa_code: RegionCode | None = None
    address: MultiLine | None = Field(None, max_length=ADDRESS_MAX)
    year_founded: Short | None = None
    phone: Short | None = None
    email: OneLine | None = Field(None, max_length=254)
    kbli_codes: list[KbliCode] = Field(
        default_factory=list, max_length=20, description="5-digit KBLI 2020 codes, main first"
    )
    workers: Short | None = None
    annual_sales: Short | None = Field(None, description="Whole Rupiah, e.g. 850000000 or 'Rp 850.000.000'")
    business_capital: Short | None = None
    women_owned: bool = False
    youth_owned: bool = False
    export_experience: bool = False
    cooperative_nib: Short | None = None

    def as_form(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for key, value in self.model_dump().items():
            if isinstance(value, bool):
                values[key] = "1" if value else ""
            elif isinstance(value, list):
                values[key] = ";".join(value)
            elif value is not None:
                values[key] = str(value)
        return values


class ProfileOut(BaseModel):
    id: int
    business_name: str
    legal_form: str
    nib: str
    npwp: str | None
    phone: str | None
    email: str | None
    province_code: str
    kabkota_code: str
    kbli_codes: list[str]
    size_class: str | None
    size_basis: str | None
    status: str
    status_reason: str | None
    verified_at: dt.datetime | None


class CertificationIn(BaseModel):
    type_code: PlainCode
    number: OneLine = Field(max_length=100)
    issuer: OneLine | None = Field(None, max_length=NAME_MAX)
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None


class CertificationOut(BaseModel):
    id: int
    type_code: str
    number: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    state: str


VERSION_HELP = (
    "The product's version as you read it (GET). When given, the change is refused with 409 if someone "
    "saved the product since, instead of overwriting their change."
)


class ProductIn(BaseModel):
    name: OneLine = Field(max_length=PRODUCT_NAME_MAX)
    code: OneLine | None = Field(None, max_length=64)
    description: MultiLine | None = Field(None, max_length=DESCRIPTION_MAX)
    category_code: PlainCode | None = None
    kbli_code: KbliCode | None = None
    hs_code: HsCode | None = None
    unit_code: PlainCode | None = None
    price_min: PositiveRupiah | None = Field(None, description="Whole Rupiah per unit")
    price_max: PositiveRupiah | None = None
    moq: SmallCount | None = None
    capacity_per_month: Count | None = None
    lead_time_days: Days | None = None
    certification_types: list[PlainCode] = Field(default_factory=list, max_length=50)
    version: int | None = Field(None, ge=1, le=2**31 - 1, description=VERSION_HELP)


class ProductPatch(BaseModel):
    """The fields to change; a field left out keeps its value (send null to clear an optional one)."""

    name: OneLine | None = Field(None, max_length=PRODUCT_NAME_MAX)
    code: OneLine | None = Field(None, max_length=64)
    description: MultiLine | None = Field(None, max_length=DESCRIPTION_MAX)
    category_code: PlainCode | None = None
    kbli_code: KbliCode | None = None
    hs_code: HsCode | None = None
    unit_code: PlainCode | None = None
    price_min: PositiveRupiah | None = Field(None, description="Whole Rupiah per unit")
    price_max: PositiveRupiah | None = None
    moq: SmallCount | None = None
    capacity_per_month: Count | None = None
    lead_time_days: Days | None = None
    certification_types: list[PlainCode] | None = Field(None, max_length=50)
    version: int | None = Field(None, ge=1, le=2**31 - 1, description=VERSION_HELP)


class ProductOut(BaseModel):
    id: int
    code: str | None
    name: str
    description: str | None
    category_code: str | None
    kbli_code: str | None
    hs_code: str | None
    unit_code: str | None
    price_min: int | None
    price_max: int | None
    moq: int | None
    capacity_per_month: int | None
    lead_time_days: int | None
    is_active: bool
    version: int = Field(
        description="Bumped by every change; send it back to refuse overwriting a newer one."
    )


class VerifyIn(BaseModel):
    checked: list[PlainCode] = Field(
        max_length=16,
        description="The manual checklist items the verifier ticked; verifying needs all of them "
        "(nib_matches, npwp_matches, address_plausible, certificates_valid).",
    )
    version: Id | None = Field(None, description="The profile version the decision was made on.")


class RejectIn(BaseModel):
    reason: MultiLine = Field("", max_length=1000, description="What to fix, in words.")
    to_fix: list[PlainCode] = Field(
        default_factory=list, max_length=16, description="Checklist items the owner must fix."
    )
    version: Id | None = Field(None, description="The profile version the decision was made on.")


class SuggestionOut(BaseModel):
    code: str
    title: str
    score: float


def _profile_out(db: Session, profile: SupplierProfile, caller: ApiCaller | None) -> ProfileOut:
    # The NPWP masked when it is a person's; phone and email unless the business shares them with the
    # caller (its own, its region's verifiers, a buyer whose contact request it accepted: issue #13).
    npwp, phone, email = contacts.masked_contact(db, caller.actor if caller else None, profile)
    return ProfileOut(
        id=profile.id,
        business_name=profile.business_name,
        legal_form=profile.legal_form,
        nib=profile.nib,
        npwp=npwp,
        phone=phone,
        email=email,
        province_code=profile.province_code,
        kabkota_code=profile.kabkota_code,
        kbli_codes=repository.kbli_codes(db, profile.id),
        size_class=profile.size_class,
        size_basis=profile.size_basis,
        status=profile.status,
        status_reason=profile.status_reason,
        verified_at=profile.verified_at,
    )


def _product_out(product: Product) -> ProductOut:
    return ProductOut.model_validate(product, from_attributes=True)


def _own(db: Session, caller: ApiCaller) -> SupplierProfile:
    profile = repository.by_organization(db, caller.organization_id)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    return profile


# --- the caller's own profile ----------------------------------------------------------------------


@router.get("/supplier", response_model=ProfileOut, summary="The caller organization's supplier profile")
def get_own(caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> ProfileOut:
    return _profile_out(db, _own(db, caller), caller)


@router.post(
    "/supplier", response_model=ProfileOut, status_code=201, summary="Create the caller's profile (draft)"
)
def create_own(
    body: ProfileIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProfileOut:
    profile = suppliers.create_profile(
        db, actor=caller.actor, organization_id=caller.organization_id, data=parse_profile(body.as_form())
    )
    directory.refresh(db, [profile.id])
    return _profile_out(db, profile, caller)


@router.put("/supplier", response_model=ProfileOut, summary="Update the caller's profile")
def update_own(
    body: ProfileIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProfileOut:
    profile = _own(db, caller)
    suppliers.update_profile(db, actor=caller.actor, profile=profile, data=parse_profile(body.as_form()))
    directory.refresh(db, [profile.id])
    return _profile_out(db, profile, caller)


@router.post("/supplier/submit", response_model=ProfileOut, summary="Send the profile for verification")
def submit_own(caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> ProfileOut:
    profile = _own(db, caller)
    suppliers.submit(db, actor=caller.actor, profile=profile)
    return _profile_out(db, profile, caller)


@router.get("/supplier/export", summary="Everything held about the caller's business (UU 27/2022)")
def export_own(caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> dict[str, Any]:
    return suppliers.export_own_data(db, actor=caller.actor, profile=_own(db, caller))


@router.post(
    "/supplier/certifications", response_model=CertificationOut, status_code=201, summary="Add a certificate"
)
def add_certification(
    body: CertificationIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> CertificationOut:
    profile = _own(db, caller)
    data = parse_certification({k: "" if v is None else str(v) for k, v in body.model_dump().items()})
    cert = suppliers.add_certification(db, actor=caller.actor, profile=profile, data=data)
    return _certification_out(cert)


def _certification_out(cert: Certification) -> CertificationOut:
    return CertificationOut(
        id=cert.id,
        type_code=cert.type_code,
        number=cert.number,
        valid_from=cert.valid_from,
        valid_until=cert.valid_until,
        state=suppliers.certification_state(cert, now().date()),
    )


@router.post(
    "/supplier/certifications/{certification_id}/renew",
    response_model=CertificationOut,
    summary="Renew a certificate: its new number, dates and scan (multipart form); a verifier checks it again",
)
def renew_certification(
    certification_id: PathId,
    request: Request,
    number: Annotated[OneLine, Form(max_length=100)],
    valid_until: Annotated[IsoDate, Form()],
    document: Annotated[UploadFile, File(description="The new certificate's scan: PDF, JPEG or PNG")],
    issuer: Annotated[OneLine | None, Form(max_length=NAME_MAX)] = None,
    valid_from: Annotated[IsoDate | None, Form()] = None,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> CertificationOut:
    """The API's way to what the profile page's "Renew" does (issue #13): the earlier number, dates and
    scan stay in the certificate's history and the certificate waits for a verifier again."""
    profile = _own(db, caller)
    certification = suppliers.own_certification(db, profile, certification_id)
    fields = {
        "type_code": certification.type_code,
        "number": number,
        "issuer": issuer or "",
        "valid_from": valid_from.isoformat() if valid_from else "",
        "valid_until": valid_until.isoformat(),
    }
    document.file.seek(0)
    with all_or_nothing(db):
        suppliers.renew_certification(
            db,
            actor=caller.actor,
            profile=profile,
            certification=certification,
            data=parse_certification(fields),
            document_name=document.filename or "",
            document=document.file.read(suppliers.MAX_DOCUMENT_BYTES + 1),
            storage=request.app.state.storage,
        )
        directory.refresh(db, [profile.id])
    return _certification_out(certification)


@router.get("/supplier/products", response_model=PageOut[ProductOut], summary="The caller's products")
def list_products(
    include_archived: bool = False,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[ProductOut]:
    page = catalog_repo.products_of(db, _own(db, caller).id, paging, include_archived=include_archived)
    return PageOut[ProductOut].of(page, _product_out)


def _product_data(body: ProductIn) -> catalog.ProductData:
    return catalog.ProductData(**body.model_dump(exclude={"version"}))


@router.post("/supplier/products", response_model=ProductOut, status_code=201, summary="Add a product")
def create_product(
    body: ProductIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProductOut:
    profile = _own(db, caller)
    product = catalog.create_product(db, actor=caller.actor, profile=profile, data=_product_data(body))
    directory.refresh(db, [profile.id])
    return _product_out(product)


@router.put("/supplier/products/{product_id}", response_model=ProductOut, summary="Change a product")
def update_product(
    product_id: PathId, body: ProductIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProductOut:
    profile = _own(db, caller)
    product = catalog.get_product(db, profile=profile, product_id=product_id)
    catalog.update_product(
        db,
        actor=caller.actor,
        profile=profile,
        product=product,
        data=_product_data(body),
        expected_version=body.version,
    )
    directory.refresh(db, [profile.id])
    return _product_out(product)


@router.patch(
    "/supplier/products/{product_id}", response_model=ProductOut, summary="Change some fields of a product"
)
def patch_product(
    product_id: PathId, body: ProductPatch, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProductOut:
    """Only the fields sent change, validated like a new product (a null name is refused); the rest keep
    their values."""
    profile = _own(db, caller)
    product = catalog.get_product(db, profile=profile, product_id=product_id)
    data = catalog.product_data(db, product)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    if "certification_types" in changes and changes["certification_types"] is None:
        changes["certification_types"] = []
    if "name" in changes and changes["name"] is None:
        changes["name"] = ""  # refused by the service: a product keeps a name
    catalog.update_product(
        db,
        actor=caller.actor,
        profile=profile,
        product=product,
        data=replace(data, **changes),
        expected_version=body.version,
    )
    directory.refresh(db, [profile.id])
    return _product_out(product)


@router.post(
    "/supplier/products/{product_id}/archive", response_model=ProductOut, summary="Archive a product"
)
def archive_product(
    product_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProductOut:
    profile = _own(db, caller)
    product = catalog.get_product(db, profile=profile, product_id=product_id)
    catalog.set_active(db, actor=caller.actor, profile=profile, product=product, active=False)
    directory.refresh(db, [profile.id])
    return _product_out(product)


# --- verification ----------------------------------------------------------------------------------


@router.get(
    "/verification-queue",
    response_model=PageOut[ProfileOut],
    summary="Profiles waiting in the caller's region",
)
def verification_queue(
    q: OneLine | None = Query(None, max_length=SEARCH_MAX, description="Words of the name, or a NIB"),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[ProfileOut]:
    if not can(caller.actor, Action.VERIFY_SUPPLIER, OrgScope(caller.organization_id)):
        raise Forbidden(N_("Your role does not allow this. Ask your organization's administrator."))
    page = repository.verification_queue(db, paging, actor=caller.actor, query=q)
    return PageOut[ProfileOut].of(page, lambda p: _profile_out(db, p, caller))


def _any_profile(db: Session, profile_id: int) -> SupplierProfile:
    profile = repository.by_id(db, profile_id)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    return profile


@router.post(
    "/suppliers/{profile_id}/verify", response_model=ProfileOut, summary="Verify a submitted profile"
)
def verify(
    profile_id: PathId, body: VerifyIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProfileOut:
    profile = _any_profile(db, profile_id)
    suppliers.verify(
        db, actor=caller.actor, profile=profile, checked=body.checked, expected_version=body.version
    )
    directory.refresh(db, [profile.id])
    return _profile_out(db, profile, caller)


@router.post(
    "/suppliers/{profile_id}/reject", response_model=ProfileOut, summary="Send a profile back with a reason"
)
def reject(
    profile_id: PathId, body: RejectIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProfileOut:
    profile = _any_profile(db, profile_id)
    suppliers.reject(
        db,
        actor=caller.actor,
        profile=profile,
        reason=body.reason,
        to_fix=body.to_fix,
        expected_version=body.version,
    )
    return _profile_out(db, profile, caller)


# --- the directory ----------------------------------------------------------------------------------


@router.get("/suppliers", response_model=PageOut[ProfileOut], summary="Search verified suppliers")
def search(
    text: Annotated[
        OneLine, Query(max_length=SEARCH_MAX, description="Words of what the supplier makes or its name")
    ] = "",
    province_code: RegionCode | None = Query(None, description="A province code, e.g. 35"),
    kabkota_code: RegionCode | None = Query(None, description="A kab/kota code, e.g. 35.78"),
    kbli_code: KbliCode | None = Query(None, description="A KBLI code or prefix of the main activity"),
    size_class: Literal["mikro", "kecil", "menengah"] | None = Query(None),
    certification_type: PlainCode | None = Query(None, description="A certificate type, e.g. halal"),
    certification_valid_on: IsoDate | None = Query(None, description="YYYY-MM-DD; today when not given"),
    min_capacity: Count | None = Query(None, description="Some product makes at least this many a month"),
    include_unverified: bool = Query(
        False,
        description="Verifiers only: also profiles not verified yet, inside the regions they verify.",
    ),
    sort: str = Query("relevance", pattern="^(relevance|name|newest)$"),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[ProfileOut]:
    query = directory.DirectoryQuery(
        text=text,
        province_code=province_code,
        kabkota_code=kabkota_code,
        kbli_code=kbli_code,
        size_class=size_class,
        certification_type=certification_type,
        certification_valid_on=certification_valid_on or now().date(),
        min_capacity=min_capacity,
        verified_only=not include_unverified,
        sort=sort,
    )
    page = directory.search(db, query, paging, actor=caller.actor)
    return PageOut[ProfileOut].of(page, lambda p: _profile_out(db, p, caller))


@router.get("/suppliers/{profile_id}", response_model=ProfileOut, summary="A supplier's profile")
def get_profile(
    profile_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ProfileOut:
    profile = repository.by_id(db, profile_id)
    if profile is None or not can(caller.actor, Action.VIEW_SUPPLIER_PROFILE, profile):
        raise SupplierNotFound(MSG_NOT_FOUND)  # an unpublished profile is reported as missing
    return _profile_out(db, profile, caller)


@router.get(
    "/suppliers/{profile_id}/products",
    response_model=PageOut[ProductOut],
    summary="A supplier's active products",
)
def supplier_products(
    profile_id: PathId,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[ProductOut]:
    profile = repository.by_id(db, profile_id)
    if profile is None or not can(caller.actor, Action.VIEW_SUPPLIER_PROFILE, profile):
        raise SupplierNotFound(MSG_NOT_FOUND)
    return PageOut[ProductOut].of(catalog_repo.products_of(db, profile.id, paging), _product_out)


@router.get(
    "/catalog/suggest", response_model=list[SuggestionOut], summary="Top KBLI or HS codes for a product name"
)
def suggest_codes(
    text: Annotated[OneLine, Query(min_length=1, max_length=SEARCH_MAX)],
    kind: str = Query("kbli", pattern="^(kbli|hs)$"),
    _caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> list[SuggestionOut]:
    return [
        SuggestionOut(code=s.code, title=s.title, score=s.score) for s in suggest_classified(db, text, kind)
    ]
