"""The monitoring dashboard and the public page as data (issue #15): filters read and checked, the level of
the drill-down (nation -> province -> kab/kota -> suppliers), and every table a page shows, so that the
page, its CSV and its XLSX are made from the same rows (the browser test compares them).

The doors only render these; nothing here knows HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy.orm import Session

from rantai.analytics import kpi, repository, rollup
from rantai.analytics.errors import MSG_FILTER, MSG_PERIOD, AnalyticsInvalid
from rantai.analytics.kpi import Dimension, ValueRow
from rantai.analytics.repository import Narrowing, Scope
from rantai.identity.roles import BUYER_TYPES
from rantai.kit.text import N_, ascii_digits

MAX_YEARS = 5
SIZE_CLASSES = ("mikro", "kecil", "menengah", "besar")
SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")


class Level(StrEnum):
    NATION = "nation"  # provinces on the map and in the table
    PROVINCE = "province"  # its kab/kota
    KABKOTA = "kabkota"  # its suppliers


@dataclass(frozen=True, slots=True)
class Filters:
    start: dt.date
    end: dt.date  # exclusive
    province: str | None = None
    kabkota: str | None = None
    sector: str | None = None
    buyer_type: str | None = None
    size_class: str | None = None

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def level(self) -> Level:
        if self.kabkota:
            return Level.KABKOTA
        return Level.PROVINCE if self.province else Level.NATION

    @property
    def narrowing(self) -> Narrowing:
        return Narrowing(
            province_code=self.province,
            kabkota_code=self.kabkota,
            kbli_section=self.sector,
            buyer_type=self.buyer_type,
            size_class=self.size_class,
        )

    def query(self, **changes: str | None) -> dict[str, str]:
        """The filters as query parameters (with ``changes``), for links and downloads."""
        values = {
            "start": self.start.isoformat(),
            "end": (self.end - dt.timedelta(days=1)).isoformat(),  # shown inclusive
            "province": self.province,
            "kabkota": self.kabkota,
            "sector": self.sector,
            "buyer_type": self.buyer_type,
            "size_class": self.size_class,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months up to today (inclusive), from the first of the month."""
    first = dt.date(today.year - 1, today.month, 1) + dt.timedelta(days=32)
    return first.replace(day=1), today + dt.timedelta(days=1)


def read_filters(params: Mapping[str, str], *, today: dt.date, regions: Mapping[str, str]) -> Filters:
    """The filters of a request's query, checked: dates as YYYY-MM-DD (the end inclusive), codes that
    exist. ``regions`` are the known province and kab/kota codes. Raises AnalyticsInvalid."""
    start, end = default_period(today)
    if params.get("start"):
        start = _date(params["start"], "start")
    if params.get("end"):
        end = _date(params["end"], "end") + dt.timedelta(days=1)
    if not start < end or (end - start).days > 366 * MAX_YEARS:
        raise AnalyticsInvalid(MSG_PERIOD, field="start", years=MAX_YEARS)
    kabkota = _choice(params, "kabkota", lambda v: "." in v and v in regions)
    province = _choice(params, "province", lambda v: "." not in v and v in regions)
    if kabkota and not province:
        province = kabkota.split(".", maxsplit=1)[0]
    if kabkota and province and not kabkota.startswith(province + "."):
        raise AnalyticsInvalid(MSG_FILTER, field="kabkota")
    return Filters(
        start=start,
        end=end,
        province=province,
        kabkota=kabkota,
        sector=_choice(params, "sector", lambda v: v in SECTIONS),
        buyer_type=_choice(params, "buyer_type", lambda v: v in {t.value for t in BUYER_TYPES}),
        size_class=_choice(params, "size_class", lambda v: v in SIZE_CLASSES),
    )


def _date(text: str, name: str) -> dt.date:
    text = text.strip()
    parts = text.split("-")
    if len(parts) != 3 or not all(ascii_digits(p) for p in parts):
        raise AnalyticsInvalid(MSG_PERIOD, field=name, years=MAX_YEARS)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AnalyticsInvalid(MSG_PERIOD, field=name, years=MAX_YEARS) from None


def _choice(params: Mapping[str, str], name: str, known: object) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not callable(known) or not known(value):
        raise AnalyticsInvalid(MSG_FILTER, field=name)
    return value


# --- the tables -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    """A table a page shows and a download repeats: column message ids and rows of plain values."""

    name: str  # regions | months | buyers | suppliers | payments | umk
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float | None, ...], ...]


VALUE_COLUMNS = (N_("Orders"), N_("PO value (Rp)"), N_("Delivered value (Rp)"), N_("Paid value (Rp)"))


def _value_cells(row: ValueRow) -> tuple[int, ...]:
    return (row.orders, row.po_value, row.delivered, row.paid)


@dataclass(frozen=True, slots=True)
class Dashboard:
    filters: Filters
    scope: Scope
    place: str  # where the drill-down stands: the nation, a province's or a kab/kota's name
    province_name: str | None
    totals: ValueRow
    regions: Table  # provinces, kab/kota, or the suppliers of a kab/kota
    region_values: dict[str, int]  # code -> PO value, for the map
    months: Table
    buyers: Table
    connected: kpi.ConnectedUmkm
    participating: kpi.ParticipatingBuyers
    reserved: kpi.ReservedPackages
    inclusion: kpi.Inclusion
    umk: Table
    payments: Table
    own_ranks: tuple[kpi.PayRank, ...] = field(default=())
    as_of: dt.datetime | None = None  # when the rollup the figures come from was last brought up to date

    def table(self, name: str) -> Table | None:
        return {t.name: t for t in (self.regions, self.months, self.buyers, self.umk, self.payments)}.get(
            name
        )


def build(session: Session, *, scope: Scope, filters: Filters, today: dt.date) -> Dashboard:
    """Everything the dashboard shows for ``scope`` under ``filters``, read from the rollup the worker
    keeps (``analytics.rollup``; ``as_of`` says how fresh): each table one GROUP BY over the period's
    rolled orders, never the transaction tables."""
    narrowing = filters.narrowing
    level = filters.level
    province_name = None
    if level is Level.NATION:
        names = repository.regions_under(session, None)
        by = Dimension.PROVINCE
        place = "Indonesia"
    else:
        names = repository.regions_under(session, filters.province)
        province_name = repository.region_names(session, [filters.province or ""]).get(filters.province or "")
        by = Dimension.KABKOTA if level is Level.PROVINCE else Dimension.SUPPLIER
        place = province_name or ""
        if level is Level.KABKOTA:
            place = repository.region_names(session, [filters.kabkota or ""]).get(filters.kabkota or "", "")

    def value(dimension: Dimension) -> list[ValueRow]:
        return kpi.value_by(
            session,
            start=filters.start,
            end=filters.end,
            by=dimension,
            scope=scope,
            narrowing=narrowing,
            rolled=True,
        )

    by_province: list[ValueRow] | None = None
    if level is Level.PROVINCE and narrowing == Narrowing(province_code=filters.province):
        # A province with no other filter: one GROUP BY (province, kab/kota) gives its kab/kota and the
        # provinces inclusion needs (it counts the scope's whole period, not the province's).
        by_province, by_kabkota = kpi.value_by_province_and_kabkota(
            session, start=filters.start, end=filters.end, scope=scope, rolled=True
        )
        grouped = by_kabkota.get(filters.province or "", [])
    else:
        grouped = value(by)
    if by is Dimension.SUPPLIER:
        region_rows = tuple(
            (r.name, r.orders, r.po_value, r.delivered, r.paid)
            for r in sorted(grouped, key=lambda r: (-r.po_value, r.name))
        )
        regions = Table("suppliers", (N_("Supplier"), *VALUE_COLUMNS), region_rows)
    else:
        regions = Table(
            "regions",
            (N_("Code"), N_("Region"), N_("Suppliers"), *VALUE_COLUMNS),
            tuple(
                (r.key, names.get(r.key, r.key), r.suppliers, *_value_cells(r))
                for r in sorted(grouped, key=lambda r: (-r.po_value, r.key))
            ),
        )
    # The month and buyer tables show no distinct suppliers: one GROUP BY gives both.
    months, buyer_rows = kpi.value_by_month_and_buyer(
        session, start=filters.start, end=filters.end, scope=scope, narrowing=narrowing, rolled=True
    )
    # Every supplier lies in one region: the regions' (or the suppliers') rows add up to the total.
    totals = kpi.total_of(grouped)
    # Unnarrowed at the nation, the provinces are the period's value by province that inclusion needs
    # (a province without filters has them from its own GROUP BY above).
    if level is Level.NATION and narrowing == Narrowing():
        by_province = grouped
    ranking = kpi.payment_discipline(session, on=today, rolled=True)
    year = (filters.end - dt.timedelta(days=1)).year
    umk_rows = kpi.umk_share(session, year=year, scope=scope, rolled=True)
    return Dashboard(
        filters=filters,
        scope=scope,
        place=place,
        province_name=province_name,
        totals=totals,
        regions=regions,
        region_values={r.key: r.po_value for r in grouped} if by is not Dimension.SUPPLIER else {},
        months=Table(
            "months", (N_("Month"), *VALUE_COLUMNS), tuple((r.key, *_value_cells(r)) for r in months)
        ),
        buyers=Table(
            "buyers",
            (N_("Rank"), N_("Buyer"), *VALUE_COLUMNS),
            tuple(
                (n, r.name, *_value_cells(r))
                for n, r in enumerate(sorted(buyer_rows, key=lambda r: (-r.po_value, r.name)), 1)
            ),
        ),
        connected=kpi.connected_umkm(session, on=today, scope=scope, rolled=True),
        participating=kpi.participating_buyers(
            session, start=filters.start, end=filters.end, scope=scope, rolled=True
        ),
        reserved=kpi.reserved_packages(
            session, start=filters.start, end=filters.end, scope=scope, rolled=True
        ),
        inclusion=kpi.inclusion(
            session, start=filters.start, end=filters.end, scope=scope, by_province=by_province, rolled=True
        ),
        umk=Table(
            "umk",
            (
                N_("Buyer"),
                N_("Year"),
                N_("Spend on Rantai (Rp)"),
                N_("With UMK and cooperatives (Rp)"),
                N_("Pagu (Rp)"),
                N_("Share of pagu"),
            ),
            tuple(
                (r.buyer_name, r.year, r.platform_spend, r.umk_spend, r.pagu, r.share_of_pagu)
                for r in umk_rows
            ),
        ),
        payments=payment_table(ranking),
        own_ranks=tuple(r for r in ranking if r.buyer_id in scope.buyer_ids),
        as_of=rollup.as_of(session),
    )


def payment_table(ranking: Sequence[kpi.PayRank]) -> Table:
    return Table(
        "payments",
        (
            N_("Rank"),
            N_("Buyer"),
            N_("Invoices"),
            N_("Average days to pay"),
            N_("Paid on time"),
            N_("Overdue"),
        ),
        tuple(
            (r.rank, r.buyer_name, r.invoices, round(r.average_days, 1), r.on_time_rate, r.overdue_share)
            for r in ranking
        ),
    )


# --- the public page ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicFigures:
    """What /transparansi shows to anyone: national aggregates and organizations' payment records only."""

    start: dt.date
    end: dt.date
    connected: kpi.ConnectedUmkm
    participating: kpi.ParticipatingBuyers
    totals: ValueRow
    provinces: Table
    inclusion: kpi.Inclusion
    reserved: kpi.ReservedPackages
    payments: Table
    as_of: dt.datetime | None = None  # when the rollup was last brought up to date


def public_figures(session: Session, *, today: dt.date) -> PublicFigures:
    """The national figures of the last twelve months (nothing that names a person or a supplier), read
    from the rollup like the dashboard."""
    start, end = default_period(today)
    names = repository.regions_under(session, None)
    provinces = kpi.value_by(session, start=start, end=end, by=Dimension.PROVINCE, rolled=True)
    reserved = kpi.reserved_packages(session, start=start, end=end, rolled=True)
    return PublicFigures(
        start=start,
        end=end,
        connected=kpi.connected_umkm(session, on=today, rolled=True),
        participating=kpi.participating_buyers(session, start=start, end=end, rolled=True),
        # Every supplier lies in one province: the provinces add up to the nation.
        totals=kpi.total_of(provinces),
        provinces=Table(
            "regions",
            (N_("Code"), N_("Region"), N_("Suppliers"), *VALUE_COLUMNS),
            tuple(
                (r.key, names.get(r.key, r.key), r.suppliers, *_value_cells(r))
                for r in sorted(provinces, key=lambda r: (-r.po_value, r.key))
            ),
        ),
        inclusion=kpi.inclusion(session, start=start, end=end, by_province=provinces, rolled=True),
        # The exception reasons are free text a buyer typed: not published, only their count.
        reserved=replace(reserved, exception_reasons=()),
        payments=payment_table(kpi.payment_discipline(session, on=today, rolled=True)),
        as_of=rollup.as_of(session),
    )


def known_regions(session: Session) -> dict[str, str]:
    """Every province and kab/kota code with its name (for checking filters)."""
    found = repository.regions_under(session, None)
    return found | repository.kabkota_names(session)
