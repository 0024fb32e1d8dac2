"""The shortlist page under load (issue #9): 50 clients for 60 s, `rantai serve --workers 2`, no result cache.

For each database (a SQLite file, and PostgreSQL when `--postgres` names a database this script may drop
and re-create) the demo is loaded on a fresh database (`rantai demo --no-serve`: 3,000 suppliers, 16 BUMN
buyers with about 2,800 need lines), each demo buyer organization gets a procurement officer (the demo
buyer login is one of them), and the platform is served with `rantai serve --workers 2`.

The load generator runs in a process of its own (this script with `--generate`, asyncio over plain
HTTP/1.1 keep-alive connections, one per client). Each client logs in through the login form as one of
the buyers, then asks shortlists the way a buyer's browser does: the need page loads each line's
shortlist with an HTMX request, `GET /needs/{need}/lines/{line}/shortlist` with `HX-Request: true`
(`--full-page` asks the page without it). Every request asks a line that no other client is asking at
that moment, walking each organization's lines in turn, so nothing could be answered from a cache of
results (there is none: the engine searches for every request). Counted: answers that are not 200 or
carry no shortlist (errors, by status), connections lost with a request on them (dropped), requests per
second, latency p50/p95 of the good answers, and the server's CPU per request: utime + stime (and those
of waited-for children) of `rantai serve`'s process tree, read from `/proc/<pid>/stat` just before and
just after the timed window, divided by the requests answered in it. The generator's own CPU is counted
apart, and so are the PostgreSQL server processes serving this database.

The "before" figure comes from the same run: `--baseline REV` extracts `src/` of that commit
(`git archive`) and runs the very same measurement with it on a database of its own (`--revision REV`
measures a commit instead of the working tree). CPU per request is steady when other work shares the
machine, latency is not: `--rounds N` alternates the two codes N times. The errors the servers logged
are listed by their exception after the table.

    .venv/bin/python bench/shortlist_load.py [--seconds 60] [--clients 50] [--workers 2] [--rounds 1]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/rantai_bench_load]
        [--baseline REV] [--revision REV]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "bench-load-Rantai-2026"  # noqa: S105 - throwaway bench users on a throwaway database
DEMO_BUYER = ("pembeli@demo.rantai.id", "rantai-demo-2026")
TICKS = os.sysconf("SC_CLK_TCK")
PATH = "/needs/{need}/lines/{line}/shortlist"
MARKER = b'class="shortlist"'  # in every shortlist answer, with suppliers or without


# --- setting up a database (runs with the measured variant's code on PYTHONPATH) -------------------


def setup_buyers() -> None:
    """`--setup-buyers`: a procurement officer for every BUMN organization that has needs (the demo buyer
    login for its own), and the lines each may see; printed as JSON."""
    from sqlalchemy import select  # noqa: PLC0415

    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.identity import repository as identity_repo  # noqa: PLC0415
    from rantai.identity import service as identity  # noqa: PLC0415
    from rantai.identity.roles import Role  # noqa: PLC0415
    from rantai.sourcing.models import Need, NeedLine  # noqa: PLC0415

    engine = make_engine(os.environ["RANTAI_DATABASE_URL"])
    buyers: list[dict[str, Any]] = []
    with transaction(make_session_factory(engine)) as session:
        demo_buyer = identity_repo.user_by_email(session, DEMO_BUYER[0])
        if demo_buyer is None:
            raise RuntimeError("the demo buyer login is missing")
        demo_org = next(iter(identity.actor_for(session, demo_buyer).roles))
        rows = session.execute(
            select(Need.organization_id, Need.id, NeedLine.id)
            .join(NeedLine, NeedLine.need_id == Need.id)
            .order_by(Need.organization_id, Need.id, NeedLine.id)
        ).all()
        lines: dict[int, list[tuple[int, int]]] = {}
        for org_id, need_id, line_id in rows:
            lines.setdefault(org_id, []).append((need_id, line_id))
        for number, (org_id, org_lines) in enumerate(sorted(lines.items())):
            if org_id == demo_org:
                email, password = DEMO_BUYER
            else:
                organization = identity_repo.organization_by_id(session, org_id)
                email, password = f"bench-buyer-{number}@bench.rantai.id", PASSWORD
                user = identity.create_user(
                    session, email=email, full_name=f"Bench {number}", password=password
                )
                identity.add_membership(
                    session,
                    user=user,
                    organization=organization,  # type: ignore[arg-type]
                    role=Role.PROCUREMENT_OFFICER,
                )
            buyers.append({"email": email, "password": password, "lines": org_lines})
    engine.dispose()
    print(json.dumps(buyers))


def _recreate_postgres(url: str) -> None:
    import psycopg  # noqa: PLC0415
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{parsed.database}"')


def _drop_postgres(url: str) -> None:
    import psycopg  # noqa: PLC0415
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


# --- CPU of processes -------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the third ("state") on


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and of its children it waited for."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICKS


def process_tree(root: int) -> list[int]:
    """`root` and every process under it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def tree_cpu(root: int) -> dict[int, float]:
    return {pid: cpu_seconds(pid) for pid in process_tree(root)}


def postgres_cpu(url: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL server processes connected to this database (same machine)."""
    import psycopg  # noqa: PLC0415
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    parsed = make_url(url)
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        pids = [
            int(row[0])
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (parsed.database,),
            )
        ]
    return {pid: cpu_seconds(pid) for pid in pids}


def used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two samples (a process new in `after` counts from zero)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


# --- the load generator (its own process) ----------------------------------------------------------


class Dropped(Exception):
    """The connection was lost with a request on it."""


@dataclass
class Client:
    """One browser: a keep-alive connection and its cookies."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    idle_since: float = 0.0

    async def _connect(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, *, form: dict[str, str] | None = None, htmx: bool = False
    ) -> tuple[int, bytes]:
        # uvicorn closes a keep-alive connection idle for 5 s: open a new one rather than count a drop.
        if self.writer is None or time.monotonic() - self.idle_since > 4:
            try:
                await self._connect()
            except OSError as exc:
                raise Dropped(str(exc)) from exc
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "User-Agent: rantai-bench"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if htmx:
            lines.append("HX-Request: true")
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        reader, writer = self.reader, self.writer
        if reader is None or writer is None:
            raise Dropped("not connected")
        try:
            writer.write(head + body)
            await writer.drain()
            status, headers = await self._head(reader)
            payload = await self._body(reader, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.close()
            raise Dropped(type(exc).__name__) from exc
        for name, value in headers:
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
            elif name == "connection" and value.lower() == "close":
                self.close()
        self.idle_since = time.monotonic()
        return status, payload

    @staticmethod
    async def _head(reader: asyncio.StreamReader) -> tuple[int, list[tuple[str, str]]]:
        status_line = await reader.readuntil(b"\r\n")
        if not status_line.startswith(b"HTTP/1."):
            raise ValueError("not an HTTP answer")
        status = int(status_line.split()[1])
        headers: list[tuple[str, str]] = []
        while True:
            line = await reader.readuntil(b"\r\n")
            if line == b"\r\n":
                return status, headers
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))

    @staticmethod
    async def _body(reader: asyncio.StreamReader, headers: list[tuple[str, str]]) -> bytes:
        values = dict(headers)
        if "content-length" in values:
            return await reader.readexactly(int(values["content-length"]))
        if values.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    return b"".join(chunks)
                chunks.append(chunk[:-2])
        return b""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    dropped: int = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Lines:
    """Each organization's lines in turn, so concurrent requests ask different lines."""

    def __init__(self, lines: list[list[int]]) -> None:
        self._lines = lines
        self._next = 0

    def take(self) -> tuple[int, int]:
        need_id, line_id = self._lines[self._next % len(self._lines)]
        self._next += 1
        return need_id, line_id


async def _login(client: Client, email: str, password: str) -> None:
    for _ in range(5):
        try:
            await client.request("GET", "/login")
            status, _ = await client.request(
                "POST",
                "/login",
                form={
                    "csrf_token": client.cookies.get("rantai_csrf", ""),
                    "email": email,
                    "password": password,
                    "next": "/",
                },
            )
        except Dropped:
            continue
        if status == 303 and "rantai_session" in client.cookies:
            return
    raise RuntimeError(f"could not log in as {email}")


async def _client(
    client: Client,
    lines: Lines,
    tally: Tally,
    *,
    until: float,
    full_page: bool,
    timeout: float,
    path_template: str = PATH,
    marker: bytes = MARKER,
) -> None:
    while time.monotonic() < until:
        need_id, line_id = lines.take()
        path = path_template.format(need=need_id, line=line_id)
        started = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(
                client.request("GET", path, htmx=not full_page), timeout=timeout
            )
        except (Dropped, TimeoutError):
            client.close()
            tally.dropped += 1
            continue
        elapsed = time.perf_counter() - started
        if status != 200:
            tally.error(str(status))
        elif marker not in body:
            tally.error("200 without a shortlist")
        else:
            tally.latencies.append(elapsed)


async def _generate(args: argparse.Namespace) -> None:
    buyers = json.loads(Path(args.plan).read_text())
    clients = [Client(args.port) for _ in range(args.clients)]
    owners = [buyers[n % len(buyers)] for n in range(args.clients)]
    for client, owner in zip(clients, owners, strict=True):  # one at a time: logging in is not measured
        await _login(client, owner["email"], owner["password"])
    pools = {o["email"]: Lines(o["lines"]) for o in buyers}
    # Warm up: every worker opens the index and fills its per-process caches of reference data.

    async def run(tally: Tally, until: float) -> None:
        await asyncio.gather(
            *(
                _client(
                    client,
                    pools[owner["email"]],
                    tally,
                    until=until,
                    full_page=args.full_page,
                    timeout=30,
                    path_template=args.path,
                    marker=args.marker.encode(),
                )
                for client, owner in zip(clients, owners, strict=True)
            )
        )

    warm = Tally()
    await run(warm, time.monotonic() + args.warmup)
    print(json.dumps({"ready": True, "warmup_requests": len(warm.latencies)}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the parent sampled CPU
    tally = Tally()
    cpu_before = os.times()
    started = time.monotonic()
    await run(tally, started + args.seconds)
    elapsed = time.monotonic() - started
    cpu_after = os.times()
    own = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "latencies": tally.latencies,
                "errors": tally.errors,
                "dropped": tally.dropped,
                "generator_cpu": own,
            }
        ),
        flush=True,
    )
    for client in clients:
        client.close()


# --- one measurement --------------------------------------------------------------------------------


@dataclass
class Result:
    variant: str
    backend: str
    seconds: float
    answered: int
    errors: dict[str, int]
    dropped: int
    p50_ms: float
    p95_ms: float
    server_cpu_ms: float
    database_cpu_ms: float | None
    generator_cpu_ms: float
    load: tuple[float, float]
    logged_errors: dict[str, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped while starting")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            if sock.recv(64).startswith(b"HTTP/1.1 200"):
                return
        time.sleep(0.3)
    raise RuntimeError("the server did not start")


@dataclass
class Variant:
    """One code version on one database, loaded and ready to serve."""

    name: str
    backend: str
    url: str
    env: dict[str, str]
    folder: Path
    plan: Path


_RANTAI = [PYTHON, "-c", "from rantai.cli.main import app; app()"]


def prepare(name: str, *, src: Path, backend: str, url: str, folder: Path) -> Variant:
    """A fresh database with the demo and one buyer login per BUMN organization, for the code in `src`."""
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "RANTAI_DATABASE_URL": url,
        "RANTAI_DATA_DIR": str(folder / "data"),
        "RANTAI_LOG_LEVEL": "WARNING",
    }
    if backend == "PostgreSQL":
        _recreate_postgres(url)
    print(f"[{name} / {backend}] loading the demo ...", file=sys.stderr, flush=True)
    subprocess.run([*_RANTAI, "demo", "--no-serve"], env=env, check=True, capture_output=True)  # noqa: S603
    plan = subprocess.run(  # noqa: S603
        [PYTHON, __file__, "--setup-buyers"], env=env, check=True, capture_output=True, text=True
    ).stdout
    plan_path = folder / "plan.json"
    plan_path.write_text(plan)
    lines = sum(len(b["lines"]) for b in json.loads(plan))
    print(f"[{name} / {backend}] {lines} need lines", file=sys.stderr, flush=True)
    return Variant(name, backend, url, env, folder, plan_path)


def measure(args: argparse.Namespace, variant: Variant, round_: int) -> Result:
    """One timed run: serve, let the load generator log in and warm up, count the timed window."""
    port = _free_port()
    log_path = variant.folder / f"server-{round_}.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603
            [*_RANTAI, "serve", "--port", str(port), "--workers", str(args.workers)],
            env=variant.env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            report, cpu, database, load = _drive(args, variant, port, server)
        finally:
            server.terminate()
            server.wait(timeout=60)
    latencies = sorted(report["latencies"])
    answered = len(latencies)
    per_request = 1000 / max(answered, 1)
    print(f"[{variant.name} / {variant.backend}] round {round_}: {answered} answered", file=sys.stderr)
    return Result(
        variant=variant.name,
        backend=variant.backend,
        seconds=report["seconds"],
        answered=answered,
        errors=report["errors"],
        dropped=report["dropped"],
        p50_ms=statistics.median(latencies) * 1000 if latencies else 0.0,
        p95_ms=latencies[min(answered - 1, round(0.95 * (answered - 1)))] * 1000 if latencies else 0.0,
        server_cpu_ms=cpu * per_request,
        database_cpu_ms=database * per_request if database is not None else None,
        generator_cpu_ms=report["generator_cpu"] * per_request,
        load=load,
        logged_errors=_logged_errors(log_path),
    )


def _drive(
    args: argparse.Namespace, variant: Variant, port: int, server: subprocess.Popen[bytes]
) -> tuple[dict[str, Any], float, float | None, tuple[float, float]]:
    """The generator's report, the server's CPU seconds, PostgreSQL's (None on SQLite) and the load
    average before and after the timed window."""
    _wait_ready(port, server)
    generator = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            __file__,
            "--generate",
            "--port",
            str(port),
            "--plan",
            str(variant.plan),
            "--clients",
            str(args.clients),
            "--seconds",
            str(args.seconds),
            "--warmup",
            str(args.warmup),
            *(["--full-page"] if args.full_page else []),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if generator.stdin is None or generator.stdout is None:
        raise RuntimeError("the load generator has no pipes")
    json.loads(generator.stdout.readline())  # logged in and warmed up
    postgres = variant.backend == "PostgreSQL"
    load_before = os.getloadavg()[0]
    server_before = tree_cpu(server.pid)
    database_before = postgres_cpu(variant.url) if postgres else {}
    generator.stdin.write("go\n")
    generator.stdin.flush()
    report: dict[str, Any] = json.loads(generator.stdout.readline())
    server_after = tree_cpu(server.pid)
    database_after = postgres_cpu(variant.url) if postgres else {}
    load_after = os.getloadavg()[0]
    generator.wait(timeout=60)
    database = used(database_before, database_after) if postgres else None
    return report, used(server_before, server_after), database, (load_before, load_after)


def _logged_errors(path: Path) -> dict[str, int]:
    """What the server logged as errors, by their last line (the exception), for the report."""
    found: dict[str, int] = {}
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    for number, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = next((n for n in range(number + 1, len(lines)) if not lines[n].startswith(" ")), None)
            if end is not None:
                found[lines[end][:160]] = found.get(lines[end][:160], 0) + 1
    return found


def _extract(revision: str, into: Path) -> Path:
    """`src/` of a commit, for the before figure."""
    archive = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src"],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    into.mkdir(parents=True)
    archive_path = into / "src.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def report(results: list[Result], args: argparse.Namespace) -> None:
    what = "full page" if args.full_page else "HTMX fragment"
    print(
        f"\n{args.clients} clients, {args.seconds:.0f} s a run, rantai serve --workers {args.workers}, "
        f"GET /needs/{{need}}/lines/{{line}}/shortlist ({what}), {os.cpu_count()} cores"
    )
    print(
        "\n| code | backend | run | answered | errors | dropped | requests/s | p50 ms | p95 ms "
        "| server CPU ms/request | PostgreSQL CPU ms/request | generator CPU ms/request | load |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    runs: dict[tuple[str, str], int] = {}
    for r in results:
        runs[r.variant, r.backend] = runs.get((r.variant, r.backend), 0) + 1
        errors = sum(r.errors.values())
        detail = f" ({', '.join(f'{k}: {v}' for k, v in sorted(r.errors.items()))})" if errors else ""
        database = f"{r.database_cpu_ms:.1f}" if r.database_cpu_ms is not None else ""
        print(
            f"| {r.variant} | {r.backend} | {runs[r.variant, r.backend]} | {r.answered:,} | {errors}{detail} "
            f"| {r.dropped} | {r.per_second:.1f} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | **{r.server_cpu_ms:.1f}** "
            f"| {database} | {r.generator_cpu_ms:.1f} | {r.load[0]:.1f}-{r.load[1]:.1f} |"
        )
    for r in results:
        for error, count in r.logged_errors.items():
            print(f"server log, {r.variant} / {r.backend}: {count} x {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--full-page", action="store_true", help="ask the whole page, not the HTMX fragment")
    parser.add_argument(
        "--postgres", default=None, help="a PostgreSQL database URL this script may drop and re-create"
    )
    parser.add_argument("--baseline", default=None, help="a commit whose src/ gives the before figure")
    parser.add_argument("--revision", default=None, help="measure this commit's src/ (default: the tree)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each code, alternated")
    parser.add_argument("--only", choices=["SQLite", "PostgreSQL"], default=None)
    parser.add_argument("--logs", default=None, help="a folder to keep the servers' logs in")
    parser.add_argument("--setup-buyers", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--path", default=PATH, help=argparse.SUPPRESS)  # to compare another page
    parser.add_argument("--marker", default=MARKER.decode(), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_buyers:
        setup_buyers()
        return
    if args.generate:
        asyncio.run(_generate(args))
        return
    with tempfile.TemporaryDirectory(prefix="rantai-load-") as temp:
        report(_run_all(args, Path(temp)), args)


def _run_all(args: argparse.Namespace, folder: Path) -> list[Result]:
    codes = [
        (
            f"this tree ({args.revision})" if args.revision else "this tree",
            _extract(args.revision, folder / "after") if args.revision else ROOT / "src",
        )
    ]
    if args.baseline:
        codes.insert(0, (f"before ({args.baseline})", _extract(args.baseline, folder / "before")))
    results: list[Result] = []
    for backend, pg_url in (("SQLite", None), ("PostgreSQL", args.postgres)):
        if (args.only and backend != args.only) or (backend == "PostgreSQL" and not pg_url):
            continue
        variants: list[Variant] = []
        try:
            for number, (name, src) in enumerate(codes):
                work = folder / f"{backend}-{number}"
                work.mkdir()
                url = f"sqlite:///{work / 'bench.db'}"
                if pg_url:
                    url = pg_url if number == len(codes) - 1 else f"{pg_url}_before"
                variants.append(prepare(name, src=src, backend=backend, url=url, folder=work))
            for round_ in range(1, args.rounds + 1):
                results.extend(measure(args, variant, round_) for variant in variants)
        finally:
            for number, variant in enumerate(variants):
                if backend == "PostgreSQL":
                    _drop_postgres(variant.url)
                if args.logs:
                    Path(args.logs).mkdir(parents=True, exist_ok=True)
                    for log in variant.folder.glob("server-*.log"):
                        shutil.copy(log, Path(args.logs) / f"{backend}-{number}-{log.name}")
    return results


if __name__ == "__main__":
    main()
