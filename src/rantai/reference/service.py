"""Reference-data use cases: loading the shipped datasets, classifying a business by size, validating codes.

Services flush, never commit: ``rantai db upgrade`` (or a test) owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

from sqlalchemy.orm import Session

from rantai.kit.clock import now
from rantai.reference import datasets, repository
from rantai.reference.datasets import Dataset
from rantai.reference.errors import (
    MSG_NEGATIVE_AMOUNT,
    MSG_NO_SIZE_THRESHOLDS,
    MSG_SIZE_NEEDS_FIGURES,
    MSG_UNKNOWN_KBLI,
    MSG_UNKNOWN_REGION,
    CannotClassifySize,
    UnknownKbli,
    UnknownRegion,
)
from rantai.reference.models import Kbli, Region

log = logging.getLogger(__name__)

# --- loading ---


@dataclass(frozen=True, slots=True)
class DatasetLoad:
    """What loading one dataset did."""

    name: str
    version: str
    skipped: bool  # the stored checksum matched: nothing was read into the database
    row_count: int  # rows the shipped data has
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows in the database that the shipped data no longer has; kept because other tables may point at them.
    retained: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What ``load_reference_data`` did, per dataset, and how long it took."""

    datasets: tuple[DatasetLoad, ...]
    seconds: float

    @property
    def changed(self) -> int:
        return sum(d.changed for d in self.datasets)

    @property
    def all_skipped(self) -> bool:
        return all(d.skipped for d in self.datasets)

    def lines(self) -> list[str]:
        """One line per dataset and a total, for ``rantai db upgrade`` to print."""
        out = []
        for d in self.datasets:
            if d.skipped:
                out.append(f"{d.name} ({d.version}): unchanged, {d.row_count} rows already loaded")
            else:
                out.append(
                    f"{d.name} ({d.version}): {d.inserted} inserted, {d.updated} updated, "
                    f"{d.unchanged} unchanged, {d.retained} kept though no longer shipped"
                )
        out.append(f"Reference data: {self.changed} rows changed in {self.seconds:.2f} s.")
        return out

    def __getitem__(self, name: str) -> DatasetLoad:
        for item in self.datasets:
            if item.name == name:
                return item
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class _Pending:
    dataset: Dataset
    checksum: str
    rows: list[dict[str, Any]]


def load_reference_data(
    session: Session, *, only: Iterable[str] | None = None, force: bool = False
) -> LoadReport:
    """Load the shipped reference datasets; idempotent and versioned.

    A dataset whose checksum matches the stored one is skipped. Otherwise its rows are upserted: new codes
    are inserted and changed rows updated; rows no longer shipped are kept (and counted as ``retained``)
    because suppliers, products and orders may point at them. ``force`` compares every row even when the
    checksum matches, which repairs hand-edited tables. ``only`` limits the load to the named datasets.

    Every dataset is built and checked before anything is written, so a bad file changes nothing.
    """
    started = time.perf_counter()
    wanted = set(only) if only is not None else None
    chosen = [d for d in datasets.DATASETS if wanted is None or d.name in wanted]
    if wanted is not None and len(chosen) != len(wanted):
        unknown = sorted(wanted - {d.name for d in chosen})
        raise ValueError(f"unknown reference datasets: {unknown}")

    results: dict[str, DatasetLoad] = {}
    pending: list[_Pending] = []
    for dataset in chosen:
        contents = datasets.read_contents(dataset)
        checksum = datasets.checksum(dataset, contents)
        stored = repository.dataset_record(session, dataset.name)
        if stored is not None and stored.checksum == checksum and not force:
            results[dataset.name] = DatasetLoad(
                dataset.name, dataset.version, skipped=True, row_count=stored.row_count
            )
            continue
        pending.append(_Pending(dataset, checksum, dataset.build(contents)))

    for item in pending:
        result = _upsert(session, item.dataset, item.rows)
        repository.save_dataset_record(
            session,
            name=item.dataset.name,
            version=item.dataset.version,
            checksum=item.checksum,
            row_count=len(item.rows),
            loaded_at=now(),
        )
        log.info(
            "reference dataset %s (%s): %d inserted, %d updated, %d unchanged, %d retained",
            result.name,
            result.version,
            result.inserted,
            result.updated,
            result.unchanged,
            result.retained,
        )
        results[item.dataset.name] = result
    session.flush()
    return LoadReport(
        datasets=tuple(results[d.name] for d in chosen), seconds=round(time.perf_counter() - started, 3)
    )


def _upsert(session: Session, dataset: Dataset, rows: list[dict[str, Any]]) -> DatasetLoad:
    model = dataset.model
    if repository.count_rows(session, model) == 0:
        # The first load, the common case: no comparison needed.
        repository.insert_rows(session, model, rows)
        return DatasetLoad(
            dataset.name, dataset.version, skipped=False, row_count=len(rows), inserted=len(rows)
        )

    keys = repository.primary_key_names(model)
    existing = repository.rows_by_key(session, model, list(rows[0]) if rows else list(keys))
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for row in rows:
        current = existing.get(tuple(row[k] for k in keys))
        if current is None:
            new.append(row)
        elif current != row:
            changed.append(row)
    # Insert before updating, so that an updated row may point at a parent that is new in this version.
    repository.insert_rows(session, model, new)
    repository.update_rows(session, model, changed)
    matched = len(rows) - len(new)
    return DatasetLoad(
        dataset.name,
        dataset.version,
        skipped=False,
        row_count=len(rows),
        inserted=len(new),
        updated=len(changed),
        unchanged=matched - len(changed),
        retained=len(existing) - matched,
    )


# --- business size (PP 7/2021 Pasal 35) ---

SizeClass = str  # "mikro", "kecil", "menengah" (from the thresholds) or BESAR
SizeBasis = Literal["annual_sales", "business_capital"]
BESAR = "besar"


class Threshold(Protocol):
    """What classification needs of a threshold row; ``models.SizeThreshold`` fits, so do test doubles."""

    @property
    def size_class(self) -> str: ...
    @property
    def rank(self) -> int: ...
    @property
    def effective_from(self) -> dt.date: ...
    @property
    def business_capital_max(self) -> int: ...
    @property
    def annual_sales_max(self) -> int: ...


T = TypeVar("T", bound=Threshold)


class SizeClassification(NamedTuple):
    size_class: SizeClass
    basis: SizeBasis


def thresholds_in_force(thresholds: Iterable[T], on: dt.date) -> list[T]:
    """The thresholds of the latest set that took effect on or before ``on``, smallest class first."""
    candidates = [t for t in thresholds if t.effective_from <= on]
    if not candidates:
        return []
    latest = max(t.effective_from for t in candidates)
    return sorted((t for t in candidates if t.effective_from == latest), key=lambda t: t.rank)


def classify_size(
    source: Session | Sequence[Threshold],
    *,
    annual_sales: int | None,
    business_capital: int | None,
    on: dt.date,
) -> SizeClassification:
    """The size class of a business under the thresholds in force on ``on``, and the figure it rests on.

    Annual sales (hasil penjualan tahunan) decide when known; business capital (modal usaha, without land
    and buildings) is the fallback, as PP 7/2021 Pasal 35 uses it for businesses being set up. Bounds are
    inclusive: sales of exactly Rp2 miliar are still mikro. Pass a Session to read the thresholds, or the
    thresholds themselves to keep this pure.
    """
    for field, amount in (("annual_sales", annual_sales), ("business_capital", business_capital)):
        if amount is not None and amount < 0:
            raise CannotClassifySize(MSG_NEGATIVE_AMOUNT, field=field)
    basis: SizeBasis
    if annual_sales is not None:
        figure, basis = annual_sales, "annual_sales"
    elif business_capital is not None:
        figure, basis = business_capital, "business_capital"
    else:
        raise CannotClassifySize(MSG_SIZE_NEEDS_FIGURES, field="annual_sales")

    rows: Sequence[Threshold] = (
        repository.size_thresholds_on(source, on) if isinstance(source, Session) else source
    )
    in_force = thresholds_in_force(rows, on)
    if not in_force:
        raise CannotClassifySize(MSG_NO_SIZE_THRESHOLDS, field="on", date=on.isoformat())
    for threshold in in_force:
        bound = threshold.annual_sales_max if basis == "annual_sales" else threshold.business_capital_max
        if figure <= bound:
            return SizeClassification(threshold.size_class, basis)
    return SizeClassification(BESAR, basis)


# --- validating codes other domains store ---


def require_region(session: Session, code: str, *, level: int | None = None) -> Region:
    """The region with ``code`` (at ``level`` when given), or a NotFound the user can act on."""
    region = repository.get_region(session, code)
    if region is None or (level is not None and region.level != level):
        raise UnknownRegion(MSG_UNKNOWN_REGION, field="region_code", code=code)
    return region


def require_kbli(session: Session, code: str, *, level: str | None = None) -> Kbli:
    """The KBLI entry with ``code`` (at ``level`` when given, e.g. five-digit classes for a NIB)."""
    kbli = repository.get_kbli(session, code)
    if kbli is None or (level is not None and kbli.level != level):
        raise UnknownKbli(MSG_UNKNOWN_KBLI, field="kbli_code", code=code)
    return kbli
