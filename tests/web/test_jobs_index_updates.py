"""Issue #10: no GET request writes the matching index; the worker's task applies changes, and a
product saved through the web shows in the shortlist once that task has run."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in
from tests.factories.sourcing import line_data, make_buyer, make_need
from tests.factories.suppliers import add_cert, add_product, make_supplier

from rantai import jobs
from rantai.catalog.index_changes import INDEX_SIGNAL
from rantai.catalog.models import IndexChange
from rantai.catalog.search_index import live_index
from rantai.settings import Settings
from rantai.sourcing import repository


def _index_files(settings: Settings) -> dict[str, tuple[int, int]]:
    """The index's files with their size and time (tantivy's lock files left out: a reader may take one)."""
    root = Path(settings.data_dir) / "index"
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(".lock")
    }


def _queued(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(IndexChange)) or 0


def test_a_shortlist_page_reads_the_index_and_writes_nothing(
    client: TestClient, db: Session, settings: Settings, job_queue: jobs.InlineQueue
) -> None:
    org, user, actor = make_buyer(db)
    first, _, first_actor = make_supplier(db, status="verified", business_name="Keripik Bu Sri")
    add_product(db, first, first_actor, "Keripik Singkong Balado 250 g", unit_code="bungkus")
    need = make_need(db, org, actor, title="Oleh-oleh", lines=[line_data(name="Keripik singkong")])
    line = repository.lines_of(db, need.id)[0]
    log_in(client, user)
    url = f"/needs/{need.id}/lines/{line.id}/shortlist"
    assert f'data-supplier-id="{first.id}"' in client.get(url, headers={"HX-Request": "true"}).text

    # A supplier joins: its change is queued for the worker (written through the test's own session,
    # which sends no signal, as a command-line change would not).
    later, _, later_actor = make_supplier(db, status="verified", business_name="Sanjai Uni")
    add_product(db, later, later_actor, "Keripik Singkong Sanjai 250 g", unit_code="bungkus")
    add_cert(db, later, later_actor, "halal")
    queued, files = _queued(db), _index_files(settings)
    assert queued > 0
    page = client.get(url, headers={"HX-Request": "true"})
    assert page.status_code == 200 and f'data-supplier-id="{later.id}"' not in page.text
    assert (_queued(db), _index_files(settings)) == (queued, files)  # the page view wrote nothing

    # The worker's task (sent after a commit, or by the sweep) applies it; the next page view reads it.
    job_queue.signal(INDEX_SIGNAL)
    assert _queued(db) == 0
    assert f'data-supplier-id="{later.id}"' in client.get(url, headers={"HX-Request": "true"}).text


def test_a_product_saved_through_the_web_sends_the_index_task(
    client: TestClient, db: Session, settings: Settings, job_queue: jobs.InlineQueue
) -> None:
    job_queue.immediate = False  # the worker has not run yet
    profile, owner, _ = make_supplier(db, status="verified")
    live_index(settings.data_dir).ensure(db)  # as `rantai serve` does before serving
    log_in(client, owner)
    assert job_queue.signals == []
    client.post(
        "/supplier/products/new",
        data={"name": "Kopi bubuk robusta 250 gr", "kbli_code": "10761", "csrf_token": csrf_of(client)},
    )
    assert job_queue.signals == [INDEX_SIGNAL]  # sent once the request's transaction committed
    assert profile.id in set(db.scalars(select(IndexChange.supplier_id)))
    job_queue.run_pending()
    assert _queued(db) == 0
