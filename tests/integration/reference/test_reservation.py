"""The reservation rules on a database (issue #11): the shipped rows as loaded, the rule in force per
buyer kind and date, the need lines' ceiling, and the table's own checks. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rantai.reference import repository
from rantai.reference.models import UmkmReservation
from rantai.reference.reservation import SIZE_CODES, Standing, Winner, check_award, explain, rule_in_force

JUTA = 1_000_000
MILIAR = 1_000_000_000
ON = dt.date(2026, 6, 1)


def test_the_bumn_rule_reserves_rp250_juta_to_rp14_miliar_for_umkm_and_cooperatives(db: Session) -> None:
    rule = rule_in_force(db, "bumn", ON)
    assert rule is not None
    assert (rule.floor, rule.ceiling, rule.size_classes) == (250 * JUTA, 14 * MILIAR, SIZE_CODES)
    assert rule.effective_from == dt.date(2023, 3, 3)
    assert "PER-2/MBU/03/2023" in rule.legal_basis
    verdict = check_award(rule, 1_200 * JUTA, [Winner("PT Besar Sekali", "besar")])
    assert not verdict.allowed
    text = explain(verdict, "id")
    assert text is not None
    assert "Rp250 juta" in text
    assert "PT Besar Sekali" in text


def test_the_government_rule_leaves_medium_businesses_out(db: Session) -> None:
    rule = rule_in_force(db, "instansi_pemerintah", ON)
    assert rule is not None
    assert (rule.floor, rule.ceiling, rule.size_classes) == (0, 15 * MILIAR, ("mikro", "kecil", "koperasi"))
    assert rule.effective_from == dt.date(2021, 2, 2)
    assert not check_award(rule, 15 * MILIAR, [Winner("CV Sedang", "menengah")]).allowed
    assert check_award(rule, 15 * MILIAR + 1, [Winner("CV Sedang", "menengah")]).allowed


@pytest.mark.parametrize("kind", ["swasta_besar", "pembeli_global", "umkm", "no_such_kind"])
def test_private_and_global_buyers_and_unknown_kinds_have_no_rule(db: Session, kind: str) -> None:
    assert rule_in_force(db, kind, ON) is None
    verdict = check_award(rule_in_force(db, kind, ON), 1_200 * JUTA, [Winner("PT Besar", "besar")])
    assert verdict.allowed
    assert verdict.standing is Standing.NO_RULE
    assert repository.umkm_reservation_ceiling(db, ON, kind) is None


def test_no_rule_before_it_took_effect(db: Session) -> None:
    assert rule_in_force(db, "bumn", dt.date(2023, 3, 2)) is None
    assert rule_in_force(db, "bumn", dt.date(2023, 3, 3)) is not None


def test_a_later_row_replaces_the_rule_and_one_without_a_ceiling_ends_it(db: Session) -> None:
    db.add(
        UmkmReservation(
            buyer_kind="bumn",
            effective_from=dt.date(2027, 1, 1),
            floor=0,
            ceiling=20 * MILIAR,
            size_classes="mikro|kecil",
            legal_basis="PER-X/2026",
        )
    )
    db.add(UmkmReservation(buyer_kind="bumn", effective_from=dt.date(2028, 1, 1), legal_basis="dicabut"))
    db.flush()
    before = rule_in_force(db, "bumn", dt.date(2026, 12, 31))
    assert before is not None
    assert before.ceiling == 14 * MILIAR
    later = rule_in_force(db, "bumn", dt.date(2027, 1, 1))
    assert later is not None
    assert (later.floor, later.ceiling, later.size_classes) == (0, 20 * MILIAR, ("mikro", "kecil"))
    assert rule_in_force(db, "bumn", dt.date(2028, 1, 1)) is None
    assert repository.umkm_reservation_ceiling(db, dt.date(2028, 1, 1)) is None


def test_need_lines_keep_their_ceiling(db: Session) -> None:
    assert repository.umkm_reservation_ceiling(db, ON) == 14 * MILIAR  # BUMN by default
    assert repository.umkm_reservation_ceiling(db, ON, "instansi_pemerintah") == 15 * MILIAR


@pytest.mark.parametrize(("floor", "ceiling"), [(-1, 10), (11, 10)])
def test_the_table_refuses_a_floor_outside_zero_to_the_ceiling(db: Session, floor: int, ceiling: int) -> None:
    db.add(
        UmkmReservation(
            buyer_kind="bumn",
            effective_from=dt.date(2030, 1, 1),
            floor=floor,
            ceiling=ceiling,
            size_classes="mikro",
            legal_basis="X",
        )
    )
    with pytest.raises(IntegrityError, match="ck_ref_umkm_reservation_floor"), db.begin_nested():
        db.flush()
