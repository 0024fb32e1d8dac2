"""Bulk import of suppliers into the database: validated records in, an idempotent upsert keyed by NIB.

The file layer (``rantai.tabular``, with ``suppliers.import_file``) streams and validates rows; this module writes them in batches
with bulk statements, so 100,000 suppliers take seconds, not minutes. An import runs in two steps: every
row is read and checked first, the good ones set aside in a spool file (``stage``), writing nothing; then
one transaction writes them (a job begins it as a writer only then, via ``ready_to_write``, so on SQLite
the write lock is held for the writing alone, not while a big file is read: issue #9, finding 3). In
``all_or_nothing`` mode any bad row means nothing is written; in ``valid_rows`` mode the good rows are
kept and the bad ones reported. Importing the same file twice changes nothing (every field is compared).

An import creates profiles and changes only those its organization manages (the policy's
``CHANGE_BY_IMPORT``, issue #9): any other NIB is a row error naming it, and that row changes nothing.
Every profile it creates or changes gets an entry in the audit log of the business's own organization.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Entry, Event
from rantai.db import bulk_insert
from rantai.identity.models import Organization
from rantai.identity.policy import Action, Actor, ImportTarget, OrgScope, can
from rantai.identity.roles import OrgType
from rantai.kit.clock import now
from rantai.kit.text import N_
from rantai.reference import repository as ref
from rantai.reference.models import Kbli, KbliLevel, Region
from rantai.reference.service import classify_size
from rantai.suppliers import notices
from rantai.suppliers.errors import (
    MSG_IMPORT_COOPERATIVE_NOT_MANAGED,
    MSG_IMPORT_NOT_MANAGED,
    MSG_IMPORT_OUTSIDE_REGION,
    MSG_NOT_ALLOWED,
    SupplierForbidden,
)
from rantai.suppliers.import_file import SupplierRecord, validate_suppliers
from rantai.suppliers.models import SizeClassRecord, SupplierKbli, SupplierProfile
from rantai.tabular.batches import (
    ImportMode,
    ImportOutcome,
    Progress,
    ReadyToWrite,
    check_then_write,
    reject_row,
)
from rantai.tabular.cells import LegalForm, RegionMatch
from rantai.tabular.reading import Table
from rantai.tabular.records import RowError


@dataclass(frozen=True, slots=True)
class Importer:
    """Who runs an import: the acting user and the organization they import for."""

    actor: Actor | None
    organization_id: int

    def may(self, region_code: str, *, exists: bool, managed_by: int | None = None) -> bool:
        """May this import write a row for a business in ``region_code`` (creating its profile, or
        changing one managed by ``managed_by``)? The policy decides."""
        target = ImportTarget(
            organization_id=self.organization_id,
            region_code=region_code,
            exists=exists,
            managed_by_organization_id=managed_by,
        )
        return can(self.actor, Action.CHANGE_BY_IMPORT, target)

    def audit(
        self, session: Session, event: Event, changes: Iterable[tuple[int, int, dict[str, Any]]]
    ) -> None:
        """One audit entry per profile changed, ``(profile id, its organization, details)``, in the log of
        the business's own organization and the importer's, with the importer in the details, so the
        business sees who changed it (issue #9). A business importing into its own profile has the
        import's entry already (``record_import``)."""
        importer = self.organization_id
        changed = [(pid, org, details) for pid, org, details in changes if org != importer]
        if changed:
            audit.record_many(
                session,
                (
                    Entry(
                        event,
                        pid,
                        [org, importer],
                        self.actor,
                        {**details, "actor_organization_id": importer},
                    )
                    for pid, org, details in changed
                ),
            )
            notices.changed_by_import(session, importer, {org for _, org, _ in changed})


class RegionIndex:
    """Every Kemendagri code with its level, and unambiguous names, held in memory for one import."""

    def __init__(self, session: Session) -> None:
        self.level: dict[str, int] = {}
        self.parent: dict[str, str | None] = {}
        self.centroid: dict[str, tuple[float | None, float | None]] = {}
        by_name: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}
        for code, name, level, parent, lat, lng in session.execute(
            select(Region.code, Region.name, Region.level, Region.parent_code, Region.lat, Region.lng)
        ):
            self.level[code] = level
            self.parent[code] = parent
            if level <= 3:
                self.names[code] = name
            if level <= 2:
                self.centroid[code] = (lat, lng)
            if level <= 3:
                by_name.setdefault(_name_key(name), []).append(code)
                if level == 2:  # "Kota Bandung" is also found as "Bandung" (with Kab. Bandung: ambiguous)
                    bare = _name_key(name.removeprefix("Kabupaten ").removeprefix("Kota "))
                    by_name.setdefault(bare, []).append(code)
        self._by_name = by_name

    def resolve(self, name: str) -> RegionMatch:
        codes = sorted(set(self._by_name.get(_name_key(name), [])))
        if len(codes) == 1:
            return RegionMatch.found(codes[0])
        return RegionMatch.ambiguous((code, self.names[code]) for code in codes)

    def known(self, code: str) -> bool:
        return code in self.level

    def place(self, code: str) -> dict[str, Any] | None:
        """Province, kab/kota, kecamatan and desa columns for a code at kab/kota level or below."""
        level = self.level.get(code)
        if level is None or level < 2:
            return None
        chain = [code]
        while (parent := self.parent.get(chain[-1])) is not None:
            chain.append(parent)
        by_level = {self.level[c]: c for c in chain}
        lat, lng = self.centroid.get(by_level[2], (None, None))
        return {
            "province_code": by_level[1],
            "kabkota_code": by_level[2],
            "kecamatan_code": by_level.get(3),
            "desa_code": by_level.get(4),
            "lat": lat,
            "lng": lng,
        }


def _name_key(name: str) -> str:
    return " ".join(name.casefold().replace("kab.", "kabupaten").split())


def _known_kbli(session: Session) -> Callable[[str], bool]:
    codes = set(session.scalars(select(Kbli.code).where(Kbli.level == KbliLevel.CLASS.value)))
    return codes.__contains__


MSG_REGION_TOO_COARSE = N_("Give the kab/kota (such as 32.73) or a finer region; %(code)s is a province.")
MSG_COOPERATIVE_MISSING = N_(
    "Imported without the cooperative link: NIB %(nib)s is not a cooperative on Rantai yet. Import the "
    "cooperative first, then import this file again."
)


def import_suppliers(
    session: Session,
    table: Table,
    *,
    actor: Actor | None,
    importer_organization_id: int,
    mode: ImportMode,
    progress: Progress | None = None,
    ready_to_write: ReadyToWrite | None = None,
) -> ImportOutcome:
    """Validate and upsert every row of a supplier file (see the module docstring for the modes)."""
    if not can(actor, Action.IMPORT_SUPPLIERS, OrgScope(importer_organization_id)):
        raise SupplierForbidden(MSG_NOT_ALLOWED)
    importer = Importer(actor, importer_organization_id)
    regions = RegionIndex(session)
    thresholds = ref.size_thresholds_on(session, now().date())
    outcome = ImportOutcome()
    results = validate_suppliers(
        table, resolve_region=regions.resolve, known_kbli=_known_kbli(session), known_region=regions.known
    )
    cooperative_links: list[tuple[int, str, str, int]] = []  # (0, coop nib, member nib, row)

    def too_coarse(record: SupplierRecord) -> tuple[RowError, ...]:
        if regions.place(record.region_code) is not None:
            return ()
        code = record.region_code
        return (RowError(record.row, "kode_wilayah", code, MSG_REGION_TOO_COARSE, {"code": code}),)

    def write(records: list[SupplierRecord]) -> None:
        allowed = _allowed(session, records, regions, importer, outcome)
        if allowed:
            _upsert(session, allowed, regions, thresholds, outcome, cooperative_links, importer)

    savepoint = check_then_write(
        session,
        results,
        mode=mode,
        outcome=outcome,
        progress=progress,
        check=too_coarse,
        write=write,
        ready_to_write=ready_to_write,
    )
    if savepoint is None:
        return outcome
    _link_cooperatives(session, cooperative_links, outcome, importer)
    savepoint.commit()
    record_import(session, Event.SUPPLIER_IMPORTED, actor, importer_organization_id, outcome, mode)
    return outcome


def record_import(
    session: Session,
    event: Event,
    actor: Actor | None,
    organization_id: int,
    outcome: ImportOutcome,
    mode: ImportMode,
) -> None:
    """One audit event per import with its counts (the file itself says what each row was)."""
    counts = {
        "rows": outcome.rows,
        "inserted": outcome.inserted,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "rejected": outcome.rejected_rows,
        "mode": mode.value,
    }
    audit.record(session, event, organization_id, [organization_id], by=actor, details=counts)


# Bulk inserts go through db.bulk_insert, not the ORM, on purpose: the ORM's bulk INSERT drops None-valued
# keys and groups rows by key set, so rows with different empty cells become one INSERT each, and its
# RETURNING rows are spliced one batch at a time (measured in bench/import_registry.py).

# The profile columns a supplier row sets; compared one by one to tell "updated" from "unchanged".
_COMPARED = (
    "business_name",
    "legal_form",
    "npwp",
    "address",
    "province_code",
    "kabkota_code",
    "kecamatan_code",
    "desa_code",
    "primary_kbli",
    "business_capital",
    "annual_sales",
    "workers",
    "phone",
    "email",
    "year_founded",
)


def _values(record: SupplierRecord, regions: RegionIndex) -> dict[str, Any]:
    place = regions.place(record.region_code) or {}
    return {
        "business_name": record.name,
        "legal_form": record.legal_form.value,
        "npwp": record.npwp,
        "address": record.address,
        "province_code": place["province_code"],
        "kabkota_code": place["kabkota_code"],
        "kecamatan_code": place["kecamatan_code"],
        "desa_code": place["desa_code"],
        "primary_kbli": record.kbli_codes[0] if record.kbli_codes else None,
        "business_capital": record.business_capital,
        "annual_sales": record.annual_sales,
        "workers": record.employee_count,
        "phone": record.phone,
        "email": record.email,
        "year_founded": record.year_founded,
        "lat": place["lat"],
        "lng": place["lng"],
    }


def _size(record: SupplierRecord, thresholds: Any) -> tuple[str | None, str | None]:
    if record.annual_sales is None and record.business_capital is None:
        return None, None
    size_class, basis = classify_size(
        thresholds,
        annual_sales=record.annual_sales,
        business_capital=record.business_capital,
        on=now().date(),
    )
    return size_class, basis


def _allowed(
    session: Session,
    records: list[SupplierRecord],
    regions: RegionIndex,
    importer: Importer,
    outcome: ImportOutcome,
) -> list[SupplierRecord]:
    """The rows this import may write (see the module docstring); the others become row errors."""
    nibs = {r.nib for r in records} | {r.cooperative_nib for r in records if r.cooperative_nib}
    # Locked until the import commits: a claim approved meanwhile waits for it, and one approved before
    # is seen here (on SQLite the import holds the write lock anyway).
    managers = dict(
        session.execute(
            select(SupplierProfile.nib, SupplierProfile.managed_by_organization_id)
            .where(SupplierProfile.nib.in_(nibs))
            .with_for_update()
        ).all()
    )
    allowed = []
    for record in records:
        place = regions.place(record.region_code) or {}
        region = place.get("desa_code") or place.get("kecamatan_code") or place.get("kabkota_code") or ""
        exists = record.nib in managers
        coop = record.cooperative_nib
        if not importer.may(region, exists=exists, managed_by=managers.get(record.nib)):
            if exists and managers[record.nib] != importer.organization_id:
                error = RowError(record.row, "nib", record.nib, MSG_IMPORT_NOT_MANAGED, {"nib": record.nib})
            else:
                params = {"nib": record.nib, "code": region}
                error = RowError(
                    record.row, "kode_wilayah", record.region_code, MSG_IMPORT_OUTSIDE_REGION, params
                )
            reject_row(outcome, error)
        elif coop and coop in managers and managers[coop] != importer.organization_id:
            # Linking a member to a cooperative speaks for the cooperative: only its manager may.
            params = {"nib": coop}
            reject_row(
                outcome,
                RowError(record.row, "nib_koperasi", coop, MSG_IMPORT_COOPERATIVE_NOT_MANAGED, params),
            )
        else:
            allowed.append(record)
    return allowed


def _upsert(
    session: Session,
    records: list[SupplierRecord],
    regions: RegionIndex,
    thresholds: Any,
    outcome: ImportOutcome,
    cooperative_links: list[tuple[int, str, str, int]],
    importer: Importer,
) -> None:
    existing = {
        p.nib: p
        for p in session.scalars(
            select(SupplierProfile).where(SupplierProfile.nib.in_([r.nib for r in records]))
        )
    }
    kbli_rows: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    _update_existing(session, records, existing, regions, thresholds, outcome, kbli_rows, history, importer)
    _insert_new(
        session,
        [r for r in records if r.nib not in existing],
        regions,
        thresholds,
        outcome,
        kbli_rows,
        history,
        importer,
    )
    if kbli_rows:
        bulk_insert(session, SupplierKbli, kbli_rows)
    if history:
        bulk_insert(session, SizeClassRecord, history)
    for record in records:
        if record.cooperative_nib:
            cooperative_links.append((0, record.cooperative_nib, record.nib, record.row))


def _current_kbli(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    for sid, code in session.execute(
        select(SupplierKbli.supplier_id, SupplierKbli.kbli_code)
        .where(SupplierKbli.supplier_id.in_(ids))
        .order_by(SupplierKbli.supplier_id, SupplierKbli.is_primary.desc(), SupplierKbli.id)
    ):
        found.setdefault(sid, []).append(code)
    return found


def _update_existing(
    session: Session,
    records: list[SupplierRecord],
    existing: dict[str, SupplierProfile],
    regions: RegionIndex,
    thresholds: Any,
    outcome: ImportOutcome,
    kbli_rows: list[dict[str, Any]],
    history: list[dict[str, Any]],
    importer: Importer,
) -> None:
    kbli_now = _current_kbli(session, [p.id for p in existing.values()])
    updates: list[dict[str, Any]] = []
    changes: list[tuple[int, int, dict[str, Any]]] = []
    replace_kbli: list[int] = []
    for record in records:
        profile = existing.get(record.nib)
        if profile is None:
            continue
        values = _values(record, regions)
        size_class, basis = _size(record, thresholds)
        changed = {k: values[k] for k in _COMPARED if getattr(profile, k) != values[k]}
        if (size_class, basis) != (profile.size_class, profile.size_basis):
            changed.update(size_class=size_class, size_basis=basis)
            if size_class is not None:
                history.append(_history(profile.id, record, size_class, basis, now().date()))
        if kbli_now.get(profile.id, []) != list(record.kbli_codes):
            replace_kbli.append(profile.id)
            kbli_rows.extend(_kbli_rows(profile.id, list(record.kbli_codes)))
            changed.setdefault("primary_kbli", values["primary_kbli"])
        if not changed:
            outcome.unchanged += 1
            continue
        # A legal field changed on a verified profile: back to the verifiers, as service.update_profile does.
        if profile.status == "verified" and (_LEGAL & changed.keys() or profile.id in replace_kbli):
            changed.update(status="submitted", submitted_at=now())
        # The version moves with every change (the row is locked above), so a verifier's decision taken on
        # the profile as it was before the import is refused (rantai.lifecycle).
        updates.append({"id": profile.id, **changed, "updated_at": now(), "version": profile.version + 1})
        outcome.updated += 1
        outcome.touched_supplier_ids.append(profile.id)
        fields = set(changed) - {"size_basis", "submitted_at"}
        if profile.id in replace_kbli:
            fields.add("kbli_codes")
        details = {"fields": sorted(fields), "status": changed.get("status", profile.status)}
        changes.append((profile.id, profile.organization_id, details))
    if updates:
        session.execute(update(SupplierProfile), updates)
    if replace_kbli:
        session.execute(delete(SupplierKbli).where(SupplierKbli.supplier_id.in_(replace_kbli)))
    importer.audit(session, Event.SUPPLIER_UPDATED_BY_IMPORT, changes)


def _insert_new(
    session: Session,
    records: list[SupplierRecord],
    regions: RegionIndex,
    thresholds: Any,
    outcome: ImportOutcome,
    kbli_rows: list[dict[str, Any]],
    history: list[dict[str, Any]],
    importer: Importer,
) -> None:
    if not records:
        return
    moment = now()
    organizations = [
        {
            "name": r.name,
            "org_type": (OrgType.KOPERASI if r.legal_form is LegalForm.KOPERASI else OrgType.UMKM).value,
            "region_code": (regions.place(r.region_code) or {}).get("kabkota_code"),
            "is_active": True,
            "created_at": moment,
        }
        for r in records
    ]
    org_ids = bulk_insert(session, Organization, organizations, return_ids=True)
    profile_rows = []
    for org_id, record in zip(org_ids, records, strict=True):
        size_class, basis = _size(record, thresholds)
        profile_rows.append(
            {
                "organization_id": org_id,
                "nib": record.nib,
                "status": "draft",
                # Unclaimed: the importer manages it until its business claims it (issue #9).
                "managed_by_organization_id": importer.organization_id,
                "claimed_at": None,
                "size_class": size_class,
                "size_basis": basis,
                "created_at": moment,
                "updated_at": moment,
                **_values(record, regions),
            }
        )
    profile_ids = bulk_insert(session, SupplierProfile, profile_rows, return_ids=True)
    for pid, record, row in zip(profile_ids, records, profile_rows, strict=True):
        kbli_rows.extend(_kbli_rows(pid, list(record.kbli_codes)))
        if row["size_class"] is not None:
            history.append(_history(pid, record, row["size_class"], row["size_basis"], moment.date()))
    outcome.inserted += len(records)
    outcome.touched_supplier_ids.extend(profile_ids)
    importer.audit(
        session,
        Event.SUPPLIER_CREATED_BY_IMPORT,
        (
            (pid, org_id, {"nib": record.nib})
            for pid, org_id, record in zip(profile_ids, org_ids, records, strict=True)
        ),
    )


_LEGAL = frozenset({"business_name", "legal_form", "npwp", "primary_kbli"})


def _kbli_rows(supplier_id: int, codes: list[str]) -> list[dict[str, Any]]:
    return [{"supplier_id": supplier_id, "kbli_code": c, "is_primary": i == 0} for i, c in enumerate(codes)]


def _history(
    supplier_id: int, record: SupplierRecord, size_class: str, basis: str | None, today: dt.date
) -> dict[str, Any]:
    return {
        "supplier_id": supplier_id,
        "size_class": size_class,
        "basis": basis,
        "annual_sales": record.annual_sales,
        "business_capital": record.business_capital,
        "effective_on": today,
        "recorded_at": now(),
    }


def _link_cooperatives(
    session: Session, links: list[tuple[int, str, str, int]], outcome: ImportOutcome, importer: Importer
) -> None:
    """Point members at their cooperative once every row is in (a cooperative may come later in the file).

    The rows were checked before writing (``_allowed``): each member is one this import manages, and each
    cooperative already on Rantai too; a cooperative new in this file was made by this import."""
    if not links:
        return
    nibs = {nib for _, coop, nib, _ in links} | {coop for _, coop, _, _ in links}
    profiles = {
        nib: (pid, legal_form, coop_id, org_id)
        for nib, pid, legal_form, coop_id, org_id in session.execute(
            select(
                SupplierProfile.nib,
                SupplierProfile.id,
                SupplierProfile.legal_form,
                SupplierProfile.cooperative_id,
                SupplierProfile.organization_id,
            ).where(SupplierProfile.nib.in_(nibs))
        ).all()
    }
    updates = []
    changes: list[tuple[int, int, dict[str, Any]]] = []
    for _, coop_nib, nib, row in links:
        coop = profiles.get(coop_nib)
        member = profiles.get(nib)
        if member is None:
            continue
        if coop is None or coop[1] != LegalForm.KOPERASI.value:
            outcome.warnings.append(
                RowError(row, "nib_koperasi", coop_nib, MSG_COOPERATIVE_MISSING, {"nib": coop_nib})
            )
        elif member[2] != coop[0]:
            updates.append({"id": member[0], "cooperative_id": coop[0]})
            changes.append(
                (member[0], member[3], {"fields": ["cooperative_id"], "cooperative_nib": coop_nib})
            )
    if updates:
        session.execute(update(SupplierProfile), updates)
    importer.audit(session, Event.SUPPLIER_UPDATED_BY_IMPORT, changes)
