"""The UMKM reservation rules (issue #11): which procurement packages a kind of buyer must award to UMKM
and cooperatives, and whether an award keeps to that.

The rules are data (``ref_umkm_reservation``, from ``data/umkm_reservation.csv``): per buyer kind and
effective date, a floor and a ceiling in whole Rupiah (both inclusive) and the size classes that may win.
A package is judged on its total (the RFQ's package, never a line by itself): inside [floor, ceiling] it is
reserved and every winner must hold an allowed class (a cooperative counts as ``koperasi``); below the
floor, above the ceiling, or with no rule for the buyer's kind, anything goes.

``rule_in_force`` reads the rule (through the repository); ``check_award`` is pure and returns a
``Verdict`` whose message is an English msgid with format-neutral parameters (integers for money, codes
for size classes), as domain code does everywhere; ``explain`` words a verdict in a locale (Babel money and
lists), for the doors and the command line alike, as ``sourcing.wording`` does for the engine's reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from babel.lists import format_list
from babel.numbers import format_compact_decimal
from sqlalchemy.orm import Session

from rantai.i18n import translations
from rantai.kit.money import format_rupiah
from rantai.kit.text import N_
from rantai.reference import repository

# The buyer kinds (the buyers' OrgType values in identity.roles; a test keeps the two lists equal).
BUYER_KINDS = ("bumn", "instansi_pemerintah", "swasta_besar", "pembeli_global")
# Codes a rule may allow, in the order messages list them. "besar" is never among them: a rule that let a
# large business win would reserve nothing.
SIZE_CODES = ("mikro", "kecil", "menengah", "koperasi")
KOPERASI = "koperasi"
SEPARATOR = "|"

MSG_RESERVED_BROKEN = N_(
    "This package of %(total)s is reserved for %(reserved_for)s (%(basis)s, %(range)s); %(winners)s. "
    "Record an exception with its reason for the approver, or award the package to %(reserved_for)s."
)
# Who a package is reserved for, by the set of allowed codes; another set is listed class by class.
_RESERVED_FOR: dict[frozenset[str], str] = {
    frozenset(SIZE_CODES): N_("UMKM and cooperatives"),
    frozenset({"mikro", "kecil", KOPERASI}): N_("micro and small businesses and cooperatives"),
    frozenset({"mikro", "kecil", "menengah"}): N_("UMKM"),
}
_CLASS_NAMES = {
    "mikro": N_("micro businesses"),
    "kecil": N_("small businesses"),
    "menengah": N_("medium businesses"),
    KOPERASI: N_("cooperatives"),
}
_RANGE_UP_TO = N_("up to %(ceiling)s")
_RANGE_FROM_TO = N_("%(floor)s to %(ceiling)s")
# Why a winner breaks the rule, by its size class (None: no size recorded).
_BREACH: dict[str | None, str] = {
    "besar": N_("%(name)s is a large business"),
    "menengah": N_("%(name)s is a medium business"),
    "kecil": N_("%(name)s is a small business"),
    "mikro": N_("%(name)s is a micro business"),
    None: N_("%(name)s has no recorded business size"),
}
_BREACH_OTHER = N_("%(name)s is not of a size class this package is reserved for")
_BABEL = {"id": "id_ID", "en": "en_US"}


def parse_size_classes(text: str) -> tuple[str, ...]:
    """``"kecil|mikro|koperasi"`` -> ``("mikro", "kecil", "koperasi")``; ValueError naming an unknown code."""
    codes = {code.strip() for code in text.split(SEPARATOR) if code.strip()}
    unknown = sorted(codes - set(SIZE_CODES))
    if unknown:
        raise ValueError(f"unknown size classes {unknown} (known: {', '.join(SIZE_CODES)})")
    return tuple(code for code in SIZE_CODES if code in codes)


@dataclass(frozen=True, slots=True)
class ReservationRule:
    """A rule that reserves something: packages of ``floor`` to ``ceiling`` Rupiah (inclusive) go to the
    ``size_classes`` only."""

    buyer_kind: str
    effective_from: dt.date
    floor: int
    ceiling: int
    size_classes: tuple[str, ...]
    legal_basis: str
    note: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.floor <= self.ceiling:
            raise ValueError(
                f"a reservation needs 0 <= floor <= ceiling, got {self.floor} and {self.ceiling}"
            )
        if (
            not self.size_classes
            or parse_size_classes(SEPARATOR.join(self.size_classes)) != self.size_classes
        ):
            raise ValueError(
                f"size classes must be known codes in the order {SIZE_CODES}: {self.size_classes}"
            )

    def covers(self, package_total: int) -> bool:
        """Whether a package of this total is reserved."""
        return self.floor <= package_total <= self.ceiling


@dataclass(frozen=True, slots=True)
class Winner:
    """A supplier an award goes to: its name (for the message), its size class (mikro, kecil, menengah,
    besar; None when not recorded) and whether it is a cooperative."""

    name: str
    size_class: str | None
    koperasi: bool = False

    @property
    def classes(self) -> frozenset[str]:
        """The codes it holds for a rule: its size class, plus ``koperasi`` for a cooperative."""
        held = {self.size_class} if self.size_class else set()
        return frozenset(held | {KOPERASI}) if self.koperasi else frozenset(held)


class Standing(StrEnum):
    """Where a package stands against its buyer's rule."""

    NO_RULE = "no_rule"  # nothing reserved for this buyer kind on that day
    BELOW_FLOOR = "below_floor"
    ABOVE_CEILING = "above_ceiling"
    RESERVED = "reserved"  # within [floor, ceiling]: only the allowed classes may win


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of ``check_award``. ``message`` (an English msgid) and ``params`` are set only when the
    award is not allowed; ``breaches`` are the winners that break the rule, in the order given."""

    allowed: bool
    standing: Standing
    package_total: int
    rule: ReservationRule | None = None
    breaches: tuple[Winner, ...] = ()
    message: str | None = None

    @property
    def reserved(self) -> bool:
        return self.standing is Standing.RESERVED

    @property
    def params(self) -> dict[str, Any]:
        """Format-neutral values for the message: Rupiah as integers, size classes as codes, breaches as
        (name, size class, koperasi). ``explain`` words them; an API can return them as they are."""
        if self.rule is None:
            return {"total": self.package_total}
        return {
            "total": self.package_total,
            "floor": self.rule.floor,
            "ceiling": self.rule.ceiling,
            "basis": self.rule.legal_basis,
            "size_classes": self.rule.size_classes,
            "breaches": tuple((w.name, w.size_class, w.koperasi) for w in self.breaches),
        }


def rule_in_force(session: Session, buyer_kind: str, on: dt.date) -> ReservationRule | None:
    """The rule in force on ``on`` for a kind of buyer (the latest that took effect by then); None when
    nothing is reserved: no row for the kind, or its latest row has no ceiling."""
    row = repository.umkm_reservation_in_force(session, buyer_kind, on)
    if row is None or row.ceiling is None:
        return None
    return ReservationRule(
        buyer_kind=row.buyer_kind,
        effective_from=row.effective_from,
        floor=row.floor,
        ceiling=row.ceiling,
        size_classes=parse_size_classes(row.size_classes),
        legal_basis=row.legal_basis,
        note=row.note,
    )


def check_award(rule: ReservationRule | None, package_total: int, winners: Sequence[Winner]) -> Verdict:
    """Whether awarding a package of ``package_total`` Rupiah (the RFQ's total) to ``winners`` keeps to
    ``rule`` (None: no rule). Every winner counts, a split award's too."""
    if package_total < 0:
        raise ValueError(f"a package total cannot be negative: {package_total}")
    if rule is None:
        return Verdict(allowed=True, standing=Standing.NO_RULE, package_total=package_total)
    if package_total < rule.floor:
        return Verdict(allowed=True, standing=Standing.BELOW_FLOOR, package_total=package_total, rule=rule)
    if package_total > rule.ceiling:
        return Verdict(allowed=True, standing=Standing.ABOVE_CEILING, package_total=package_total, rule=rule)
    allowed = frozenset(rule.size_classes)
    breaches = tuple(w for w in winners if not w.classes & allowed)
    return Verdict(
        allowed=not breaches,
        standing=Standing.RESERVED,
        package_total=package_total,
        rule=rule,
        breaches=breaches,
        message=MSG_RESERVED_BROKEN if breaches else None,
    )


# --- words ---


def explain(verdict: Verdict, locale: str) -> str | None:
    """The verdict's message in ``locale`` ("This package of Rp1.200.000.000 is reserved for UMKM and
    cooperatives (Peraturan Menteri BUMN PER-2/MBU/03/2023, Rp250 juta to Rp14 miliar); PT X is a large
    business. ..."); None for an allowed award."""
    rule = verdict.rule
    if verdict.message is None or rule is None:
        return None
    babel = _BABEL.get(locale, "id_ID")
    reserved_for = _RESERVED_FOR.get(frozenset(rule.size_classes))
    who = (
        _say(locale, reserved_for)
        if reserved_for
        else format_list([_say(locale, _CLASS_NAMES[c]) for c in rule.size_classes], locale=babel)
    )
    if rule.floor:
        span = _say(
            locale, _RANGE_FROM_TO, floor=_amount(rule.floor, locale), ceiling=_amount(rule.ceiling, locale)
        )
    else:
        span = _say(locale, _RANGE_UP_TO, ceiling=_amount(rule.ceiling, locale))
    winners = format_list([_breach(w, locale) for w in verdict.breaches], locale=babel)
    return _say(
        locale,
        verdict.message,
        total=format_rupiah(verdict.package_total, locale),
        reserved_for=who,
        basis=rule.legal_basis,
        range=span,
        winners=winners,
    )


def _breach(winner: Winner, locale: str) -> str:
    message = _BREACH.get(winner.size_class, _BREACH_OTHER)
    return _say(locale, message, name=winner.name)


def _say(locale: str, message: str, **params: str) -> str:
    # Not i18n.translate: it would also translate a parameter that happens to be a msgid (a supplier
    # called "Verified"); every parameter here is worded already.
    text = translations(locale).gettext(message)
    return text % params if params else text


def _amount(rupiah: int, locale: str) -> str:
    """A rule's bound the way people say it ("Rp250 juta", "Rp14 miliar"), when that is exact; else in
    full ("Rp1.234.567")."""
    for power in (12, 9, 6):
        if rupiah >= 10**power:
            if rupiah % 10 ** (power - 3) == 0:
                compact = format_compact_decimal(
                    rupiah, format_type="long", locale=_BABEL.get(locale, "id_ID"), fraction_digits=3
                )
                return _currency(locale) + compact
            break
    return format_rupiah(rupiah, locale)


def _currency(locale: str) -> str:
    return "IDR" if locale == "en" else "Rp"
