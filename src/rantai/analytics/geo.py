"""The Indonesia choropleth (issue #15): province and kab/kota outlines drawn as server-side SVG, no script.

The outlines are a compact copy of the boundary files in ``../shared/data/geo`` made by ``build`` (run
``python -m rantai.analytics.geo SRC_DIR``): projected (longitude and latitude times 100, latitude
flipped), simplified (Douglas-Peucker, 0.04 degree for provinces and 0.012 for kab/kota; islands smaller
than the tolerance dropped) and keyed by Kemendagri codes. The provinces file keys the four new Papua
provinces by name (its codes say 91 and 92 for all six); the kab/kota file follows BPS, whose Papua codes
differ from Kemendagri's (BPS 94 is Papua, 91 Papua Barat, before the 2022 split; a few elsewhere too),
and leaves ambiguous names (Bandung, Kota Bandung) without a code, so every kab/kota is matched by name
to ``ref_region``; lakes, reservoirs and forest shapes (``NOT_REGIONS``) are left out.
Provenance and licences: ``analytics/data/SOURCES.md`` and NOTICE.md.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

MAP_FILE = "indonesia-map.json.gz"
SCALE = 100  # units per degree
PROVINCE_TOLERANCE = 0.04
KABKOTA_TOLERANCE = 0.012
# Sequential shades (light to dark) of the house green, chosen for contrast with the white outline;
# "no data" is a neutral grey that every shade differs from.
SHADES = ("#e5f5e0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
NO_DATA = "#d9d9d9"
# Shapes of the kab/kota file that are lakes, reservoirs or forest (BPS codes xx.88, xx.99), not regions.
NOT_REGIONS = frozenset({"Danau", "Danau Toba", "Hutan", "Waduk Cirata", "Wadung Kedungombo"})

Point = tuple[float, float]


# --- building the compact file (offline) -------------------------------------------------------------


# Regions renamed since the boundary file's names (its name -> Kemendagri 2025's).
RENAMED = {
    "Kota Baru": "Kabupaten Kotabaru",
    "Kabupaten Mahakam Hulu": "Kabupaten Mahakam Ulu",
    "Kabupaten Maluku Tenggara Barat": "Kabupaten Kepulauan Tanimbar",
    "Kabupaten Mamuju Utara": "Kabupaten Pasangkayu",
    "Kabupaten Siau Tagulandang Biaro": "Kabupaten Kepulauan Siau Tagulandang Biaro",
    "Kabupaten Toba Samosir": "Kabupaten Toba",
}


def _normalize(name: str) -> str:
    name = name.lower().replace("kabupaten ", "").replace("kab. ", "").replace("administrasi ", "")
    name = name.replace("kep. ", "kepulauan ")
    name = name.replace("daerah khusus ibukota", "dki").replace("daerah istimewa", "di")
    return re.sub(r"[^a-z]", "", name)


def _simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker on one ring (iterative, so a long coastline cannot exhaust the stack)."""
    if len(points) < 4:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        far, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            d = (
                abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
                if norm
                else ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            )
            if d > far:
                far, index = d, i
        if far > tolerance and index > 0:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _rings(geometry: Mapping[str, Any]) -> list[list[Point]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [[(float(x), float(y)) for x, y in polygon[0]] for polygon in polygons]  # outer rings only


def _path(rings: list[list[Point]], tolerance: float) -> str:
    """An SVG path in map units; rings whose extent is below the tolerance are dropped."""
    parts = []
    for ring in rings:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        if max(xs) - min(xs) < tolerance and max(ys) - min(ys) < tolerance:
            continue
        simple = _simplify(ring, tolerance)
        if len(simple) < 4:
            continue
        coords = [(round(x * SCALE), round(-y * SCALE)) for x, y in simple[:-1]]
        deduped = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
        if len(deduped) < 3:
            continue
        x0, y0 = deduped[0]
        steps = " ".join(f"{x - px} {y - py}" for (px, py), (x, y) in itertools.pairwise(deduped))
        parts.append(f"M{x0} {y0}l{steps}z")
    return "".join(parts)


def build(source: Path, regions: Mapping[str, str]) -> dict[str, Any]:
    """The compact map from the two boundary files in ``source`` and the Kemendagri ``regions`` (code ->
    name, provinces and kab/kota). Raises ValueError naming what could not be matched."""
    provinces = {code: name for code, name in regions.items() if "." not in code}
    province_by_name = {_normalize(name): code for code, name in provinces.items()}
    out: dict[str, Any] = {"provinces": {}, "kabkota": {}}
    unmatched: list[str] = []
    with (source / "indonesia-38-provinces.geojson").open() as f:
        for feature in json.load(f)["features"]:
            name = feature["properties"]["PROVINSI"]
            province_code = province_by_name.get(_normalize(name))
            if province_code is None:
                unmatched.append(f"province {name}")
                continue
            out["provinces"][province_code] = _path(_rings(feature["geometry"]), PROVINCE_TOLERANCE)
    kabkota_by_name: dict[str, list[str]] = {}
    for code, name in regions.items():
        if "." in code:
            kabkota_by_name.setdefault(_kabkota_key(name), []).append(code)
    with (source / "idn-adm2-geoboundaries-simplified.geojson").open() as f:
        for feature in json.load(f)["features"]:
            props = feature["properties"]
            if props.get("geometry_source_name") in NOT_REGIONS:
                continue
            kabkota_code = _match_kabkota(props, regions, kabkota_by_name)
            if kabkota_code is None:
                unmatched.append(f"kab/kota {props.get('display_name') or props.get('geometry_source_name')}")
                continue
            out["kabkota"][kabkota_code] = _path(_rings(feature["geometry"]), KABKOTA_TOLERANCE)
    if unmatched:
        raise ValueError("not matched: " + ", ".join(unmatched))
    return out


def _kabkota_key(name: str) -> str:
    kota = name.lower().startswith("kota ")
    return ("kota:" if kota else "kab:") + _normalize(name[5:] if kota else name)


def _match_kabkota(
    props: Mapping[str, str], regions: Mapping[str, str], by_name: Mapping[str, list[str]]
) -> str | None:
    # By name first: the file's codes are BPS's, which differ from Kemendagri's in Papua and in a few
    # other provinces (BPS 64.05 is Kemendagri's Berau 64.03; 13.02 is Pesisir Selatan, not Solok).
    name = props.get("display_name") or ""
    if not name.startswith(("Kabupaten ", "Kota ")):
        source = props.get("geometry_source_name") or name
        name = source if source.startswith("Kota ") else f"Kabupaten {source}"
    name = RENAMED.get(name, name)
    found = by_name.get(_kabkota_key(name), [])
    if len(found) == 1:
        return found[0]
    code = props.get("official_code") or ""
    return code if code in regions and _kabkota_key(regions[code]) == _kabkota_key(name) else None


# --- reading and drawing -------------------------------------------------------------------------------


@functools.cache
def outlines() -> dict[str, dict[str, str]]:
    """The compact map: ``{"provinces": {code: path}, "kabkota": {code: path}}`` (read once)."""
    data = files("rantai.analytics").joinpath("data", MAP_FILE).read_bytes()
    loaded: dict[str, dict[str, str]] = json.loads(gzip.decompress(data))
    return loaded


@dataclass(frozen=True, slots=True)
class Area:
    """One shape of a choropleth: its code, its label (name and figure, the SVG's title) and its value."""

    code: str
    label: str
    value: int | None
    href: str | None = None


def _bounds(paths: Sequence[str]) -> tuple[int, int, int, int]:
    xs: list[int] = []
    ys: list[int] = []
    for path in paths:
        for ring in path.split("M")[1:]:
            head, _, rest = ring.partition("l")
            x, y = (int(v) for v in head.split())
            xs.append(x)
            ys.append(y)
            steps = [int(v) for v in rest.rstrip("z").split()]
            for dx, dy in zip(steps[::2], steps[1::2], strict=True):
                x, y = x + dx, y + dy
                xs.append(x)
                ys.append(y)
    if not xs:
        return (9400, -650, 4800, 1800)
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def shade(value: int | None, top: int) -> str:
    """The fill of a value on a five-step scale up to ``top`` (quintiles of the range); grey for none."""
    if value is None or value <= 0 or top <= 0:
        return NO_DATA
    step = min(len(SHADES) - 1, (value * len(SHADES) - 1) // top)
    return SHADES[int(step)]


def choropleth(level: str, areas: Sequence[Area], *, title: str) -> str:
    """An SVG map (``level`` "provinces" or "kabkota") of ``areas``: each a path filled by its value,
    titled with its label and linked when it has an ``href``. Codes without an outline are skipped (the
    table beside the map still lists them)."""
    paths = outlines()[level]
    drawn = [(area, paths[area.code]) for area in areas if paths.get(area.code)]
    top = max((a.value or 0 for a, _ in drawn), default=0)
    x, y, w, h = _bounds([p for _, p in drawn])
    pad = max(w, h) // 50 + 1
    shapes = []
    for area, path in drawn:
        shape = (
            f'<path d="{path}" fill="{shade(area.value, top)}" data-code="{_esc(area.code)}" '
            f'vector-effect="non-scaling-stroke">'
            f"<title>{_esc(area.label)}</title></path>"
        )
        if area.href:
            shape = f'<a href="{_esc(area.href)}">{shape}</a>'
        shapes.append(shape)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x - pad} {y - pad} {w + 2 * pad} {h + 2 * pad}" '
        f'role="img" aria-label="{_esc(title)}" class="choropleth" stroke="#ffffff" '
        f'stroke-width="1" stroke-linejoin="round">'
        f"<title>{_esc(title)}</title>{''.join(shapes)}</svg>"
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _main(argv: Sequence[str]) -> None:  # pragma: no cover - an offline tool
    import csv  # noqa: PLC0415

    source = Path(argv[1])
    reference = files("rantai.reference").joinpath("data", "wilayah2025_all_levels.csv.gz").read_bytes()
    rows = csv.DictReader(gzip.decompress(reference).decode().splitlines())
    regions = {r["kode"]: r["nama"].strip() for r in rows if r["level"] in ("1", "2")}
    built = build(source, regions)
    target = Path(__file__).parent / "data" / MAP_FILE
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(
        gzip.compress(json.dumps(built, separators=(",", ":"), sort_keys=True).encode(), mtime=0)
    )
    print(f"{len(built['provinces'])} provinces, {len(built['kabkota'])} kab/kota -> {target}")  # noqa: T201


if __name__ == "__main__":  # pragma: no cover
    _main(sys.argv)
