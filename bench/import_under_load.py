"""A 100,000-row supplier import while 20 people use the site (issue #9: zero errors on both databases).

For each database (a fresh SQLite file in a temporary folder; a scratch PostgreSQL database created and
dropped here, skipped with a message when the server does not answer) the schema, the reference data and
the demo logins are loaded (``registry.database.prepare``, as ``bench/import_registry.py`` does), then:

- accounts: half the clients are buyers (a procurement officer of a BUMN of their own), half are UMKM
  owners with a business profile of their own, and one admin of a dinas (a ministry-level
  ``kementerian_dinas`` organization without a region, so it may create profiles everywhere) who imports;
- the real server, ``rantai serve --workers 2``, on a free port (its log is kept and searched for errors);
- the load, in a process of its own: each client is a thread with its own cookie jar that logs in
  through the form (``GET /login`` for the CSRF cookie, ``POST /login``) and logs in again with a fresh
  session every few rounds; a buyer's round is ``POST /needs/quick`` (the one-sentence entry) then
  ``POST /needs/new`` (the form), an owner's round is ``POST /supplier/edit`` (address and workers
  changed). Each answer is counted by status; an answer counts as good only when it is the success the
  page gives (the redirect to the new need, to ``/supplier``, to ``/`` after a login; a redirect to the
  login page is an error). Lost connections and timeouts are counted apart. Latency is per request.

One load on one server and database, without a break: after a warm-up (the clients arrive over a
few seconds and log in),

1. baseline: ``--baseline-seconds`` of the load with no import running;
2. under import: the dinas admin uploads the 100,000-row supplier CSV of ``bench/registry/generate.py``
   through the web door (``POST /imports``, kind suppliers, mode ``valid_rows``; the job runs in a
   server worker's background thread) and polls the job's progress fragment (``GET /imports/<id>`` with
   ``HX-Request``) every second until it is done; the load goes on until then and for at least
   ``--min-seconds`` after the upload. The import's seconds are the job's own (``started_at`` to
   ``finished_at``) and the upload-to-done wall time; its outcome is read from the job row, and the
   needs the clients were told they saved are counted in the database.

Client figures are given for the requests begun in the baseline and for those begun while the import
ran; each error is also placed by when it began (the import checking rows, or writing: from the first
poll that saw every row checked to the end; on SQLite the write lock is held then). A server worker process that ends while the server runs (uvicorn's supervisor
kills one that misses its health check) is reported, with its log kept under ``bench/out/``. Prints
markdown, writes ``bench/out/import_under_load.md`` and this benchmark's section of
``docs/benchmarks.md`` (``--no-docs`` to leave the docs alone; a hand-written part below the ANALYSIS
marker is kept). ``--patch NAME`` repeats the run with a proposed change applied inside the bench's
server only (see PATCHES).

    .venv/bin/python bench/import_under_load.py [--rows 100000] [--clients 20] [--skip-postgres]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--patch busy-120s]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any, Final

import httpx

from registry import generate
from registry.database import fresh_database

ROOT: Final = Path(__file__).resolve().parent.parent
RANTAI: Final = str(Path(sys.executable).with_name("rantai"))
OUT: Final = ROOT / "bench" / "out" / "import_under_load.md"
DOCS: Final = ROOT / "docs" / "benchmarks.md"
SECTION: Final = "## Bulk import under load (issue #9): `bench/import_under_load.py`"
NEXT_SECTION: Final = "## Reference data load"
# Below this line, this section of docs/benchmarks.md is written by hand (what the figures mean, what
# misses and why); a new run replaces the figures above it and keeps it.
ANALYSIS: Final = "<!-- written by hand below; bench/import_under_load.py keeps it -->"
DEFAULT_POSTGRES: Final = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD: Final = "beban-uji-Rantai-2026"  # noqa: S105 - throwaway bench users on a throwaway database
# A request taking longer is counted as lost. Above SQLite's 30 s wait for the write lock, so a request
# that waited its turn is still answered and counted with its real latency.
TIMEOUT: Final = 120.0
STAGGER_SECONDS: Final = 0.25
NEXT_YEAR: Final = dt.datetime.now(dt.UTC).year + 1
KINDS: Final = (
    "login page",
    "login",
    "quick need",
    "need form",
    "profile edit",
    "import upload",
    "import progress",
)


# --- accounts ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Client:
    email: str
    role: str  # "buyer" or "owner"
    profile: dict[str, str] = field(default_factory=dict)  # an owner's profile form fields


@dataclass(frozen=True, slots=True)
class Accounts:
    clients: list[Client]
    admin: str


def _profile_values(number: int, nib: str) -> dict[str, str]:
    return {
        "business_name": f"UD Uji Beban {number}",
        "legal_form": "ud",
        "nib": nib,
        "kabkota_code": "32.73",
        "address": "Jl. Uji Beban No. 1",
        "workers": "5",
        "annual_sales": "Rp 500.000.000",
    }


def create_accounts(url: str, clients: int, taken_nibs: set[str]) -> Accounts:
    """The buyers, the UMKM owners with their profiles, and the dinas admin; not timed."""
    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.identity import service as identity  # noqa: PLC0415
    from rantai.identity.roles import OrgType, Role  # noqa: PLC0415
    from rantai.suppliers import service as suppliers  # noqa: PLC0415
    from rantai.suppliers.inputs import parse_profile  # noqa: PLC0415

    engine = make_engine(url)
    made: list[Client] = []
    nibs = (str(n) for n in range(9_999_999_999_999, 0, -1) if str(n) not in taken_nibs)
    try:
        with transaction(make_session_factory(engine), write=True) as session:
            dinas = identity.create_organization(
                session, name="Kementerian Uji Beban", org_type=OrgType.KEMENTERIAN_DINAS
            )
            admin = identity.create_user(
                session, email="dinas@bench.rantai.id", full_name="Admin Dinas", password=PASSWORD
            )
            identity.add_membership(session, user=admin, organization=dinas, role=Role.ADMIN)
            for number in range(clients):
                if number % 2 == 0:
                    org = identity.create_organization(
                        session, name=f"BUMN Uji Beban {number}", org_type=OrgType.BUMN, region_code="31.71"
                    )
                    user = identity.create_user(
                        session,
                        email=f"pembeli{number}@bench.rantai.id",
                        full_name=f"Pembeli {number}",
                        password=PASSWORD,
                    )
                    identity.add_membership(
                        session, user=user, organization=org, role=Role.PROCUREMENT_OFFICER
                    )
                    made.append(Client(user.email, "buyer"))
                else:
                    org = identity.create_organization(
                        session, name=f"UMKM Uji Beban {number}", org_type=OrgType.UMKM, region_code="32.73"
                    )
                    user = identity.create_user(
                        session,
                        email=f"pemilik{number}@bench.rantai.id",
                        full_name=f"Pemilik {number}",
                        password=PASSWORD,
                    )
                    identity.add_membership(session, user=user, organization=org, role=Role.OWNER)
                    values = _profile_values(number, next(nibs))
                    suppliers.create_profile(
                        session,
                        actor=identity.actor_for(session, user),
                        organization_id=org.id,
                        data=parse_profile(values),
                    )
                    made.append(Client(user.email, "owner", values))
            admin_email = admin.email
    finally:
        engine.dispose()
    return Accounts(made, admin_email)


# --- one timed request ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    kind: str
    began: float  # wall clock (time.time), comparable across processes
    seconds: float
    outcome: str  # "ok", an HTTP status ("503", "303 -> /login"), or an exception's class name
    detail: str = ""  # an unexpected answer's request id, or a lost connection's error


def _csrf(client: httpx.Client) -> str:
    return str(client.cookies.get("rantai_csrf", ""))


def _timed(
    samples: list[Sample],
    kind: str,
    client: httpx.Client,
    method: str,
    path: str,
    *,
    expect: tuple[int, str | None],
    **kwargs: Any,
) -> httpx.Response | None:
    """Send one request and record it. ``expect``: the status and, for a redirect, the start of its
    target that mean success."""
    began, started = time.time(), time.perf_counter()
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        samples.append(Sample(kind, began, time.perf_counter() - started, type(error).__name__, str(error)))
        return None
    seconds = time.perf_counter() - started
    status, target = expect
    location = response.headers.get("location", "")
    if response.status_code == status and (target is None or location.startswith(target)):
        samples.append(Sample(kind, began, seconds, "ok"))
    else:
        outcome = str(response.status_code) + (f" -> {location.split('?')[0]}" if location else "")
        # The request id finds the server's log line about it.
        samples.append(Sample(kind, began, seconds, outcome, response.headers.get("x-request-id", "")))
    return response


def _log_in(samples: list[Sample], base_url: str, email: str) -> httpx.Client | None:
    """A new browser: its CSRF cookie from the login page, then the login form. None when it failed."""
    client = httpx.Client(base_url=base_url, timeout=TIMEOUT, follow_redirects=False)
    page = _timed(samples, "login page", client, "GET", "/login", expect=(200, None))
    if page is None or page.status_code != 200:
        client.close()
        return None
    answer = _timed(
        samples,
        "login",
        client,
        "POST",
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": _csrf(client)},
        expect=(303, "/"),
    )
    if answer is None or answer.status_code != 303:
        client.close()
        return None
    return client


# --- the load ------------------------------------------------------------------------------------


def _client_loop(
    number: int,
    who: Client,
    base_url: str,
    stop: Event,
    think: float,
    login_every: int,
    samples: list[Sample],
) -> None:
    client: httpx.Client | None = None
    rounds = 0
    # People do not all arrive in the same second: the clients start spread over a few seconds.
    stop.wait(number * STAGGER_SECONDS)
    while not stop.is_set():
        if client is None or rounds % login_every == 0:
            if client is not None:
                client.close()
            client = _log_in(samples, base_url, who.email)
            if client is None:
                stop.wait(think)
                rounds += 1
                continue
        tag = f"{number}-{rounds}"
        if who.role == "buyer":
            _timed(
                samples,
                "quick need",
                client,
                "POST",
                "/needs/quick",
                data={
                    "text": f"keripik singkong {1000 + rounds} bungkus, halal, kirim ke Kota Bandung",
                    "csrf_token": _csrf(client),
                },
                expect=(303, "/needs/"),
            )
            stop.wait(think)
            _timed(
                samples,
                "need form",
                client,
                "POST",
                "/needs/new",
                data={
                    "title": f"Oleh-oleh kantor cabang {tag}",
                    "lines-1-name": "Keripik singkong balado 250 g",
                    "lines-1-quantity": "5.000",
                    "lines-1-unit_code": "bungkus",
                    "lines-1-delivery_kabkota_code": "32.73",
                    "lines-1-needed_by": f"31/03/{NEXT_YEAR}",
                    "lines-1-budget": "Rp 75.000.000",
                    "then": "save",
                    "csrf_token": _csrf(client),
                },
                expect=(303, "/needs/"),
            )
        else:
            values = {
                **who.profile,
                "address": f"Jl. Uji Beban No. {tag}",
                "workers": str(1 + rounds % 50),
                "csrf_token": _csrf(client),
            }
            _timed(
                samples,
                "profile edit",
                client,
                "POST",
                "/supplier/edit",
                data=values,
                expect=(303, "/supplier"),
            )
        rounds += 1
        stop.wait(think)
    if client is not None:
        client.close()


def run_load(
    base_url: str,
    clients: list[Client],
    think: float,
    login_every: int,
    stop: Event,
    ready: Event,
    results: Any,  # a multiprocessing queue
) -> None:
    """The load process: one thread per client until ``stop``; sends back every sample."""
    per_client: list[list[Sample]] = [[] for _ in clients]
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(number, who, base_url, stop, think, login_every, per_client[number]),
            daemon=True,
        )
        for number, who in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    ready.set()
    for thread in threads:
        thread.join()
    results.put([sample for samples in per_client for sample in samples])


@contextmanager
def load(base_url: str, accounts: Accounts, args: argparse.Namespace) -> Iterator[list[Sample]]:
    """Run the load in its own process while the block runs; the list is filled when the block ends."""
    context = multiprocessing.get_context("spawn")
    stop, ready, results = context.Event(), context.Event(), context.Queue()
    process = context.Process(
        target=run_load,
        args=(base_url, accounts.clients, args.think, args.login_every, stop, ready, results),
    )
    process.start()
    ready.wait(60)
    samples: list[Sample] = []
    try:
        yield samples
    finally:
        stop.set()
        samples.extend(results.get(timeout=TIMEOUT + 60))
        process.join(60)


# --- the server ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> set[int]:
    try:
        return {int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


@dataclass
class Server:
    """The running server: where it answers, its log, and the worker processes seen to end while it ran
    (uvicorn's supervisor kills a worker that does not answer its health check within 5 s and starts a
    new one; that ends the requests and the import job the worker had)."""

    base_url: str
    log_path: Path
    pid: int
    ended_workers: list[tuple[float, int]] = field(default_factory=list)  # (wall clock, pid)
    _stop: threading.Event = field(default_factory=threading.Event)

    def watch(self) -> None:
        seen = _children(self.pid)
        while not self._stop.wait(0.25):
            now = _children(self.pid)
            self.ended_workers += [(time.time(), pid) for pid in sorted(seen - now)]
            seen = now


@contextmanager
def server(url: str, folder: Path, args: argparse.Namespace, patches: tuple[str, ...]) -> Iterator[Server]:
    """The real server on a free port: ``rantai serve --workers N`` (with patches applied, see
    ``sitecustomize``)."""
    port = _free_port()
    log_path = folder / "server.log"
    env = {
        **os.environ,
        "RANTAI_DATABASE_URL": url,
        "RANTAI_DATA_DIR": str(folder / "data"),
        "RANTAI_LOG_LEVEL": args.server_log_level,
        "RANTAI_MAX_UPLOAD_MB": "200",
    }
    command = [RANTAI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)]
    if patches:
        # Every process of the server (the supervisor and each worker it spawns) imports sitecustomize
        # at start; it applies the patches as the patched modules are imported, so the server is still
        # started exactly as `rantai serve` starts it.
        (folder / "sitecustomize.py").write_text(sitecustomize(patches), encoding="utf-8")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        running = Server(f"http://127.0.0.1:{port}", log_path, process.pid)
        watcher = threading.Thread(target=running.watch, daemon=True)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{running.base_url}/healthz", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {log_path}")
                time.sleep(0.3)
            while len(_children(process.pid)) < args.workers and time.monotonic() < deadline:
                time.sleep(0.3)
            watcher.start()
            yield running
        finally:
            running._stop.set()
            if watcher.is_alive():
                watcher.join()
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- proposals for src/, measured with --patch (applied only inside this bench's own server) --------
#
# Proposed here, measured, and since applied to src/ (so no longer patches):
# - logins hash the password before they take SQLite's write lock (8f021a3): ``POST /login`` began as a
#   writer like every POST and held the lock through Argon2 (about 0.2 s of CPU), so logins and every
#   other write queued behind each other's hashes;
# - ``db.bulk_insert(..., return_ids=True)`` on SQLite numbers the rows itself instead of letting
#   SQLAlchemy send one INSERT per row (it cannot return ids in order from a multi-row INSERT there
#   without a sentinel column): the supplier import's write phase, which holds the write lock, spent
#   about a quarter of its time there (in-process, 100,000 rows: 20 s of CPU before, 15-16 s after).


@dataclass(frozen=True, slots=True)
class Patch:
    """Code run right after ``module`` is imported, in every process of the server (``module`` is bound
    to it); ``backends``: where it changes anything."""

    module: str
    code: str
    backends: frozenset[str]
    why: str


PATCHES: Final = {
    "busy-120s": Patch(
        "rantai.db",
        "module.SQLITE_BUSY_TIMEOUT_MS = 120_000",
        frozenset({"SQLite"}),
        "Not a fix but a probe: SQLite's busy timeout at 120 s instead of 30 s, to show whether anything "
        "but the 30 s limit fails while an import writes, and how long the writes then wait.",
    ),
    "healthcheck-60s": Patch(
        "uvicorn",
        "run = module.run\n"
        "def patched_run(*args, **kwargs):\n"
        "    kwargs.setdefault('timeout_worker_healthcheck', 60)\n"
        "    return run(*args, **kwargs)\n"
        "module.run = patched_run",
        frozenset({"SQLite", "PostgreSQL"}),
        "`rantai serve` gives uvicorn's supervisor 60 s (`timeout_worker_healthcheck`) instead of its "
        "default 5 s before it kills a worker that does not answer its ping. A worker spawned by "
        "`rantai serve` imports `rantai.cli.main` (the console script is its main module, which "
        "multiprocessing's spawn runs again) before its ping thread starts: about 2 s of CPU, more than 5 s "
        "on a busy 2-core machine, so replacements were killed before they started, again and again, and a "
        "worker busy with an import could be killed with the import.",
    ),
}

_SITECUSTOMIZE = """\
# Written by bench/import_under_load.py: patches applied inside this bench's server only.
import importlib.abc
import importlib.util
import sys

PATCHES = {patches!r}


class _AfterImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in PATCHES:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        code = PATCHES.pop(name)
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            exec(code, {{"module": module}})

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _AfterImport())
"""


def sitecustomize(names: Sequence[str]) -> str:
    """The text of a sitecustomize module that applies these patches."""
    codes: dict[str, str] = {}
    for name in names:
        patch = PATCHES[name]
        codes[patch.module] = "\n".join(filter(None, [codes.get(patch.module), patch.code]))
    return _SITECUSTOMIZE.format(patches=codes)


def _check_patches(value: str) -> tuple[str, ...]:
    names = tuple(name for name in value.split(",") if name)
    unknown = [name for name in names if name not in PATCHES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown patch {', '.join(unknown)}; known: {', '.join(PATCHES)}")
    return names


# --- the import ------------------------------------------------------------------------------------


@dataclass
class ImportRun:
    job_id: int = 0
    status: str = ""
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    error: str = ""
    job_seconds: float = 0.0  # the job's started_at -> finished_at
    wall_seconds: float = 0.0  # upload sent -> a poll saw it done
    upload_seconds: float = 0.0
    began: float = 0.0  # wall clock when the upload was sent
    writing_from: float = 0.0  # wall clock of the first poll that saw every row checked
    ended: float = 0.0  # wall clock of the first poll that saw it done
    samples: list[Sample] = field(default_factory=list)


_STATUS_RE = re.compile(r'data-status="([a-z]+)"')
_ROWS_RE = re.compile(r"([\d.,]+)\s+(?:rows read|baris terbaca)")


def run_import(base_url: str, email: str, csv_path: Path, rows: int) -> ImportRun:
    """Upload the file as the dinas admin and follow the job page until the job ends."""
    run = ImportRun()
    client = _log_in(run.samples, base_url, email)
    if client is None:
        raise RuntimeError("the dinas admin could not log in")
    try:
        return _follow_import(run, client, csv_path, rows)
    finally:
        client.close()


def _follow_import(run: ImportRun, client: httpx.Client, csv_path: Path, rows: int) -> ImportRun:
    with csv_path.open("rb") as handle:
        run.began = time.time()
        started = time.perf_counter()
        answer = _timed(
            run.samples,
            "import upload",
            client,
            "POST",
            "/imports",
            data={"kind": "suppliers", "mode": "valid_rows", "csrf_token": _csrf(client)},
            files={"file": ("pemasok.csv", handle, "text/csv")},
            expect=(303, "/imports/"),
        )
        run.upload_seconds = time.perf_counter() - started
        if answer is None or answer.status_code != 303:
            raise RuntimeError(f"the upload failed: {run.samples[-1]}")
        run.job_id = int(answer.headers["location"].rsplit("/", 1)[1])
        while True:
            time.sleep(1.0)
            page = _timed(
                run.samples,
                "import progress",
                client,
                "GET",
                f"/imports/{run.job_id}",
                headers={"HX-Request": "true"},
                expect=(200, None),
            )
            if page is None or page.status_code != 200:
                continue
            found = _STATUS_RE.search(page.text)
            status = found.group(1) if found else ""
            read = _ROWS_RE.search(page.text)
            if not run.writing_from and read and int(re.sub(r"\D", "", read.group(1))) >= rows:
                run.writing_from = run.samples[-1].began  # the poll that saw it began then
            if status in ("done", "failed"):
                run.ended = time.time()
                run.wall_seconds = time.perf_counter() - started
                return run
            if time.perf_counter() - started > 1800:
                raise RuntimeError("the import did not end within 30 minutes")


def read_job(url: str, run: ImportRun) -> None:
    """The job's outcome as the job row records it."""
    from rantai.db import make_engine, make_session_factory  # noqa: PLC0415
    from rantai.suppliers.models import ImportJob  # noqa: PLC0415

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            job = session.get(ImportJob, run.job_id)
            if job is None:
                raise RuntimeError(f"import job {run.job_id} is missing")
            run.status, run.error = job.status, job.error or ""
            run.rows, run.inserted, run.updated = job.rows_total or 0, job.inserted or 0, job.updated or 0
            run.rejected = job.rows_failed or 0
            if job.started_at and job.finished_at:
                run.job_seconds = (job.finished_at - job.started_at).total_seconds()
    finally:
        engine.dispose()


def saved_rows(url: str) -> dict[str, int]:
    """What the database holds of the clients' work: needs by source, profile edits of the owners."""
    from sqlalchemy import func, select  # noqa: PLC0415

    from rantai.db import make_engine, make_session_factory  # noqa: PLC0415
    from rantai.sourcing.models import Need  # noqa: PLC0415

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            counts = dict(session.execute(select(Need.source, func.count()).group_by(Need.source)).all())
    finally:
        engine.dispose()
    return {str(source): int(count) for source, count in counts.items()}


# --- figures ---------------------------------------------------------------------------------------


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Figures:
    kind: str
    requests: int
    ok: int
    errors: Counter[str]  # non-success answers by status
    lost: Counter[str]  # connection errors and timeouts by exception
    busy: int  # 503 answers
    p50: float
    p95: float
    top: float


def figures(samples: Sequence[Sample], kind: str) -> Figures:
    chosen = [s for s in samples if s.kind == kind]
    answered = [s for s in chosen if not s.outcome[0].isalpha() or s.outcome == "ok"]
    errors = Counter(s.outcome for s in answered if s.outcome != "ok")
    lost = Counter(s.outcome for s in chosen if s.outcome[0].isalpha() and s.outcome != "ok")
    seconds = [s.seconds for s in answered]
    return Figures(
        kind,
        len(chosen),
        len(chosen) - sum(errors.values()) - sum(lost.values()),
        errors,
        lost,
        sum(count for outcome, count in errors.items() if outcome.startswith("503")),
        _percentile(seconds, 0.50) * 1000,
        _percentile(seconds, 0.95) * 1000,
        max(seconds, default=0.0) * 1000,
    )


@dataclass
class Phase:
    label: str
    seconds: float
    samples: list[Sample]


@dataclass
class Result:
    backend: str  # "SQLite" or "PostgreSQL", with the patches applied if any
    samples: list[Sample]  # every client request, from the load's start to its end
    baseline: tuple[float, float]  # wall clock window of the baseline
    import_run: ImportRun
    load_seconds: float
    saved: dict[str, int]
    server_problems: list[str]
    load_average: tuple[float, float]  # 1-minute load average at the start and at the end
    ended_workers: list[tuple[float, int]]  # server worker processes that ended while it ran

    def phases(self) -> list[Phase]:
        """The requests begun in the baseline window, and those begun while the import ran (the admin's
        upload and polls among them). Not split further: the clients wait for their answer before they
        go on, so on SQLite almost none begins while the import writes (they are all waiting for it)."""
        run = self.import_run
        start, end = self.baseline
        baseline = [s for s in self.samples if start <= s.began < end]
        during = [s for s in self.samples + run.samples if run.began <= s.began <= run.ended]
        return [
            Phase("baseline, no import", end - start, baseline),
            Phase("during the import", run.ended - run.began, during),
        ]

    def when(self, sample: Sample) -> str:
        """Which part of the run a request began in."""
        run = self.import_run
        if sample.began < self.baseline[0]:
            return "in the warm-up"
        if sample.began < self.baseline[1]:
            return "in the baseline"
        if run.writing_from and run.writing_from <= sample.began <= run.ended:
            return "while the import wrote"
        if run.began <= sample.began <= run.ended:
            return "while the import checked rows"
        return "after the import" if sample.began > run.ended else "between the baseline and the upload"

    def told_saved(self) -> dict[str, int]:
        return {
            "quick": sum(1 for s in self.samples if s.kind == "quick need" and s.outcome == "ok"),
            "form": sum(1 for s in self.samples if s.kind == "need form" and s.outcome == "ok"),
        }


def _code_version() -> str:
    """The commit measured, and whether src/ had uncommitted changes (people edit it while benches run)."""

    def git(*words: str) -> str:
        found = subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603, S607
        return found.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "src")
    return f"commit {commit}" + (" with uncommitted changes in src/" if changed else "")


def _listed(counts: Counter[str]) -> str:
    return ", ".join(f"{count}x {outcome}" for outcome, count in sorted(counts.items())) or "0"


def report(results: Sequence[Result], args: argparse.Namespace, csv_rows: int) -> str:
    measured = dt.datetime.now(dt.UTC)
    intro = [
        f"`rantai serve --workers {args.workers}` on a fresh database; {args.clients} clients in a process "
        f"of their own ({args.clients // 2 + args.clients % 2} buyers: `POST /needs/quick` then "
        f"`POST /needs/new`; {args.clients // 2} UMKM owners: `POST /supplier/edit`; each logs in through "
        f"the form, with a fresh session every {args.login_every} rounds, and pauses {args.think:g} s "
        "after each request). The load runs without a break: after "
        f"{args.warm_seconds:g} s of warm-up, {args.baseline_seconds:g} s of baseline (no import), then a "
        f"dinas admin uploads a {csv_rows:,}-row supplier CSV (`bench/registry/generate.py`, ~1% bad "
        "rows) through `POST /imports` (kind suppliers, mode `valid_rows`; the job runs in a server "
        "worker's background thread) and polls its progress every second; the load goes on until the job "
        f"ends and for at least {args.min_seconds:g} s after the upload. An answer is good only when it is "
        "the page's success (the redirect to the new need, to `/supplier`, to `/` after a login); errors "
        "are every other answer and every lost connection (no 409 or 422 is expected: every form is valid and "
        'nobody else edits the same row, so none is set apart). "Writing s" runs from the first poll that '
        "saw every row checked to the end (the write transaction: on SQLite it holds the write lock). "
        f"Measured {measured:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load avg is the machine's 1-minute load at the start and the end "
        f"(other sessions share the 2 cores). Code: {_code_version()}.",
    ]
    lines = [
        SECTION,
        "",
        *textwrap.wrap(" ".join(intro), width=110, break_on_hyphens=False, break_long_words=False),
        "",
        "| database | import rows | rejected | inserted | job s | upload → done s | writing s | outcome | "
        "load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for result in results:
        run = result.import_run
        writing = run.ended - run.writing_from if run.writing_from else 0.0
        outcome = run.status + (f": {run.error}" if run.error else "")
        lines.append(
            f"| {result.backend} | {run.rows:,} | {run.rejected:,} | {run.inserted:,} | {run.job_seconds:.1f} | "
            f"{run.wall_seconds:.1f} | ~{writing:.0f} | {outcome} | {result.load_average[0]:.1f} → "
            f"{result.load_average[1]:.1f} |"
        )
    lines += [
        "",
        "| database | phase | request | requests | good | error answers | of them 503 | lost connections | "
        "p50 ms | p95 ms | max ms |",
        "|---|---|---|---:|---:|---|---:|---|---:|---:|---:|",
    ]
    verdicts = []
    for result in results:
        for phase in result.phases():
            for kind in KINDS:
                found = figures(phase.samples, kind)
                if not found.requests:
                    continue
                lines.append(
                    f"| {result.backend} | {phase.label} ({phase.seconds:.0f} s) | {kind} | {found.requests:,} | "
                    f"{found.ok:,} | {_listed(found.errors)} | {found.busy} | {_listed(found.lost)} | {found.p50:,.0f} | {found.p95:,.0f} | "
                    f"{found.top:,.0f} |"
                )
        everything = result.samples + result.import_run.samples
        bad = [s for s in everything if s.outcome != "ok"]
        verdicts.append(
            f"- **{result.backend}: {len(bad)} errors in {len(everything):,} requests over "
            f"{result.load_seconds:.0f} s ({'met' if not bad else 'missed'})**; the import ended "
            f"`{run_status(result)}`."
        )
        by_kind = Counter((s.kind, s.outcome, result.when(s)) for s in bad)
        for (kind, outcome, when), count in sorted(by_kind.items()):
            slowest = max(
                s.seconds for s in bad if (s.kind, s.outcome, result.when(s)) == (kind, outcome, when)
            )
            verdicts.append(f"  - {count}x {kind} begun {when}: {outcome} (after up to {slowest:.1f} s)")
        if bad:
            logged = next(
                (line for line in result.server_problems if bad[0].detail and f"[{bad[0].detail}]" in line),
                "",
            )
            verdicts.append(
                f"  - for example: `{bad[0].detail}`" + (f", logged as `{logged}`" if logged else "")
            )
        told, saved = result.told_saved(), result.saved
        verdicts.append(
            f"- {result.backend}: needs the clients were told were saved: quick {told['quick']:,}, "
            f"form {told['form']:,}; in the database: quick {saved.get('quick', 0):,}, "
            f"form {saved.get('form', 0):,}."
        )
        if result.ended_workers:
            ended = Counter(result.when(Sample("", moment, 0.0, "")) for moment, _pid in result.ended_workers)
            verdicts.append(
                f"- {result.backend}: {len(result.ended_workers)} server worker processes ended while it ran ("
                + ", ".join(f"{count} {when}" for when, count in ended.items())
                + "); uvicorn's supervisor kills a worker that does not answer its ping in time and starts "
                "another (its log, kept under `bench/out/`, says `Child process [...] died`)."
            )
        if result.server_problems:
            verdicts.append(
                f"- {result.backend}: the server log has {len(result.server_problems)} warning or error "
                f"lines, first: `{result.server_problems[0][:300]}`"
            )
    lines += ["", *verdicts, ""]
    names = sorted({name for patches in args.patch for name in patches})
    if names:
        lines += ["Patches (proposed changes to src/, applied only inside this bench's server):", ""]
        lines += [f"- `{name}`: {PATCHES[name].why}" for name in names]
        lines.append("")
    return "\n".join(lines)


def run_status(result: Result) -> str:
    run = result.import_run
    return f"{run.status}" + (f" ({run.error})" if run.error else "")


# --- one database ----------------------------------------------------------------------------------


def _server_problems(log_path: Path) -> list[str]:
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return [
        line
        for line in text.splitlines()
        if any(word in line for word in ("WARNING", "ERROR", "Traceback", "Exception", "CRITICAL"))
    ]


def measure(
    backend: str, url: str, args: argparse.Namespace, files: generate.Files, patches: tuple[str, ...]
) -> Result:
    taken = {generate.nib_for(index) for index in range(files.suppliers)}
    accounts = create_accounts(url, args.clients, taken)
    label = backend + (f", `--patch {','.join(patches)}`" if patches else "")
    with (
        tempfile.TemporaryDirectory(prefix="rantai-under-load-") as folder,
        server(url, Path(folder), args, patches) as running,
    ):
        load_start = os.getloadavg()[0]
        started = time.perf_counter()
        with load(running.base_url, accounts, args) as samples:
            time.sleep(args.warm_seconds)
            print(f"  baseline: {args.clients} clients for {args.baseline_seconds:g} s", file=sys.stderr)
            baseline = (time.time(), time.time() + args.baseline_seconds)
            time.sleep(args.baseline_seconds)
            print(f"  under import: {files.suppliers:,} rows", file=sys.stderr)
            run = run_import(running.base_url, accounts.admin, files.suppliers_csv, files.suppliers)
            remaining = args.min_seconds - (time.time() - run.began)
            if remaining > 0:
                time.sleep(remaining)
        load_seconds = time.perf_counter() - started
        load_end = os.getloadavg()[0]
        ended_workers = list(running.ended_workers)
        problems = _server_problems(running.log_path)
        if problems or ended_workers:
            name = (
                f"import_under_load-{backend.lower()}{'-' + '-'.join(patches) if patches else ''}-server.log"
            )
            kept = ROOT / "bench" / "out" / name
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(running.log_path.read_bytes())
            print(f"  server log kept in {kept}", file=sys.stderr)
    read_job(url, run)
    return Result(
        label,
        samples,
        baseline,
        run,
        load_seconds,
        saved_rows(url),
        problems,
        (load_start, load_end),
        ended_workers,
    )


def _postgres_reachable(admin_url: str) -> str | None:
    """None when the server answers, else why not."""
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    engine = create_engine(admin_url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means: skip PostgreSQL, and say why
        return str(error).splitlines()[0]
    finally:
        engine.dispose()
    return None


def write_docs(section: str, path: Path) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (or add it before the reference data's),
    leaving every other section as it is."""
    text = path.read_text(encoding="utf-8")
    body = section.rstrip("\n") + "\n\n"
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        old = text[start : end + 1] if end >= 0 else text[start:]
        kept = old.find(ANALYSIS)
        if kept >= 0:  # the hand-written reading of the figures stays below the new ones
            body += old[kept:].rstrip("\n") + "\n\n"
        text = text[:start] + body + (text[end + 1 :] if end >= 0 else "")
    else:
        anchor = text.find(NEXT_SECTION)
        text = text[:anchor] + body + text[anchor:] if anchor >= 0 else text.rstrip("\n") + "\n\n" + body
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="supplier rows in the imported file")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=0.5, help="each client's pause between requests, s")
    parser.add_argument("--login-every", type=int, default=5, help="rounds between fresh logins")
    parser.add_argument("--baseline-seconds", type=float, default=30.0)
    parser.add_argument("--min-seconds", type=float, default=30.0, help="shortest load under import")
    parser.add_argument("--warm-seconds", type=float, default=10.0, help="load before the baseline")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("RANTAI_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="a server's maintenance database; the bench creates and drops rantai_bench_import_<pid>",
    )
    parser.add_argument(
        "--server-log-level",
        default="INFO",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="INFO keeps uvicorn's supervisor messages (a worker killed and restarted) in the kept log",
    )
    parser.add_argument(
        "--patch",
        action="append",
        default=[],
        type=_check_patches,
        help=f"also measure with these proposals applied in the server (comma-separated): {', '.join(PATCHES)}",
    )
    parser.add_argument("--skip-as-is", action="store_true", help="measure only the --patch variants")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args(argv)
    # The supplier file is the same whatever the product count; one product per supplier is cheapest.
    files = generate.cached_files(args.rows, args.rows)
    results = []
    failures: list[str] = []
    for backend, skip in (("SQLite", args.skip_sqlite), ("PostgreSQL", args.skip_postgres)):
        if skip:
            continue
        if backend == "PostgreSQL":
            why = _postgres_reachable(args.postgres_url)
            if why is not None:
                print(f"== PostgreSQL skipped: the server does not answer ({why})", file=sys.stderr)
                continue
        variants = ([] if args.skip_as_is else [()]) + [
            patches for patches in args.patch if all(backend in PATCHES[name].backends for name in patches)
        ]
        for patches in variants:
            print(f"== {backend} {','.join(patches)}", file=sys.stderr)
            try:
                with fresh_database(backend, "rantai_bench_import", args.postgres_url) as url:
                    results.append(measure(backend, url, args, files, patches))
            except Exception as error:  # the other variants still run and are reported
                traceback.print_exc()
                failures.append(f"- **{backend} {','.join(patches)}: the run failed: {error}**")
    text = report(results, args, files.suppliers) + "".join(line + "\n" for line in failures)
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    if not args.no_docs and results:
        write_docs(text, DOCS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
