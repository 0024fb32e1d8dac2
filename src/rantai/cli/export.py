"""``rantai export``: open data files (issue #15)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from rantai.analytics import open_data
from rantai.cli.common import settings, unit_of_work

app = typer.Typer(help="Open data files.", no_args_is_help=True)


@app.command("ocds")
def ocds(
    out: Annotated[Path, typer.Option("--out", help="Directory the packages are written into.")],
    per_file: Annotated[
        int,
        typer.Option(min=1, max=1000, help="Contracting processes (RFQs) per file, as per_page in the API."),
    ] = open_data.DEFAULT_BATCH,
) -> None:
    """Write the published RFQs, awards, POs, deliveries, BAST, invoices and payments as OCDS 1.1.5 release
    and record packages (releases-00001.json, records-00001.json, ...)."""
    conf = settings()
    started = time.perf_counter()
    with unit_of_work(write=False) as session:
        done = open_data.export(
            session,
            out,
            prefix=conf.ocds_ocid_prefix,
            base_url=conf.base_url,
            size=per_file,
            license_url=conf.ocds_license,
        )
    seconds = time.perf_counter() - started
    typer.echo(
        f"{done.processes} processes, {done.releases} releases in {done.files} files under {out} "
        f"({seconds:.1f} s)."
    )
