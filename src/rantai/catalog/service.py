"""Catalog use cases: products of a supplier (create, edit, archive), the category tree, code suggestions.
Services flush, never commit; changes are audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rantai import audit
from rantai.audit import Event
from rantai.catalog import inference, repository
from rantai.catalog.errors import (
    MSG_CODE_TAKEN,
    MSG_NAME_REQUIRED,
    MSG_NOT_NEGATIVE,
    MSG_NOT_POSITIVE,
    MSG_PRICE_RANGE,
    MSG_PRODUCT_CHANGED,
    MSG_PRODUCT_NOT_FOUND,
    MSG_UNKNOWN_CODE,
    ProductChanged,
    ProductCodeTaken,
    ProductInvalid,
    ProductNotFound,
)
from rantai.catalog.models import Product, ProductPhoto
from rantai.identity.policy import Action, Actor, OrgScope, can
from rantai.kit.clock import now
from rantai.kit.ids import MAX_INTEGER
from rantai.kit.storage import Storage
from rantai.kit.text import N_, has_control_characters
from rantai.reference import repository as ref
from rantai.suppliers.errors import MSG_NOT_ALLOWED, SupplierForbidden
from rantai.suppliers.models import SupplierProfile
from rantai.tabular.cells import MAX_COUNT, MAX_RUPIAH
from rantai.tabular.validate import MAX_PRODUCT_NAME


@dataclass
class ProductData:
    """Clean values for a product; prices in whole Rupiah per unit."""

    name: str
    code: str | None = None
    description: str | None = None
    category_code: str | None = None
    own_category: str | None = None
    kbli_code: str | None = None
    hs_code: str | None = None
    unit_code: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    moq: int | None = None
    capacity_per_month: int | None = None
    lead_time_days: int | None = None
    certification_types: list[str] = field(default_factory=list)


def ensure_categories(session: Session) -> int:
    """Load the shipped category tree (idempotent); returns how many categories changed."""
    return repository.upsert_categories(session, repository.shipped_categories())


def _require(actor: Actor | None, profile: SupplierProfile) -> None:
    if not can(actor, Action.MANAGE_CATALOG, OrgScope(profile.organization_id)):
        raise SupplierForbidden(MSG_NOT_ALLOWED)


# Bounds of every door (issue #9): each text fits its column or a sensible length, each number its
# column (moq and lead time are INTEGER; capacity and prices BIGINT, bounded as the importer bounds them).
TEXT_LIMITS = {"name": MAX_PRODUCT_NAME, "code": 64, "own_category": 200, "description": 5000}
NUMBER_LIMITS = {
    "moq": MAX_INTEGER,
    "capacity_per_month": MAX_COUNT,
    "price_min": MAX_RUPIAH,
    "price_max": MAX_RUPIAH,
    "lead_time_days": 3650,
}
MSG_TOO_LONG = N_("Too long: at most %(maximum)d characters; found %(length)d.")
MSG_TOO_LARGE = N_("Must be at most %(limit)s.")
MSG_CONTROL = N_("Remove the invisible control characters (such as NUL) from this text.")


def _check_bounds(data: ProductData) -> None:
    for label, limit in TEXT_LIMITS.items():
        value = getattr(data, label) or ""
        if len(value) > limit:
            raise ProductInvalid(MSG_TOO_LONG, field=label, maximum=limit, length=len(value))
        if has_control_characters(value, multiline=label == "description"):
            raise ProductInvalid(MSG_CONTROL, field=label)
    for label, limit in NUMBER_LIMITS.items():
        number = getattr(data, label)
        if number is not None and number > limit:
            raise ProductInvalid(MSG_TOO_LARGE, field=label, limit=limit)


def _values(session: Session, data: ProductData) -> dict[str, Any]:
    _check_bounds(data)
    name = " ".join(data.name.split())
    if not name:
        raise ProductInvalid(MSG_NAME_REQUIRED, field="name")
    for label, value in (
        ("moq", data.moq),
        ("capacity_per_month", data.capacity_per_month),
        ("price_min", data.price_min),
        ("price_max", data.price_max),
    ):
        if value is not None and value <= 0:
            raise ProductInvalid(MSG_NOT_POSITIVE, field=label)
    # 0 days means ready stock, as the import template says; only a negative lead time is wrong.
    if data.lead_time_days is not None and data.lead_time_days < 0:
        raise ProductInvalid(MSG_NOT_NEGATIVE, field="lead_time_days")
    price_min, price_max = data.price_min, data.price_max
    if price_min is not None and price_max is None:
        price_max = price_min
    if price_max is not None and price_min is None:
        price_min = price_max
    if price_min is not None and price_max is not None and price_min > price_max:
        raise ProductInvalid(MSG_PRICE_RANGE, field="price_min")
    checks = (
        ("category_code", "category", data.category_code, lambda c: repository.category(session, c)),
        ("kbli_code", "KBLI", data.kbli_code, lambda c: ref.get_kbli(session, c)),
        ("hs_code", "HS", data.hs_code, lambda c: ref.get_hs_code(session, c)),
        ("unit_code", "unit", data.unit_code, lambda c: ref.get_unit(session, c)),
    )
    values: dict[str, Any] = {}
    for column, kind, code, lookup in checks:
        found = lookup(code) if code else None
        if code and found is None:
            raise ProductInvalid(MSG_UNKNOWN_CODE, field=column, kind=kind, code=code)
        values[column] = getattr(found, "code", None) if found is not None else None
    for code in data.certification_types:
        if len(code) > 48 or ref.get_certification_type(session, code) is None:
            raise ProductInvalid(MSG_UNKNOWN_CODE, field="certification_types", kind="certificate", code=code)
    values.update(
        name=name,
        code=(data.code or "").strip() or None,
        description=(data.description or "").strip() or None,
        own_category=(data.own_category or "").strip() or None,
        price_min=price_min,
        price_max=price_max,
        moq=data.moq,
        capacity_per_month=data.capacity_per_month,
        lead_time_days=data.lead_time_days,
    )
    return values


def create_product(
    session: Session, *, actor: Actor | None, profile: SupplierProfile, data: ProductData
) -> Product:
    _require(actor, profile)
    values = _values(session, data)
    if values["code"] and repository.product_by_code(session, profile.id, values["code"]) is not None:
        raise ProductCodeTaken(MSG_CODE_TAKEN, field="code", code=values["code"])
    product = Product(supplier_id=profile.id, **values)
    session.add(product)
    session.flush()
    repository.replace_product_certifications(session, product.id, sorted(set(data.certification_types)))
    _infer(session, product)
    _record(session, actor, profile, product, Event.PRODUCT_CREATED)
    return product


def _infer(session: Session, product: Product) -> None:
    """The classifier's category, KBLI and HS for a product written without a category (issue #14),
    stored on it; the owner sees them as suggestions and confirms one by choosing it."""
    if product.category_code is None and product.own_category is None:
        inference.infer_products(session, [product.id])
        session.refresh(product)


def get_product(session: Session, *, profile: SupplierProfile, product_id: int) -> Product:
    product = repository.product(session, product_id)
    if product is None or product.supplier_id != profile.id:
        raise ProductNotFound(MSG_PRODUCT_NOT_FOUND)
    return product


def product_data(session: Session, product: Product) -> ProductData:
    """A product's current values as `ProductData`: what an edit starts from, so a form or a PATCH that
    leaves a field out keeps it (its certificates, its code) instead of clearing it."""
    return ProductData(
        name=product.name,
        code=product.code,
        description=product.description,
        category_code=product.category_code,
        own_category=product.own_category,
        kbli_code=product.kbli_code,
        hs_code=product.hs_code,
        unit_code=product.unit_code,
        price_min=product.price_min,
        price_max=product.price_max,
        moq=product.moq,
        capacity_per_month=product.capacity_per_month,
        lead_time_days=product.lead_time_days,
        certification_types=repository.product_certification_codes(session, product.id),
    )


def update_product(
    session: Session,
    *,
    actor: Actor | None,
    profile: SupplierProfile,
    product: Product,
    data: ProductData,
    expected_version: int | None = None,
) -> None:
    """Change a product, validated like a new one. ``expected_version``: the version the form or API
    body was made from; a product saved since is refused (`ProductChanged`), as is a save racing
    another (the UPDATE is a compare-and-set on the version). Audited with the fields that changed;
    the flush queues the supplier's matching-index update (`index_changes`)."""
    _require(actor, profile)
    if product.supplier_id != profile.id:
        raise ProductNotFound(MSG_PRODUCT_NOT_FOUND)
    if expected_version is not None and expected_version != product.version:
        raise ProductChanged(MSG_PRODUCT_CHANGED, version=product.version)
    values = _values(session, data)
    if values["code"]:
        other = repository.product_by_code(session, profile.id, values["code"])
        if other is not None and other.id != product.id:
            raise ProductCodeTaken(MSG_CODE_TAKEN, field="code", code=values["code"])
    certifications = sorted(set(data.certification_types))
    before = {name: getattr(product, name) for name in values}
    before_certs = repository.product_certification_codes(session, product.id)
    changed = sorted(name for name, value in values.items() if before[name] != value)
    if before_certs != certifications:
        changed.append("certification_types")
    if not changed:
        return  # nothing to save: no new version, no audit entry
    for name, value in values.items():
        setattr(product, name, value)
    if before_certs != certifications:
        repository.replace_product_certifications(session, product.id, certifications)
        product.updated_at = now()  # the certificates are the product's too: its version moves
    try:
        session.flush()
    except StaleDataError:
        raise ProductChanged(MSG_PRODUCT_CHANGED, version=product.version) from None
    _infer(session, product)
    audit.record(
        session,
        Event.PRODUCT_UPDATED,
        product.id,
        [profile.organization_id],
        by=actor,
        details={"name": product.name, "fields": changed},
    )


def set_active(
    session: Session, *, actor: Actor | None, profile: SupplierProfile, product: Product, active: bool
) -> None:
    """Archive a product (kept for history, hidden from buyers) or bring it back."""
    _require(actor, profile)
    product.is_active = active
    session.flush()
    event = Event.PRODUCT_RESTORED if active else Event.PRODUCT_ARCHIVED
    _record(session, actor, profile, product, event)


def _record(
    session: Session, actor: Actor | None, profile: SupplierProfile, product: Product, event: Event
) -> None:
    """A product's event, in its supplier's log."""
    audit.record(
        session, event, product.id, [profile.organization_id], by=actor, details={"name": product.name}
    )


MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_PHOTOS = 5
_PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": (".jpg", "image/jpeg"),
    b"\x89PNG": (".png", "image/png"),
    b"RIFF": (".webp", "image/webp"),
}
MSG_PHOTO_TYPE = N_("Upload a JPG, PNG or WebP photo; '%(name)s' is not one of those.")
MSG_PHOTO_SIZE = N_("A photo may be at most %(max)s MB; this one is %(size)s MB.")
MSG_PHOTO_COUNT = N_("A product can have at most %(max)s photos.")


def add_photo(
    session: Session,
    *,
    actor: Actor | None,
    profile: SupplierProfile,
    product: Product,
    name: str,
    data: bytes,
    storage: Storage,
) -> ProductPhoto:
    """Keep a product photo (JPG, PNG or WebP, at most 2 MB, five per product) in file storage."""
    _require(actor, profile)
    if product.supplier_id != profile.id:
        raise ProductNotFound(MSG_PRODUCT_NOT_FOUND)
    if len(data) > MAX_PHOTO_BYTES:
        raise ProductInvalid(MSG_PHOTO_SIZE, field="photo", max=2, size=round(len(data) / 1048576, 1))
    kind = next((v for sig, v in _PHOTO_SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None or (kind[0] == ".webp" and data[8:12] != b"WEBP"):
        raise ProductInvalid(MSG_PHOTO_TYPE, field="photo", name=name)
    count = len(repository.photos_of(session, [product.id]).get(product.id, []))
    if count >= MAX_PHOTOS:
        raise ProductInvalid(MSG_PHOTO_COUNT, field="photo", max=MAX_PHOTOS)
    photo = ProductPhoto(
        product_id=product.id,
        storage_key=storage.put(data, suffix=kind[0]),
        content_type=kind[1],
        size=len(data),
        position=count,
    )
    session.add(photo)
    session.flush()
    _record(session, actor, profile, product, Event.PRODUCT_PHOTO_ADDED)
    return photo
