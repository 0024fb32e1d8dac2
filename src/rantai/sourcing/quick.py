"""The one-sentence entry: "keripik singkong 5.000 bungkus, halal, kirim ke Kota Bandung" becomes a need.

The engine's parser (`rantai.matching.parse_need`) finds the quantity, the unit, the certificates and the
place phrase; this module resolves the place to a kab/kota, or to a province when it names one ("DKI
Jakarta": delivery anywhere in it, distances measured to its nearest kota), and applies the line defaults (UMKM-only as
the reservation rule says). The buyer sees every field filled in on the need page and can correct it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai import matching
from rantai.identity.policy import Actor
from rantai.reference.models import Region, RegionLevel
from rantai.sourcing.errors import MSG_QUICK_EMPTY, NeedInvalid
from rantai.sourcing.models import Need
from rantai.sourcing.plan_file import KabkotaNames
from rantai.sourcing.service import LineData, NeedData, create_need


@dataclass(frozen=True, slots=True)
class QuickLine:
    """What was understood from the sentence; ``place`` is kept when it named no single kab/kota;
    ``province_code`` when it named a whole province (``31`` for "Jakarta")."""

    line: LineData
    place: str | None
    place_found: bool
    province_code: str | None = None


def province_named(session: Session, name: str) -> str | None:
    """The code of the province a place names: its full name or its usual short form ("DKI Jakarta" for
    Daerah Khusus Ibukota Jakarta, "DI Yogyakarta"); None when it names none."""
    wanted = _province_key(name)
    for code, full in session.execute(
        select(Region.code, Region.name).where(Region.level == RegionLevel.PROVINCE)
    ):
        if wanted in (_province_key(full), _province_key(full).removeprefix("provinsi ")):
            return str(code)
    return None


def _province_key(name: str) -> str:
    key = " ".join(name.lower().replace(".", " ").split()).removeprefix("provinsi ")
    return key.replace("daerah khusus ibukota ", "dki ").replace("daerah istimewa ", "di ")


def understand(session: Session, text: str) -> QuickLine:
    """The need line a sentence describes."""
    sentence = " ".join((text or "").split())
    if not sentence:
        raise NeedInvalid(MSG_QUICK_EMPTY, field="text")
    parsed = matching.parse_need(sentence)
    kabkota: str | None = None
    province: str | None = None
    if parsed.place:
        match = KabkotaNames(session).resolve(parsed.place)
        kabkota = match.code
        if kabkota is None and not match.candidates:
            province = province_named(session, parsed.place)
    name = parsed.text.strip(" ,.;") or sentence
    line = LineData(
        name=name[:1].upper() + name[1:],
        quantity=parsed.quantity,
        unit_code=parsed.unit,
        delivery_kabkota_code=kabkota,
        delivery_province_code=province,
        certifications=list(parsed.certs),
    )
    return QuickLine(
        line=line,
        place=parsed.place,
        place_found=kabkota is not None or province is not None,
        province_code=province,
    )


def create_quick_need(
    session: Session, *, actor: Actor | None, organization_id: int, text: str
) -> tuple[Need, QuickLine]:
    """A draft need with one line from a sentence."""
    quick = understand(session, text)
    description = " ".join(text.split())
    need = create_need(
        session,
        actor=actor,
        organization_id=organization_id,
        data=NeedData(title=quick.line.name, lines=[quick.line], description=description),
        source="quick",
    )
    return need, quick
