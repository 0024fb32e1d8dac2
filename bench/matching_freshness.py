"""Freshness of matching across web worker processes (issue #4: a change shows within 2 seconds).

Builds the demo (3,000 suppliers) on a fresh SQLite file in a temporary folder, gives one verified demo
supplier and the demo buyer API tokens, records one need line per trial whose words no product holds
yet ("Zamrud1 Nilam1", ...), and serves the platform with `rantai serve --workers 3`. Each trial
renames one of the supplier's products through the API (the request commits before it returns), then
asks that line's matches through the API on a new connection each time (so the requests spread over
the three processes) until the supplier is on the shortlist. The figure is the time from the rename's
response to the first answer that shows it.

Baseline, same run: what keeping the index fresh would cost without the outbox, by rebuilding it from
the database after a change (`rantai index rebuild`, whole index).

    .venv/bin/python bench/matching_freshness.py [--trials 20] [--workers 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RANTAI = str(Path(sys.executable).with_name("rantai"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(port: int, method: str, path: str, token: str, body: object | None = None) -> tuple[int, object]:
    """One request on a new connection (so successive requests may reach different workers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Connection": "close"}
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, json.loads(payload) if payload else None


def _setup(
    env: dict[str, str], trials: int
) -> tuple[str, str, int, list[tuple[int, int]], dict[str, object]]:
    """Tokens for a verified supplier and the demo buyer, the supplier's product, and one line per trial."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.update(env)
    from sqlalchemy import select  # noqa: PLC0415

    from rantai.catalog.models import Product  # noqa: PLC0415
    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.identity import repository as identity_repo  # noqa: PLC0415
    from rantai.identity import service as identity  # noqa: PLC0415
    from rantai.identity.roles import Role  # noqa: PLC0415
    from rantai.sourcing import service as sourcing  # noqa: PLC0415
    from rantai.suppliers.models import SupplierProfile  # noqa: PLC0415

    engine = make_engine(env["RANTAI_DATABASE_URL"])
    with transaction(make_session_factory(engine)) as session:
        profile = session.scalars(
            select(SupplierProfile).where(SupplierProfile.status == "verified").order_by(SupplierProfile.id)
        ).first()
        product = (
            session.scalars(select(Product).where(Product.supplier_id == profile.id)).first()
            if profile
            else None
        )
        if profile is None or product is None:
            raise RuntimeError("the demo has no verified supplier with a product")
        org = identity_repo.organization_by_id(session, profile.organization_id)
        owner = identity.create_user(
            session,
            email="bench-owner@contoh.co.id",
            full_name="Bench",
            password="freshness-check-2026",  # noqa: S106 - a throwaway bench user
        )
        identity.add_membership(session, user=owner, organization=org, role=Role.OWNER)  # type: ignore[arg-type]
        supplier_secret, _ = identity.create_api_token(
            session,
            actor=identity.actor_for(session, owner),
            user=owner,
            organization_id=profile.organization_id,
            name="bench",
        )
        buyer = identity_repo.user_by_email(session, "pembeli@demo.rantai.id")
        admin = identity_repo.user_by_email(session, "approver@demo.rantai.id")  # the buyer org's admin
        if buyer is None or admin is None:
            raise RuntimeError("the demo buyer logins are missing")
        buyer_actor = identity.actor_for(session, buyer)
        buyer_org = next(iter(buyer_actor.roles))
        buyer_secret, _ = identity.create_api_token(
            session,
            actor=identity.actor_for(session, admin),
            user=buyer,
            organization_id=buyer_org,
            name="bench",
        )
        lines = []
        for trial in range(trials):
            need = sourcing.create_need(
                session,
                actor=buyer_actor,
                organization_id=buyer_org,
                data=sourcing.NeedData(
                    title=f"Uji {trial}", lines=[sourcing.LineData(name=f"Zamrud{trial} Nilam{trial}")]
                ),
            )
            session.flush()
            line_id = sourcing.repository.lines_of(session, need.id)[0].id
            lines.append((need.id, line_id))
        base = {
            "name": product.name,
            "unit_code": product.unit_code,
            "capacity_per_month": product.capacity_per_month,
        }
        product_id, supplier_id = product.id, profile.id
    engine.dispose()
    return supplier_secret, buyer_secret, product_id, lines, {**base, "supplier_id": supplier_id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rantai-fresh-") as folder:
        base = Path(folder)
        port = _free_port()
        env = {
            **os.environ,
            "RANTAI_DATABASE_URL": f"sqlite:///{base / 'demo.db'}",
            "RANTAI_DATA_DIR": str(base / "data"),
            "RANTAI_LOG_LEVEL": "WARNING",
        }
        subprocess.run([RANTAI, "demo", "--no-serve"], env=env, check=True, capture_output=True)  # noqa: S603
        supplier, buyer, product_id, lines, product = _setup(env, args.trials)
        started = time.perf_counter()
        subprocess.run([RANTAI, "index", "rebuild"], env=env, check=True, capture_output=True)  # noqa: S603
        rebuild = time.perf_counter() - started
        server = subprocess.Popen(  # noqa: S603
            [RANTAI, "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if _call(port, "GET", f"/api/v1/needs/{lines[0][0]}", buyer)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start")
                time.sleep(0.2)
            # Warm every worker's index handle (the first match in a process opens the index).
            for _ in range(args.workers * 4):
                _call(
                    port,
                    "GET",
                    f"/api/v1/needs/{lines[0][0]}/lines/{lines[0][1]}/matches?include_unverified=true",
                    buyer,
                )
            delays, polls = _trials(port, supplier, buyer, product_id, lines, product)
        finally:
            server.terminate()
            server.wait(timeout=30)
    _report(args.workers, delays, polls, rebuild)


def _trials(
    port: int,
    supplier: str,
    buyer: str,
    product_id: int,
    lines: list[tuple[int, int]],
    product: dict[str, object],
) -> tuple[list[float], list[int]]:
    """Seconds from each rename's response to the first matches answer that shows it, and polls taken."""
    delays, polls = [], []
    for trial, (need_id, line_id) in enumerate(lines):
        body = {
            "name": f"Zamrud{trial} Nilam{trial}",
            "unit_code": product["unit_code"],
            "capacity_per_month": product["capacity_per_month"],
        }
        status, _ = _call(port, "PUT", f"/api/v1/supplier/products/{product_id}", supplier, body)
        if status != 200:
            raise RuntimeError(f"the product update answered {status}")
        changed = time.perf_counter()
        count = 0
        while True:
            count += 1
            status, found = _call(port, "GET", f"/api/v1/needs/{need_id}/lines/{line_id}/matches", buyer)
            if status != 200:
                raise RuntimeError(f"matches answered {status}: {found}")
            items = found["items"] if isinstance(found, dict) else []
            if any(item["supplier"]["id"] == product["supplier_id"] for item in items):
                break
            if time.perf_counter() - changed > 10:
                raise RuntimeError(f"trial {trial}: the change did not show within 10 s")
        delays.append(time.perf_counter() - changed)
        polls.append(count)
    return delays, polls


def _report(workers: int, delays: list[float], polls: list[int], rebuild: float) -> None:
    delays_ms = sorted(d * 1000 for d in delays)
    p95 = delays_ms[min(len(delays_ms) - 1, round(0.95 * (len(delays_ms) - 1)))]
    print(f"workers: {workers}; trials: {len(delays_ms)}; demo suppliers: 3000")
    print(
        f"change -> visible in matches: median {statistics.median(delays_ms):.0f} ms, p95 {p95:.0f} ms, "
        f"max {delays_ms[-1]:.0f} ms; polls per trial: {statistics.mean(polls):.1f}"
    )
    print(f"baseline: full index rebuild after a change (rantai index rebuild): {rebuild * 1000:.0f} ms")


if __name__ == "__main__":
    main()
