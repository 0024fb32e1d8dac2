"""Server CPU per shortlist page, in process, two code versions A/B alternated (issue #9).

Not a load test (that is `bench/shortlist_load.py`, which wants a quiet machine): this one counts the
process CPU (`time.process_time()`, every thread) that the app spends on N shortlist fragments asked one
after another straight through ASGI, no HTTP server or client in between, so it can compare two versions
of the code on a busy machine. Each version runs in a process of its own (`--serve-src`), both on the same
demo database (pages are read-only); the rounds alternate A, B, A, B ... to cancel drift.

Prepare the demo once (`rantai demo --no-serve` with RANTAI_DATABASE_URL and RANTAI_DATA_DIR set), then:

    .venv/bin/python bench/shortlist_cpu.py --database sqlite:////tmp/x/bench.db --data-dir /tmp/x/data \
        --baseline REV [--rounds 4] [--pages 300] [--dump /tmp/x/pages]

`--dump DIR` writes every line's fragment, per version, to compare results byte for byte.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
DEMO_BUYER = ("pembeli@demo.rantai.id", "rantai-demo-2026")
PATH = "/needs/{need}/lines/{line}/shortlist"


# --- one version, in its own process --------------------------------------------------------------


class _Asgi:
    """The least client there is: one GET through the ASGI app, its status and body."""

    def __init__(self, app: Any, cookie: str) -> None:
        self.app = app
        self.headers = [
            (b"host", b"testserver"),
            (b"cookie", cookie.encode()),
            (b"hx-request", b"true"),
        ]

    async def get(self, path: str) -> tuple[int, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": self.headers,
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
            "state": {},
        }
        sent = False
        status = 0
        body: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(body)


def _lines() -> list[tuple[int, int]]:
    from sqlalchemy import select  # noqa: PLC0415

    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.identity import repository as identity_repo  # noqa: PLC0415
    from rantai.identity import service as identity  # noqa: PLC0415
    from rantai.sourcing.models import Need, NeedLine  # noqa: PLC0415

    engine = make_engine(os.environ["RANTAI_DATABASE_URL"])
    with transaction(make_session_factory(engine)) as session:
        buyer = identity_repo.user_by_email(session, DEMO_BUYER[0])
        org = next(iter(identity.actor_for(session, buyer).roles))  # type: ignore[arg-type]
        rows = session.execute(
            select(Need.id, NeedLine.id)
            .join(NeedLine, NeedLine.need_id == Need.id)
            .where(Need.organization_id == org)
            .order_by(Need.id, NeedLine.id)
        ).all()
    engine.dispose()
    return [(int(a), int(b)) for a, b in rows]


async def _serve(args: argparse.Namespace) -> None:
    import httpx  # noqa: PLC0415

    from rantai.app import create_served_app  # noqa: PLC0415

    lines = _lines()
    app = create_served_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await client.get("/login")
        answer = await client.post(
            "/login",
            data={
                "csrf_token": client.cookies.get("rantai_csrf", ""),
                "email": DEMO_BUYER[0],
                "password": DEMO_BUYER[1],
                "next": "/",
            },
        )
        if answer.status_code != 303 or "rantai_session" not in client.cookies:
            raise RuntimeError("could not log in")
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    asgi = _Asgi(app, cookie)
    if args.dump:
        out = Path(args.dump)
        out.mkdir(parents=True, exist_ok=True)
        with (out / "pages.txt").open("wb") as pages:
            for need, line in lines:
                status, body = await asgi.get(PATH.format(need=need, line=line))
                body = re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token" value=""', body)
                pages.write(f"=== {need}/{line} {status}\n".encode() + body + b"\n")
    turn = 0
    for _ in range(min(len(lines), 100)):  # warm up: caches, the index opened
        need, line = lines[turn % len(lines)]
        turn += 1
        await asgi.get(PATH.format(need=need, line=line))
    if args.profile:
        await _profile(asgi, lines, args)
        return
    print(json.dumps({"ready": True, "lines": len(lines)}), flush=True)
    loop = asyncio.get_running_loop()
    while True:
        command = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if not command:
            return
        pages = int(command)
        bad = 0
        before = time.process_time()
        started = time.perf_counter()
        for _ in range(pages):
            need, line = lines[turn % len(lines)]
            turn += 1
            status, body = await asgi.get(PATH.format(need=need, line=line))
            if status != 200 or b'class="shortlist"' not in body:
                bad += 1
        cpu = time.process_time() - before
        wall = time.perf_counter() - started
        print(
            json.dumps({"cpu_ms": cpu * 1000 / pages, "wall_ms": wall * 1000 / pages, "bad": bad}), flush=True
        )


async def _profile(asgi: _Asgi, lines: list[tuple[int, int]], args: argparse.Namespace) -> None:
    """cProfile of `--pages` pages, with the thread pool's work run on the event loop's thread (cProfile
    sees one thread): where the Python time goes, not the cost of the thread hops."""
    import fastapi.concurrency  # noqa: PLC0415
    import fastapi.dependencies.utils  # noqa: PLC0415
    import fastapi.routing  # noqa: PLC0415
    import starlette.concurrency  # noqa: PLC0415

    async def inline(func: Any, *a: Any, **k: Any) -> Any:
        return func(*a, **k)

    for module in (fastapi.concurrency, fastapi.dependencies.utils, fastapi.routing, starlette.concurrency):
        module.run_in_threadpool = inline  # type: ignore[attr-defined]
    profile = cProfile.Profile()
    profile.enable()
    for turn in range(args.pages):
        need, line = lines[turn % len(lines)]
        await asgi.get(PATH.format(need=need, line=line))
    profile.disable()
    profile.dump_stats(args.profile)


# --- the comparison -------------------------------------------------------------------------------


def _extract(revision: str, into: Path) -> Path:
    archive = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src"],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    into.mkdir(parents=True)
    (into / "src.tar").write_bytes(archive)
    with tarfile.open(into / "src.tar") as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _pipe(pipe: IO[str] | None) -> IO[str]:
    if pipe is None:
        raise RuntimeError("a worker without its pipes")
    return pipe


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", required=False)
    parser.add_argument("--data-dir", required=False)
    parser.add_argument("--baseline", default=None, help="a commit whose src/ is version A")
    parser.add_argument("--revision", default=None, help="a commit whose src/ is version B (default: tree)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--dump", default=None, help="a folder for every line's fragment, per version")
    parser.add_argument("--profile", default=None, help="with --serve-src: cProfile stats to this file")
    parser.add_argument("--serve-src", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_src:
        asyncio.run(_serve(args))
        return
    with tempfile.TemporaryDirectory(prefix="rantai-cpu-") as temp:
        codes: list[tuple[str, Path]] = []
        if args.baseline:
            codes.append((f"A {args.baseline}", _extract(args.baseline, Path(temp) / "a")))
        codes.append(
            (
                f"B {args.revision or 'tree'}",
                _extract(args.revision, Path(temp) / "b") if args.revision else ROOT / "src",
            )
        )
        workers = []
        for number, (name, src) in enumerate(codes):
            env = {
                **os.environ,
                "PYTHONPATH": str(src),
                "RANTAI_DATABASE_URL": args.database,
                "RANTAI_DATA_DIR": args.data_dir,
                "RANTAI_LOG_LEVEL": "WARNING",
            }
            command = [sys.executable, __file__, "--serve-src"]
            if args.dump:
                command += ["--dump", str(Path(args.dump) / f"v{number}")]
            worker = subprocess.Popen(  # noqa: S603
                command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
            print(name, _pipe(worker.stdout).readline().strip(), file=sys.stderr, flush=True)
            workers.append((name, worker))
        results: dict[str, list[float]] = {name: [] for name, _ in workers}
        for round_ in range(args.rounds):
            for name, worker in workers:
                _pipe(worker.stdin).write(f"{args.pages}\n")
                _pipe(worker.stdin).flush()
                report = json.loads(_pipe(worker.stdout).readline())
                results[name].append(report["cpu_ms"])
                print(
                    f"round {round_ + 1} {name}: {report['cpu_ms']:.2f} ms CPU/page, "
                    f"{report['wall_ms']:.2f} ms wall, {report['bad']} bad",
                    flush=True,
                )
        for _name, worker in workers:
            _pipe(worker.stdin).close()
            worker.wait(timeout=60)
        for name, values in results.items():
            print(f"{name}: median {statistics.median(values):.2f} ms, min {min(values):.2f} ms CPU/page")


if __name__ == "__main__":
    main()
