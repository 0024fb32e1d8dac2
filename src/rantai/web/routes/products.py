"""A supplier's products: the product form, archiving, code suggestions and product photos.
Routes parse and render; rules live in the services and policy.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.catalog import directory
from rantai.catalog import repository as catalog_repo
from rantai.catalog import service as catalog
from rantai.catalog.errors import ProductChanged, ProductInvalid
from rantai.catalog.models import Product
from rantai.catalog.suggest import describe, suggest_classified
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.errors import UserError
from rantai.sourcing import units
from rantai.suppliers import repository
from rantai.suppliers.errors import MSG_NOT_FOUND, SupplierNotFound
from rantai.suppliers.models import SupplierProfile
from rantai.tabular import cells
from rantai.web.auth import get_viewer, require_action, require_viewer
from rantai.web.forms import PostedForm, chosen_file, posted_version, read_upload, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.suppliers import (
    my_profile,
)
from rantai.web.templating import render

router = APIRouter()

# --- products --------------------------------------------------------------------------------------

CatalogEditor = require_action(Action.MANAGE_CATALOG)


def _product_form(
    request: Request,
    db: Session,
    viewer: Viewer,
    values: dict[str, str],
    error: UserError | None = None,
    *,
    product: Product | None = None,
) -> Response:
    return render(
        request,
        "suppliers/product_form.html",
        viewer,
        {
            "values": values,
            "product": product,
            # The version the form was drawn from: kept from the post when it is shown again with an error
            # (except a conflict, which shows the current one so that saving again is deliberate).
            "version": (
                product.version
                if product is not None and (isinstance(error, ProductChanged) or not values.get("version"))
                else values.get("version")
            ),
            "kbli_current": describe(db, values.get("kbli_code"), "kbli"),
            "hs_current": describe(db, values.get("hs_code"), "hs"),
            "categories": [
                (c.code, c.name_id if viewer.locale == "id" else c.name_en)
                for c in catalog_repo.categories(db)
            ],
            # The classifier's category for a product saved without one (issue #14): the owner confirms
            # it by choosing it, or chooses another.
            "category_suggestion": _category_suggestion(db, viewer, product),
            "units": units.ordered_units(db, viewer.locale),
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/supplier/products/new")
def new_product(request: Request, db: Session = DbSession, viewer: Viewer = CatalogEditor) -> Response:
    if my_profile(db, viewer) is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    return _product_form(request, db, viewer, {})


def _int(values: dict[str, str], name: str) -> int | None:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    try:
        if name.startswith("price"):
            return cells.parse_rupiah(raw)
        return cells.parse_count(raw, minimum=0 if name == "lead_time_days" else 1)
    except cells.CellError as exc:
        raise ProductInvalid(exc.message, field=name, **exc.params) from exc


def _posted_data(values: dict[str, str], start: catalog.ProductData) -> catalog.ProductData:
    """The form's fields over ``start`` (a product's current values when editing): what the form does
    not show (the supplier's own code and category words, the product's certificates) is kept."""
    return replace(
        start,
        name=values.get("name", ""),
        description=values.get("description") or None,
        category_code=values.get("category_code") or None,
        unit_code=values.get("unit_code") or None,
        kbli_code=values.get("kbli_code") or None,
        hs_code=values.get("hs_code") or None,
        price_min=_int(values, "price_min"),
        price_max=_int(values, "price_max"),
        moq=_int(values, "moq"),
        capacity_per_month=_int(values, "capacity_per_month"),
        lead_time_days=_int(values, "lead_time_days"),
    )


_FORM_FIELDS = (
    "name",
    "description",
    "category_code",
    "unit_code",
    "kbli_code",
    "hs_code",
    "price_min",
    "price_max",
    "moq",
    "capacity_per_month",
    "lead_time_days",
)


def _category_suggestion(db: Session, viewer: Viewer, product: Product | None) -> tuple[str, int] | None:
    """The inferred category's name and how sure it is (in percent), when the product has no category."""
    if product is None or product.category_code is not None or product.inferred_category_code is None:
        return None
    category = catalog_repo.category(db, product.inferred_category_code)
    if category is None:
        return None
    name = category.name_id if viewer.locale == "id" else category.name_en
    return name, round((product.inferred_category_confidence or 0.0) * 100)


def _form_values(product: Product) -> dict[str, str]:
    """A product's fields as the form shows them (numbers plain, as a user would type them)."""
    return {name: "" if (value := getattr(product, name)) is None else str(value) for name in _FORM_FIELDS}


def _own_product(db: Session, viewer: Viewer, product_id: int) -> tuple[SupplierProfile, Product]:
    profile = my_profile(db, viewer)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    return profile, catalog.get_product(db, profile=profile, product_id=product_id)


@router.get("/supplier/products/{product_id:id}/edit")
def edit_product_form(
    request: Request, product_id: int, db: Session = DbSession, viewer: Viewer = CatalogEditor
) -> Response:
    _, product = _own_product(db, viewer, product_id)
    return _product_form(request, db, viewer, _form_values(product), product=product)


@router.post("/supplier/products/{product_id:id}/edit")
def edit_product(
    request: Request,
    product_id: int,
    db: Session = DbSession,
    viewer: Viewer = CatalogEditor,
    posted: FormData = PostedForm,
) -> Response:
    profile, product = _own_product(db, viewer, product_id)
    values, upload = text_fields(posted), chosen_file(posted, "photo")
    try:
        with all_or_nothing(db):
            catalog.update_product(
                db,
                actor=viewer.current_actor,
                profile=profile,
                product=product,
                data=_posted_data(values, catalog.product_data(db, product)),
                expected_version=posted_version(posted),
            )
            if upload is not None:
                catalog.add_photo(
                    db,
                    actor=viewer.current_actor,
                    profile=profile,
                    product=product,
                    name=upload.filename or "",
                    data=read_upload(upload, catalog.MAX_PHOTO_BYTES + 1),
                    storage=request.app.state.storage,
                )
            directory.refresh(db, [profile.id])
    except UserError as exc:
        db.expire(product)  # the form shows the product as saved, not as half-changed
        return _product_form(request, db, viewer, values, exc, product=product)
    return RedirectResponse("/supplier", status_code=303)


@router.post("/supplier/products/new")
def create_product(
    request: Request, db: Session = DbSession, viewer: Viewer = CatalogEditor, posted: FormData = PostedForm
) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    values, upload = text_fields(posted), chosen_file(posted, "photo")
    try:
        with all_or_nothing(db):
            data = _posted_data(values, catalog.ProductData(name=""))
            product = catalog.create_product(db, actor=viewer.current_actor, profile=profile, data=data)
            if upload is not None:
                catalog.add_photo(
                    db,
                    actor=viewer.current_actor,
                    profile=profile,
                    product=product,
                    name=upload.filename or "",
                    data=read_upload(upload, catalog.MAX_PHOTO_BYTES + 1),
                    storage=request.app.state.storage,
                )
            directory.refresh(db, [profile.id])
    except UserError as exc:
        return _product_form(request, db, viewer, values, exc)
    return RedirectResponse("/supplier", status_code=303)


@router.post("/supplier/products/{product_id:id}/archive")
def archive_product(product_id: int, db: Session = DbSession, viewer: Viewer = CatalogEditor) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    product = catalog.get_product(db, profile=profile, product_id=product_id)
    catalog.set_active(db, actor=viewer.current_actor, profile=profile, product=product, active=False)
    directory.refresh(db, [profile.id])
    return RedirectResponse("/supplier", status_code=303)


@router.get("/catalog/suggest")
def code_suggestions(
    request: Request,
    name: str = "",
    kbli_code: str = "",
    hs_code: str = "",
    viewer: Viewer = Depends(require_viewer),
    db: Session = DbSession,
) -> Response:
    """Top 3 KBLI classes and HS lines for a product name, for the owner to confirm in the product form;
    the codes already chosen (``kbli_code``, ``hs_code``) stay offered and checked."""
    text = name[:200]
    return render(
        request,
        "suppliers/_code_suggestions.html",
        viewer,
        {
            "kbli": suggest_classified(db, text, "kbli"),
            "hs": suggest_classified(db, text, "hs"),
            "kbli_current": describe(db, kbli_code[:5], "kbli"),
            "hs_current": describe(db, hs_code[:11], "hs"),
        },
    )


@router.get("/products/photos/{photo_id:id}")
def product_photo(
    request: Request, photo_id: int, db: Session = DbSession, viewer: Viewer = Depends(get_viewer)
) -> Response:
    """A product photo, visible wherever its supplier's profile is."""
    photo = catalog_repo.photo(db, photo_id)
    product = catalog_repo.product(db, photo.product_id) if photo is not None else None
    profile = repository.by_id(db, product.supplier_id) if product is not None else None
    if photo is None or profile is None or not viewer.can(Action.VIEW_SUPPLIER_PROFILE, profile):
        raise SupplierNotFound(MSG_NOT_FOUND)
    return Response(
        request.app.state.storage.get(photo.storage_key),
        media_type=photo.content_type,
        headers={"Cache-Control": "private, max-age=86400"},
    )
