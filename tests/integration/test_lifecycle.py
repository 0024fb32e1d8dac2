"""The lifecycle helper (rantai.lifecycle, issue #10): moves as compare-and-set on a version.

Sequential cases run on the test database (rolled back); the races run on real connections of a database
whose commits stay (``committed_url``), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.factories.sourcing import line_data, make_buyer, make_need
from tests.factories.suppliers import make_supplier, national_verifier, profile_data

from rantai.audit.models import AuditEvent
from rantai.db import make_engine, make_session_factory, transaction
from rantai.kit.errors import UserError
from rantai.lifecycle import advance
from rantai.sourcing import service as sourcing
from rantai.sourcing.errors import NeedChanged, NeedMoveNotAllowed
from rantai.sourcing.models import Need
from rantai.sourcing.state import NEED_LIFECYCLE, NeedMove, NeedStatus
from rantai.suppliers import service as suppliers
from rantai.suppliers.checklist import MANUAL_CHECKS
from rantai.suppliers.errors import ClaimConflict, MoveNotAllowed, ProfileChanged
from rantai.suppliers.models import SupplierProfile
from rantai.suppliers.state import (
    CLAIM_LIFECYCLE,
    CLAIM_TRANSITIONS,
    PROFILE_LIFECYCLE,
    TRANSITIONS,
    ClaimStatus,
    Move,
    ProfileStatus,
)


def _audit_count(db: Session, target_type: str, target_id: int) -> int:
    return len(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.target_type == target_type, AuditEvent.target_id == str(target_id)
            )
        ).all()
    )


# --- the tables ---------------------------------------------------------------------------------------


def test_each_lifecycle_offers_exactly_the_moves_of_its_table() -> None:
    for lifecycle, table in (
        (NEED_LIFECYCLE, None),
        (PROFILE_LIFECYCLE, TRANSITIONS),
        (CLAIM_LIFECYCLE, CLAIM_TRANSITIONS),
    ):
        transitions = table or lifecycle.transitions
        for state in lifecycle.states:
            expected = [move for (source, move) in transitions if source == state]
            assert lifecycle.moves_from(state) == expected
            for move in expected:
                assert lifecycle.target(state, move) == transitions[(state, move)]
    assert NEED_LIFECYCLE.moves_from(NeedStatus.DRAFT) == [NeedMove.PUBLISH, NeedMove.CANCEL]
    assert CLAIM_LIFECYCLE.moves_from(ClaimStatus.APPROVED) == []


# --- one request at a time ----------------------------------------------------------------------------


def test_a_move_bumps_the_version_and_keeps_the_object_true(db: Session) -> None:
    org, _user, actor = make_buyer(db)
    need = make_need(db, org, actor)
    before = need.version
    sourcing.move_need(db, actor=actor, need=need, move=NeedMove.PUBLISH)
    assert (need.status, need.version) == ("open", before + 1)
    assert need.published_at is not None
    db.expire_all()
    stored = db.get(Need, need.id)
    assert stored is not None
    assert (stored.status, stored.version) == ("open", before + 1)


def test_a_move_the_table_refuses_writes_nothing(db: Session) -> None:
    org, _user, actor = make_buyer(db)
    need = make_need(db, org, actor)
    version, audited = need.version, _audit_count(db, "need", need.id)
    with pytest.raises(NeedMoveNotAllowed):
        sourcing.move_need(db, actor=actor, need=need, move=NeedMove.CLOSE)  # a draft cannot be closed
    db.expire_all()
    stored = db.get(Need, need.id)
    assert stored is not None
    assert (stored.status, stored.version) == ("draft", version)
    assert _audit_count(db, "need", need.id) == audited


def test_a_move_from_a_stale_page_is_refused_and_writes_nothing(db: Session) -> None:
    org, _user, actor = make_buyer(db)
    need = make_need(db, org, actor)
    seen = need.version
    sourcing.update_need(
        db, actor=actor, need=need, data=sourcing.NeedData(title="Judul baru", lines=[line_data()])
    )
    with pytest.raises(NeedChanged):
        sourcing.move_need(db, actor=actor, need=need, move=NeedMove.PUBLISH, expected_version=seen)
    assert need.status == "draft"


def test_a_verifier_deciding_on_a_profile_changed_since_the_page_is_refused(db: Session) -> None:
    profile, _owner, owner = make_supplier(db, status="submitted")
    verifier = national_verifier(db)
    seen = profile.version
    suppliers.update_profile(
        db, actor=owner, profile=profile, data=profile_data(nib=profile.nib, phone="0811111111")
    )
    assert profile.version == seen + 1
    with pytest.raises(ProfileChanged):
        suppliers.verify(db, actor=verifier, profile=profile, checked=MANUAL_CHECKS, expected_version=seen)
    with pytest.raises(ProfileChanged):
        suppliers.reject(
            db, actor=verifier, profile=profile, reason="Telepon tidak aktif", expected_version=seen
        )
    assert profile.status == "submitted"
    suppliers.verify(
        db, actor=verifier, profile=profile, checked=MANUAL_CHECKS, expected_version=profile.version
    )
    assert profile.status == "verified"


def test_a_profile_move_not_in_the_table_names_the_status(db: Session) -> None:
    profile, _owner, _actor = make_supplier(db, status="draft")
    verifier = national_verifier(db)
    with pytest.raises(MoveNotAllowed) as caught:
        suppliers.verify(db, actor=verifier, profile=profile, checked=MANUAL_CHECKS)
    assert caught.value.params["status"] == ProfileStatus.DRAFT.label


# --- races on real connections ------------------------------------------------------------------------


def _committed_need(engine: Engine) -> int:
    with transaction(make_session_factory(engine)) as session:
        org, _user, actor = make_buyer(session)
        need = make_need(session, org, actor, lines=[line_data()])
        return need.id


def test_of_two_sessions_that_read_the_same_version_only_the_first_move_lands(committed_url: str) -> None:
    """Both read the need as a draft; the first publishes and commits; the second's compare-and-set finds
    the version gone and gets the conflict (not a second publish, not an overwrite)."""
    engine = make_engine(committed_url)
    try:
        need_id = _committed_need(engine)
        factory = make_session_factory(engine)
        first, second = factory(), factory()
        try:
            mine, theirs = first.get(Need, need_id), second.get(Need, need_id)
            assert mine is not None and theirs is not None
            # The second keeps its copy as loaded but holds no snapshot (a page read earlier, a form posted
            # later): detached over its rollback, so the rollback does not expire it.
            second.expunge(theirs)
            second.rollback()
            second.add(theirs)
            advance(first, mine, NEED_LIFECYCLE, NeedMove.PUBLISH)
            first.commit()
            with pytest.raises(NeedChanged):
                advance(second, theirs, NEED_LIFECYCLE, NeedMove.CANCEL)
            second.rollback()
        finally:
            first.close()
            second.close()
        with factory() as check:
            stored = check.get(Need, need_id)
            assert stored is not None
            assert stored.status == "open"
    finally:
        engine.dispose()


def _race(engine: Engine, need_id: int, moves: list[NeedMove]) -> list[str]:
    """Each move in its own thread and transaction; all read the need, wait for each other, then move."""
    factory = make_session_factory(engine)
    read_all = threading.Barrier(len(moves))

    def attempt(move: NeedMove) -> str:
        with factory() as session:
            need = session.get(Need, need_id)
            assert need is not None
            read_all.wait(timeout=30)
            try:
                advance(session, need, NEED_LIFECYCLE, move)
                session.commit()
            except UserError as exc:
                session.rollback()
                return type(exc).__name__
            return "moved"

    with ThreadPoolExecutor(len(moves)) as pool:
        return list(pool.map(attempt, moves))


def test_two_concurrent_moves_of_one_need_give_one_success_and_one_conflict_on_postgresql(
    committed_url: str,
) -> None:
    engine = make_engine(committed_url)
    try:
        if engine.dialect.name != "postgresql":
            # SQLite takes its write lock when a writing transaction begins, so two writers never read
            # the same version at once there; the sequential test above covers its compare-and-set.
            pytest.skip("two writing transactions at once need PostgreSQL")
        need_id = _committed_need(engine)
        outcomes = _race(engine, need_id, [NeedMove.PUBLISH, NeedMove.CANCEL])
        assert sorted(outcomes) == ["NeedChanged", "moved"]
        with make_session_factory(engine)() as check:
            stored = check.get(Need, need_id)
            assert stored is not None
            winner = NeedMove.PUBLISH if outcomes[0] == "moved" else NeedMove.CANCEL
            assert stored.status == NEED_LIFECYCLE.target(NeedStatus.DRAFT, winner)
            assert stored.version == 2
    finally:
        engine.dispose()


def test_two_verifiers_deciding_one_profile_at_once_on_postgresql(committed_url: str) -> None:
    engine = make_engine(committed_url)
    try:
        if engine.dialect.name != "postgresql":
            pytest.skip("two writing transactions at once need PostgreSQL")
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            profile, _owner, _actor = make_supplier(session, status="submitted")
            profile_id = profile.id
            verifiers = [national_verifier(session), national_verifier(session)]
        read_all = threading.Barrier(2)

        def decide(index: int) -> str:
            with factory() as session:
                profile = session.get(SupplierProfile, profile_id)
                assert profile is not None
                read_all.wait(timeout=30)
                try:
                    decision: Callable[[], None]
                    if index == 0:
                        decision = lambda: suppliers.verify(  # noqa: E731
                            session, actor=verifiers[0], profile=profile, checked=MANUAL_CHECKS
                        )
                    else:
                        decision = lambda: suppliers.reject(  # noqa: E731
                            session, actor=verifiers[1], profile=profile, reason="Alamat tidak ditemukan"
                        )
                    decision()
                    session.commit()
                except UserError as exc:
                    session.rollback()
                    return type(exc).__name__
                return "decided"

        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(decide, [0, 1]))
        assert sorted(outcomes) == ["ProfileChanged", "decided"]
        with factory() as check:
            stored = check.get(SupplierProfile, profile_id)
            assert stored is not None
            assert stored.status == ("verified" if outcomes[0] == "decided" else "rejected")
            events = check.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.target_type == "supplier_profile",
                    AuditEvent.target_id == str(profile_id),
                    AuditEvent.action.in_(["supplier.verified", "supplier.rejected"]),
                )
            ).all()
            assert len(events) == 1  # the loser left no trace
    finally:
        engine.dispose()


def test_a_claim_decided_twice_gives_the_claim_conflict(db: Session) -> None:
    # The claim lifecycle's not-allowed and conflict errors say the same thing: decided meanwhile.
    assert isinstance(CLAIM_LIFECYCLE.not_allowed(ClaimStatus.APPROVED), ClaimConflict)
    assert isinstance(CLAIM_LIFECYCLE.conflict(), ClaimConflict)
    assert PROFILE_LIFECYCLE.target(ProfileStatus.SUBMITTED, Move.VERIFY) is ProfileStatus.VERIFIED
