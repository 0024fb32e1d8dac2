"""Databases for the registry benchmarks: scratch PostgreSQL databases, schema and reference data, and
imports run in a child process so that each one's peak memory is its own.

The import runs exactly what ``rantai import suppliers|products FILE`` runs: ``catalog.import_jobs.run_import``
inside one ``rantai.db.transaction``, acting as the demo operator (admin of "Operator Rantai", which
may import). The child reports its wall time (the import and its commit, not the interpreter's start)
and its peak resident memory (``VmHWM``, which includes the interpreter and the imported modules, as the
CLI's process would).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final, TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from rantai import migrations
from rantai.catalog import service as catalog_service
from rantai.db import make_engine, make_session_factory, transaction
from rantai.demo.seed import load_demo_identity
from rantai.identity import repository as identity_repo
from rantai.reference.service import load_reference_data
from registry import proposals

T = TypeVar("T")
DEFAULT_POSTGRES: Final = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
OPERATOR_EMAIL: Final = "operator@demo.rantai.id"
OPERATOR_ORGANIZATION: Final = "Operator Rantai"


@contextmanager
def scratch_postgres(admin_url: str, name: str) -> Iterator[str]:
    """A fresh database ``name`` on the server of ``admin_url``, dropped afterwards; yields its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    quoted = '"' + name.replace('"', "") + '"'
    try:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {quoted}"))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        admin.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@contextmanager
def fresh_database(backend: str, name: str, postgres_url: str) -> Iterator[str]:
    """A new prepared database, removed afterwards: an SQLite file in a temporary folder, or a scratch
    PostgreSQL database on the server of ``postgres_url``. ``backend`` is "SQLite" or "PostgreSQL".

    The name gets this process's id, so that two bench runs at once (people share the machine and its
    PostgreSQL server) never drop each other's database."""
    name = f"{name}_{os.getpid()}"
    if backend == "SQLite":
        folder = Path(tempfile.mkdtemp(prefix="rantai-bench-"))
        try:
            url = sqlite_url(folder / f"{name}.db")
            prepare(url)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        with scratch_postgres(postgres_url, name) as url:
            prepare(url)
            yield url


def prepare(url: str) -> float:
    """Migrate, load reference data, categories and the demo logins (what `make demo` needs before an
    import); returns the seconds it took. Not part of any measured figure."""
    started = time.perf_counter()
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            load_reference_data(session)
            catalog_service.ensure_categories(session)
            load_demo_identity(session)
    finally:
        engine.dispose()
    return time.perf_counter() - started


def operator(session: Any) -> tuple[int, int]:
    """The demo operator's user id and organization id."""
    user = identity_repo.user_by_email(session, OPERATOR_EMAIL)
    organization = identity_repo.organization_by_name(session, OPERATOR_ORGANIZATION)
    if user is None or organization is None:
        raise SystemExit("the demo operator is missing; run prepare() first")
    return user.id, organization.id


@dataclass(frozen=True, slots=True)
class ChildRun:
    """What one measured child process did."""

    label: str
    rows: int
    written: int  # rows inserted or updated
    rejected: int
    seconds: float
    cpu_seconds: float  # this process's user + system time over the same span (not the database server's)
    peak_mb: float  # VmHWM of the child at its end
    start_mb: float  # VmRSS of the child before the measured work (interpreter and modules)
    load: float  # the machine's 1-minute load average at the end: other work competing for the 2 cores
    details: dict[str, Any]

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB (10^6 bytes)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024 / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    return _status_mb("VmHWM")


def _child(work: Callable[..., Any], args: tuple[Any, ...], pipe: Connection) -> None:
    try:
        pipe.send(("ok", work(*args, start_mb=_status_mb("VmRSS"))))
    except BaseException as error:  # reported to the parent, which raises
        pipe.send(("error", repr(error)))
        raise
    finally:
        pipe.close()


def in_child(work: Callable[..., T], *args: Any) -> T:
    """Run ``work(*args, start_mb=...)`` in a fresh interpreter and return what it returned (an object of
    an importable module: the child's copy of the main script is not the parent's).

    The child measures its own peak (``VmHWM``, reset by ``exec``). The kernel's ``RUSAGE_CHILDREN``
    figure is not used: the child is forked from this process before it execs the new interpreter, and
    ``ru_maxrss`` counts that moment, so it reports this (larger) parent's size instead.
    """
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, args, send))
    process.start()
    send.close()
    try:
        status, payload = receive.recv()
    except EOFError:
        status, payload = "error", "the child died without a report"
    process.join()
    if status != "ok":
        raise RuntimeError(f"child failed: {payload}")
    return payload  # type: ignore[no-any-return]


def import_file(
    url: str, kind: str, path: Path, mode: str, patches: tuple[str, ...], *, start_mb: float
) -> ChildRun:
    """The measured work of a child: one import as the CLI runs it (run_import in one transaction)."""
    from rantai.catalog.import_jobs import run_import  # noqa: PLC0415 - loaded in the child, before timing
    from rantai.tabular.batches import ImportMode  # noqa: PLC0415

    proposals.apply(patches)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        user_id, organization_id = operator(session)
    started, cpu = time.perf_counter(), cpu_seconds()
    with transaction(factory) as session:
        outcome = run_import(
            session,
            kind=kind,
            path=path,
            file_name=path.name,
            mode=ImportMode(mode),
            organization_id=organization_id,
            user_id=user_id,
        )
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    engine.dispose()
    return ChildRun(
        label=kind,
        rows=outcome.rows,
        written=outcome.inserted + outcome.updated,
        rejected=outcome.rejected_rows,
        seconds=seconds,
        cpu_seconds=cpu,
        peak_mb=peak_mb(),
        start_mb=start_mb,
        load=os.getloadavg()[0],
        details={
            "inserted": outcome.inserted,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "errors": len(outcome.errors),
            "warnings": len(outcome.warnings),
            "rolled_back": outcome.rolled_back,
        },
    )


FINGERPRINT_QUERIES: Final = {
    "organizations": "SELECT name, org_type, region_code FROM organization ORDER BY name, id",
    "profiles": "SELECT nib, business_name, legal_form, npwp, province_code, kabkota_code, kecamatan_code, "
    "primary_kbli, business_capital, annual_sales, workers, phone, email, year_founded, size_class, "
    "size_basis, status, cooperative_id IS NOT NULL FROM supplier_profile ORDER BY nib",
    "kbli": "SELECT p.nib, k.kbli_code, k.is_primary FROM supplier_kbli k JOIN supplier_profile p "
    "ON p.id = k.supplier_id ORDER BY p.nib, k.kbli_code",
    "size history": "SELECT p.nib, h.size_class, h.basis FROM supplier_size_class h JOIN supplier_profile p "
    "ON p.id = h.supplier_id ORDER BY p.nib, h.id",
    "products": "SELECT p.nib, c.code, c.name, c.description, c.category_code, c.own_category, c.kbli_code, "
    "c.hs_code, c.unit_code, c.price_min, c.moq, c.capacity_per_month, c.lead_time_days FROM catalog_product c "
    "JOIN supplier_profile p ON p.id = c.supplier_id ORDER BY p.nib, c.name, c.code",
    "product certificates": "SELECT p.nib, c.name, pc.type_code FROM catalog_product_certification pc "
    "JOIN catalog_product c ON c.id = pc.product_id JOIN supplier_profile p ON p.id = c.supplier_id "
    "ORDER BY p.nib, c.name, c.code, pc.type_code",
    "supplier certificates": "SELECT p.nib, s.type_code, s.number, s.status FROM supplier_certification s "
    "JOIN supplier_profile p ON p.id = s.supplier_id ORDER BY p.nib, s.type_code, s.number",
    "search documents": "SELECT p.nib, d.document FROM catalog_supplier_search d JOIN supplier_profile p "
    "ON p.id = d.supplier_id ORDER BY p.nib",
}


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a digest of the content (ids left out) of every table an import writes, to show that
    a patched import wrote exactly what the code as it is writes."""
    engine = make_engine(url)
    found = {}
    try:
        with engine.connect() as connection:
            for name, query in FINGERPRINT_QUERIES.items():
                digest = hashlib.sha256()
                count = 0
                for row in connection.execute(text(query)):
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                found[name] = (count, digest.hexdigest()[:12])
    finally:
        engine.dispose()
    return found
