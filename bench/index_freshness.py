"""Index freshness with the worker (issue #10): a change shows in every web process within 2 seconds,
and no page view writes the index.

For each code variant: the demo on a fresh SQLite file (`rantai demo --no-serve --suppliers N`), a
verified supplier and the demo buyer get API tokens, one need line per trial whose words no product
holds yet, then `rantai serve --workers 2` (which starts `rantai worker` beside the two web processes).
Each trial renames one of the supplier's products through the API (the request commits before it
answers; the commit sends the worker its index task), then asks that line's matches through the API on a
new connection each time (spread over the two web processes) until the supplier is listed. The figure is
the time from the rename's answer to the first answer that shows it.

Baseline, same run: `--baseline REV` (default: the commit before the worker took the index over) runs
the very same measurement with that commit's `src/` (`git archive`), where every match drained the
outbox into the index itself (drain-on-read, in whichever web process asked first).

    .venv/bin/python bench/index_freshness.py [--trials 30] [--suppliers 1000] [--baseline 9ab02fd]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matching_freshness import _call, _free_port, _trials

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "9ab02fd"  # main just before the worker took the index over: drain-on-read
WEB_PROCESSES = 2


def _rantai() -> list[str]:
    # `python -c` rather than `-m rantai.cli.main`: older commits' cli/main.py has no __main__ block.
    return [
        sys.executable,
        "-c",
        "import sys; from rantai.cli.main import app; sys.argv[0] = 'rantai'; app()",
    ]


def _tree(revision: str | None, folder: Path) -> Path:
    """The tree to run (its `src/` and `bench/`): the working tree, or that commit's extracted."""
    if revision is None:
        return ROOT
    archive = folder / "tree.tar"
    subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), revision, "src", "bench"],  # noqa: S607
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "tree", filter="data")
    return folder / "tree"


def _setup(
    tree: Path, env: dict[str, str], trials: int
) -> tuple[str, str, int, list[list[int]], dict[str, object]]:
    """`matching_freshness._setup` as that tree has it, run with that tree's code (its schema)."""
    script = (
        "import json, os, sys; sys.path.insert(0, sys.argv[1]); import matching_freshness as m; "
        "print(json.dumps(m._setup(dict(os.environ), int(sys.argv[2]))))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, str(tree / "bench"), str(trials)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    supplier, buyer, product_id, lines, product = json.loads(out.stdout.strip().splitlines()[-1])
    return supplier, buyer, product_id, lines, product


def measure(label: str, revision: str | None, trials: int, suppliers: int) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="rantai-index-fresh-") as name:
        folder = Path(name)
        tree = _tree(revision, folder)
        src = tree / "src"
        port = _free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(src),
            "RANTAI_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
            "RANTAI_DATA_DIR": str(folder / "data"),
            "RANTAI_LOG_LEVEL": "WARNING",
        }
        rantai = _rantai()
        subprocess.run(  # noqa: S603
            [*rantai, "demo", "--no-serve", "--suppliers", str(suppliers)],
            env=env,
            check=True,
            capture_output=True,
        )
        supplier, buyer, product_id, lines, product = _setup(tree, env, trials)
        server = subprocess.Popen(  # noqa: S603
            [*rantai, "serve", "--port", str(port), "--workers", str(WEB_PROCESSES)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if _call(port, "GET", f"/api/v1/needs/{lines[0][0]}", buyer)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start")
                time.sleep(0.2)
            time.sleep(3)  # the worker starts beside the web processes
            for _ in range(WEB_PROCESSES * 4):  # every web process opens its index handle
                _call(port, "GET", f"/api/v1/needs/{lines[0][0]}/lines/{lines[0][1]}/matches", buyer)
            delays, polls = _trials(port, supplier, buyer, product_id, [(a, b) for a, b in lines], product)
        finally:
            os.killpg(server.pid, 2)  # SIGINT to serve and its worker
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait()
    _report(label, delays, polls)
    return delays


def _report(label: str, delays: list[float], polls: list[int]) -> None:
    ms = sorted(d * 1000 for d in delays)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(
        f"{label}: trials {len(ms)}; change -> visible in matches: p50 {statistics.median(ms):.0f} ms, "
        f"p95 {p95:.0f} ms, max {ms[-1]:.0f} ms; polls per trial {statistics.mean(polls):.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--suppliers", type=int, default=1000)
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with ('' for none)")
    args = parser.parse_args()
    print(f"web processes: {WEB_PROCESSES}; demo suppliers: {args.suppliers}; SQLite", flush=True)
    measure("worker drains (this tree)", None, args.trials, args.suppliers)
    if args.baseline:
        measure(f"drain-on-read ({args.baseline})", args.baseline, args.trials, args.suppliers)


if __name__ == "__main__":
    main()
