"""RFQ to award through the HTTP API under load (issue #11): 20 users, each one step a second, on
`rantai serve --workers 2`, for SQLite and (with `--postgres`) PostgreSQL.

The users: 4 procurement officers of one BUMN and 16 verified UMKM, each with an API token. A round:

Users are spread over each second (the i-th of n starts i/n of a second late), as real users are.

1. each officer makes an RFQ from one of its open needs (3 lines) inviting 4 suppliers (`create`),
   invites 4 more (`invite`) and sends it (`send`), one step a second;
2. each supplier quotes on every RFQ it was invited to (`quote`), then revises each quote (`revise`),
   one step a second;
3. the bench moves the served platform's clock past the deadline (`RANTAI_CLOCK_FILE`) and runs
   `rantai rfq close-due` (the scheduler's close, by hand so the bench need not wait for its minute);
4. each officer compares its RFQ (`compare`, the comparison as JSON), then two officers award the same
   RFQ at the same moment, each the whole of every line split between its two cheapest bidders (`award`):
   one gets it, the other a 409 conflict (counted apart, not as an error).

Counted per step: p50/p95 latency, errors (any answer that is not the expected one), and the server's
CPU per request (utime + stime of `rantai serve`'s process tree from /proc, sampled around each phase,
whose requests are all of one step but for phase 1). After the rounds the database is asked whether any
line was awarded more than its quantity (over-awards, target 0).

    .venv/bin/python bench/rfq_flow.py [--rounds 5] [--workers 2]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/rantai_bench_rfq] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from shortlist_load import (  # noqa: E402
    _free_port,
    _recreate_postgres,
    _wait_ready,
    tree_cpu,
    used,
)

PYTHON = sys.executable
_RANTAI = [PYTHON, "-c", "from rantai.cli.main import app; app()"]
OFFICERS = 4
SUPPLIERS = 16
LINES = 3
INVITED_FIRST = 4
INVITED_MORE = 4
DEADLINE_MINUTES = 11  # the platform's minimum is 10
STEP_SECONDS = 1.0


# --- setting up (runs in a subprocess with the platform's settings) ---------------------------------------


def setup(rounds: int) -> None:
    """`--setup N`: the BUMN, its officers, its open needs (one per officer and round), the UMKM, and an
    API token each; printed as JSON."""
    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.identity import service as identity  # noqa: PLC0415
    from rantai.identity.roles import OrgType, Role  # noqa: PLC0415
    from rantai.sourcing import service as sourcing  # noqa: PLC0415
    from rantai.sourcing.rfq import service as rfq_service  # noqa: PLC0415
    from rantai.sourcing.state import NeedMove  # noqa: PLC0415
    from rantai.suppliers import service as suppliers  # noqa: PLC0415
    from rantai.suppliers.checklist import MANUAL_CHECKS  # noqa: PLC0415

    engine = make_engine(os.environ["RANTAI_DATABASE_URL"])
    password = "bench-rfq-Rantai-2026"  # noqa: S105 - throwaway users on a throwaway database
    plan: dict[str, Any] = {"officers": [], "suppliers": []}
    with transaction(make_session_factory(engine)) as session:
        buyer = identity.create_organization(session, name="PT Bench Persero", org_type=OrgType.BUMN)
        boss = identity.create_user(
            session, email="owner@bench.rantai.id", full_name="Owner", password=password
        )
        identity.add_membership(session, user=boss, organization=buyer, role=Role.OWNER)
        boss_actor = identity.actor_for(session, boss)
        rfq_service.change_buyer_settings(
            session, actor=boss_actor, organization_id=buyer.id, approval_above=10**15, payment_terms_days=30
        )
        verifier_org = identity.create_organization(
            session, name="Dinas Bench", org_type=OrgType.KEMENTERIAN_DINAS, region_code=None
        )
        verifier = identity.create_user(
            session, email="verifier@bench.rantai.id", full_name="V", password=password
        )
        identity.add_membership(session, user=verifier, organization=verifier_org, role=Role.VERIFIER)
        verifier_actor = identity.actor_for(session, verifier)
        for number in range(OFFICERS):
            user = identity.create_user(
                session,
                email=f"officer{number}@bench.rantai.id",
                full_name=f"Officer {number}",
                password=password,
            )
            identity.add_membership(session, user=user, organization=buyer, role=Role.PROCUREMENT_OFFICER)
            actor = identity.actor_for(session, user)
            needs = []
            for round_ in range(rounds):
                lines = [
                    sourcing.LineData(
                        name=f"Keripik singkong balado varian {k}",
                        quantity=1000 * (k + 1),
                        unit_code="bungkus",
                        delivery_kabkota_code="32.73",
                        budget=20_000_000 * (k + 1),
                    )
                    for k in range(LINES)
                ]
                need = sourcing.create_need(
                    session,
                    actor=actor,
                    organization_id=buyer.id,
                    data=sourcing.NeedData(title=f"Paket bench {number}-{round_}", lines=lines),
                )
                sourcing.move_need(session, actor=actor, need=need, move=NeedMove.PUBLISH)
                needs.append(need.id)
            secret, _ = identity.create_api_token(
                session, actor=boss_actor, user=user, organization_id=buyer.id, name="bench"
            )
            plan["officers"].append({"token": secret, "needs": needs})
        for number in range(SUPPLIERS):
            org = identity.create_organization(session, name=f"UD Bench {number}", org_type=OrgType.UMKM)
            owner = identity.create_user(
                session, email=f"umkm{number}@bench.rantai.id", full_name=f"UMKM {number}", password=password
            )
            identity.add_membership(session, user=owner, organization=org, role=Role.OWNER)
            actor = identity.actor_for(session, owner)
            profile = suppliers.create_profile(
                session,
                actor=actor,
                organization_id=org.id,
                data=suppliers.ProfileData(
                    business_name=f"UD Bench {number}",
                    legal_form="ud",
                    nib=f"9120{number:09d}",
                    kabkota_code="32.73",
                    kbli_codes=["10794"],
                    annual_sales=1_200_000_000,
                    phone="+6281234567890",
                ),
            )
            suppliers.submit(session, actor=actor, profile=profile)
            suppliers.verify(session, actor=verifier_actor, profile=profile, checked=MANUAL_CHECKS)
            secret, _ = identity.create_api_token(
                session, actor=actor, user=owner, organization_id=org.id, name="b"
            )
            plan["suppliers"].append({"token": secret, "id": profile.id})
    engine.dispose()
    print(json.dumps(plan))


# --- the users ---------------------------------------------------------------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(
        self, client: httpx.Client, step: str, method: str, path: str, expect: tuple[int, ...], **kwargs: Any
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            with self.lock:
                self.errors[step].append(f"{type(error).__name__}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times[step].append(elapsed)
            if response.status_code not in expect:
                self.errors[step].append(f"{response.status_code} {response.text[:200]}")
                return None
        return response


def _paced(items: list[Any], work: Any, *, user: int = 0, users: int = 1) -> None:
    """One step a second: ``work(item)`` for each item, each starting a second after the previous one; the
    ``user``-th of ``users`` starts ``user / users`` of a second late, so the users of a phase are spread
    over the second rather than all asking at its first instant (as bench/order_flow.py does)."""
    start = time.monotonic() + STEP_SECONDS * user / users
    for index, item in enumerate(items):
        wait = start + index * STEP_SECONDS - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        work(item)


def _client(base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60)


def _server_now(clock_file: Path) -> dt.datetime:
    """The served platform's clock: real time plus what the bench moved it by."""
    shift = float(clock_file.read_text() or 0) if clock_file.exists() else 0.0
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=shift)


@dataclass
class Phase:
    name: str
    requests: int
    cpu: float
    seconds: float


class Driver:
    """The users of one run: the rounds, their RFQs and comparisons, and the phases measured."""

    def __init__(
        self, base: str, plan: dict[str, Any], server_pid: int, env: dict[str, str], clock_file: Path
    ):
        self.plan, self.server_pid, self.env, self.clock_file = plan, server_pid, env, clock_file
        self.tally = Tally()
        self.phases: list[Phase] = []
        self.officers = [_client(base, o["token"]) for o in plan["officers"]]
        self.suppliers = [_client(base, s["token"]) for s in plan["suppliers"]]
        self.supplier_ids = [s["id"] for s in plan["suppliers"]]
        self.round = 0
        self.deadline = _server_now(clock_file)
        self.rfqs: dict[int, dict[str, Any]] = {}
        self.comparisons: dict[int, Any] = {}
        self.start = threading.Barrier(OFFICERS)

    def _count(self) -> int:
        return sum(len(v) for v in self.tally.times.values()) + sum(
            len(v) for v in self.tally.errors.values()
        )

    def phase(self, name: str, count: int, work: Any) -> None:
        before_n, before, started = self._count(), tree_cpu(self.server_pid), time.monotonic()
        _all(count, work)
        after, ended = tree_cpu(self.server_pid), time.monotonic()
        self.phases.append(Phase(name, self._count() - before_n, used(before, after), ended - started))

    def warm_up(self) -> None:
        """Every user asks a list a few times first, so each server process has loaded what it serves
        (lazy imports, templates, statement caches) before anything is timed."""
        for client in self.officers:
            for _ in range(3):
                client.get("/rfqs")
        for client in self.suppliers:
            for _ in range(2):
                client.get("/invitations")

    def run(self, rounds: int) -> None:
        self.warm_up()
        for round_ in range(rounds):
            self.round, self.rfqs, self.comparisons = round_, {}, {}
            self.deadline = _server_now(self.clock_file) + dt.timedelta(minutes=DEADLINE_MINUTES)
            self.phase("create, invite, send", OFFICERS, self.buyer_steps)
            self.phase("quote", SUPPLIERS, lambda i: self.supplier_steps(i, "quote"))
            self.phase("revise", SUPPLIERS, lambda i: self.supplier_steps(i, "revise"))
            self.pass_deadline()
            self.phase("compare", OFFICERS, self.compare)
            self.start = threading.Barrier(OFFICERS)
            self.phase("award", OFFICERS, self.award)
        for client in self.officers + self.suppliers:
            client.close()

    def buyer_steps(self, index: int) -> None:
        client = self.officers[index]
        need = self.plan["officers"][index]["needs"][self.round]
        invited = [
            self.supplier_ids[(index * 4 + k) % SUPPLIERS] for k in range(INVITED_FIRST + INVITED_MORE)
        ]
        state: dict[str, Any] = {}

        def create() -> None:
            body = {
                "title": f"Bench {index}-{self.round}",
                "deadline": self.deadline.isoformat(),
                "supplier_ids": invited[:INVITED_FIRST],
            }
            response = self.tally.call(client, "create", "POST", f"/needs/{need}/rfqs", (201,), json=body)
            if response is not None:
                state["rfq"] = response.json()

        def invite() -> None:
            if "rfq" in state:
                path = f"/rfqs/{state['rfq']['id']}/invite"
                self.tally.call(
                    client, "invite", "POST", path, (200,), json={"supplier_ids": invited[INVITED_FIRST:]}
                )

        def send() -> None:
            if "rfq" in state:
                self.tally.call(client, "send", "POST", f"/rfqs/{state['rfq']['id']}/send", (200,), json={})

        _paced([create, invite, send], lambda step: step(), user=index, users=OFFICERS)
        if "rfq" in state:
            lines = [line["id"] for line in state["rfq"]["lines"]]
            self.rfqs[index] = {"id": state["rfq"]["id"], "lines": lines, "invited": invited}

    def supplier_steps(self, index: int, step: str) -> None:
        mine = [r for r in self.rfqs.values() if self.supplier_ids[index] in r["invited"]]
        price = 9_000 + 97 * index + (0 if step == "quote" else -50)

        def quote(rfq: dict[str, Any]) -> None:
            lines = [
                {
                    "rfq_line_id": line,
                    "unit_price": price + k,
                    "quantity": 1000 * (k + 1),
                    "lead_time_days": 7 + index % 5,
                }
                for k, line in enumerate(rfq["lines"])
            ]
            valid = (_server_now(self.clock_file) + dt.timedelta(days=60)).date().isoformat()
            path = f"/invitations/{rfq['id']}/quote"
            self.tally.call(
                self.suppliers[index],
                step,
                "PUT",
                path,
                (200, 201),
                json={"lines": lines, "valid_until": valid},
            )

        _paced(mine, quote, user=index, users=SUPPLIERS)

    def pass_deadline(self) -> None:
        """The clock moves past the deadline; the scheduler's close runs (by hand, not waiting its minute)."""
        shift = float(self.clock_file.read_text() or 0) + (DEADLINE_MINUTES + 1) * 60
        self.clock_file.write_text(str(shift))
        subprocess.run([*_RANTAI, "rfq", "close-due"], env=self.env, check=True, capture_output=True)  # noqa: S603

    def compare(self, index: int) -> None:
        if index in self.rfqs:
            path = f"/rfqs/{self.rfqs[index]['id']}/comparison"
            response = self.tally.call(self.officers[index], "compare", "GET", path, (200,))
            if response is not None:
                self.comparisons[index] = response.json()

    def award(self, index: int) -> None:
        """Officers 2k and 2k+1 award officer 2k's RFQ at the same moment: one wins, one gets a 409."""
        target = index - index % 2
        rfq = self.rfqs.get(target)
        parts = _split_parts(self.comparisons.get(target)) if rfq else []
        self.start.wait(timeout=60)
        if not rfq or not parts:
            return
        path = f"/rfqs/{rfq['id']}/awards"
        response = self.tally.call(
            self.officers[index], "award", "POST", path, (200, 201, 409), json={"parts": parts}
        )
        if response is not None and response.status_code == 409:
            with self.tally.lock:
                self.tally.conflicts += 1


def _split_parts(comparison: Any) -> list[dict[str, int]]:
    """Every line, split between its two cheapest bidders (half each, the remainder to the cheapest)."""
    if not comparison:
        return []
    parts: list[dict[str, int]] = []
    for line in comparison["lines"]:
        cells = sorted(line["cells"], key=lambda cell: (cell["unit_price"], cell["supplier_id"]))[:2]
        quantity, line_id = line["quantity"], line["id"]
        if len(cells) == 1:
            parts.append(
                {"rfq_line_id": line_id, "supplier_id": cells[0]["supplier_id"], "quantity": quantity}
            )
            continue
        half = quantity // 2
        parts.append(
            {"rfq_line_id": line_id, "supplier_id": cells[0]["supplier_id"], "quantity": quantity - half}
        )
        parts.append({"rfq_line_id": line_id, "supplier_id": cells[1]["supplier_id"], "quantity": half})
    return parts


def _all(count: int, work: Any) -> None:
    with ThreadPoolExecutor(count) as pool:
        list(pool.map(work, range(count)))


def over_awards(env: dict[str, str]) -> int:
    """Lines whose awarded quantity (approved and waiting awards) exceeds their quantity."""
    code = (
        "from sqlalchemy import func, select\n"
        "from rantai.db import make_engine, make_session_factory\n"
        "from rantai.sourcing.rfq.models import Award, AwardLine, RfqLine\n"
        "import os\n"
        "e = make_engine(os.environ['RANTAI_DATABASE_URL'])\n"
        "with make_session_factory(e)() as s:\n"
        "    rows = s.execute(select(RfqLine.id, RfqLine.quantity, func.coalesce(func.sum(AwardLine.quantity), 0))"
        ".outerjoin(AwardLine, AwardLine.rfq_line_id == RfqLine.id)"
        ".outerjoin(Award, Award.id == AwardLine.award_id)"
        ".where((Award.status.in_(['approved', 'pending_approval'])) | (Award.id.is_(None)))"
        ".group_by(RfqLine.id, RfqLine.quantity)).all()\n"
        "    print(sum(1 for _, q, a in rows if a > q), len(rows))\n"
    )
    out = subprocess.run([PYTHON, "-c", code], env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603
    over, _lines = (int(x) for x in out.split())
    return over


# --- one database ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    backend: str
    tally: Tally
    phases: list[Phase]
    over_awards: int
    load: tuple[float, float]


def measure(args: argparse.Namespace, backend: str, url: str, folder: Path) -> Outcome:
    clock_file = folder / "clock"
    clock_file.write_text("0")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "RANTAI_DATABASE_URL": url,
        "RANTAI_DATA_DIR": str(folder / "data"),
        "RANTAI_LOG_LEVEL": "WARNING",
        "RANTAI_CLOCK_FILE": str(clock_file),
    }
    if backend == "PostgreSQL":
        _recreate_postgres(url)
    print(f"[{backend}] migrating and loading reference data ...", file=sys.stderr, flush=True)
    subprocess.run([*_RANTAI, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    plan = json.loads(
        subprocess.run(  # noqa: S603
            [PYTHON, __file__, "--setup", str(args.rounds)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    port = _free_port()
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [*_RANTAI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(port, server)
        time.sleep(2)
        load_before = os.getloadavg()[0]
        print(f"[{backend}] {args.rounds} rounds ...", file=sys.stderr, flush=True)
        driver = Driver(f"http://127.0.0.1:{port}", plan, server.pid, env, clock_file)
        driver.run(args.rounds)
        tally, phases = driver.tally, driver.phases
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    return Outcome(backend, tally, phases, over_awards(env), (load_before, load_after))


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def report(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    print(
        f"\n### RFQ to award through the API: {OFFICERS + SUPPLIERS} users, one step a second, "
        f"`rantai serve --workers {args.workers}`, {args.rounds} rounds, {os.cpu_count()} cores\n"
    )
    print("| database | step | requests | errors | p50 ms | p95 ms | target p95 |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for outcome in outcomes:
        for step in ("create", "invite", "send", "quote", "revise", "compare", "award"):
            times = outcome.tally.times.get(step, [])
            errors = len(outcome.tally.errors.get(step, []))
            p95 = _p(times, 0.95)
            print(
                f"| {outcome.backend} | {step} | {len(times)} | {errors} | {_p(times, 0.5):.0f} | "
                f"**{p95:.0f}** | 150 |"
            )
    print(
        "\n| database | phase | requests | server CPU ms per request | over-awards | award conflicts (409) | load |"
    )
    print("|---|---|---:|---:|---:|---:|---|")
    for outcome in outcomes:
        totals: dict[str, list[Phase]] = defaultdict(list)
        for phase in outcome.phases:
            totals[phase.name].append(phase)
        for name, items in totals.items():
            requests = sum(p.requests for p in items)
            cpu = sum(p.cpu for p in items)
            per = cpu * 1000 / requests if requests else float("nan")
            print(
                f"| {outcome.backend} | {name} | {requests} | {per:.1f} | {outcome.over_awards} | "
                f"{outcome.tally.conflicts} | {outcome.load[0]:.1f}-{outcome.load[1]:.1f} |"
            )
    for outcome in outcomes:
        for step, errors in outcome.tally.errors.items():
            for error in sorted(set(errors))[:5]:
                print(f"- {outcome.backend} {step}: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--setup", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup(args.setup)
        return
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="rantai-bench-rfq-") as tmp:
        folder = Path(tmp)
        if not args.no_sqlite:
            (folder / "sqlite").mkdir()
            outcomes.append(
                measure(args, "SQLite", f"sqlite:///{folder / 'sqlite' / 'bench.db'}", folder / "sqlite")
            )
        if args.postgres:
            (folder / "pg").mkdir()
            outcomes.append(measure(args, "PostgreSQL", args.postgres, folder / "pg"))
    report(outcomes, args)


if __name__ == "__main__":
    main()
