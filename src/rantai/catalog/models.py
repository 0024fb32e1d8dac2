"""Catalog tables: the platform category tree, products and the certifications that apply to them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from rantai.db import Base
from rantai.kit.clock import now


class Category(Base):
    """A node of the platform's category tree; each maps to the KBLI classes it usually falls under."""

    __tablename__ = "catalog_category"

    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("catalog_category.code"), default=None)
    name_id: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    # Space-separated KBLI prefixes (e.g. "1079 1071"): used to suggest a category from a KBLI and back.
    kbli_prefixes: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)


class Product(Base):
    """A product or capability a supplier offers."""

    __tablename__ = "catalog_product"
    __table_args__ = (
        UniqueConstraint("supplier_id", "code"),
        Index("ix_catalog_product_supplier_name", "supplier_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier_profile.id", ondelete="CASCADE"))
    code: Mapped[str | None] = mapped_column(String(64), default=None)  # the supplier's own product code
    name: Mapped[str] = mapped_column(String(500))  # marketplace titles run to 255 (issue #14)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    category_code: Mapped[str | None] = mapped_column(ForeignKey("catalog_category.code"), default=None)
    own_category: Mapped[str | None] = mapped_column(String(200), default=None)  # the supplier's own words
    kbli_code: Mapped[str | None] = mapped_column(ForeignKey("ref_kbli.code"), default=None)
    hs_code: Mapped[str | None] = mapped_column(ForeignKey("ref_hs_code.code"), default=None)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("ref_unit.code"), default=None)
    price_min: Mapped[int | None] = mapped_column(BigInteger, default=None)  # whole Rupiah per unit
    price_max: Mapped[int | None] = mapped_column(BigInteger, default=None)
    moq: Mapped[int | None] = mapped_column(default=None)  # minimum order, in units
    capacity_per_month: Mapped[int | None] = mapped_column(BigInteger, default=None)
    lead_time_days: Mapped[int | None] = mapped_column(default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)
    # Bumped by every change (the ORM adds ``AND version = :loaded`` to each UPDATE, the bulk import
    # passes the version it read): an edit form opened before someone else's save (another member, an
    # import) is refused instead of silently overwriting it (issue #13).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}
    # What the category classifier inferred when the product was written (issue #14, catalog.inference),
    # each with its calibrated confidence (0..1), and the model file that said it ("category-<version>.pkl").
    # Suggestions only: the owner confirms one by choosing it (category_code, kbli_code, hs_code), and the
    # matcher votes with the inferred category only while no category was given.
    inferred_category_code: Mapped[str | None] = mapped_column(
        ForeignKey("catalog_category.code"), default=None
    )
    inferred_category_confidence: Mapped[float | None] = mapped_column(Float, default=None)
    inferred_kbli_code: Mapped[str | None] = mapped_column(String(5), default=None)
    inferred_kbli_confidence: Mapped[float | None] = mapped_column(Float, default=None)
    inferred_hs_heading: Mapped[str | None] = mapped_column(String(5), default=None)  # BTKI heading: 09.01
    inferred_hs_confidence: Mapped[float | None] = mapped_column(Float, default=None)
    inferred_by: Mapped[str | None] = mapped_column(String(100), default=None)


class ProductCertification(Base):
    """A certification type that applies to a product (the supplier's certificate of that type counts)."""

    __tablename__ = "catalog_product_certification"
    __table_args__ = (UniqueConstraint("product_id", "type_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("catalog_product.id", ondelete="CASCADE"), index=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("ref_certification_type.code"))


class SupplierSearchDocument(Base):
    """The searchable words of one supplier (its names, products and categories), normalized by the
    matching engine's analyzer. A full-text index sits on it: FTS5 on SQLite, GIN on PostgreSQL (both made
    by the migration, which is why they are not declared here)."""

    __tablename__ = "catalog_supplier_search"

    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_profile.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    document: Mapped[str] = mapped_column(Text, default="")


class ProductPhoto(Base):
    """A photo of a product; the image lives in file storage, this row describes it."""

    __tablename__ = "catalog_product_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("catalog_product.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class IndexChange(Base):
    """A supplier whose matching-index documents are out of date (an outbox).

    Every change to a supplier, its certificates, track record or products adds a row in the same
    transaction (`rantai.catalog.index_changes`); whichever web or CLI process next matches applies the
    rows to the shared on-disk index and deletes them (`rantai.catalog.search_index`). No foreign key:
    a deleted supplier's row must survive to remove its documents.
    """

    __tablename__ = "catalog_index_change"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
