"""The matching index on disk, shared by every web worker and CLI process, kept fresh from the outbox.

Layout under ``<data_dir>/index/``: one directory per generation (a full build), and a file ``CURRENT``
naming the generation in use. ``rebuild`` writes a new generation from the database and swaps
``CURRENT`` atomically, so processes keep answering from the old one until they see the new name.

Freshness: every change queues its supplier in ``catalog_index_change`` (`index_changes`), and the commit
that queued it signals the worker (`catalog.tasks`), which drains the queue into the index
(``LiveIndex.drain``; tantivy lets one process write at a time, others wait for its commit). Readers
(every web process) only reload the commits they find (``LiveIndex.current``): no page view writes the
index (issue #10). A change shows in any process's next match once the worker has committed it, within
2 seconds (bench/index_freshness.py); a lost signal is caught by the worker's sweep every minute. The
command line (``rantai match``, ``rantai index rebuild``) may drain in its own process. The index
survives restarts; if it is missing it is built on first use.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import URL, delete, func, select
from sqlalchemy.orm import Session, aliased

from rantai.catalog.index_changes import forget  # its flush listener fills the outbox this module drains
from rantai.catalog.models import Category, IndexChange, Product, ProductCertification
from rantai.db import make_engine, make_session_factory, transaction
from rantai.matching import (
    Certificate,
    Document,
    IndexBusy,
    OfferFacts,
    SearchIndex,
    SupplierFacts,
    offer_document,
)
from rantai.matching.history import PastWin, history_document, history_profile
from rantai.matching.index import default_threads
from rantai.suppliers import past_awards
from rantai.suppliers.models import Certification, SupplierProfile, TrackRecord

log = logging.getLogger(__name__)

_CURRENT = "CURRENT"
# What a generation's documents hold, written beside them at build (`_LAYOUT_FILE`). A server start
# (`ensure`) rebuilds a generation of an older layout: 2 = the lapsing terms' end days also a column and
# each history document's delivered-place terms (issue #14). A generation without the file is layout 1.
LAYOUT = 2
_LAYOUT_FILE = "rantai-layout"
_BATCH = 500  # suppliers read from the database at a time
DRAIN_BATCH = 2000  # queued changes applied per commit
_WAIT_SECONDS = 2.0  # how long a process waits for another one's commit before answering from its copy
_KEEP_GENERATIONS = 2
PARALLEL_FROM = 100_000  # active products from which a full rebuild uses every core
MAX_PROCESSES = 8


@dataclass(frozen=True, slots=True)
class RebuildReport:
    """What a rebuild did: suppliers and products indexed, seconds taken, the generation's directory."""

    suppliers: int
    products: int
    seconds: float
    path: Path


def locality(kabkota_code: str | None) -> int:
    """The index order of a supplier's documents: its kab/kota code as a number (32.73 -> 3273), so a
    region filter reads one stretch of the index."""
    digits = (kabkota_code or "").replace(".", "")
    return int(digits) if digits.isdigit() else 0


def supplier_facts(
    profile: SupplierProfile, certificates: Sequence[Certification], record: TrackRecord | None
) -> SupplierFacts:
    """A supplier as the engine sees it. Rejected certificates do not count; pending ones do, shown
    with their validity (the verifier checks them with the profile)."""
    return SupplierFacts(
        id=str(profile.id),
        name=profile.business_name,
        verified=profile.status == "verified",
        size_class=profile.size_class,
        kabkota=profile.kabkota_code,
        lat=profile.lat,
        lng=profile.lng,
        certificates=tuple(
            Certificate(code=cert.type_code, valid_until=cert.valid_until)
            for cert in certificates
            if cert.status != "rejected"
        ),
        awards_won=record.awards_won if record else 0,
        orders_completed=record.orders_completed if record else 0,
        orders_on_time=record.orders_on_time if record else 0,
    )


def offers_of(
    session: Session, supplier_ids: Sequence[int]
) -> dict[int, tuple[SupplierFacts, list[tuple[OfferFacts, str]]]]:
    """Each supplier's facts and its active products as offers (with their description), erased
    profiles left out."""
    if not supplier_ids:
        return {}
    profiles = {
        p.id: p
        for p in session.scalars(
            select(SupplierProfile).where(
                SupplierProfile.id.in_(supplier_ids), SupplierProfile.erased_at.is_(None)
            )
        )
    }
    if not profiles:
        return {}
    ids = list(profiles)
    certs: dict[int, list[Certification]] = defaultdict(list)
    for cert in session.scalars(select(Certification).where(Certification.supplier_id.in_(ids))):
        certs[cert.supplier_id].append(cert)
    records = {
        r.supplier_id: r for r in session.scalars(select(TrackRecord).where(TrackRecord.supplier_id.in_(ids)))
    }
    inferred = aliased(Category)
    products = session.execute(
        select(Product, Category.name_id, inferred.name_id)
        .outerjoin(Category, Category.code == Product.category_code)
        .outerjoin(inferred, inferred.code == Product.inferred_category_code)
        .where(Product.supplier_id.in_(ids), Product.is_active.is_(True))
        .order_by(Product.supplier_id, Product.id)
    ).all()
    product_certs: dict[int, list[str]] = defaultdict(list)
    if products:
        for product_id, code in session.execute(
            select(ProductCertification.product_id, ProductCertification.type_code).where(
                ProductCertification.product_id.in_([p.id for p, _, _ in products])
            )
        ):
            product_certs[product_id].append(code)
    result: dict[int, tuple[SupplierFacts, list[tuple[OfferFacts, str]]]] = {
        sid: (supplier_facts(p, certs[sid], records.get(sid)), []) for sid, p in profiles.items()
    }
    for product, category, inferred_category in products:
        # The category its owner gave, else the classifier's with its confidence (issue #14).
        given = category or product.own_category
        offer = OfferFacts(
            id=str(product.id),
            name=product.name,
            category=given or inferred_category or "",
            unit=product.unit_code,
            price_min=product.price_min,
            price_max=product.price_max,
            capacity_per_month=product.capacity_per_month,
            lead_time_days=product.lead_time_days,
            moq=product.moq,
            kbli=product.kbli_code,
            hs=product.hs_code,
            certificates=tuple(product_certs.get(product.id, ())),
            category_confidence=1.0 if given else (product.inferred_category_confidence or 0.0),
        )
        description = " ".join(part for part in (product.description, product.own_category) if part)
        result[product.supplier_id][1].append((offer, description))
    return result


def documents_for(session: Session, supplier_ids: Sequence[int]) -> list[Document]:
    """The index documents of these suppliers: one per active product, and one per past award attached
    to it (its history, issue #14)."""
    # Stored in kab/kota order (offer_document's default locality), so a region filter reads one stretch.
    found = offers_of(session, supplier_ids)
    documents = [
        offer_document(supplier, offer, description=description)
        for supplier, offers in found.values()
        for offer, description in offers
    ]
    for supplier_id, awards in past_awards.histories_of(session, list(found)).items():
        supplier = found[supplier_id][0]
        wins = [
            PastWin(
                str(award.id),
                award.title,
                award.awarded_on.year,
                award.value_idr,
                award.region_code,
                award.procurement_type,
            )
            for award in awards
        ]
        profile = history_profile(wins)
        documents += [history_document(supplier, win, profile) for win in wins]
    return documents


def _all_documents(
    session: Session, counts: list[int], *, after: int = 0, up_to: int | None = None
) -> Iterator[Document]:
    """The documents of every supplier with an id in (after, up_to], a batch of suppliers at a time
    (counts[0] += suppliers)."""
    last = after
    while True:
        query = select(SupplierProfile.id).where(SupplierProfile.id > last)
        if up_to is not None:
            query = query.where(SupplierProfile.id <= up_to)
        ids = list(session.scalars(query.order_by(SupplierProfile.id).limit(_BATCH)))
        if not ids:
            return
        last = ids[-1]
        counts[0] += len(ids)
        yield from documents_for(session, ids)


def documents_between(database_url: str, after: int, up_to: int | None) -> Iterator[Document]:
    """In a process of a parallel rebuild: the documents of the suppliers with an id in (after, up_to],
    read through a connection of its own."""
    engine = make_engine(database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield from _all_documents(session, [0], after=after, up_to=up_to)
    finally:
        engine.dispose()


def supplier_ranges(session: Session, parts: int) -> list[tuple[int, int | None]]:
    """At most `parts` ranges of supplier ids, (after, up_to], with about as many active products each,
    covering every supplier (the last one is open-ended)."""
    counts = session.execute(
        select(Product.supplier_id, func.count())
        .where(Product.is_active.is_(True))
        .group_by(Product.supplier_id)
        .order_by(Product.supplier_id)
    ).all()
    total = sum(count for _, count in counts)
    bounds: list[int] = []
    running = 0
    for supplier_id, count in counts:
        running += count
        if len(bounds) < parts - 1 and running >= total * (len(bounds) + 1) / parts:
            bounds.append(supplier_id)
    edges = [0, *bounds]
    return [(edges[n], edges[n + 1] if n + 1 < len(edges) else None) for n in range(len(edges))]


class LiveIndex:
    """One process's handle on the shared on-disk index under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._index: SearchIndex | None = None
        self._stamp: int = -1
        # CURRENT as last read: its (inode, mtime, size) and the name it held. A page asks for the index
        # every time, and a stat is cheaper than reading the file (issue #9: server CPU per page).
        self._current_file = str(root / _CURRENT)
        self._current_seen: tuple[tuple[int, int, int], str] | None = None

    # -- reading ---------------------------------------------------------------------------------

    def current(self, session: Session) -> SearchIndex:
        """The index as last committed (building it first if there is none). Reads only: the queued
        changes are the worker's to apply (``drain``)."""
        with self._lock:
            return self._open(session)

    def _open(self, session: Session) -> SearchIndex:
        generation = self._current_name()
        if generation is None:
            self.rebuild(session)
            generation = self._current_name()
        if generation is None:  # a rebuild that failed raised already; this is a removed directory
            raise RuntimeError(f"the matching index under {self.root} has no current generation")
        if generation != self._generation or self._index is None:
            self._index = SearchIndex.open(self.root / generation)
            self._generation = generation
            self._stamp = self._meta_stamp()
        stamp = self._meta_stamp()
        if stamp != self._stamp:
            self._index.reload()
            self._stamp = stamp
        return self._index

    def ensure(self, session: Session) -> RebuildReport | None:
        """Build the index when there is none yet, or when the current one was built with an older
        layout than this code's (`LAYOUT`): at server start, so no request waits for it. An older
        generation is still searched right until then, only without what the newer layout adds."""
        with self._lock:
            generation = self._current_name()
            if generation is not None and layout_of(self.root / generation) >= LAYOUT:
                return None
            return self.rebuild(session)

    def _current_name(self) -> str | None:
        """The generation CURRENT names (called with the lock held). CURRENT is only ever replaced whole
        (`rebuild`: written beside it, then renamed over it), so an unchanged inode, time and size mean
        an unchanged name."""
        try:
            info = os.stat(self._current_file)
            seen = (info.st_ino, info.st_mtime_ns, info.st_size)
            if self._current_seen is not None and self._current_seen[0] == seen:
                name = self._current_seen[1]
            else:
                with open(self._current_file, encoding="utf-8") as current:
                    name = current.read().strip()
                self._current_seen = (seen, name)
        except FileNotFoundError:
            return None
        return name if name and os.path.isdir(os.path.join(self.root, name)) else None

    def _meta_stamp(self) -> int:
        """Changes whenever a process commits to the current generation (tantivy rewrites meta.json)."""
        try:
            return os.stat(os.path.join(self.root, self._generation or "", "meta.json")).st_mtime_ns
        except FileNotFoundError:
            return -1

    # -- writing ---------------------------------------------------------------------------------

    def apply_pending(self, session: Session) -> list[int]:
        """Apply one batch of queued changes to the index and commit it; the ids of the changes applied
        (the caller deletes them: ``index_changes.forget``), [] when there were none or the index stayed
        busy (another process writing) or a rebuild replaced the generation meanwhile.

        ``session`` only reads (on SQLite it holds no lock while the index is written). With no index
        yet there is nothing to apply to: the first reader builds it from the database, queue included."""
        with self._lock:
            if self._current_name() is None:
                return []
            index = self._open(session)
            pending = session.execute(
                select(IndexChange.id, IndexChange.supplier_id).order_by(IndexChange.id).limit(DRAIN_BATCH)
            ).all()
            if not pending:
                return []
            supplier_ids = sorted({sid for _, sid in pending})
            documents = documents_for(session, supplier_ids)
            deadline = time.monotonic() + _WAIT_SECONDS
            while True:
                try:
                    index.update(remove_groups=[str(sid) for sid in supplier_ids], add=documents)
                    break
                except IndexBusy:
                    if time.monotonic() > deadline:
                        log.warning("matching index busy for %.1f s; changes left queued", _WAIT_SECONDS)
                        return []
                    time.sleep(0.05)
                    index.reload()
            # The stamp is left as it was: the next `current` sees the commit and reloads this handle.
            if self._current_name() != self._generation:
                # A rebuild made another generation current meanwhile: leave the rows queued for it.
                return []
            return [cid for cid, _ in pending]

    def drain(self, session: Session) -> int:
        """Apply every queued change and delete it, in ``session``'s transaction (the worker's task
        splits the two, see ``catalog.tasks``; the command line uses this). Returns how many."""
        total = 0
        while applied := self.apply_pending(session):
            forget(session, applied)
            total += len(applied)
            if len(applied) < DRAIN_BATCH:
                break
        return total

    def rebuild(self, session: Session, *, threads: int | None = None, processes: int = 1) -> RebuildReport:
        """Build a new generation from the database and make it current; queued changes up to the start
        are covered by it and dropped, later ones stay queued.

        `processes` > 1 builds in that many processes, each reading a range of suppliers through its own
        connection (`SearchIndex.build_parallel`): they see only what is committed, so the caller must
        not have uncommitted changes that the index should hold. `parallel_processes` says how many
        are worth it."""
        started = time.perf_counter()
        self.root.mkdir(parents=True, exist_ok=True)
        with _exclusive(self.root / ".rebuild.lock"):
            # Exactly the rows queued when the build starts (committed, so the build reads their changes);
            # ids do not follow commit order, so "every id up to the highest" could drop a later commit's.
            covered = list(session.scalars(select(IndexChange.id)))
            name = "gen-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f") + f"-{os.getpid()}"
            path = self.root / name
            url = session.get_bind().engine.url
            if processes > 1 and not _in_memory(url):
                sources = [
                    partial(documents_between, url.render_as_string(hide_password=False), after, up_to)
                    for after, up_to in supplier_ranges(session, processes)
                ]
                built = SearchIndex.build_parallel(sources, path=path, plain=False)
                counts = [session.scalar(select(func.count()).select_from(SupplierProfile)) or 0]
                indexed = len(built)
            else:
                counts = [0]
                products = _Counter(_all_documents(session, counts))
                SearchIndex.build(products, path=path, plain=False, threads=threads or default_threads())
                indexed = products.count
            (path / _LAYOUT_FILE).write_text(f"{LAYOUT}\n")
            tmp = self.root / (_CURRENT + ".tmp")
            tmp.write_text(name + "\n")
            os.replace(tmp, self.root / _CURRENT)
            for start in range(0, len(covered), 1000):
                session.execute(delete(IndexChange).where(IndexChange.id.in_(covered[start : start + 1000])))
            session.flush()
            self._prune(keep=name)
        return RebuildReport(counts[0], indexed, time.perf_counter() - started, path)

    def _prune(self, *, keep: str) -> None:
        """Remove old generations (open files stay readable to processes that still use them)."""
        generations = sorted(p for p in self.root.iterdir() if p.is_dir() and p.name.startswith("gen-"))
        for old in generations[:-_KEEP_GENERATIONS]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)


def layout_of(generation: Path) -> int:
    """The layout a generation was built with (1 when it does not say: built before layouts)."""
    try:
        return int((generation / _LAYOUT_FILE).read_text().strip())
    except (OSError, ValueError):
        return 1


class _Counter:
    """Counts the documents of a stream as they pass."""

    def __init__(self, items: Iterable[Document]) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Iterator[Document]:
        for item in self._items:
            self.count += 1
            yield item


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_LIVE: dict[Path, LiveIndex] = {}
_LIVE_BY_DIR: dict[Path, LiveIndex] = {}  # by the data_dir asked for, as given (`live_index`)
_LIVE_LOCK = threading.Lock()


def parallel_processes(session: Session) -> int:
    """How many processes a full rebuild is worth: one per core this process may use (at most
    `MAX_PROCESSES`: each takes a database connection and a few hundred MB) for a large catalogue, one
    below `PARALLEL_FROM` active products (starting a process costs about a second, what one process
    indexes 20,000 products in)."""
    cores = min(_usable_cores(), MAX_PROCESSES)
    if cores < 2:
        return 1
    active = session.scalar(select(func.count()).select_from(Product).where(Product.is_active.is_(True)))
    return cores if (active or 0) >= PARALLEL_FROM else 1


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _in_memory(url: URL) -> bool:
    """A SQLite database that lives in this process only (another process would open an empty one)."""
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in ("", ":memory:") or ":memory:" in database or url.query.get("mode") == "memory"


def live_index(data_dir: Path) -> LiveIndex:
    """This process's handle on the index under ``data_dir`` (one per directory)."""
    known = _LIVE_BY_DIR.get(data_dir)
    if known is not None:  # resolving the path costs a system call per component: once per data_dir
        return known
    root = (data_dir / "index").resolve()
    with _LIVE_LOCK:
        if root not in _LIVE:
            _LIVE[root] = LiveIndex(root)
        _LIVE_BY_DIR[data_dir] = _LIVE[root]
        return _LIVE[root]
