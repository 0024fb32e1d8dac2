"""Awards from an OCDS package (issue #15): a release or record package, read through the one OCDS
mapping (``rantai.ocds.mapping.awards_read``), becomes the same `AwardRow`s an award file gives, checked by
the same cell rules (``award_file.row_plan``): one row per active award and supplier, numbered by its
position in the package. What the package does not state stays empty; a winner with neither NIB nor NPWP
is a rejected row, as in a file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

from rantai.kit.errors import Invalid
from rantai.kit.text import N_
from rantai.ocds.mapping import AwardRead, awards_read
from rantai.suppliers.award_file import AWARDS, AwardResult, award_or_rejected, row_plan
from rantai.tabular.cells import ResolveRegion

HEADERS = tuple(column.name for column in AWARDS.columns)
MSG_NOT_JSON = N_("%(filename)s is not a JSON file: %(problem)s.")
MSG_NOT_PACKAGE = N_(
    "%(filename)s is not an OCDS release or record package (a JSON object with releases or records)."
)
MSG_NO_AWARDS = N_("%(filename)s holds no active award; nothing to import.")


def load_package(data: bytes, *, filename: str) -> dict[str, Any]:
    """The package a JSON file holds; ``Invalid`` when it is not JSON or not an OCDS package."""
    try:
        package = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Invalid(MSG_NOT_JSON, filename=filename, problem=str(error)) from error
    if not isinstance(package, dict) or not (
        isinstance(package.get("releases"), list) or isinstance(package.get("records"), list)
    ):
        raise Invalid(MSG_NOT_PACKAGE, filename=filename)
    return package


def cells_of(award: AwardRead) -> list[str]:
    """An OCDS award as the award file's cells (``AWARDS`` column order)."""
    by_column = {
        "pembeli": award.buyer,
        "nama_paket": award.title,
        "nilai": "" if award.value_idr is None else str(award.value_idr),
        "tanggal": award.date.isoformat() if award.date else "",
        "nib_pemenang": award.supplier_nib or "",
        "npwp_pemenang": award.supplier_npwp or "",
        "kode_wilayah_pengiriman": award.delivery_region or "",
        "metode": award.method or "",
        "kode_paket": award.package_code or award.award_id,
        # English names (goods, works, consulting, services), which the award file's cell rule takes too.
        "jenis_pengadaan": award.procurement_type or "",
    }
    return [by_column[header] for header in HEADERS]


def read_ocds_awards(
    package: dict[str, Any],
    *,
    filename: str,
    resolve_region: ResolveRegion,
    known_region: Callable[[str], bool] | None = None,
    today: dt.date,
) -> Iterator[AwardResult]:
    """An `AwardRow` or a `RejectedRow` per active award and supplier of the package, in package order."""
    plan = row_plan(HEADERS, resolve_region=resolve_region, known_region=known_region, today=today)
    seen = False
    for number, award in enumerate(awards_read(package), start=1):
        seen = True
        yield award_or_rejected(plan, number, cells_of(award))
    if not seen:
        raise Invalid(MSG_NO_AWARDS, filename=filename)
