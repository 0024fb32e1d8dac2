"""Entry point of the ``rantai`` command."""

from __future__ import annotations

import signal
import subprocess
import sys

import typer

from rantai.cli import analytics, audit, db, export, imports, index, mail, match, models, rfq, tokens, users
from rantai.cli.common import settings, unit_of_work

app = typer.Typer(help="Rantai: UMKM in the supply chains of BUMN and large buyers.", no_args_is_help=True)
app.add_typer(db.app, name="db")
app.add_typer(audit.app, name="audit")
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(imports.app, name="import")
app.add_typer(index.app, name="index")
app.add_typer(models.classify, name="classify")
app.add_typer(models.related, name="related")
app.add_typer(match.app, name="match")
app.add_typer(mail.app, name="mail")
app.add_typer(rfq.app, name="rfq")
app.add_typer(export.app, name="export")
app.add_typer(analytics.app, name="analytics")


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default RANTAI_HOST)."),
    port: int | None = typer.Option(None, help="Port (default RANTAI_PORT)."),
    workers: int | None = typer.Option(None, help="Worker processes (default RANTAI_WORKERS)."),
    with_worker: bool = typer.Option(
        True, "--worker/--no-worker", help="Also run the background worker (`rantai worker`) beside it."
    ),
) -> None:
    """Serve the web platform and the API (and, unless --no-worker, the background worker)."""
    import uvicorn  # noqa: PLC0415 - only the serving commands need it

    conf = settings()
    from rantai.catalog.search_index import live_index  # noqa: PLC0415

    # Build the matching index before serving when there is none, so no request waits for the build.
    with unit_of_work() as session:
        built = live_index(conf.data_dir).ensure(session)
    if built is not None:
        typer.echo(f"Matching index built: {built.products} products of {built.suppliers} suppliers.")
    # Imports and index updates are the worker's: one command starts both on one machine. With several
    # machines, run `rantai serve --no-worker` on the web ones and `rantai worker` where it suits.
    background = _start_worker() if with_worker else None
    try:
        uvicorn.run(
            "rantai.app:create_served_app",
            factory=True,
            host=host or conf.host,
            port=port or conf.port,
            workers=workers or conf.workers,
            proxy_headers=True,
            log_level=conf.log_level.lower(),
            # uvicorn's supervisor kills a worker that has not answered its ping within this time. Its default,
            # 5 s, killed workers still starting on a busy machine, and once the worker running an import
            # (issue #9, docs/benchmarks.md): a worker busy for a minute is slow, not dead.
            timeout_worker_healthcheck=60,
        )
    finally:
        if background is not None:
            _stop_worker(background)


def _start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "rantai.cli.main", "worker"])


def _stop_worker(process: subprocess.Popen[bytes]) -> None:
    # SIGINT lets running jobs end; one still running after the wait keeps its job row, whose lease the
    # next worker's reaper hands on.
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@app.command("worker")
def worker() -> None:
    """Run the background worker: imports, index updates and the scheduled jobs (see RANTAI_JOBS_URL)."""
    from rantai import worker as background  # noqa: PLC0415 - loads every domain's tasks

    background.run(settings())


@app.command("demo")
def demo(
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the platform after loading."),
    scale: str = typer.Option(
        "small",
        "--scale",
        help="small (3,000 UMKM, about 2,500 orders over 24 months) or large (100,000 UMKM, 50,000 orders).",
    ),
    suppliers: int | None = typer.Option(
        None, "--suppliers", min=0, help="How many demo UMKM and cooperatives (overrides the scale's)."
    ),
    host: str | None = typer.Option(None, help="Address to listen on."),
    port: int | None = typer.Option(None, help="Port."),
) -> None:
    """Upgrade the database, load the demo data, print the demo logins, then serve."""
    from rantai.analytics import rollup as analytics_rollup  # noqa: PLC0415
    from rantai.catalog.search_index import live_index  # noqa: PLC0415
    from rantai.db import refresh_statistics  # noqa: PLC0415
    from rantai.demo.history import load_demo_history  # noqa: PLC0415
    from rantai.demo.orders import load_demo_orders  # noqa: PLC0415
    from rantai.demo.procurement import (  # noqa: PLC0415
        load_demo_koperasi_login,
        load_demo_procurement,
        load_demo_supplier_login,
    )
    from rantai.demo.registry import load_demo_registry  # noqa: PLC0415
    from rantai.demo.rfqs import load_demo_rfqs  # noqa: PLC0415
    from rantai.demo.scale import SCALES  # noqa: PLC0415
    from rantai.demo.seed import DEMO_PASSWORD, load_demo_identity  # noqa: PLC0415
    from rantai.kit.clock import today  # noqa: PLC0415

    if scale not in SCALES:
        raise typer.BadParameter(f"choose one of: {', '.join(SCALES)}", param_hint="--scale")
    size = SCALES[scale].with_suppliers(suppliers)
    db.upgrade_database(with_reference=True)
    with unit_of_work() as session:
        logins = load_demo_identity(session)
        # After the logins: it needs the verifier.
        registry = load_demo_registry(
            session, suppliers=size.suppliers, products_per_supplier=size.products_per_supplier
        )
        procurement = load_demo_procurement(session, today=today())
        load_demo_supplier_login(session, today=today())
        load_demo_koperasi_login(session, today=today())
        rfqs = load_demo_rfqs(session)  # after the UMKM login's business: it is invited
        orders = load_demo_orders(session)  # after the RFQs: the awarded one is ordered
    with unit_of_work() as session:
        # Last: it reads the buyers and suppliers loaded above and numbers after their orders.
        history = load_demo_history(session, scale=size)
    with unit_of_work() as session:
        refresh_statistics(session)  # the history's bulk rows, before anyone reads them
    with unit_of_work() as session:
        # The monitoring's rollup from the rows just loaded (the worker keeps it fresh from here on).
        rolled = analytics_rollup.rebuild(session)
    with unit_of_work() as session:
        refresh_statistics(session)  # and the rollup's
    typer.echo(registry.summary())
    typer.echo(
        f"Demo buyers: {procurement.buyers}; needs added: {procurement.needs} ({procurement.open_needs} open); "
        f"suppliers given a track record: {procurement.track_records}"
    )
    typer.echo(rfqs.summary())
    typer.echo(orders.summary())
    typer.echo(history.summary())
    typer.echo(rolled.summary())
    conf = settings()
    with unit_of_work() as session:
        built = live_index(conf.data_dir).rebuild(session)
    typer.echo(
        f"Matching index: {built.products} products of {built.suppliers} suppliers in {built.seconds:.1f} s"
    )
    typer.echo("")
    typer.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        typer.echo(f"  {login.email:<28} {login.org_type.value:<20} {login.organization}")
    typer.echo("")
    if serve_after:
        typer.echo(f"Open http://{host or conf.host}:{port or conf.port}/ in a browser.")
        serve(host=host, port=port, workers=None, with_worker=True)


if __name__ == "__main__":  # `python -m rantai.cli.main` (how `rantai serve` starts its worker)
    app()
