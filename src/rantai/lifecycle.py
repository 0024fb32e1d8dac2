"""The one helper every lifecycle moves with (issue #10): a transition table and a compare-and-set move.

A lifecycle's table of allowed moves lives in its domain's ``state.py`` and never touches the database
(the openprocurement ``state`` pattern). This module makes the move: one ``UPDATE ... SET status = :to,
version = version + 1 WHERE id = :id AND version = :seen AND status = :from``, then a look at the row
count. Of two requests that move the same row from the same version, exactly one changes it; the other
gets the lifecycle's conflict error ("someone changed it meanwhile, reload"), never a silent overwrite,
and no lock is held between reading the row and moving it (polar's ``order/service.py`` does the same).

A move also refuses a row changed since the user saw it: a form or an API body carries the version it
was made from (``expected_version``); on a mismatch nothing is written.

Each row that moves carries an integer ``version`` column, bumped by every move (and, where the row is
also edited, by every edit: the need uses SQLAlchemy's ``version_id_col`` for that).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from rantai.kit.errors import UserError

S = TypeVar("S", bound=StrEnum)
M = TypeVar("M", bound=StrEnum)
MoveListener = Callable[[Session, Any], None]
_listeners: list[MoveListener] = []


def on_move(listener: MoveListener) -> MoveListener:
    """Call ``listener(session, row)`` after every move, in the move's transaction. A move is a Core
    UPDATE, which ORM flush events do not see: what follows a row's changes through those events (the
    matching index's outbox, ``rantai.catalog.index_changes``) listens here too."""
    _listeners.append(listener)
    return listener


@dataclass(frozen=True, slots=True)
class Lifecycle(Generic[S, M]):
    """A lifecycle: its states, its table of allowed moves, and the errors a user sees.

    ``not_allowed(current)`` is raised for a move the table does not allow from the current state;
    ``conflict()`` when the row changed since it was read (another request moved or edited it first).
    """

    name: str
    states: type[S]
    transitions: Mapping[tuple[S, M], S]
    not_allowed: Callable[[S], UserError]
    conflict: Callable[[], UserError]
    status_attribute: str = "status"

    def target(self, current: S, move: M) -> S | None:
        """The state after ``move``, or None when the table does not allow it from ``current``."""
        return self.transitions.get((current, move))

    def moves_from(self, current: S) -> list[M]:
        """The moves allowed from ``current``, in the table's order (what a page offers as buttons)."""
        return [move for (state, move) in self.transitions if state == current]

    def state_of(self, row: Any) -> S:
        return self.states(getattr(row, self.status_attribute))


def advance(
    session: Session,
    row: Any,
    lifecycle: Lifecycle[S, M],
    move: M,
    *,
    expected_version: int | None = None,
    values: Mapping[str, Any] | None = None,
) -> S:
    """Move ``row`` along ``lifecycle`` as a compare-and-set, also setting ``values`` (timestamps, who
    decided, a reason) in the same statement. Returns the new state; raises ``lifecycle.not_allowed`` or
    ``lifecycle.conflict`` having written nothing. The row object is updated in place (without a reload).

    Changes to ``row`` still pending in the session are flushed first (an edit made in the same use case
    counts as the version the move starts from)."""
    current = lifecycle.state_of(row)
    target = lifecycle.target(current, move)
    if target is None:
        raise lifecycle.not_allowed(current)
    if expected_version is not None and expected_version != row.version:
        raise lifecycle.conflict()
    session.flush()
    seen = int(row.version)
    model = type(row)
    mapper = inspect(model)
    (key,) = mapper.primary_key
    status_column = getattr(model, lifecycle.status_attribute)
    changes: dict[str, Any] = {
        lifecycle.status_attribute: target.value,
        "version": seen + 1,
        **(values or {}),
    }
    result = session.execute(
        update(model)
        .where(key == getattr(row, key.key), model.version == seen, status_column == current.value)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise lifecycle.conflict()
    # The object now says what the row says, as if loaded after the move (no second round trip, and
    # nothing dirty for the ORM to write again).
    for attribute, value in changes.items():
        set_committed_value(row, attribute, value)
    for listener in _listeners:
        listener(session, row)
    return target
