"""Award to settlement through the HTTP API under load (issue #12): 20 users, each one step a second, on
`rantai serve --workers 2`, for SQLite and (with `--postgres`) PostgreSQL.

The users: 4 procurement officers of one BUMN (a PPN and PPh 22 collector) and 16 verified UMKM (a
quarter PKP, a quarter PKP with a PP 55 certificate, a quarter neither, a quarter with the certificate
only), each with an API token. The setup (a subprocess, through the services, not the API) gives every
officer, for every round, two approved awards, each split line by line between two suppliers: the RFQs are
sent and quoted, then, the clock moved past their deadline (``rantai.kit.clock.travel``), closed and
awarded; the served platform's clock is then moved as far (``RANTAI_CLOCK_FILE``), so it is after the
awards. So in a round each officer has 4 purchase orders and each supplier one. A round, each user paced
at one step a second (the users of a phase spread over the second):

1. each officer issues the POs of its two awards (`issue`, ``POST /awards/{id}/orders``);
2. each supplier accepts its PO (`accept`);
3. each supplier ships it in two deliveries, half of every line then the rest, each with its surat jalan
   (`deliver`);
4. each officer records a BAST per delivery, one unit of the second one rejected with a reason
   (`receive`);
5. each supplier invoices what was accepted, with its e-Faktur serial when PKP (`invoice`);
6. each officer pays each invoice in two transfers: half, then the rest, which settles it (`pay`).

Counted per step: p50/p95 latency, errors (any answer that is not the expected one, or a second payment
that leaves the invoice unsettled), and the server's CPU per request: utime + stime of `rantai serve`'s
web processes (its process tree less the background worker it starts) from /proc, sampled around each
phase, whose requests are all of one step. On PostgreSQL the database server's processes serving the
bench database are counted apart. The PDFs of the POs and BAST are rendered by jobs in that worker, so
they are measured apart: after the rounds the bench waits until no ``orders_document`` is queued and
reports, from request to ready, p50/p95, and the worker's CPU per document (skipped when WeasyPrint is not
installed). At the end the database is asked: PO, BAST and invoice numbers unique and, per series,
exactly 1..n; accepted never above ordered (nor accepted plus rejected above shipped); invoiced never above
accepted; every line's counters equal to the sum of its BAST and invoice lines; every invoice paid in full
settled (Lunas: cash received plus PPN collected plus PPh withheld equals its total).

    .venv/bin/python bench/order_flow.py [--rounds 5] [--workers 2]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/rantai_bench_orders] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
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
    postgres_cpu,
    process_tree,
    tree_cpu,
    used,
)

PYTHON = sys.executable
_RANTAI = [PYTHON, "-c", "from rantai.cli.main import app; app()"]
OFFICERS = 4
SUPPLIERS = 16
AWARDS_PER_OFFICER = 2  # per round: 4 x 2 awards x 2 suppliers, so every supplier has one PO a round
LINES = 3
TRAVEL = dt.timedelta(days=2)  # past the RFQs' deadline (a day away) when the awards are made
STEP_SECONDS = 1.0
STEPS = ("issue", "accept", "deliver", "receive", "invoice", "pay")
BUYER_CODE = "BENCH"
PASSWORD = "bench-orders-Rantai-2026"  # noqa: S105 - throwaway users on a throwaway database
WIB = dt.timezone(dt.timedelta(hours=7))
DOCUMENT_WAIT = 180  # seconds to wait for the PDF jobs after the rounds


# --- setting up (runs in a subprocess with the platform's settings) ---------------------------------------


def _tax_of(number: int) -> tuple[bool, bool]:
    """Supplier ``number``'s tax status: (PKP, holds a PP 55 certificate)."""
    return number % 4 in (0, 1), number % 4 in (1, 3)


def setup(rounds: int) -> None:
    """`--setup N`: the BUMN with its settings, its officers, the UMKM with their tax status, an API token
    each, and for every officer and round its approved awards; printed as JSON."""
    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.identity import service as identity  # noqa: PLC0415
    from rantai.identity.roles import OrgType, Role  # noqa: PLC0415
    from rantai.kit import clock  # noqa: PLC0415
    from rantai.sourcing.rfq import awards  # noqa: PLC0415
    from rantai.sourcing.rfq import service as rfq_service  # noqa: PLC0415
    from rantai.sourcing.rfq.awards import AwardPart  # noqa: PLC0415

    engine = make_engine(os.environ["RANTAI_DATABASE_URL"])
    plan: dict[str, Any] = {"officers": [], "suppliers": [], "shift": TRAVEL.total_seconds()}
    with transaction(make_session_factory(engine)) as session:
        buyer = identity.create_organization(session, name="PT Bench Order Persero", org_type=OrgType.BUMN)
        boss = identity.create_user(
            session, email="owner@orders.bench.rantai.id", full_name="Owner", password=PASSWORD
        )
        identity.add_membership(session, user=boss, organization=buyer, role=Role.OWNER)
        boss_actor = identity.actor_for(session, boss)
        rfq_service.change_buyer_settings(
            session,
            actor=boss_actor,
            organization_id=buyer.id,
            approval_above=10**15,
            payment_terms_days=30,
            orders=rfq_service.OrderSettings(
                code=BUYER_CODE, npwp="0123456789012345", ppn_collector=True, pph22_collector=True
            ),
        )
        bidders = _suppliers(session, plan)
        made = []
        for number in range(OFFICERS):
            user = identity.create_user(
                session,
                email=f"officer{number}@orders.bench.rantai.id",
                full_name=f"Officer {number}",
                password=PASSWORD,
            )
            identity.add_membership(session, user=user, organization=buyer, role=Role.PROCUREMENT_OFFICER)
            actor = identity.actor_for(session, user)
            for round_ in range(rounds):
                for k in range(AWARDS_PER_OFFICER):
                    pair = [bidders[2 * (number * AWARDS_PER_OFFICER + k) + j] for j in (0, 1)]
                    rfq, lines = _quoted_rfq(session, actor, buyer.id, f"{number}-{round_}-{k}", pair)
                    made.append((number, round_, actor, rfq, lines, pair))
            secret, _ = identity.create_api_token(
                session, actor=boss_actor, user=user, organization_id=buyer.id, name="bench"
            )
            plan["officers"].append({"token": secret, "awards": [[] for _ in range(rounds)]})
        # Past the deadline: closed by the scheduler's sweep, each RFQ's lines split between its two bidders.
        with clock.travel(TRAVEL):
            rfq_service.close_due(session)
            for number, round_, actor, rfq, lines, pair in made:
                session.refresh(rfq)
                parts = []
                for line in lines:
                    half = line.quantity // 2
                    parts.append(AwardPart(line.id, pair[0][0], line.quantity - half))
                    parts.append(AwardPart(line.id, pair[1][0], half))
                award = awards.make_award(session, actor=actor, rfq=rfq, parts=parts)
                if award.status != "approved":
                    raise RuntimeError(f"award {award.id} is {award.status}, not approved")
                plan["officers"][number]["awards"][round_].append(award.id)
    engine.dispose()
    print(json.dumps(plan))


def _suppliers(session: Any, plan: dict[str, Any]) -> list[tuple[int, Any]]:
    """The verified UMKM with their declared tax status and an API token each: (profile id, actor)."""
    from rantai.identity import service as identity  # noqa: PLC0415
    from rantai.identity.roles import OrgType, Role  # noqa: PLC0415
    from rantai.kit import clock  # noqa: PLC0415
    from rantai.orders import supplier_tax  # noqa: PLC0415
    from rantai.suppliers import service as suppliers  # noqa: PLC0415
    from rantai.suppliers.checklist import MANUAL_CHECKS  # noqa: PLC0415

    verifier_org = identity.create_organization(
        session, name="Dinas Bench Orders", org_type=OrgType.KEMENTERIAN_DINAS, region_code=None
    )
    verifier = identity.create_user(
        session, email="verifier@orders.bench.rantai.id", full_name="V", password=PASSWORD
    )
    identity.add_membership(session, user=verifier, organization=verifier_org, role=Role.VERIFIER)
    verifier_actor = identity.actor_for(session, verifier)
    bidders = []
    for number in range(SUPPLIERS):
        org = identity.create_organization(session, name=f"UD Order Bench {number}", org_type=OrgType.UMKM)
        owner = identity.create_user(
            session,
            email=f"umkm{number}@orders.bench.rantai.id",
            full_name=f"UMKM {number}",
            password=PASSWORD,
        )
        identity.add_membership(session, user=owner, organization=org, role=Role.OWNER)
        actor = identity.actor_for(session, owner)
        profile = suppliers.create_profile(
            session,
            actor=actor,
            organization_id=org.id,
            data=suppliers.ProfileData(
                business_name=f"UD Order Bench {number}",
                legal_form="ud",
                nib=f"9130{number:09d}",
                kabkota_code="32.73",
                kbli_codes=["10794"],
                annual_sales=1_200_000_000,
                phone="+6281234567890",
            ),
        )
        suppliers.submit(session, actor=actor, profile=profile)
        suppliers.verify(session, actor=verifier_actor, profile=profile, checked=MANUAL_CHECKS)
        pkp, final_tax = _tax_of(number)
        supplier_tax.change_tax_status(
            session,
            actor=actor,
            profile=profile,
            pkp=pkp,
            final_tax_certificate=f"SK-PP55-{number:04d}" if final_tax else None,
            final_tax_valid_until=dt.date(2099, 12, 31) if final_tax else None,
            today=clock.today(),
        )
        secret, _ = identity.create_api_token(
            session, actor=actor, user=owner, organization_id=org.id, name="b"
        )
        plan["suppliers"].append({"token": secret, "id": profile.id, "pkp": pkp})
        bidders.append((profile.id, actor))
    return bidders


def _quoted_rfq(
    session: Any, actor: Any, organization_id: int, name: str, pair: list[tuple[int, Any]]
) -> tuple[Any, list[Any]]:
    """An open need made into an RFQ to the two suppliers of ``pair``, sent, and quoted by both in full
    (the first cheaper); its deadline a day away. Returns the RFQ and its lines."""
    from rantai.kit import clock  # noqa: PLC0415
    from rantai.sourcing import service as sourcing  # noqa: PLC0415
    from rantai.sourcing.rfq import quotes  # noqa: PLC0415
    from rantai.sourcing.rfq import repository as rfq_repository  # noqa: PLC0415
    from rantai.sourcing.rfq import service as rfq_service  # noqa: PLC0415
    from rantai.sourcing.rfq.quotes import QuoteData, QuoteLineData  # noqa: PLC0415
    from rantai.sourcing.rfq.service import RfqData  # noqa: PLC0415
    from rantai.sourcing.state import NeedMove  # noqa: PLC0415

    need_lines = [
        sourcing.LineData(
            name=f"Keripik singkong balado varian {line}",
            quantity=100 * (line + 1),
            unit_code="bungkus",
            delivery_kabkota_code="32.73",
            budget=1_500_000 * (line + 1),
        )
        for line in range(LINES)
    ]
    need = sourcing.create_need(
        session,
        actor=actor,
        organization_id=organization_id,
        data=sourcing.NeedData(title=f"Pesanan bench {name}", lines=need_lines),
    )
    sourcing.move_need(session, actor=actor, need=need, move=NeedMove.PUBLISH)
    rfq = rfq_service.create_rfq(
        session,
        actor=actor,
        need=need,
        data=RfqData(
            title=need.title,
            deadline=clock.now() + dt.timedelta(days=1),
            lines=rfq_service.lines_from_need(session, need),
            supplier_ids=[profile_id for profile_id, _ in pair],
        ),
    )
    rfq_service.send(session, actor=actor, rfq=rfq)
    lines = rfq_repository.lines_of(session, rfq.id)
    valid_until = (clock.now() + dt.timedelta(days=60)).date()
    for offset, (_, bidder) in enumerate(pair):
        quoted = [
            QuoteLineData(line.id, 10_000 + 100 * offset + 10 * j, line.quantity, 7)
            for j, line in enumerate(lines)
        ]
        quotes.submit(session, actor=bidder, rfq=rfq, data=QuoteData(lines=quoted, valid_until=valid_until))
    return rfq, lines


# --- the users ---------------------------------------------------------------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
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

    def error(self, step: str, text: str) -> None:
        with self.lock:
            self.errors[step].append(text)


def _paced(items: list[Any], work: Any, *, user: int = 0, users: int = 1) -> None:
    """One step a second: ``work(item)`` for each item, each starting a second after the previous one; the
    ``user``-th of ``users`` starts ``user / users`` of a second late, so the users of a phase are spread
    over the second rather than all asking at its first instant."""
    start = time.monotonic() + STEP_SECONDS * user / users
    for index, item in enumerate(items):
        wait = start + index * STEP_SECONDS - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        work(item)


def _client(base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60)


def _all(count: int, work: Any) -> None:
    with ThreadPoolExecutor(count) as pool:
        list(pool.map(work, range(count)))


def _worker_pid(server_pid: int) -> int | None:
    """The background worker `rantai serve` started (`python -m rantai.cli.main worker`)."""
    for pid in process_tree(server_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"rantai.cli.main" in command and b"worker" in command:
            return pid
    return None


@dataclass
class Cpu:
    """CPU seconds so far: the web processes, the background worker, the database server (PostgreSQL)."""

    web: dict[int, float]
    jobs: dict[int, float]
    db: dict[int, float]


@dataclass
class Phase:
    name: str
    requests: int
    web: float
    jobs: float
    db: float
    seconds: float


@dataclass
class Po:
    id: int
    officer: int
    supplier: int
    lines: list[dict[str, int]] = field(default_factory=list)  # {"id", "quantity"}
    deliveries: list[tuple[int, dict[int, int]]] = field(default_factory=list)  # (id, {line: quantity})
    invoice: dict[str, Any] | None = None


class Driver:
    """The users of one run: the rounds, their purchase orders and invoices, and the phases measured."""

    def __init__(self, base: str, plan: dict[str, Any], server_pid: int, clock_file: Path, pg_url: str):
        self.plan, self.server_pid, self.clock_file, self.pg_url = plan, server_pid, clock_file, pg_url
        self.worker_pid = _worker_pid(server_pid)
        self.tally = Tally()
        self.phases: list[Phase] = []
        self.officers = [_client(base, o["token"]) for o in plan["officers"]]
        self.suppliers = [_client(base, s["token"]) for s in plan["suppliers"]]
        self.supplier_index = {s["id"]: i for i, s in enumerate(plan["suppliers"])}
        self.round = 0
        self.pos: list[Po] = []
        self.lock = threading.Lock()

    def _count(self) -> int:
        return sum(len(v) for v in self.tally.times.values()) + sum(
            len(v) for v in self.tally.errors.values()
        )

    def cpu(self) -> Cpu:
        every = tree_cpu(self.server_pid)
        jobs = set(process_tree(self.worker_pid)) if self.worker_pid else set()
        return Cpu(
            {pid: s for pid, s in every.items() if pid not in jobs},
            {pid: s for pid, s in every.items() if pid in jobs},
            postgres_cpu(self.pg_url) if self.pg_url else {},
        )

    def phase(self, name: str, count: int, work: Any) -> None:
        before_n, before, started = self._count(), self.cpu(), time.monotonic()
        _all(count, work)
        after, ended = self.cpu(), time.monotonic()
        self.phases.append(
            Phase(
                name,
                self._count() - before_n,
                used(before.web, after.web),
                used(before.jobs, after.jobs),
                used(before.db, after.db),
                ended - started,
            )
        )

    def today(self) -> str:
        """The served platform's day (WIB): real time plus what the bench moved its clock by."""
        shift = float(self.clock_file.read_text() or 0)
        return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=shift)).astimezone(WIB).date().isoformat()

    def warm_up(self) -> None:
        """Every user asks its lists a few times first, so each server process has loaded what it serves
        (lazy imports, templates, statement caches) before anything is timed."""
        for client in self.officers + self.suppliers:
            for _ in range(2):
                client.get("/orders")
                client.get("/invoices")

    def run(self, rounds: int) -> None:
        self.warm_up()
        for round_ in range(rounds):
            self.round, self.pos = round_, []
            self.phase("issue", OFFICERS, self.issue)
            self.phase("accept", SUPPLIERS, self.accept)
            self.phase("deliver", SUPPLIERS, self.deliver)
            self.phase("receive", OFFICERS, self.receive)
            self.phase("invoice", SUPPLIERS, self.invoice)
            self.phase("pay", OFFICERS, self.pay)
        for client in self.officers + self.suppliers:
            client.close()

    def _of_supplier(self, index: int) -> list[Po]:
        return [po for po in self.pos if po.supplier == index]

    def _of_officer(self, index: int) -> list[Po]:
        return [po for po in self.pos if po.officer == index]

    def issue(self, index: int) -> None:
        def one(award_id: int) -> None:
            path = f"/awards/{award_id}/orders"
            response = self.tally.call(self.officers[index], "issue", "POST", path, (201,))
            if response is None:
                return
            with self.lock:
                for item in response.json()["items"]:
                    self.pos.append(Po(item["id"], index, self.supplier_index[item["supplier_id"]]))

        _paced(self.plan["officers"][index]["awards"][self.round], one, user=index, users=OFFICERS)

    def accept(self, index: int) -> None:
        def one(po: Po) -> None:
            path = f"/orders/{po.id}/accept"
            response = self.tally.call(self.suppliers[index], "accept", "POST", path, (200,), json={})
            if response is not None:
                po.lines = [
                    {"id": line["id"], "quantity": line["quantity"]} for line in response.json()["lines"]
                ]

        _paced(self._of_supplier(index), one, user=index, users=SUPPLIERS)

    def deliver(self, index: int) -> None:
        """Two shipments per PO: half of every line (rounded down), then the rest."""
        steps = []
        for po in self._of_supplier(index):
            if po.lines:
                first = {line["id"]: line["quantity"] // 2 for line in po.lines}
                rest = {line["id"]: line["quantity"] - first[line["id"]] for line in po.lines}
                steps += [(po, 1, first), (po, 2, rest)]

        def one(step: tuple[Po, int, dict[int, int]]) -> None:
            po, number, quantities = step
            note = f"SJ/{index:02d}/{po.id}/{number}"
            body = {
                "note_number": note,
                "shipped_on": self.today(),
                "lines": [{"id": line, "quantity": q} for line, q in quantities.items() if q],
            }
            path = f"/orders/{po.id}/deliveries"
            response = self.tally.call(self.suppliers[index], "deliver", "POST", path, (201,), json=body)
            if response is not None:
                made = [d for d in response.json()["deliveries"] if d["note_number"] == note]
                if made:
                    po.deliveries.append((made[0]["id"], quantities))
                else:
                    self.tally.error("deliver", f"delivery {note} not in the answer")

        _paced(steps, one, user=index, users=SUPPLIERS)

    def receive(self, index: int) -> None:
        """A BAST per delivery, everything accepted but one unit of the second's first line (damaged)."""
        steps = [(po, n, d) for po in self._of_officer(index) for n, d in enumerate(po.deliveries)]

        def one(step: tuple[Po, int, tuple[int, dict[int, int]]]) -> None:
            po, number, (delivery_id, quantities) = step
            lines = []
            for k, (line, q) in enumerate(quantities.items()):
                if not q:
                    continue
                rejected = 1 if number == 1 and k == 0 and q > 1 else 0
                lines.append(
                    {"id": line, "accepted": q - rejected, "rejected": rejected}
                    | ({"reason": "Kemasan rusak"} if rejected else {})
                )
            body = {"received_on": self.today(), "delivery_id": delivery_id, "lines": lines}
            self.tally.call(
                self.officers[index], "receive", "POST", f"/orders/{po.id}/receipts", (201,), json=body
            )

        _paced(steps, one, user=index, users=OFFICERS)

    def invoice(self, index: int) -> None:
        pkp = self.plan["suppliers"][index]["pkp"]

        def one(po: Po) -> None:
            body = {"tax_invoice_serial": f"0100026{po.id:09d}"} if pkp else {}
            path = f"/orders/{po.id}/invoices"
            response = self.tally.call(self.suppliers[index], "invoice", "POST", path, (201,), json=body)
            if response is not None:
                po.invoice = response.json()

        _paced([po for po in self._of_supplier(index) if po.deliveries], one, user=index, users=SUPPLIERS)

    def pay(self, index: int) -> None:
        """Two transfers per invoice: half of the cash due, then the rest, which settles it."""
        steps = []
        for po in self._of_officer(index):
            if po.invoice:
                due = po.invoice["cash_due"]
                steps += [(po, 1, due // 2), (po, 2, due - due // 2)]

        def one(step: tuple[Po, int, int]) -> None:
            po, number, amount = step
            if po.invoice is None:
                return
            body = {
                "amount": amount,
                "paid_on": self.today(),
                "reference": f"TRF-{po.invoice['id']}-{number}",
            }
            path = f"/invoices/{po.invoice['id']}/payments"
            response = self.tally.call(self.officers[index], "pay", "POST", path, (201,), json=body)
            if response is None:
                return
            shown = response.json()
            wanted = "paid" if number == 2 else "partly_paid"
            if shown["status"] != wanted:
                self.tally.error("pay", f"invoice {shown['number']} is {shown['status']}, not {wanted}")

        _paced(steps, one, user=index, users=OFFICERS)


# --- checks in the database (a subprocess with the platform's settings) -----------------------------


def check() -> None:
    """`--check`: numbers, quantities, settlement, and the PDF documents, printed as JSON."""
    from sqlalchemy import func, select  # noqa: PLC0415

    from rantai.db import make_engine, make_session_factory  # noqa: PLC0415
    from rantai.orders.models import (  # noqa: PLC0415
        Invoice,
        InvoiceLine,
        OrderDocument,
        Payment,
        PurchaseOrder,
        PurchaseOrderLine,
        Receipt,
        ReceiptLine,
    )

    engine = make_engine(os.environ["RANTAI_DATABASE_URL"])
    found: dict[str, Any] = {}
    with make_session_factory(engine)() as session:
        for name, column in (
            ("PO", PurchaseOrder.number),
            ("BAST", Receipt.number),
            ("invoice", Invoice.number),
        ):
            numbers = list(session.scalars(select(column)))
            series: dict[str, list[int]] = defaultdict(list)
            for number in numbers:
                head, _, tail = number.rpartition("/")
                series[head].append(int(tail))
            found[name] = {
                "count": len(numbers),
                "series": len(series),
                "duplicates": len(numbers) - len(set(numbers)),
                "series_with_gaps": sum(
                    1 for s in series.values() if sorted(s) != list(range(1, len(s) + 1))
                ),
            }
        accepted = dict(
            session.execute(
                select(ReceiptLine.po_line_id, func.sum(ReceiptLine.accepted)).group_by(
                    ReceiptLine.po_line_id
                )
            ).all()
        )
        invoiced = dict(
            session.execute(
                select(InvoiceLine.po_line_id, func.sum(InvoiceLine.quantity)).group_by(
                    InvoiceLine.po_line_id
                )
            ).all()
        )
        lines = list(session.scalars(select(PurchaseOrderLine)))
        found["lines"] = len(lines)
        found["over_accepted"] = sum(
            1
            for line in lines
            if line.accepted_quantity > line.quantity
            or line.accepted_quantity + line.rejected_quantity > line.delivered_quantity
        )
        found["over_invoiced"] = sum(1 for line in lines if line.invoiced_quantity > line.accepted_quantity)
        found["counters_off"] = sum(
            1
            for line in lines
            if line.accepted_quantity != (accepted.get(line.id) or 0)
            or line.invoiced_quantity != (invoiced.get(line.id) or 0)
        )
        invoices = list(session.scalars(select(Invoice)))
        withheld = {i.id: i.ppn_collected_by_buyer + i.pph22 + i.pph23 for i in invoices}
        found["invoices_paid_in_full"] = sum(1 for i in invoices if i.cash_received == i.cash_due)
        found["paid_not_settled"] = sum(
            1
            for i in invoices
            if i.cash_received == i.cash_due
            and (i.status != "paid" or i.settled_on is None or i.cash_received + withheld[i.id] != i.total)
        )
        found["settled_not_paid"] = sum(
            1 for i in invoices if i.status == "paid" and i.cash_received != i.cash_due
        )
        found["open_invoices"] = sum(1 for i in invoices if i.status != "paid")
        found["payments"] = session.scalar(select(func.count(Payment.id)))
        found["withheld"] = sum(withheld.values())
        documents = list(session.scalars(select(OrderDocument)))
        found["documents"] = {
            "by_status": dict(
                sorted(
                    {d.status: sum(1 for e in documents if e.status == d.status) for d in documents}.items()
                )
            ),
            "ready_seconds": sorted(
                (d.rendered_at - d.requested_at).total_seconds()
                for d in documents
                if d.status == "ready" and d.rendered_at is not None
            ),
        }
    engine.dispose()
    print(json.dumps(found))


def _check(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603
        [PYTHON, __file__, "--check"], env=env, check=False, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"the checks failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _weasyprint() -> bool:
    """Whether this environment (the server's: the same interpreter) can render PDFs."""
    return importlib.util.find_spec("weasyprint") is not None


# --- one database ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    backend: str
    tally: Tally
    phases: list[Phase]
    found: dict[str, Any]
    load: tuple[float, float]
    documents: str  # what happened to the PDF jobs, in words
    document_jobs_cpu: float  # the worker's CPU seconds from the first step until the last PDF was ready


def _wait_documents(env: dict[str, str]) -> tuple[dict[str, Any], float]:
    """The checks, once no document is queued (or after DOCUMENT_WAIT seconds); and how long it waited."""
    started = time.monotonic()
    while True:
        found = _check(env)
        queued = found["documents"]["by_status"].get("queued", 0)
        if not queued or time.monotonic() - started > DOCUMENT_WAIT:
            return found, time.monotonic() - started
        time.sleep(1)


def measure(args: argparse.Namespace, backend: str, url: str, folder: Path) -> Outcome:
    clock_file = folder / "clock"
    clock_file.write_text("0")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "RANTAI_DATABASE_URL": url,
        "RANTAI_DATA_DIR": str(folder / "data"),
        "RANTAI_LOG_LEVEL": os.environ.get("RANTAI_BENCH_LOG_LEVEL", "WARNING"),
        "RANTAI_CLOCK_FILE": str(clock_file),
    }
    if backend == "PostgreSQL":
        _recreate_postgres(url)
    print(f"[{backend}] migrating and loading reference data ...", file=sys.stderr, flush=True)
    subprocess.run([*_RANTAI, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    print(f"[{backend}] awards for {args.rounds} rounds ...", file=sys.stderr, flush=True)
    plan = json.loads(
        subprocess.run(  # noqa: S603
            [PYTHON, __file__, "--setup", str(args.rounds)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    clock_file.write_text(str(plan["shift"]))  # the served clock after the awards
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
        driver = Driver(
            f"http://127.0.0.1:{port}", plan, server.pid, clock_file, url if backend == "PostgreSQL" else ""
        )
        first = driver.cpu()
        driver.run(args.rounds)
        load_after = os.getloadavg()[0]
        if _weasyprint():
            print(f"[{backend}] waiting for the PDF jobs ...", file=sys.stderr, flush=True)
            found, waited = _wait_documents(env)
            statuses = found["documents"]["by_status"]
            documents = (
                "no document requested (the PDF jobs are not in this version)"
                if not statuses
                else ", ".join(f"{n} {s}" for s, n in statuses.items())
                + f" ({waited:.0f} s after the last step)"
            )
        else:
            found = _check(env)
            documents = "skipped: WeasyPrint is not installed in this environment"
        last = driver.cpu()
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
        if os.environ.get("RANTAI_BENCH_KEEP_LOG"):
            kept = Path(os.environ["RANTAI_BENCH_KEEP_LOG"]) / f"server-{backend}.log"
            kept.write_bytes((folder / "server.log").read_bytes())
    return Outcome(
        backend,
        driver.tally,
        driver.phases,
        found,
        (load_before, load_after),
        documents,
        used(first.jobs, last.jobs),
    )


def _p(values: list[float], q: float, scale: float = 1000) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * scale


def report(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    print(
        f"\n### Award to settlement through the API: {OFFICERS + SUPPLIERS} users, one step a second, "
        f"`rantai serve --workers {args.workers}`, {args.rounds} rounds, {os.cpu_count()} cores\n"
    )
    print(
        "| database | step | requests | errors | p50 ms | p95 ms | target p95 | server CPU ms per request | database CPU ms per request |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for outcome in outcomes:
        totals: dict[str, list[Phase]] = defaultdict(list)
        for phase in outcome.phases:
            totals[phase.name].append(phase)
        for step in STEPS:
            times = outcome.tally.times.get(step, [])
            errors = len(outcome.tally.errors.get(step, []))
            phases = totals.get(step, [])
            requests = sum(p.requests for p in phases)
            web = sum(p.web for p in phases) * 1000 / requests if requests else float("nan")
            db = sum(p.db for p in phases) * 1000 / requests if requests else float("nan")
            print(
                f"| {outcome.backend} | {step} | {len(times)} | {errors} | {_p(times, 0.5):.0f} | "
                f"**{_p(times, 0.95):.0f}** | 150 | {web:.1f} | {db:.1f} |"
                if outcome.backend == "PostgreSQL"
                else f"| {outcome.backend} | {step} | {len(times)} | {errors} | {_p(times, 0.5):.0f} | "
                f"**{_p(times, 0.95):.0f}** | 150 | {web:.1f} | (in the server) |"
            )
    print(
        "\n| database | POs | BAST | invoices | duplicate numbers | series with gaps | over-accepted lines | "
        "over-invoiced lines | counters off | paid, not settled | open invoices | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for outcome in outcomes:
        f = outcome.found
        kinds = ("PO", "BAST", "invoice")
        print(
            f"| {outcome.backend} | {f['PO']['count']} | {f['BAST']['count']} | {f['invoice']['count']} | "
            f"{sum(f[k]['duplicates'] for k in kinds)} | {sum(f[k]['series_with_gaps'] for k in kinds)} | "
            f"{f['over_accepted']} | {f['over_invoiced']} | {f['counters_off']} | {f['paid_not_settled']} | "
            f"{f['open_invoices']} | {outcome.load[0]:.1f}-{outcome.load[1]:.1f} |"
        )
    print("\nPDF documents (jobs in the worker `rantai serve` starts), from request to ready:\n")
    for outcome in outcomes:
        ready = outcome.found["documents"]["ready_seconds"]
        line = f"- {outcome.backend}: {outcome.documents}"
        if ready:
            line += (
                f"; p50 {_p(ready, 0.5, 1):.1f} s, p95 {_p(ready, 0.95, 1):.1f} s; the worker's CPU "
                f"{outcome.document_jobs_cpu * 1000 / len(ready):.0f} ms per document"
            )
        print(line)
    for outcome in outcomes:
        for step, failures in outcome.tally.errors.items():
            for error in sorted(set(failures))[:5]:
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
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup(args.setup)
        return
    if args.check:
        check()
        return
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="rantai-bench-orders-") as tmp:
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
