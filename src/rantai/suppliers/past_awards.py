"""Track record from awards (issue #14, item 3): contracts won before or outside Rantai.

`import_awards` records `AwardRow`s (from an award file, `award_file.read_awards`, or an OCDS package,
`award_ocds.read_ocds_awards`) as `PastAward`s, keyed by what identifies each (a second import of the same rows records nothing new).
Who won is named by NIB or NPWP, which are public: naming them proves nothing. So an award attaches to a
profile only once a verifier has checked that the business holding the profile is the one it says:

- at import, when the winner's profile is held by its business (`claimed_at`) and is verified or its
  claim was approved;
- later, `attach_past_awards` when a verifier approves the business's claim on the profile
  (`claims.approve_claim`) or verifies a profile its business holds (`service.verify`).

Until then the award is an unclaimed track record. An attached award counts in the supplier's track
record (`TrackRecord.awards_won`: a business with any recorded contract is no newcomer) and is a
document of its history in the matching index (`catalog.search_index`), which the shortlist scores.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity.policy import Action, Actor, OrgScope, can
from rantai.kit.clock import now, today
from rantai.suppliers import repository
from rantai.suppliers.award_file import AwardResult, AwardRow, read_awards
from rantai.suppliers.award_ocds import read_ocds_awards
from rantai.suppliers.bulk import RegionIndex, record_import
from rantai.suppliers.errors import MSG_NOT_ALLOWED, SupplierForbidden
from rantai.suppliers.models import PastAward, SupplierProfile, TrackRecord
from rantai.tabular.batches import ImportMode, ImportOutcome, Progress, ReadyToWrite, check_then_write
from rantai.tabular.reading import Table


def row_key(row: AwardRow) -> str:
    """What identifies an award: its buyer, package, date, winner and value (and code when given)."""
    parts = (
        row.package_code or "",
        " ".join(row.buyer.lower().split()),
        " ".join(row.title.lower().split()),
        row.awarded_on.isoformat(),
        row.winner_nib or "",
        row.winner_npwp or "",
        str(row.value_idr if row.value_idr is not None else ""),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def import_awards(
    session: Session,
    rows: Iterable[AwardResult],
    *,
    actor: Actor | None,
    importer_organization_id: int,
    mode: ImportMode,
    progress: Progress | None = None,
    ready_to_write: ReadyToWrite | None = None,
) -> ImportOutcome:
    """Record every good row (all-or-nothing or valid rows, as the supplier import); attach those whose
    winner's business is checked (see the module docstring). Rows already recorded count as unchanged."""
    if not can(actor, Action.IMPORT_SUPPLIERS, OrgScope(importer_organization_id)):
        raise SupplierForbidden(MSG_NOT_ALLOWED)
    outcome = ImportOutcome()

    def write(records: list[AwardRow]) -> None:
        keyed = {row_key(record): record for record in records}
        known = repository.past_award_keys(session, list(keyed))
        fresh = [(key, record) for key, record in keyed.items() if key not in known]
        outcome.unchanged += len(records) - len(fresh)
        winners = repository.checked_winners(
            session,
            {record.winner_nib for _, record in fresh if record.winner_nib},
            {record.winner_npwp for _, record in fresh if record.winner_npwp},
        )
        moment = now()
        attached: Counter[int] = Counter()
        for key, record in fresh:
            supplier_id = winners.get(("nib", record.winner_nib or "")) or winners.get(
                ("npwp", record.winner_npwp or "")
            )
            session.add(
                PastAward(
                    row_key=key,
                    package_code=record.package_code,
                    buyer_name=record.buyer,
                    title=record.title,
                    value_idr=record.value_idr,
                    awarded_on=record.awarded_on,
                    winner_nib=record.winner_nib,
                    winner_npwp=record.winner_npwp,
                    region_code=record.region_code,
                    method=record.method,
                    procurement_type=record.procurement_type,
                    supplier_id=supplier_id,
                    attached_at=moment if supplier_id else None,
                    imported_by_organization_id=importer_organization_id,
                )
            )
            if supplier_id:
                attached[supplier_id] += 1
        outcome.inserted += len(fresh)
        for supplier_id, count in sorted(attached.items()):
            _count_in_track_record(session, supplier_id, count)
            outcome.touched_supplier_ids.append(supplier_id)
        session.flush()

    savepoint = check_then_write(
        session,
        rows,
        mode=mode,
        outcome=outcome,
        progress=progress,
        write=write,
        ready_to_write=ready_to_write,
    )
    if savepoint is None:
        return outcome
    savepoint.commit()
    record_import(session, Event.AWARDS_IMPORTED, actor, importer_organization_id, outcome, mode)
    return outcome


def import_award_file(
    session: Session,
    table: Table,
    *,
    actor: Actor | None,
    importer_organization_id: int,
    mode: ImportMode,
    progress: Progress | None = None,
    ready_to_write: ReadyToWrite | None = None,
) -> ImportOutcome:
    """`import_awards` over the rows of an award file (`award_file.AWARDS`)."""
    if not can(actor, Action.IMPORT_SUPPLIERS, OrgScope(importer_organization_id)):
        raise SupplierForbidden(MSG_NOT_ALLOWED)
    regions = RegionIndex(session)
    rows = read_awards(table, resolve_region=regions.resolve, known_region=regions.known, today=today())
    return import_awards(
        session,
        rows,
        actor=actor,
        importer_organization_id=importer_organization_id,
        mode=mode,
        progress=progress,
        ready_to_write=ready_to_write,
    )


def import_award_package(
    session: Session,
    package: dict[str, Any],
    *,
    filename: str,
    actor: Actor | None,
    importer_organization_id: int,
    mode: ImportMode,
    progress: Progress | None = None,
    ready_to_write: ReadyToWrite | None = None,
) -> ImportOutcome:
    """`import_awards` over the active awards of an OCDS release or record package (`award_ocds`)."""
    if not can(actor, Action.IMPORT_SUPPLIERS, OrgScope(importer_organization_id)):
        raise SupplierForbidden(MSG_NOT_ALLOWED)
    regions = RegionIndex(session)
    rows = read_ocds_awards(
        package, filename=filename, resolve_region=regions.resolve, known_region=regions.known, today=today()
    )
    return import_awards(
        session,
        rows,
        actor=actor,
        importer_organization_id=importer_organization_id,
        mode=mode,
        progress=progress,
        ready_to_write=ready_to_write,
    )


def attach_past_awards(session: Session, profile: SupplierProfile, *, actor: Actor | None) -> int:
    """Attach the unclaimed awards naming the profile's NIB or NPWP to it (a verifier has just checked
    the business holding it); they count in its track record. Returns how many were attached."""
    awards = repository.unclaimed_awards_naming(session, profile.nib, profile.npwp)
    if not awards:
        return 0
    moment = now()
    for award in awards:
        award.supplier_id = profile.id
        award.attached_at = moment
    _count_in_track_record(session, profile.id, len(awards))
    details = {"nib": profile.nib, "awards": len(awards), "award_ids": [award.id for award in awards][:50]}
    audit.record(
        session, Event.PAST_AWARDS_ATTACHED, profile.id, [profile.organization_id], by=actor, details=details
    )
    session.flush()
    return len(awards)


def histories_of(session: Session, supplier_ids: Sequence[int]) -> dict[int, list[PastAward]]:
    """Each supplier's attached past awards, oldest first (one query)."""
    return repository.past_awards_of(session, supplier_ids)


def _count_in_track_record(session: Session, supplier_id: int, count: int) -> None:
    record = session.get(TrackRecord, supplier_id)
    if record is None:
        session.add(TrackRecord(supplier_id=supplier_id, awards_won=count))
    else:
        record.awards_won += count
