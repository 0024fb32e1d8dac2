"""Bulk import of products: validated records in, an idempotent upsert keyed by NIB + kode_produk, else
NIB + nama_produk. Same shape as suppliers.bulk: every row checked first and set aside, then written in
batches with bulk statements in one transaction, two modes.

A row changes the catalog (and the certificates) of a supplier only when the importing organization
manages its profile, as for supplier rows (issue #9); any other NIB is a row error naming it. Each
supplier whose catalog an import changed gets one entry in its own organization's audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from rantai.audit import Event
from rantai.catalog import directory, inference
from rantai.catalog.import_file import ProductRecord, validate_products
from rantai.catalog.models import Category, Product, ProductCertification
from rantai.db import bulk_insert
from rantai.identity.policy import Actor, import_kinds
from rantai.kit.clock import now
from rantai.reference.models import HsCode, Kbli, KbliLevel, Unit
from rantai.suppliers.bulk import Importer, record_import
from rantai.suppliers.errors import MSG_NOT_ALLOWED, MSG_PRODUCTS_NOT_MANAGED, SupplierForbidden
from rantai.suppliers.models import Certification, SupplierProfile
from rantai.tabular.batches import (
    ImportMode,
    ImportOutcome,
    Progress,
    ReadyToWrite,
    batched,
    check_then_write,
    reject_row,
)
from rantai.tabular.reading import Table
from rantai.tabular.records import RowError, name_key

# What people write for units that are not a unit's own code or name.
UNIT_ALIASES = {
    "pcs": "buah",
    "pc": "buah",
    "biji": "buah",
    "bh": "buah",
    "btl": "botol",
    "bks": "bungkus",
    "kilogram": "kg",
    "stel": "set",  # a uniform: shirt and trousers
    "pasang": "pasang",
    "ltr": "liter",
    "pack": "pak",
    "box": "dus",
    "kardus": "dus",
    "lbr": "lembar",
    "gr": "gram",
}


def unit_resolver(session: Session) -> Callable[[str], str | None]:
    index: dict[str, str] = {}
    for code, name_id, name_en in session.execute(select(Unit.code, Unit.name_id, Unit.name_en)):
        for key in (code, name_id, name_en):
            index.setdefault(key.casefold(), code)
    for alias, code in UNIT_ALIASES.items():
        if code in index.values():
            index.setdefault(alias, code)
    return lambda text: index.get(text.casefold())


def _categories(session: Session) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name_id, name_en in session.execute(select(Category.code, Category.name_id, Category.name_en)):
        for key in (code, name_id, name_en):
            index.setdefault(key.casefold(), code)
    return index


@dataclass(frozen=True, slots=True)
class Supplier:
    """What the product import needs of a supplier: its profile, its organization, where it is and who
    manages it."""

    id: int
    organization_id: int
    region_code: str
    managed_by: int | None


@dataclass
class CatalogChange:
    """What an import did to one supplier's catalog, for the entry in its audit log."""

    products_inserted: int = 0
    products_updated: int = 0
    certificates_added: int = 0


def _suppliers(session: Session, nibs: set[str] | None = None, *, lock: bool = False) -> dict[str, Supplier]:
    """Every supplier by NIB, or those of ``nibs`` (locked for this transaction with ``lock``)."""
    query = select(
        SupplierProfile.nib,
        SupplierProfile.id,
        SupplierProfile.organization_id,
        SupplierProfile.desa_code,
        SupplierProfile.kecamatan_code,
        SupplierProfile.kabkota_code,
        SupplierProfile.managed_by_organization_id,
    )
    if nibs is not None:
        query = query.where(SupplierProfile.nib.in_(nibs))
    if lock:
        query = query.with_for_update()
    return {
        nib: Supplier(pid, org_id, desa or kecamatan or kabkota, managed_by)
        for nib, pid, org_id, desa, kecamatan, kabkota, managed_by in session.execute(query)
    }


def import_products(
    session: Session,
    table: Table,
    *,
    actor: Actor | None,
    importer_organization_id: int,
    mode: ImportMode,
    progress: Progress | None = None,
    ready_to_write: ReadyToWrite | None = None,
) -> ImportOutcome:
    """Validate and upsert every row of a product file. The importer is either an organization that may
    import suppliers (a dinas, a BUMN, a cooperative) or a supplier importing its own products."""
    own = session.scalar(
        select(SupplierProfile.nib).where(SupplierProfile.organization_id == importer_organization_id)
    )
    kinds = import_kinds(actor, importer_organization_id)
    # A supplier (no right to import suppliers) imports only its own products.
    everyone = "suppliers" in kinds
    if "products" not in kinds or (not everyone and own is None):
        raise SupplierForbidden(MSG_NOT_ALLOWED)
    only_nib = None if everyone else own
    importer = Importer(actor, importer_organization_id)
    kbli = set(session.scalars(select(Kbli.code).where(Kbli.level == KbliLevel.CLASS.value)))
    hs = set(session.scalars(select(HsCode.code).where(HsCode.level == 8)))
    suppliers = _suppliers(session)

    def known_nib(nib: str) -> bool:
        return nib in suppliers and (only_nib is None or nib == only_nib)

    def manages(supplier: Supplier) -> bool:
        # A supplier importing its own catalog (only_nib) is its own business; an importer of suppliers
        # changes the catalogs of the profiles it manages.
        if only_nib is not None:
            return True
        return importer.may(supplier.region_code, exists=True, managed_by=supplier.managed_by)

    categories = _categories(session)
    outcome = ImportOutcome()
    results = validate_products(
        table,
        resolve_unit=unit_resolver(session),
        known_kbli=kbli.__contains__,
        known_hs=hs.__contains__,
        known_nib=known_nib,
    )
    touched: set[int] = set()
    changes: dict[int, CatalogChange] = {}
    ids = {nib: supplier.id for nib, supplier in suppliers.items()}

    def write(records: list[ProductRecord]) -> None:
        # Who manages each profile is read again as the rows are written, and those rows locked: a claim
        # approved since the file was checked (or while this import writes) is not overwritten.
        suppliers.update(_suppliers(session, {r.nib for r in records}, lock=True))
        allowed = []
        for record in records:
            if manages(suppliers[record.nib]):
                allowed.append(record)
            else:
                params = {"nib": record.nib}
                reject_row(outcome, RowError(record.row, "nib", record.nib, MSG_PRODUCTS_NOT_MANAGED, params))
        if allowed:
            _upsert(session, allowed, ids, categories, outcome, touched, changes)

    savepoint = check_then_write(
        session,
        results,
        mode=mode,
        outcome=outcome,
        progress=progress,
        write=write,
        ready_to_write=ready_to_write,
    )
    if savepoint is None:
        return outcome
    for chunk in batched(sorted(touched), 1000):
        directory.refresh(session, chunk)
    organization_of = {supplier.id: supplier.organization_id for supplier in suppliers.values()}
    importer.audit(
        session,
        Event.CATALOG_CHANGED_BY_IMPORT,
        (
            (
                sid,
                organization_of[sid],
                {
                    "products_inserted": change.products_inserted,
                    "products_updated": change.products_updated,
                    "certificates_added": change.certificates_added,
                },
            )
            for sid, change in sorted(changes.items())
            if change.products_inserted or change.products_updated or change.certificates_added
        ),
    )
    savepoint.commit()
    outcome.touched_supplier_ids = sorted(touched)
    record_import(session, Event.PRODUCT_IMPORTED, actor, importer_organization_id, outcome, mode)
    return outcome


_COMPARED = (
    "name",
    "description",
    "category_code",
    "own_category",
    "kbli_code",
    "hs_code",
    "unit_code",
    "price_min",
    "price_max",
    "moq",
    "capacity_per_month",
    "lead_time_days",
    "is_active",
)


def _values(record: ProductRecord, categories: dict[str, str]) -> dict[str, Any]:
    return {
        "name": record.name,
        "description": record.description,
        "category_code": categories.get(record.category.casefold()) if record.category else None,
        "own_category": record.category,
        "kbli_code": record.kbli_code,
        "hs_code": record.hs_code,
        "unit_code": record.unit_code,
        "price_min": record.unit_price,
        "price_max": record.unit_price,
        "moq": record.min_order_quantity,
        "capacity_per_month": record.monthly_capacity,
        "lead_time_days": record.lead_time_days,
        "is_active": True,
    }


def _existing(
    session: Session, supplier_ids: set[int]
) -> tuple[dict[tuple[int, str], Product], dict[tuple[int, str], Product], dict[int, set[str]]]:
    """The suppliers' products by code and by name key, and each product's certification types."""
    by_code: dict[tuple[int, str], Product] = {}
    by_name: dict[tuple[int, str], Product] = {}
    for product in session.scalars(select(Product).where(Product.supplier_id.in_(supplier_ids))):
        if product.code:
            by_code[(product.supplier_id, product.code)] = product
        by_name.setdefault((product.supplier_id, name_key(product.name)), product)
    certs_now: dict[int, set[str]] = {}
    for pid, code in session.execute(
        select(ProductCertification.product_id, ProductCertification.type_code)
        .join(Product)
        .where(Product.supplier_id.in_(supplier_ids))
    ):
        certs_now.setdefault(pid, set()).add(code)
    return by_code, by_name, certs_now


def _upsert(
    session: Session,
    records: list[ProductRecord],
    suppliers: dict[str, int],
    categories: dict[str, str],
    outcome: ImportOutcome,
    touched: set[int],
    changes: dict[int, CatalogChange],
) -> None:
    by_code, by_name, certs_now = _existing(session, {suppliers[r.nib] for r in records})
    moment = now()
    updates: list[dict[str, Any]] = []
    new: list[tuple[ProductRecord, dict[str, Any]]] = []
    cert_rows: list[dict[str, Any]] = []
    replace_certs: list[int] = []
    for record in records:
        sid = suppliers[record.nib]
        values = _values(record, categories)
        product: Product | None = (
            by_code.get((sid, record.product_code))
            if record.product_code
            else by_name.get((sid, name_key(record.name)))
        )
        wanted = {c.type_code for c in record.certifications}
        if product is None:
            new.append(
                (
                    record,
                    {
                        "supplier_id": sid,
                        "code": record.product_code,
                        "created_at": moment,
                        "updated_at": moment,
                        **values,
                    },
                )
            )
            touched.add(sid)
            changes.setdefault(sid, CatalogChange()).products_inserted += 1
            continue
        changed = {k: values[k] for k in _COMPARED if getattr(product, k) != values[k]}
        if certs_now.get(product.id, set()) != wanted:
            replace_certs.append(product.id)
            cert_rows.extend({"product_id": product.id, "type_code": code} for code in sorted(wanted))
            changed["updated_at"] = moment
        if changed:
            # The version read: the UPDATE is a compare-and-set on it and raises it (version_id_col).
            updates.append({"id": product.id, "version": product.version, **changed, "updated_at": moment})
            outcome.updated += 1
            touched.add(sid)
            changes.setdefault(sid, CatalogChange()).products_updated += 1
        else:
            outcome.unchanged += 1
    if updates:
        session.execute(update(Product), updates)
    if replace_certs:
        session.execute(
            delete(ProductCertification).where(ProductCertification.product_id.in_(replace_certs))
        )
    # Products written without a category get the classifier's answer (issue #14), stored with them
    # (`infer_products` leaves out those that have one).
    uncategorised = [row["id"] for row in updates if {"name", "description", "category_code"} & row.keys()]
    if new:
        ids = bulk_insert(session, Product, [row for _, row in new], return_ids=True)
        for pid, (record, _row) in zip(ids, new, strict=True):
            cert_rows.extend(
                {"product_id": pid, "type_code": code}
                for code in sorted({c.type_code for c in record.certifications})
            )
            if record.category is None:
                uncategorised.append(pid)
        outcome.inserted += len(new)
    inference.infer_products(session, uncategorised)
    if cert_rows:
        bulk_insert(session, ProductCertification, cert_rows)
    for sid in _supplier_certificates(session, records, suppliers):
        changes.setdefault(sid, CatalogChange()).certificates_added += 1


def _supplier_certificates(
    session: Session, records: list[ProductRecord], suppliers: dict[str, int]
) -> list[int]:
    """A certificate number in a product row is also a certificate of its supplier (added once, pending).
    Returns the supplier of each certificate added."""
    wanted = {(suppliers[r.nib], c.type_code, c.number) for r in records for c in r.certifications}
    if not wanted:
        return []
    have = set(
        session.execute(
            select(Certification.supplier_id, Certification.type_code, Certification.number).where(
                Certification.supplier_id.in_({s for s, _, _ in wanted})
            )
        ).all()
    )
    missing = sorted(wanted - have)
    if missing:
        bulk_insert(
            session,
            Certification,
            [
                {"supplier_id": s, "type_code": t, "number": n, "status": "pending", "created_at": now()}
                for s, t, n in missing
            ],
        )
    return [s for s, _, _ in missing]


__all__ = ["import_products", "unit_resolver"]
