"""What domains declare: durable tasks (a job row, a lease, retries) and signals (idempotent sweeps).

A domain's ``tasks`` module registers its work here at import; ``rantai.worker`` imports every such
module, so the worker knows every kind, and the web process (which only enqueues) needs none of them.

- ``@task("kind")``: durable work on a job row. The function gets an ``Attempt`` and must end it in the
  transaction that commits its work (``attempt.complete(session)``), so the work and the job's end
  commit together: a retry after a crash finds either nothing done, or the job done and skips it.
- ``@signal("name")``: idempotent work that needs no row (draining an outbox): sent after a commit and,
  with ``sweep=True``, also run every minute, so a lost signal costs at most a minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from rantai.jobs import repository
from rantai.jobs.repository import Claim


class LeaseLost(Exception):
    """The job was handed to another worker (this one's lease ran out); this attempt must change nothing."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a task needs of the process running it: sessions, the data directory, the lease length."""

    factory: sessionmaker[Session]
    data_dir: Path
    lease: dt.timedelta = dt.timedelta(seconds=60)

    @property
    def claim_grace(self) -> dt.timedelta:
        """How long a queued job may wait for a worker before the reaper sends it again (its message may
        have been lost); a duplicate message is harmless, a claim is a compare-and-set."""
        return self.lease * 10


@dataclass(slots=True)
class Attempt:
    """One run of a claimed job."""

    claim: Claim
    context: Context
    ended: bool = field(default=False)

    @property
    def payload(self) -> dict[str, Any]:
        return self.claim.payload

    @property
    def number(self) -> int:
        return self.claim.attempt

    def complete(self, session: Session) -> None:
        """Mark the job done in ``session``'s transaction, the one that commits the work."""
        if not repository.complete(session, self.claim):
            raise LeaseLost(self.claim.job_id)
        self.ended = True

    def fail(self, session: Session, error: str) -> None:
        """End the job as failed without retrying (an error a retry cannot mend, such as a bad file)."""
        if not repository.fail(session, self.claim, error):
            raise LeaseLost(self.claim.job_id)
        self.ended = True


GiveUp = Callable[[Session, Context, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Task:
    kind: str
    run: Callable[[Attempt], None]
    max_attempts: int
    give_up: GiveUp | None  # called in the transaction that fails the job for good


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    run: Callable[[Context], None]
    sweep: bool


TASKS: dict[str, Task] = {}
SIGNALS: dict[str, Signal] = {}


def task(
    kind: str, *, max_attempts: int = 3, give_up: GiveUp | None = None
) -> Callable[[Callable[[Attempt], None]], Callable[[Attempt], None]]:
    """Declare durable work of this kind (see the module's docstring)."""

    def register(function: Callable[[Attempt], None]) -> Callable[[Attempt], None]:
        TASKS[kind] = Task(kind, function, max_attempts, give_up)
        return function

    return register


def signal(
    name: str, *, sweep: bool = True
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    """Declare idempotent work sent by name (see the module's docstring)."""

    def register(function: Callable[[Context], None]) -> Callable[[Context], None]:
        SIGNALS[name] = Signal(name, function, sweep)
        return function

    return register
