"""The full-text baselines of the matching speed benchmark: SQLite FTS5 and PostgreSQL full-text search.

Both get the same catalogue and queries as the engine and answer the same question: the ten best
products for a need among those in the region that hold the certification, valid on the needed-by
day. Each is set up the way a careful developer would for speed:

- SQLite FTS5 (bm25()): a contentless FTS5 table over name, description and the filter terms (as
  words of their own column, so that the region and the certification are intersected inside the
  full-text index), optimized after the bulk load; certificates that lapse sit in a table keyed by
  (product, code), checked per candidate. The bulk load runs without journal or fsync.
- PostgreSQL (ts_rank_cd): an UNLOGGED table with a stored tsvector (name weight A, description B),
  the filter terms as a text[] column, one GIN index over both (so both conditions are one index
  scan), the lapsing certificates in a table with a (product, code) primary key and a (code, day)
  index, so the planner may check candidates one by one or gather the lapsed holders at once; loaded
  with COPY, indexed after the load with a larger maintenance_work_mem, then ANALYZEd.

The query words are the need's words (lower case, letters and digits) without the stopwords the
engine drops, OR-ed, searched in name and description with the engine's field weights (1 and 0.5).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matching.generate import Product, Query
from rantai.matching.normalize import fold_text, is_stopword

NAME_WEIGHT = 1.0
DESCRIPTION_WEIGHT = 0.5
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class Answer:
    """The ids a system returned for a query, best first."""

    ids: tuple[str, ...]


def query_words(text: str) -> list[str]:
    """The need's words for a baseline: folded, letters and digits, no stopwords, each once."""
    words = re.findall(r"[a-z0-9]+", fold_text(text))
    return list(dict.fromkeys(word for word in words if not is_stopword(word)))


def region_term(region: str) -> str:
    """The filter term of a region code: a province ("61") or a kab/kota ("61.71")."""
    return f"kabkota:{region}" if "." in region else f"province:{region}"


def product_terms(product: Product) -> list[str]:
    """The filter terms of a product, as the engine indexes them (lapsing certificates included)."""
    terms = [f"province:{product.province}", f"kabkota:{product.kabkota}", f"scale:{product.scale}"]
    if product.verified:
        terms.append("verified")
    terms += [f"cert:{code}" for code, _ in product.certificates]
    return terms


def _fts_word(term: str) -> str:
    """A filter term as one FTS5 word (unicode61 splits at ':' and '.'): `kabkota:61.71` -> `kabkota61x71`."""
    return term.replace(":", "").replace(".", "x").replace("_", "x")


class SqliteFts5:
    """SQLite FTS5 with bm25(), in a file database."""

    name = "SQLite FTS5, bm25()"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -262144;
            PRAGMA temp_store = MEMORY;
            CREATE TABLE product (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL);
            CREATE TABLE lapsing (
                product INTEGER NOT NULL, code TEXT NOT NULL, valid_until TEXT NOT NULL,
                PRIMARY KEY (product, code)
            ) WITHOUT ROWID;
            CREATE VIRTUAL TABLE product_fts USING fts5(
                name, description, filters, content = '', tokenize = 'unicode61 remove_diacritics 2'
            );
            """
        )

    def build(self, products: Iterable[Product]) -> int:
        """Load the catalogue in one transaction and optimize the index; return the product count."""
        count = 0
        with self.db:
            for batch in _batches(products):
                first = count + 1
                count += len(batch)
                rows = list(enumerate(batch, start=first))
                self.db.executemany(
                    "INSERT INTO product (rowid, id, name) VALUES (?, ?, ?)",
                    [(rowid, p.id, p.name) for rowid, p in rows],
                )
                self.db.executemany(
                    "INSERT INTO product_fts (rowid, name, description, filters) VALUES (?, ?, ?, ?)",
                    [
                        (rowid, p.name, p.description, " ".join(map(_fts_word, product_terms(p))))
                        for rowid, p in rows
                    ],
                )
                self.db.executemany(
                    "INSERT OR REPLACE INTO lapsing (product, code, valid_until) VALUES (?, ?, ?)",
                    [
                        (rowid, code, until.isoformat())
                        for rowid, p in rows
                        for code, until in p.certificates
                        if until is not None
                    ],
                )
            self.db.execute("INSERT INTO product_fts (product_fts) VALUES ('optimize')")
        return count

    def search(self, query: Query, *, limit: int = 10) -> Answer:
        """The `limit` best products for `query` with its filters."""
        words = query_words(query.text)
        if not words:
            return Answer(())
        text = " OR ".join(f'"{word}"' for word in words)
        filters = f'"{_fts_word(region_term(query.region))}" AND "{_fts_word("cert:" + query.certification)}"'
        expression = f"{{name description}} : ({text}) AND filters : ({filters})"
        rows = self.db.execute(
            """
            SELECT p.id, p.name
            FROM product_fts f JOIN product p ON p.rowid = f.rowid
            WHERE product_fts MATCH ?
              AND NOT EXISTS (
                SELECT 1 FROM lapsing l WHERE l.product = f.rowid AND l.code = ? AND l.valid_until < ?
              )
            ORDER BY bm25(product_fts, ?, ?, 0.0)
            LIMIT ?
            """,
            (
                expression,
                query.certification,
                query.needed_by.isoformat(),
                NAME_WEIGHT,
                DESCRIPTION_WEIGHT,
                limit,
            ),
        ).fetchall()
        return Answer(tuple(row[0] for row in rows))

    def size(self) -> int:
        """The database file's size in bytes."""
        return self.path.stat().st_size

    def close(self) -> None:
        """Close the connection (the caller removes the file)."""
        self.db.close()


class PostgresFts:
    """PostgreSQL full-text search (tsvector, GIN, ts_rank_cd) in a schema of its own, dropped on close."""

    name = "PostgreSQL FTS, ts_rank_cd"

    def __init__(self, connection: Any, schema: str) -> None:
        self.db = connection
        self.schema = schema
        with self.db.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {schema}")
            cursor.execute(f"SET search_path TO {schema}")
            cursor.execute(
                """
                CREATE UNLOGGED TABLE product (
                    pk integer PRIMARY KEY,
                    id text NOT NULL,
                    name text NOT NULL,
                    description text NOT NULL,
                    filters text[] NOT NULL,
                    lapses text[] NOT NULL,
                    tsv tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('simple', name), 'A')
                        || setweight(to_tsvector('simple', description), 'B')
                    ) STORED
                )
                """
            )
            cursor.execute(
                """
                CREATE UNLOGGED TABLE lapsing (
                    product integer NOT NULL, code text NOT NULL, valid_until date NOT NULL,
                    PRIMARY KEY (product, code)
                )
                """
            )
        self.db.commit()

    def build(self, products: Iterable[Product]) -> int:
        """COPY the catalogue in, then index and analyse it; return the product count."""
        count = 0
        with self.db.cursor() as cursor:
            with cursor.copy("COPY product (pk, id, name, description, filters, lapses) FROM STDIN") as copy:
                for count, product in enumerate(products, start=1):
                    lapses = [f"{code}@{until}" for code, until in product.certificates if until is not None]
                    copy.write_row(
                        (count, product.id, product.name, product.description, product_terms(product), lapses)
                    )
            cursor.execute(
                """
                INSERT INTO lapsing (product, code, valid_until)
                SELECT pk, split_part(lapse, '@', 1), max(split_part(lapse, '@', 2)::date)
                FROM product, unnest(lapses) AS lapse
                GROUP BY 1, 2
                """
            )
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute("CREATE INDEX product_search ON product USING gin (tsv, filters)")
            # The primary key serves a per-candidate check; this one serves "every lapsed holder".
            cursor.execute("CREATE INDEX lapsing_code_day ON lapsing (code, valid_until) INCLUDE (product)")
            cursor.execute("ANALYZE product")
            cursor.execute("ANALYZE lapsing")
        self.db.commit()
        return count

    def search(self, query: Query, *, limit: int = 10) -> Answer:
        """The `limit` best products for `query` with its filters."""
        words = query_words(query.text)
        if not words:
            return Answer(())
        with self.db.cursor() as cursor:
            cursor.execute(
                """
                SELECT p.id, p.name
                FROM product p, to_tsquery('simple', %(words)s) q
                WHERE p.tsv @@ q
                  AND p.filters @> %(filters)s
                  AND NOT EXISTS (
                    SELECT 1 FROM lapsing l
                    WHERE l.product = p.pk AND l.code = %(code)s AND l.valid_until < %(day)s
                  )
                ORDER BY ts_rank_cd(%(weights)s::real[], p.tsv, q) DESC
                LIMIT %(limit)s
                """,
                {
                    "words": " | ".join(words),
                    "filters": [region_term(query.region), f"cert:{query.certification}"],
                    "code": query.certification,
                    "day": query.needed_by,
                    # {D, C, B, A}: description (B) counts half of the name (A), as in the engine.
                    "weights": [0.0, 0.0, DESCRIPTION_WEIGHT, NAME_WEIGHT],
                    "limit": limit,
                },
            )
            rows = cursor.fetchall()
        self.db.commit()
        return Answer(tuple(row[0] for row in rows))

    def size(self) -> int:
        """Table, TOAST and index bytes."""
        with self.db.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('product') + pg_total_relation_size('lapsing')")
            row = cursor.fetchone()
        self.db.commit()
        return int(row[0]) if row else 0

    def close(self) -> None:
        """Drop the schema and close the connection."""
        self.db.rollback()  # after a failed statement, the drop needs a fresh transaction
        with self.db.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        self.db.commit()
        self.db.close()


def _batches(products: Iterable[Product]) -> Iterator[list[Product]]:
    batch: list[Product] = []
    for product in products:
        batch.append(product)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
