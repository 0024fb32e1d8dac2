"""The one-sentence entry: "keripik singkong 5.000 bungkus, halal, kirim ke Kota Bandung" becomes a need.

The engine's parser (`rantai.matching.parse_need`) finds the quantity, the unit, the certificates and the
place phrase; this module resolves the place to a kab/kota and applies the line defaults (UMKM-only as
the reservation rule says). The buyer sees every field filled in on the need page and can correct it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from rantai import matching
from rantai.identity.policy import Actor
from rantai.sourcing.errors import MSG_QUICK_EMPTY, NeedInvalid
from rantai.sourcing.models import Need
from rantai.sourcing.plan_file import KabkotaNames
from rantai.sourcing.service import LineData, NeedData, create_need


@dataclass(frozen=True, slots=True)
class QuickLine:
    """What was understood from the sentence; ``place`` is kept when it named no single kab/kota."""

    line: LineData
    place: str | None
    place_found: bool


def understand(session: Session, text: str) -> QuickLine:
    """The need line a sentence describes."""
    sentence = " ".join((text or "").split())
    if not sentence:
        raise NeedInvalid(MSG_QUICK_EMPTY, field="text")
    parsed = matching.parse_need(sentence)
    kabkota: str | None = None
    if parsed.place:
        match = KabkotaNames(session).resolve(parsed.place)
        kabkota = match.code
    name = parsed.text.strip(" ,.;") or sentence
    line = LineData(
        name=name[:1].upper() + name[1:],
        quantity=parsed.quantity,
        unit_code=parsed.unit,
        delivery_kabkota_code=kabkota,
        certifications=list(parsed.certs),
    )
    return QuickLine(line=line, place=parsed.place, place_found=kabkota is not None)


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
