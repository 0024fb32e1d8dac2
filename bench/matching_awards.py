"""Finding a package's winner from the packages suppliers won before (issue #14, item 3: the awards figure).

Data: ../shared/data/dev/inaproc_awards_2026.csv (real central-government awards of fiscal year 2026 from
LKPP's public realisasi pages; see its SOURCE file). Winners are a hash of their normalised name
(`supplier_key`); the portal publishes no NPWP, so the bench gives each a NIB made from that hash.

Protocol (the issue's): tender and non-tender rows (award_id `T-`/`NT-`); winners in sorted key order,
for every winner with at least two awards one held-out row chosen by `random.Random(7).choice` over its
rows in file order; every other row is the winners' history. The held-out title is the need; a hit is
the real winner in the top 10. Titles are lower-cased and split into alphanumeric tokens (`[a-z0-9]+`)
for the baseline.

- **plain BM25**: one document per winner, the concatenation of its history titles (k1 1.2, b 0.75),
  measured here in the same run;
- **Rantai**: the path a user has: the winners imported as suppliers (`import_suppliers`), checked (the
  bench marks them verified and held by their business, as a verifier's check would), their history
  imported with `rantai import awards` (`past_awards.import_award_file`, which attaches each award to its
  checked winner), the index rebuilt (`LiveIndex.rebuild`: a history document per award), and each
  held-out title shortlisted (`Shortlister.shortlist`, top 10) without anything about its buyer, as a
  need carrying what a buyer's need carries: its procurement type, its value as the budget and its
  delivery place (`Places`: read from the satker's name (a kab/kota, province or kecamatan it names; a
  central unit or national body's own office naming none: Jakarta) or the title, never from the
  instansi; the history rows get theirs the same way, in the award file's `kode_wilayah_pengiriman`);
- **Rantai + the buyer's own past suppliers**: the same shortlist's first 50, re-ordered so that the
  suppliers who won from the held-out row's buyer before come first (kept in their order): what a buyer
  could ask for; reported apart because the protocol's figure must not use who the buyer is;
- **e-katalog rows** (`EK-`): the same protocol on the e-katalog rows alone (plain BM25 and Rantai).

With `--ablation`, the same shortlists again with each part of the history fit left out.

    .venv/bin/python bench/matching_awards.py [--data PATH] [--no-ekatalog] [--ablation]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the checkout (a worktree sits one level deeper).
DEFAULT_DATA = next(
    (
        parent / "shared" / "data" / "dev" / "inaproc_awards_2026.csv"
        for parent in REPO.parents
        if (parent / "shared" / "data" / "dev" / "inaproc_awards_2026.csv").exists()
    ),
    REPO.parent / "shared" / "data" / "dev" / "inaproc_awards_2026.csv",
)
OUT = REPO / "bench" / "out" / "matching_awards.md"
K = 10
TARGET = 0.52
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Split:
    """The held-out row of each winner with at least two awards, and every other row (the histories)."""

    held: dict[str, dict[str, str]]
    history: list[dict[str, str]]


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    recall: float
    mrr: float
    queries: int
    seconds: float


def load(path: Path, *, ekatalog: bool) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row for row in rows if row["award_id"].startswith("EK-") == ekatalog]


def split(rows: Sequence[dict[str, str]]) -> Split:
    by_winner: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_winner[row["supplier_key"]].append(row)
    chooser = random.Random(7)
    held = {key: chooser.choice(by_winner[key]) for key in sorted(by_winner) if len(by_winner[key]) >= 2}
    chosen = {id(row) for row in held.values()}
    return Split(held, [row for row in rows if id(row) not in chosen])


class Places:
    """The delivery place a row names: a kab/kota (or only a province) read from its satker's name (the
    part of `buyer` after "INSTANSI / "), else from its title. This is where the package is delivered,
    which a buyer states with every need; the instansi (ministry) part is never read."""

    _ABBREVIATIONS: dict[str, str] = {
        "JABAR": "32",
        "JATENG": "33",
        "JATIM": "35",
        "SUMUT": "12",
        "SUMBAR": "13",
        "SUMSEL": "16",
        "KALBAR": "61",
        "KALTENG": "62",
        "KALSEL": "63",
        "KALTIM": "64",
        "KALTARA": "65",
        "SULUT": "71",
        "SULTENG": "72",
        "SULSEL": "73",
        "SULTRA": "74",
        "SULBAR": "76",
        "NTB": "52",
        "NTT": "53",
        "DIY": "34",
        "DKI": "31",
        "JAKARTA": "31",
        "BABEL": "19",
        "KEPRI": "21",
    }

    def __init__(self, data: Path | None = DEFAULT_DATA) -> None:
        import gzip  # noqa: PLC0415

        source = REPO / "src" / "rantai" / "reference" / "data" / "wilayah2025_all_levels.csv.gz"
        self.kabkota: dict[str, set[str]] = defaultdict(set)  # a bare name -> its kab/kota codes
        self.kota: dict[str, str] = {}  # "KOTA X" -> code
        self.provinces: dict[str, str] = dict(self._ABBREVIATIONS)
        kecamatan: dict[str, set[str]] = defaultdict(set)  # a kecamatan's name -> its kab/kota codes
        with gzip.open(source, "rt", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                name = self._words(row["nama"]).strip()
                if row["level"] == "1":
                    self.provinces[name] = row["kode"]
                elif row["level"] == "2":
                    bare = name.removeprefix("KABUPATEN ").removeprefix("KOTA ")
                    self.kabkota[bare].add(row["kode"])
                    if name.startswith("KOTA "):
                        self.kota[name] = row["kode"]
                elif row["level"] == "3" and len(name) >= 5:
                    kecamatan[name].add(".".join(row["kode"].split(".")[:2]))
        # A kecamatan names the kab/kota it lies in ("PENGADILAN NEGERI BELOPA": Kab. Luwu; "UNIT
        # PENYELENGGARA PELABUHAN LARANTUKA": Kab. Flores Timur), unless its name is a kab/kota's or a
        # province's, or made only of words common in satker names (BALAI, NEGARA, WILAYAH, TANJUNG...:
        # words in 10 or more distinct satker names of the file).
        common = set(self.kabkota) | {name.strip() for name in self.provinces} | self._satker_words(data)
        self.kecamatan = {
            name: codes
            for name, codes in kecamatan.items()
            if name not in common and not set(name.split()) <= common
        }
        self._cache: dict[str, str | None] = {}

    @classmethod
    def _satker_words(cls, data: Path | None) -> set[str]:
        if data is None or not data.exists():
            return set()
        satkers = set()
        with data.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                satkers.add(row["buyer"].split(" / ", 1)[-1])
        counts: Counter[str] = Counter()
        for satker in satkers:
            counts.update(set(cls._words(satker).split()))
        return {word for word, count in counts.items() if count >= 10}

    @staticmethod
    def _words(text: str) -> str:
        return " " + " ".join(re.sub(r"[^A-Z0-9 ]", " ", text.upper()).split()) + " "

    # A central unit (a directorate general, secretariat, deputy, inspectorate or central office) that
    # names no place sits in Jakarta: its packages are delivered there.
    _CENTRAL = re.compile(
        r"\b(DIREKTORAT|DITJEN|SEKRETARIAT|SETJEN|DEPUTI|INSPEKTORAT|KANTOR PUSAT|KANTOR MENTERI|BIRO|PUSAT)\b"
    )

    # A national body's own office (a commission, agency, institute, court or ministry naming no place,
    # such as "KOMISI PEMBERANTASAN KORUPSI KPK" or "BADAN URUSAN ADMINISTRASI") sits in Jakarta too.
    _NATIONAL = re.compile(r"\b(KOMISI|LEMBAGA|BADAN|KEMENKO|KEMENTERIAN|MAHKAMAH|MENTERI)\b")

    def of(self, row: dict[str, str]) -> str | None:
        satker = row["buyer"].split(" / ", 1)[-1]
        found = self._read(satker) or self._in_kecamatan(satker) or self._read(row["title"])
        if found is None and (self._CENTRAL.search(satker.upper()) or self._NATIONAL.search(satker.upper())):
            found = "31"
        return found

    def _in_kecamatan(self, text: str) -> str | None:
        """The kab/kota of the longest kecamatan `text` names (its province when the name is a
        kecamatan's in several kab/kota of one province; None in several provinces)."""
        words = self._words(text)
        named = [name for name in self.kecamatan if f" {name} " in words]
        if not named:
            return None
        codes = self.kecamatan[max(named, key=len)]
        if len(codes) == 1:
            return next(iter(codes))
        provinces = {code.split(".")[0] for code in codes}
        return next(iter(provinces)) if len(provinces) == 1 else None

    def _read(self, text: str) -> str | None:
        if text in self._cache:
            return self._cache[text]
        words = self._words(text)
        found: str | None = None
        named = [bare for bare in self.kabkota if f" {bare} " in words]
        if named:
            bare = max(named, key=len)
            codes = self.kabkota[bare]
            if len(codes) == 1:
                found = next(iter(codes))
            elif f" KOTA {bare} " in words and f"KOTA {bare} " in {f"{k} " for k in self.kota}:
                found = self.kota[f"KOTA {bare}"]
            elif len({code.split(".")[0] for code in codes}) == 1:
                found = next(iter(codes)).split(".")[0]  # Kab. and Kota Bandung: the province
        if found is None:
            provinces = [name for name in self.provinces if f" {name.strip()} " in words]
            if provinces:
                found = self.provinces[max(provinces, key=len)]
        self._cache[text] = found
        return found


PROCUREMENT_TYPES = {
    "barang": "goods",
    "pekerjaan konstruksi": "works",
    "jasa konsultansi": "consulting",
    "jasa lainnya": "services",
}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def plain_bm25(data: Split, *, k1: float = 1.2, b: float = 0.75) -> Figure:
    """Supplier-level BM25 over the concatenated history titles."""
    started = time.perf_counter()
    documents: dict[str, Counter[str]] = defaultdict(Counter)
    for row in data.history:
        documents[row["supplier_key"]].update(tokens(row["title"]))
    lengths = {key: sum(counts.values()) for key, counts in documents.items()}
    average = sum(lengths.values()) / len(lengths)
    postings: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for key in sorted(documents):
        for word, count in documents[key].items():
            postings[word].append((key, count))
    total = len(documents)
    idf = {word: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for word, p in postings.items()}

    def rank(title: str) -> list[str]:
        scores: dict[str, float] = defaultdict(float)
        for word in tokens(title):
            for key, count in postings.get(word, ()):
                norm = k1 * (1 - b + b * lengths[key] / average)
                scores[key] += idf[word] * count * (k1 + 1) / (count + norm)
        return [key for key, _ in sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:K]]

    return _figure("plain BM25 (supplier-level)", data, rank, started)


def _figure(name: str, data: Split, rank: Callable[[str], list[str]], started: float) -> Figure:
    ranked = {key: rank(row["title"]) for key, row in data.held.items()}
    return _from_rankings(name, data, ranked, time.perf_counter() - started)


def nib_of(key: str) -> str:
    """A 13-digit NIB standing for a winner key (the file names winners by a hash, not by NIB)."""
    return f"{int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10**12:012d}9"


@dataclass
class Platform:
    """The bench's platform: its database, index and the winners' profile ids."""

    workdir: Path
    factory: object
    key_of: dict[str, str]  # profile id -> winner key
    buyers: dict[str, set[str]]  # buyer -> the winners it awarded in the history


def build(data: Split, label: str, places: Places | None = None) -> Platform:
    """A fresh database with the winners as checked suppliers, their histories imported with `rantai
    import awards`' service, and the index rebuilt."""
    workdir = Path(tempfile.mkdtemp(prefix="rantai-awards-"))
    os.environ["RANTAI_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    os.environ["RANTAI_DATA_DIR"] = str(workdir / "data")
    from sqlalchemy import select, update  # noqa: PLC0415 - after the environment names the database

    from rantai.catalog.search_index import LiveIndex  # noqa: PLC0415
    from rantai.db import make_engine, make_session_factory, transaction  # noqa: PLC0415
    from rantai.identity import service as identity  # noqa: PLC0415
    from rantai.identity.policy import Actor  # noqa: PLC0415
    from rantai.identity.roles import OrgType, Role  # noqa: PLC0415
    from rantai.kit.clock import now  # noqa: PLC0415
    from rantai.migrations import upgrade  # noqa: PLC0415
    from rantai.reference.service import load_reference_data  # noqa: PLC0415
    from rantai.suppliers import past_awards  # noqa: PLC0415
    from rantai.suppliers.bulk import import_suppliers  # noqa: PLC0415
    from rantai.suppliers.models import SupplierProfile  # noqa: PLC0415
    from rantai.tabular.batches import ImportMode  # noqa: PLC0415
    from rantai.tabular.reading import open_table  # noqa: PLC0415

    url = os.environ["RANTAI_DATABASE_URL"]
    started = time.perf_counter()
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    winners = sorted({row["supplier_key"] for row in data.history})
    with transaction(factory, write=True) as session:
        load_reference_data(session)
        org = identity.create_organization(session, name="Bench BUMN", org_type=OrgType.BUMN)
        actor = Actor(
            user_id=0, roles={org.id: frozenset({Role.PROCUREMENT_OFFICER})}, org_types={org.id: OrgType.BUMN}
        )
        suppliers = "\r\n".join(
            ["nib,nama_usaha,bentuk_usaha,kode_wilayah,kbli"]
            + [f"{nib_of(key)},Penyedia {key},CV,31.71,46900" for key in winners]
        )
        with open_table(io.BytesIO(suppliers.encode()), filename="suppliers.csv") as table:
            outcome = import_suppliers(
                session, table, actor=actor, importer_organization_id=org.id, mode=ImportMode.VALID_ROWS
            )
        if outcome.rejected_rows:
            raise SystemExit(f"suppliers refused: {outcome.errors[:3]}")
        # What a verifier's check of each business does to its profile (the bench has no businesses to
        # call): verified, and held by the business itself, so its awards attach.
        session.execute(
            update(SupplierProfile).values(status="verified", claimed_at=now(), verified_at=now())
        )
        with open_table(io.BytesIO(award_file(data.history, places)), filename="awards.csv") as table:
            imported = past_awards.import_award_file(
                session, table, actor=actor, importer_organization_id=org.id, mode=ImportMode.VALID_ROWS
            )
        ids = dict(session.execute(select(SupplierProfile.nib, SupplierProfile.id)).all())
    with transaction(factory) as session:
        LiveIndex(workdir / "data" / "index").rebuild(session)
    print(
        f"{label}: {len(winners)} winners imported, {imported.inserted} awards recorded "
        f"({imported.rejected_rows} rows refused, {imported.unchanged} repeated), index built in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    buyers: dict[str, set[str]] = defaultdict(set)
    for row in data.history:
        buyers[row["buyer"]].add(row["supplier_key"])
    return Platform(workdir, factory, {str(ids[nib_of(key)]): key for key in winners}, buyers)


def award_file(rows: Sequence[dict[str, str]], places: Places | None = None) -> bytes:
    """The history as an award file with the template's headers (the year as its first day)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "pembeli",
            "nama_paket",
            "nilai",
            "tanggal",
            "nib_pemenang",
            "metode",
            "kode_wilayah_pengiriman",
            "jenis_pengadaan",
        ]
    )
    methods = {"T": "tender", "NT": "non tender", "EK": "e-katalog"}
    for row in rows:
        value = row["value_idr"] if row["value_idr"] and int(row["value_idr"]) > 0 else ""
        method = methods[row["award_id"].split("-", 1)[0]]
        writer.writerow(
            [
                row["buyer"],
                row["title"],
                value,
                f"{row['year']}-01-01",
                nib_of(row["supplier_key"]),
                method,
                (places.of(row) or "") if places else "",
                row["procurement_type"],
            ]
        )
    return buffer.getvalue().encode()


def measure(
    platform: Platform,
    data: Split,
    name: str,
    *,
    buyer_figure: bool,
    config: object = None,
    matcher_config: object = None,
    places: Places | None = None,
) -> list[Figure]:
    """Each held-out title shortlisted as a need (top 10; top 50 for the buyer's figure)."""
    from rantai.catalog.search_index import LiveIndex  # noqa: PLC0415
    from rantai.db import transaction  # noqa: PLC0415
    from rantai.matching import MatcherConfig, ShortlistConfig, Shortlister  # noqa: PLC0415
    from rantai.sourcing import shortlists  # noqa: PLC0415

    with transaction(platform.factory) as session:  # type: ignore[arg-type]
        shortlist_config = config if isinstance(config, ShortlistConfig) else ShortlistConfig()
        shortlister = Shortlister(
            LiveIndex(platform.workdir / "data" / "index").current(session),
            replace(shortlist_config, units=shortlists.units(session)),
            matcher_config if isinstance(matcher_config, MatcherConfig) else None,
        )
        on = dt.date(2026, 12, 31)
        started = time.perf_counter()
        ranked: dict[str, list[str]] = {}
        for key, row in data.held.items():
            place = places.of(row) if places else None
            need = shortlists.engine_line(
                session,
                text=row["title"],
                on=on,
                # What the buyer's need carries beside its words (never who the buyer is): the
                # procurement type, the package's value (the realised value stands in for the HPS)
                # and the delivery place.
                procurement_type=PROCUREMENT_TYPES.get(row["procurement_type"]) if places else None,
                budget=int(row["value_idr"]) if places and row["value_idr"] else None,
                kabkota_code=place if place and "." in place else None,
                province_code=place if place and "." not in place else None,
            )
            found = shortlister.shortlist(need, top=50 if buyer_figure else K, include_unverified=True)
            ranked[key] = [platform.key_of[entry.supplier.id] for entry in found.entries]
        seconds = time.perf_counter() - started
    figures = [_from_rankings(name, data, {k: v[:K] for k, v in ranked.items()}, seconds)]
    if buyer_figure:
        own = {
            key: sorted(found, key=lambda supplier: supplier not in platform.buyers[data.held[key]["buyer"]])
            for key, found in ranked.items()
        }
        figures.append(_from_rankings(f"{name} + the buyer's past suppliers", data, own, seconds))
    return figures


def ablation(platform: Platform, data: Split, places: Places) -> list[Figure]:
    """The same shortlists with one signal of the histories left out at a time."""
    from rantai.matching import ShortlistConfig  # noqa: PLC0415
    from rantai.matching.features import FeatureWeights  # noqa: PLC0415
    from rantai.matching.history import HistoryWeights  # noqa: PLC0415

    full = HistoryWeights()
    variants: list[tuple[str, HistoryWeights, Places | None]] = [
        ("words only (the need carries no type, value or place)", full, None),
        ("without the procurement type", replace(full, kind=0.0), places),
        ("without the value", replace(full, size=0.0), places),
        ("without the delivery place", replace(full, place=0.0), places),
        ("the place, type and value weighed alike (1:1:1)", replace(full, place=1.0), places),
        # A supplier's relevance from its best package alone (history_others 0), or with half of each of
        # its next two (2; the shortlist's is half of the next one).
        ("the best package alone", full, places),
        ("the best package plus half of the next two", full, places),
        # No supplier found by its deliveries to the need's place alone (history_nearby_pool 0).
        ("without the suppliers found by place alone", full, places),
        # The fit weighed as before this run (FeatureWeights.history_fit 0.5, the shortlist's 0.7).
        ("the fit at 0.5 against the words", full, places),
    ]
    figures = []
    for name, weights, given in variants:
        config = ShortlistConfig(history_weights=weights)
        if name.startswith("the best package alone"):
            config = replace(config, history_others=0)
        if name.startswith("the best package plus"):
            config = replace(config, history_others=2, history_others_weight=0.5)
        if name.startswith("without the suppliers found by place"):
            config = replace(config, history_nearby_pool=0)
        if name.startswith("the fit at 0.5"):
            config = replace(config, weights=FeatureWeights(history_fit=0.5))
        figures += measure(platform, data, f"Rantai, {name}", buyer_figure=False, config=config, places=given)
        print(f"{figures[-1].name}: {figures[-1].recall:.3f} / {figures[-1].mrr:.3f}", flush=True)
    return figures


def _from_rankings(name: str, data: Split, ranked: dict[str, list[str]], seconds: float) -> Figure:
    hits = 0
    reciprocal = 0.0
    for key in data.held:
        top = ranked.get(key, [])[:K]
        if key in top:
            hits += 1
            reciprocal += 1 / (top.index(key) + 1)
    count = len(data.held)
    return Figure(name, hits / count, reciprocal / count, count, seconds)


def report(figures: Sequence[Figure]) -> str:
    lines = [
        "| system | queries | recall@10 of the real winner | MRR@10 | seconds |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {figure.name} | {figure.queries} | {figure.recall:.3f} | {figure.mrr:.3f} | {figure.seconds:.0f} |"
        for figure in figures
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-ekatalog", action="store_true", help="tender and non-tender rows only")
    parser.add_argument("--ablation", action="store_true", help="also each signal of the history left out")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    tender = split(load(args.data, ekatalog=False))
    print(
        f"tender and non-tender: {len(tender.held)} held-out rows, {len(tender.history)} history rows",
        flush=True,
    )
    figures.append(plain_bm25(tender))
    print(report(figures), flush=True)
    places = Places()
    held_places = [places.of(row) for row in tender.held.values()]
    print(
        f"delivery place read for {sum(1 for p in held_places if p)} of {len(held_places)} held-out rows "
        f"({sum(1 for p in held_places if p and '.' in p)} to a kab/kota)",
        flush=True,
    )
    platform = build(tender, "tender and non-tender", places)
    figures += measure(platform, tender, "Rantai (tender and non-tender)", buyer_figure=True, places=places)
    print(report(figures), flush=True)
    if args.ablation:
        figures += ablation(platform, tender, places)
        print(report(figures), flush=True)
    if not args.no_ekatalog:
        ekatalog = split(load(args.data, ekatalog=True))
        print(
            f"e-katalog: {len(ekatalog.held)} held-out rows, {len(ekatalog.history)} history rows", flush=True
        )
        baseline = plain_bm25(ekatalog)
        figures.append(
            Figure(
                f"{baseline.name} (e-katalog)",
                baseline.recall,
                baseline.mrr,
                baseline.queries,
                baseline.seconds,
            )
        )
        figures += measure(
            build(ekatalog, "e-katalog", places),
            ekatalog,
            "Rantai (e-katalog)",
            buyer_figure=False,
            places=places,
        )
    table = report(figures)
    print(table)
    main_figure = next(figure for figure in figures if figure.name == "Rantai (tender and non-tender)")
    verdict = "met" if main_figure.recall >= TARGET else "missed"
    print(f"target recall@10 >= {TARGET} without the buyer: {verdict} ({main_figure.recall:.3f})")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        f"{table}\n\nTarget recall@10 >= {TARGET} without the buyer: {verdict}.\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
