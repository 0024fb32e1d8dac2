"""Every catalog query lives here."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from importlib import resources
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from rantai.catalog.models import Category, Product, ProductCertification, ProductPhoto
from rantai.identity.policy import Action, Actor
from rantai.kit.ids import storable_id
from rantai.kit.pagination import Page, PageRequest
from rantai.kit.text import has_control_characters, without_control_characters
from rantai.suppliers.models import SupplierProfile
from rantai.suppliers.repository import profile_readable


def shipped_categories() -> list[dict[str, Any]]:
    """The platform category tree as shipped in catalog/data/categories.csv."""
    text = resources.files("rantai.catalog").joinpath("data/categories.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rows.append({**row, "parent_code": row["parent_code"] or None, "sort_order": int(row["sort_order"])})
    return rows


def upsert_categories(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert missing categories and update changed ones (parents first); returns how many changed."""
    existing = {c.code: c for c in session.scalars(select(Category))}
    changed = 0
    for row in sorted(rows, key=lambda r: r["parent_code"] is not None):
        current = existing.get(row["code"])
        if current is None:
            session.execute(insert(Category).values(**row))
            changed += 1
        elif any(getattr(current, k) != v for k, v in row.items()):
            session.execute(update(Category).where(Category.code == row["code"]).values(**row))
            changed += 1
    return changed


def categories(session: Session) -> Sequence[Category]:
    return session.scalars(select(Category).order_by(Category.sort_order)).all()


def category(session: Session, code: str) -> Category | None:
    return None if has_control_characters(code) else session.get(Category, code)


def product(session: Session, product_id: int) -> Product | None:
    return session.get(Product, product_id) if storable_id(product_id) else None


def product_by_code(session: Session, supplier_id: int, code: str) -> Product | None:
    return session.scalars(
        select(Product).where(Product.supplier_id == supplier_id, Product.code == code)
    ).first()


def product_readable(actor: Actor | None) -> ColumnElement[bool]:
    """The products ``actor`` may read (issue #10): those of the supplier profiles it may see (verified
    ones, its own, its verifiers' regions'), by the policy's rule for the profile."""
    return Product.supplier_id.in_(
        select(SupplierProfile.id).where(profile_readable(actor, Action.VIEW_SUPPLIER_PROFILE))
    )


def readable_products(actor: Actor | None) -> Select[Product]:
    return select(Product).where(product_readable(actor))


def products_of(
    session: Session,
    supplier_id: int,
    page: PageRequest,
    *,
    include_archived: bool = False,
    query: str | None = None,
) -> Page[Product]:
    stmt = select(Product).where(Product.supplier_id == supplier_id)
    if not include_archived:
        stmt = stmt.where(Product.is_active.is_(True))
    words = without_control_characters(query or "").strip()  # a NUL fails PostgreSQL outright
    if words:
        stmt = stmt.where(Product.name.icontains(words, autoescape=True))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = session.scalars(
        stmt.order_by(Product.name, Product.id).offset(page.offset).limit(page.per_page)
    ).all()
    return Page(items=items, total=total, page=page.page, per_page=page.per_page)


def monthly_capacities(session: Session, supplier_ids: Sequence[int]) -> dict[int, int]:
    """Supplier id -> the summed monthly capacity of its active products that state one (one query)."""
    if not supplier_ids:
        return {}
    rows = session.execute(
        select(Product.supplier_id, func.sum(Product.capacity_per_month))
        .where(
            Product.supplier_id.in_(sorted(set(supplier_ids))),
            Product.is_active.is_(True),
            Product.capacity_per_month.is_not(None),
        )
        .group_by(Product.supplier_id)
    )
    return {int(supplier_id): int(total) for supplier_id, total in rows if total is not None}


def product_certification_codes(session: Session, product_id: int) -> list[str]:
    rows = session.execute(
        select(ProductCertification.type_code)
        .where(ProductCertification.product_id == product_id)
        .order_by(ProductCertification.type_code)
    )
    return [code for (code,) in rows]


def replace_product_certifications(session: Session, product_id: int, codes: Sequence[str]) -> None:
    current = set(product_certification_codes(session, product_id))
    wanted = set(codes)
    for code in current - wanted:
        session.execute(
            delete(ProductCertification).where(
                ProductCertification.product_id == product_id, ProductCertification.type_code == code
            )
        )
    session.add_all(
        ProductCertification(product_id=product_id, type_code=code) for code in sorted(wanted - current)
    )


def photos_of(session: Session, product_ids: Sequence[int]) -> dict[int, list[ProductPhoto]]:
    """Photos per product, in their order; one query for a whole page of products."""
    found: dict[int, list[ProductPhoto]] = {}
    if not product_ids:
        return found
    for photo in session.scalars(
        select(ProductPhoto)
        .where(ProductPhoto.product_id.in_(product_ids))
        .order_by(ProductPhoto.position, ProductPhoto.id)
    ):
        found.setdefault(photo.product_id, []).append(photo)
    return found


def photo(session: Session, photo_id: int) -> ProductPhoto | None:
    return session.get(ProductPhoto, photo_id) if storable_id(photo_id) else None
