"""The supplier directory buyers search: words of what suppliers make, plus filters.

Words go through the matching engine's Indonesian analyzer on both sides (so "kripik" finds "keripik"),
then through the database's full-text index on ``catalog_supplier_search``: FTS5 on SQLite, a GIN
``to_tsvector('simple', ...)`` column (stored, generated) on PostgreSQL. Filters are plain indexed columns.

Who reads decides what is listed, inside the query (issues #9, #10): verified profiles are public; profiles
not verified yet (draft, submitted, rejected) are listed only when asked for, and only those the policy
lets the reader see (its own, those inside the regions it verifies), whatever the door passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, and_, column, delete, exists, func, select, text
from sqlalchemy.orm import Session

from rantai.catalog import index_changes
from rantai.catalog.models import Category, Product, SupplierSearchDocument
from rantai.db import bulk_insert
from rantai.identity.policy import Actor
from rantai.kit.ids import MAX_BIGINT
from rantai.kit.pagination import Page, PageRequest
from rantai.kit.text import without_control_characters
from rantai.matching import normalize
from rantai.suppliers import repository as supplier_repository
from rantai.suppliers.models import Certification, SupplierProfile


@dataclass(frozen=True, slots=True)
class DirectoryQuery:
    text: str = ""
    province_code: str | None = None
    kabkota_code: str | None = None
    kbli_code: str | None = None
    size_class: str | None = None
    certification_type: str | None = None
    certification_valid_on: dt.date | None = None
    # False asks for profiles not verified yet too; `search` gives them only inside the reader's
    # verification regions.
    verified_only: bool = True
    min_capacity: int | None = None
    sort: str = "relevance"  # relevance | name | newest


def search_terms(text_value: str) -> list[str]:
    """The analyzer's tokens, kept to plain words a full-text index can hold."""
    return list(_search_terms(text_value))


@lru_cache(maxsize=1 << 16)
def _search_terms(text_value: str) -> tuple[str, ...]:
    # Category names and common product names repeat on most rows of an import; analyse each once.
    return tuple(t for t in normalize(text_value) if t.replace("_", "").isalnum())


def document_for(names: Iterable[str]) -> str:
    return " ".join(dict.fromkeys(t for name in names for t in search_terms(name)))


def refresh(session: Session, supplier_ids: Sequence[int]) -> None:
    """Rebuild the search documents of these suppliers from their profile, active products and categories."""
    if not supplier_ids:
        return
    # The matching index follows the same changes (the bulk paths write with Core, which the flush
    # listener of index_changes does not see).
    index_changes.mark(session, supplier_ids)
    texts: dict[int, list[str]] = {}
    for sid, name, brand in session.execute(
        select(SupplierProfile.id, SupplierProfile.business_name, SupplierProfile.brand_name).where(
            SupplierProfile.id.in_(supplier_ids)
        )
    ):
        texts[sid] = [name, brand or ""]
    for sid, name, own, category in session.execute(
        select(Product.supplier_id, Product.name, Product.own_category, Category.name_id)
        .outerjoin(Category, Category.code == Product.category_code)
        .where(Product.supplier_id.in_(supplier_ids), Product.is_active.is_(True))
    ):
        texts.setdefault(sid, []).extend([name, own or "", category or ""])
    write_documents(session, {sid: document_for(parts) for sid, parts in texts.items()})


def write_documents(session: Session, documents: dict[int, str]) -> None:
    """Replace the search documents (and the SQLite FTS5 rows) of the given suppliers."""
    if not documents:
        return
    ids = list(documents)
    sqlite = session.get_bind().dialect.name == "sqlite"
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        if sqlite:
            session.execute(
                text(
                    "DELETE FROM catalog_supplier_search_fts WHERE rowid IN (SELECT value FROM json_each(:ids))"
                ),
                {"ids": "[" + ",".join(map(str, chunk)) + "]"},
            )
        session.execute(delete(SupplierSearchDocument).where(SupplierSearchDocument.supplier_id.in_(chunk)))
    rows = [{"supplier_id": sid, "document": doc} for sid, doc in documents.items()]
    bulk_insert(session, SupplierSearchDocument, rows)
    if sqlite:
        session.execute(
            text("INSERT INTO catalog_supplier_search_fts(rowid, document) VALUES (:supplier_id, :document)"),
            rows,
        )


def _text_matches(session: Session, terms: list[str]):  # type: ignore[no-untyped-def]
    """The suppliers whose document holds every term, with the full-text rank of the match (``score``,
    higher is better): FTS5's bm25 (negated: lower is better there) on SQLite, ``ts_rank`` on PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        match = " AND ".join(f'"{t}"*' if i == len(terms) - 1 else f'"{t}"' for i, t in enumerate(terms))
        fts = text(
            "SELECT rowid AS supplier_id, -rank AS score FROM catalog_supplier_search_fts "
            "WHERE catalog_supplier_search_fts MATCH :match"
        )
        return (
            fts.bindparams(match=match)
            .columns(column("supplier_id", Integer), column("score", Float))
            .subquery("matched")
        )
    query = " & ".join([*terms[:-1], terms[-1] + ":*"])
    # document_tsv is a stored generated column with a GIN index (migration 0005), unknown to the model.
    matched = text(
        "SELECT supplier_id, ts_rank(document_tsv, to_tsquery('simple', :tsquery)) AS score "
        "FROM catalog_supplier_search WHERE document_tsv @@ to_tsquery('simple', :tsquery)"
    ).bindparams(tsquery=query)
    return matched.columns(column("supplier_id", Integer), column("score", Float)).subquery("matched")


SEARCH_TEXT_MAX = 500  # longer text is cut: no one searches with a page of words


def readable(actor: Actor | None, *, include_unverified: bool) -> ColumnElement[bool]:
    """The profiles ``actor`` may find: verified ones, plus (when asked) the others the policy lets it
    see (its own organizations', those inside the regions it verifies), by
    ``suppliers.repository.profile_readable``."""
    if not include_unverified:
        return SupplierProfile.status == "verified"
    return supplier_repository.profile_readable(actor)


def _clean(code: str | None) -> str | None:
    """A filter code as typed, without characters no code holds (a NUL fails PostgreSQL outright)."""
    return without_control_characters(code).strip() or None if code else None


def search(
    session: Session, query: DirectoryQuery, page: PageRequest, *, actor: Actor | None = None
) -> Page[SupplierProfile]:
    """A page of the profiles ``actor`` may find (`readable`) that match ``query``. Without an actor,
    verified profiles only."""
    stmt = select(SupplierProfile).where(readable(actor, include_unverified=not query.verified_only))
    if province_code := _clean(query.province_code):
        stmt = stmt.where(SupplierProfile.province_code == province_code)
    if kabkota_code := _clean(query.kabkota_code):
        stmt = stmt.where(SupplierProfile.kabkota_code == kabkota_code)
    if size_class := _clean(query.size_class):
        stmt = stmt.where(SupplierProfile.size_class == size_class)
    if kbli_code := _clean(query.kbli_code):
        stmt = stmt.where(SupplierProfile.primary_kbli.startswith(kbli_code, autoescape=True))
    if certification_type := _clean(query.certification_type):
        on = query.certification_valid_on or dt.date.today()  # noqa: DTZ011 - a calendar date, not a moment
        stmt = stmt.where(
            exists().where(
                Certification.supplier_id == SupplierProfile.id,
                Certification.type_code == certification_type,
                Certification.status != "rejected",
                (Certification.valid_from.is_(None)) | (Certification.valid_from <= on),
                (Certification.valid_until.is_(None)) | (Certification.valid_until >= on),
            )
        )
    if query.min_capacity:
        stmt = stmt.where(
            exists().where(
                and_(
                    Product.supplier_id == SupplierProfile.id,
                    Product.is_active.is_(True),
                    # A BIGINT column: a larger number matches nothing, and must not overflow the driver.
                    Product.capacity_per_month >= min(query.min_capacity, MAX_BIGINT),
                )
            )
        )
    terms = search_terms(query.text[:SEARCH_TEXT_MAX])
    by_name: tuple[Any, ...] = (SupplierProfile.business_name, SupplierProfile.id)
    order = {
        "name": by_name,
        "newest": (SupplierProfile.verified_at.desc(), SupplierProfile.id.desc()),
    }.get(query.sort, by_name)
    if terms:
        matched = _text_matches(session, terms)
        stmt = stmt.join(matched, matched.c.supplier_id == SupplierProfile.id)
        if query.sort == "relevance":
            # Words given: the best match first (issue #13). A search document holds each word once, so
            # the full-text rank alone ties a supplier selling one keripik with one selling ten: the
            # number of its products naming every word comes first, then the rank, then the name.
            hits = (
                select(func.count(Product.id))
                .where(
                    Product.supplier_id == SupplierProfile.id,
                    Product.is_active.is_(True),
                    *(func.lower(Product.name).contains(term, autoescape=True) for term in terms),
                )
                .correlate(SupplierProfile)
                .scalar_subquery()
            )
            order = (hits.desc(), matched.c.score.desc(), *by_name)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = session.scalars(stmt.order_by(*order).offset(page.offset).limit(page.per_page)).all()
    return Page(items=items, total=total, page=page.page, per_page=page.per_page)


# --- what a directory row shows (issue #13) ------------------------------------------------------------

ROW_PRODUCTS = 3


@dataclass(frozen=True, slots=True)
class RowProduct:
    name: str
    capacity_per_month: int | None
    unit_code: str | None


@dataclass(frozen=True, slots=True)
class RowFacts:
    """A directory row's facts: the products that match the words (else the first ones), how many
    products in all, and the certificate types valid on ``on``."""

    products: tuple[RowProduct, ...]
    product_count: int
    certifications: tuple[str, ...]


def row_facts(
    session: Session, supplier_ids: Sequence[int], *, text_value: str = "", on: dt.date
) -> dict[int, RowFacts]:
    """The facts of each listed supplier, in two queries: its active products, those sharing a word
    with the search first (by the same analyzer as the search), and its certificates valid on ``on``."""
    if not supplier_ids:
        return {}
    terms = set(search_terms(text_value[:SEARCH_TEXT_MAX]))
    products: dict[int, list[tuple[int, RowProduct]]] = {sid: [] for sid in supplier_ids}
    for sid, name, capacity, unit in session.execute(
        select(Product.supplier_id, Product.name, Product.capacity_per_month, Product.unit_code)
        .where(Product.supplier_id.in_(supplier_ids), Product.is_active.is_(True))
        .order_by(Product.supplier_id, Product.id)
    ):
        words = set(search_terms(name))
        # Prefix-matched like the search's last word.
        hits = sum(1 for t in terms if t in words or any(w.startswith(t) for w in words))
        products[sid].append((hits, RowProduct(name, capacity, unit)))
    certs: dict[int, list[str]] = {sid: [] for sid in supplier_ids}
    for sid, code in session.execute(
        select(Certification.supplier_id, Certification.type_code)
        .where(
            Certification.supplier_id.in_(supplier_ids),
            Certification.status != "rejected",
            (Certification.valid_from.is_(None)) | (Certification.valid_from <= on),
            (Certification.valid_until.is_(None)) | (Certification.valid_until >= on),
        )
        .order_by(Certification.supplier_id, Certification.type_code)
    ):
        if code not in certs[sid]:
            certs[sid].append(code)
    facts: dict[int, RowFacts] = {}
    for sid in supplier_ids:
        ranked = sorted(products[sid], key=lambda pair: -pair[0])  # stable: matching first, then by id
        facts[sid] = RowFacts(
            tuple(product for _, product in ranked[:ROW_PRODUCTS]), len(ranked), tuple(certs[sid])
        )
    return facts
