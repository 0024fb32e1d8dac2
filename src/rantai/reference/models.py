"""Reference tables: KBLI, Kemendagri regions, BTKI/HS codes, units, certification types, the PP 7/2021
size thresholds and kemitraan patterns, plus ``ref_reference_dataset`` recording which version is loaded.

The rows come from the files in ``rantai/reference/data`` (see its SOURCES.md) and are written only by
``service.load_reference_data``. Codes are the natural keys, so other tables can point at them and a reload
never changes what they point at.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from rantai.db import Base


class KbliLevel(StrEnum):
    """The five levels of KBLI; the digit levels keep the names the source data uses."""

    SECTION = "section"  # kategori A-U
    DIVISION = "golongan_pokok_2d"
    GROUP = "golongan_3d"
    SUBGROUP = "subgolongan_4d"
    CLASS = "kelompok_5d"


class RegionLevel:
    """Kemendagri levels, as stored in ``ref_region.level``."""

    PROVINCE = 1
    KABKOTA = 2
    KECAMATAN = 3
    DESA = 4


class Kbli(Base):
    """One KBLI 2020 entry: a section letter or a 2- to 5-digit code."""

    __tablename__ = "ref_kbli"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    level: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(255))
    # Only the sections carry an English title (from ISIC Rev. 4); the source has Indonesian text only.
    title_en: Mapped[str | None] = mapped_column(String(255), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    # The nearest ancestor present in the data: the section letter for a division, otherwise the code prefix.
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("ref_kbli.code"), index=True, default=None)
    section: Mapped[str] = mapped_column(String(1), index=True)


class Region(Base):
    """A Kemendagri region: province, kab/kota, kecamatan or desa/kelurahan (codes like ``32.73.01.1001``)."""

    __tablename__ = "ref_region"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(SmallInteger, index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("ref_region.code"), index=True, default=None)
    # Set for provinces (a point near the capital) and kab/kota (the centroid); null below that.
    lat: Mapped[float | None] = mapped_column(default=None)
    lng: Mapped[float | None] = mapped_column(default=None)


class HsCode(Base):
    """A BTKI 2022 tariff line: a 4-digit heading, a 6-digit subheading or an 8-digit national line.

    ``description_id`` is the line as printed in the book without its indentation dashes (often only
    "Lain-lain"); ``full_description_id`` prepends the heading and subheading so that it reads on its own.
    """

    __tablename__ = "ref_hs_code"

    code: Mapped[str] = mapped_column(String(11), primary_key=True)  # dotted, as in BTKI: 01.01.21.00
    level: Mapped[int] = mapped_column(SmallInteger, index=True)  # 4, 6 or 8 digits
    chapter: Mapped[str] = mapped_column(String(2), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("ref_hs_code.code"), index=True, default=None)
    # Number of dashes in the book: the line's indentation under its heading.
    depth: Mapped[int] = mapped_column(SmallInteger, default=0)
    description_id: Mapped[str] = mapped_column(Text)
    full_description_id: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    full_description_en: Mapped[str] = mapped_column(Text)


class Unit(Base):
    """A unit of measure: Coretax e-Faktur units and the trade units UMKM actually quote in."""

    __tablename__ = "ref_unit"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # count, package, mass, volume, length, area, time, ...
    # A physical unit converts to its base: 1 kodi = 20 buah, 1 gram = 0.001 kg. Base units have neither.
    base_unit_code: Mapped[str | None] = mapped_column(ForeignKey("ref_unit.code"), default=None)
    factor_to_base: Mapped[Decimal | None] = mapped_column(Numeric(20, 9), default=None)
    # The DJP code to print on a tax invoice (UM.0001-UM.0039), where one matches.
    coretax_code: Mapped[str | None] = mapped_column(String(7), unique=True, default=None)


class CertificationType(Base):
    """A kind of certificate a supplier can hold: Halal, SNI, BPOM MD/ML, SPP-IRT, ISO 9001, SVLK, ..."""

    __tablename__ = "ref_certification_type"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    issuer: Mapped[str] = mapped_column(String(128))
    # Comma-separated product kinds it is meant for (food, cosmetics, timber, any, ...).
    applies_to: Mapped[str] = mapped_column(String(128))
    validity_years: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class SizeThreshold(Base):
    """Upper bounds of one business size class (PP 7/2021 Pasal 35) from a date on, in whole Rupiah.

    The lower bound is the bound of the class ranked below; a business above ``menengah`` is ``besar``.
    """

    __tablename__ = "ref_size_threshold"

    size_class: Mapped[str] = mapped_column(String(16), primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger)
    # Modal usaha excludes the land and buildings of the place of business.
    business_capital_max: Mapped[int] = mapped_column(BigInteger)
    annual_sales_max: Mapped[int] = mapped_column(BigInteger)
    legal_basis: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text, default=None)


class KemitraanPattern(Base):
    """One of the partnership patterns of PP 7/2021 Pasal 106 (inti-plasma, subkontrak, rantai pasok, ...)."""

    __tablename__ = "ref_kemitraan_pattern"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    sort_order: Mapped[int] = mapped_column(SmallInteger)
    name_id: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    description_id: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(64))


class UmkmReservation(Base):
    """One reservation rule: from a date on, a buyer kind's procurement packages worth ``floor`` to
    ``ceiling`` (whole Rupiah, both inclusive: "mulai dari ... sampai dengan") are reserved for the
    business size classes listed in ``size_classes``. The rule is data, read by ``reference.reservation``
    (an award's check, issue #11) and by ``repository.umkm_reservation_ceiling`` (a need line is UMKM-only
    by default when its budget is at or below the ceiling in force).

    A row without a ceiling says that, from that date, nothing is reserved for this kind of buyer: the
    evaluation answers "no rule", as it does for a kind with no row at all.
    """

    __tablename__ = "ref_umkm_reservation"
    __table_args__ = (
        CheckConstraint('"floor" >= 0', name="floor_not_negative"),
        CheckConstraint('ceiling IS NULL OR "floor" <= ceiling', name="floor_within_ceiling"),
    )

    buyer_kind: Mapped[str] = mapped_column(String(32), primary_key=True)  # a buyer OrgType value
    effective_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    floor: Mapped[int] = mapped_column(BigInteger, server_default=text("0"), default=0)
    ceiling: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # Who may win a reserved package: codes joined by "|" (mikro|kecil|menengah|koperasi); the loader
    # refuses any other code. Existing rows got every UMKM class and koperasi (migration 0016).
    size_classes: Mapped[str] = mapped_column(
        String(64), server_default=text("'mikro|kecil|menengah|koperasi'")
    )
    legal_basis: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text, default=None)


class TaxRate(Base):
    """A tax rate from a date on (issue #12): ``percent`` of a base that is ``base_numerator /
    base_denominator`` of the amount. Codes: ``ppn`` (standard PPN), ``pph22`` (goods bought by a
    collector), ``pph23`` (services), ``pph_final_umkm`` (PP 55/2022, settled by the supplier itself)."""

    __tablename__ = "ref_tax_rate"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    base_numerator: Mapped[int] = mapped_column(Integer, default=1)
    base_denominator: Mapped[int] = mapped_column(Integer, default=1)
    legal_basis: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text, default=None)


class ProgramFigure(Base):
    """A figure the program's KPIs are read against (issue #15), with its source and year: the national
    count of UMKM (the denominator of "connected UMKM"), the target number of participating buyers, the
    share of spend Inpres 2/2022 asks for. Data, not code, so a new census or target is a file change."""

    __tablename__ = "ref_program_figure"

    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(16))  # count | percent
    source: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text, default=None)


class ReferenceDataset(Base):
    """Which version of a shipped dataset is loaded; a matching checksum lets a reload skip it."""

    __tablename__ = "ref_reference_dataset"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    checksum: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int]
    loaded_at: Mapped[dt.datetime]
