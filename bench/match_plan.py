"""`rantai match plan` on a 1,000-line procurement plan over the demo data (issue #4: under a minute).

Builds the demo on a fresh SQLite database in a temporary folder (`rantai demo --no-serve`, not timed),
writes a 1,000-line plan file from the real RUP lines shipped with the demo (their own `nama_paket`
and specification as the buyer wrote them, quantity, unit and pagu; delivery to one of the demo's large
cities; a halal requirement on one food line in three), then times the command end to end in a child
process, as an operator runs it (start-up, reading the file, matching, writing the result).

Baseline, in the same run and on the same lines: the supplier directory's full-text search
(`catalog.directory.search`, FTS5 with an AND of the line's words, verified suppliers, first page of
10), which is what a buyer had before the engine. It returns no reasons and, with all words required,
finds nothing for most real plan lines: the figure beside it is how many lines got any supplier at all.

    .venv/bin/python bench/match_plan.py [--lines 1000] [--suppliers 3000]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RANTAI = str(Path(sys.executable).with_name("rantai"))
CITIES = ("31.71", "32.73", "35.78", "33.74", "12.71", "73.71", "61.71", "51.71", "64.72", "16.71")
FOOD = {
    "keripik",
    "kerupuk",
    "snack_box",
    "katering",
    "roti_kue",
    "kue_basah",
    "kue_kering",
    "sambal_bumbu",
    "kopi_bubuk",
    "minuman",
    "madu",
    "gula_aren",
}


def plan_rows(lines: int) -> list[dict[str, str]]:
    path = ROOT / "src/rantai/demo/data/rup_needs.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for number, row in enumerate(rows[:lines]):
        out.append(
            {
                "nama_paket": row["nama_paket"],
                "spesifikasi": (row["spesifikasi_pekerjaan"] or "")[:300],
                "jumlah": row["jumlah"],
                "satuan": row["satuan"],
                "kode_wilayah_pengiriman": CITIES[number % len(CITIES)],
                "pagu": row["pagu"],
                "sertifikasi_wajib": "halal" if row["kind"] in FOOD and number % 3 == 0 else "",
            }
        )
    return out


def write_plan(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


def baseline(url: str, rows: list[dict[str, str]]) -> tuple[float, int]:
    from rantai.catalog import directory  # noqa: PLC0415
    from rantai.db import make_engine, make_session_factory  # noqa: PLC0415
    from rantai.kit.pagination import PageRequest  # noqa: PLC0415

    engine = make_engine(url)
    found = 0
    started = time.perf_counter()
    with make_session_factory(engine)() as session:
        for row in rows:
            query = directory.DirectoryQuery(text=row["nama_paket"], verified_only=True)
            page = directory.search(session, query, PageRequest(1, 10))
            found += bool(page.items)
    engine.dispose()
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--suppliers", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rantai-plan-") as folder:
        base = Path(folder)
        env = {
            **os.environ,
            "RANTAI_DATABASE_URL": f"sqlite:///{base / 'demo.db'}",
            "RANTAI_DATA_DIR": str(base / "data"),
        }
        subprocess.run(  # noqa: S603 - our own command
            [RANTAI, "demo", "--no-serve", "--suppliers", str(args.suppliers)],
            env=env,
            check=True,
            capture_output=True,
        )
        rows = plan_rows(args.lines)
        plan = base / "plan.csv"
        write_plan(rows, plan)
        result = base / "result.csv"
        started = time.perf_counter()
        run = subprocess.run(  # noqa: S603 - our own command
            [RANTAI, "match", "plan", str(plan), "--top", "10", "--out", str(result)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        with result.open(encoding="utf-8-sig") as handle:
            result_rows = list(csv.reader(handle, delimiter=";"))[1:]
        matched = len({row[0] for row in result_rows})
        base_seconds, base_found = baseline(env["RANTAI_DATABASE_URL"], rows)
    summary = run.stdout.strip().splitlines()[-2:] if run.stdout else []
    print(f"plan lines: {len(rows)}; demo suppliers: {args.suppliers}")
    print(
        f"rantai match plan: {seconds:.1f} s wall, {matched} lines with suppliers, {len(result_rows)} result rows"
    )
    print(f"baseline directory FTS: {base_seconds:.1f} s, {base_found} lines with any supplier")
    for line in summary:
        print("  " + line)


if __name__ == "__main__":
    main()
