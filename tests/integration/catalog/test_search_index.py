"""The shared on-disk matching index: built from the database, kept fresh from the outbox, shared by
processes, surviving restarts, rebuilt on demand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, make_url, select
from sqlalchemy.orm import Session
from tests.factories.suppliers import add_cert, add_product, make_supplier

from rantai.catalog import search_index
from rantai.catalog import service as catalog
from rantai.catalog.models import IndexChange
from rantai.catalog.search_index import LiveIndex, parallel_processes, supplier_ranges
from rantai.db import make_engine, make_session_factory, transaction
from rantai.matching import Filters, SearchIndex
from rantai.suppliers import service as suppliers
from rantai.suppliers.models import TrackRecord


def groups(index: SearchIndex, text: str, **filters: object) -> set[str]:
    return {hit.group for hit in index.search(text, limit=50, filters=Filters(**filters))}  # type: ignore[arg-type]


def fresh(live: LiveIndex, db: Session) -> SearchIndex:
    """What the worker does after a commit (drain), then what a reader does (current)."""
    live.drain(db)
    return live.current(db)


def queued(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(IndexChange)) or 0


def test_changes_are_queued_in_the_same_transaction(db: Session) -> None:
    before = queued(db)
    profile, _, owner = make_supplier(db)
    add_product(db, profile, owner, "Keripik Singkong Balado 250 g")
    assert queued(db) > before
    assert profile.id in set(db.scalars(select(IndexChange.supplier_id)))


def test_the_index_is_built_on_first_use_and_follows_every_change(db: Session, tmp_path: Path) -> None:
    live = LiveIndex(tmp_path / "index")
    profile, _, owner = make_supplier(db, status="verified")
    product = add_product(db, profile, owner, "Keripik Singkong Balado 250 g")
    index = fresh(live, db)
    assert groups(index, "keripik singkong") == {str(profile.id)}
    assert queued(db) == 0  # the build covered the queue

    # A new product shows at the next match.
    add_product(db, profile, owner, "Rengginang Ketan Hitam")
    assert groups(fresh(live, db), "rengginang") == {str(profile.id)}
    # A certificate becomes a filter term.
    assert groups(fresh(live, db), "keripik", all_of=("cert:halal",)) == set()
    add_cert(db, profile, owner, "halal")
    assert groups(fresh(live, db), "keripik", all_of=("cert:halal",)) == {str(profile.id)}
    # Verification status is a filter term too.
    suppliers.reject(db, actor=_verifier(db), profile=profile, reason="NIB tidak cocok")
    assert groups(fresh(live, db), "keripik", all_of=("verified",)) == set()
    # A deactivated product leaves the index.
    catalog.set_active(db, actor=owner, profile=profile, product=product, active=False)
    assert groups(fresh(live, db), "balado") == set()
    # The track record travels in the documents' facts.
    db.add(TrackRecord(supplier_id=profile.id, awards_won=4, orders_completed=5, orders_on_time=4))
    db.flush()
    hit = fresh(live, db).search("rengginang")[0]
    assert hit.facts["s"]["awards_won"] == 4  # type: ignore[index]


def _verifier(db: Session):  # type: ignore[no-untyped-def]
    from tests.factories.suppliers import national_verifier  # noqa: PLC0415

    return national_verifier(db)


def test_a_reader_never_writes_the_index(db: Session, tmp_path: Path) -> None:
    """Issue #10: reading (every page view) leaves the queue and the index's files as they were."""
    live = LiveIndex(tmp_path / "index")
    profile, _, owner = make_supplier(db, status="verified")
    add_product(db, profile, owner, "Kemeja Batik Tulis")
    fresh(live, db)
    add_product(db, profile, owner, "Tas Anyaman Pandan")
    waiting = queued(db)
    files = _files(live)
    assert groups(LiveIndex(live.root).current(db), "anyaman pandan") == set()
    assert groups(live.current(db), "anyaman pandan") == set()
    assert (queued(db), _files(live)) == (waiting, files)
    assert live.drain(db) == waiting
    assert groups(live.current(db), "anyaman pandan") == {str(profile.id)}


def _files(live: LiveIndex) -> dict[str, int]:
    return {str(p.relative_to(live.root)): p.stat().st_mtime_ns for p in live.root.rglob("*") if p.is_file()}


def test_two_workers_share_one_index(db: Session, tmp_path: Path) -> None:
    """Worker B sees what worker A applied, without applying it again (the queue is empty by then)."""
    root = tmp_path / "index"
    worker_a, worker_b = LiveIndex(root), LiveIndex(root)
    profile, _, owner = make_supplier(db, status="verified")
    add_product(db, profile, owner, "Kemeja Batik Tulis")
    fresh(worker_a, db)
    fresh(worker_b, db)
    add_product(db, profile, owner, "Tas Anyaman Pandan")
    assert groups(fresh(worker_a, db), "anyaman pandan") == {str(profile.id)}
    assert queued(db) == 0
    assert groups(worker_b.current(db), "anyaman pandan") == {str(profile.id)}  # B only reloads


def test_the_index_survives_a_restart_and_another_process_reads_it(db: Session, tmp_path: Path) -> None:
    root = tmp_path / "index"
    profile, _, owner = make_supplier(db, status="verified")
    add_product(db, profile, owner, "Sambal Roa Botol 200 ml")
    fresh(LiveIndex(root), db)
    generation = (root / "CURRENT").read_text().strip()
    restarted = LiveIndex(root)
    assert groups(fresh(restarted, db), "sambal roa") == {str(profile.id)}
    assert (root / "CURRENT").read_text().strip() == generation  # reopened, not rebuilt
    script = (
        "import json, sys; from pathlib import Path; from rantai.matching import SearchIndex; "
        "index = SearchIndex.open(Path(sys.argv[1])); "
        "print(json.dumps(sorted({h.group for h in index.search('sambal roa')})))"
    )
    out = subprocess.run(  # noqa: S603 - our own fixed script
        [sys.executable, "-c", script, str(root / generation)], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [str(profile.id)]


def test_rebuild_makes_a_new_generation_and_clears_the_queue(db: Session, tmp_path: Path) -> None:
    live = LiveIndex(tmp_path / "index")
    profile, _, owner = make_supplier(db, status="verified")
    add_product(db, profile, owner, "Gula Aren Cetak 1 kg")
    add_product(db, profile, owner, "Gula Semut Aren 500 g")
    fresh(live, db)
    first = (live.root / "CURRENT").read_text().strip()
    add_product(db, profile, owner, "Madu Hutan 250 ml")
    report = live.rebuild(db)
    assert (report.suppliers >= 1, report.products >= 3) == (True, True)
    assert (live.root / "CURRENT").read_text().strip() != first
    assert queued(db) == 0
    assert groups(fresh(live, db), "madu hutan") == {str(profile.id)}


def test_ensure_builds_only_when_there_is_no_index(db: Session, tmp_path: Path) -> None:
    live = LiveIndex(tmp_path / "index")
    profile, _, owner = make_supplier(db, status="verified")
    add_product(db, profile, owner, "Kopi Liberika Sangrai 250 g")
    first = live.ensure(db)
    assert first is not None and first.products >= 1
    assert live.ensure(db) is None


def test_ensure_rebuilds_an_index_of_an_older_layout(db: Session, tmp_path: Path) -> None:
    """An index built before the end days' column and the delivered-place terms (issue #14) is rebuilt
    at the next server start; one of this layout is not."""
    live = LiveIndex(tmp_path / "index")
    profile, _, owner = make_supplier(db, status="verified")
    add_product(db, profile, owner, "Kopi Liberika Sangrai 250 g")
    built = live.ensure(db)
    assert built is not None and search_index.layout_of(built.path) == search_index.LAYOUT
    (built.path / "rantai-layout").unlink()  # as a generation built before layouts
    assert search_index.layout_of(built.path) == 1
    again = live.ensure(db)
    assert again is not None and again.path != built.path
    assert search_index.layout_of(again.path) == search_index.LAYOUT
    assert groups(live.current(db), "kopi liberika") == {str(profile.id)}
    assert live.ensure(db) is None


def test_a_rebuild_in_several_processes_indexes_what_one_process_does(
    committed_url: str, tmp_path: Path
) -> None:
    """The processes read committed rows through connections of their own."""
    engine = make_engine(committed_url)
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as session:
            for number in range(7):
                profile, _, owner = make_supplier(session, status="verified", kabkota_code="32.73")
                for item in range(number % 3 + 1):
                    add_product(session, profile, owner, f"Keripik Singkong Rasa {number} {item}")
            add_product(session, profile, owner, "Kaos Polos Hitam")
        with transaction(factory) as session:
            ranges = supplier_ranges(session, 3)
            one = LiveIndex(tmp_path / "one").rebuild(session, processes=1)
        with transaction(factory) as session:
            many = LiveIndex(tmp_path / "many").rebuild(session, processes=3)
    finally:
        engine.dispose()
    assert len(ranges) == 3 and ranges[0][0] == 0 and ranges[-1][1] is None
    assert all(ranges[n][1] == ranges[n + 1][0] for n in range(2))
    assert (many.suppliers, many.products) == (one.suppliers, one.products)
    assert one.products == sum(number % 3 + 1 for number in range(7)) + 1
    one_index, many_index = SearchIndex.open(one.path), SearchIndex.open(many.path)
    for query in ("keripik singkong", "kaos hitam", "rasa 4"):
        assert sorted((hit.id, round(hit.score, 5)) for hit in many_index.search(query, limit=50)) == sorted(
            (hit.id, round(hit.score, 5)) for hit in one_index.search(query, limit=50)
        )
    first = many_index.search("kaos hitam")[0]
    assert first.facts == one_index.search("kaos hitam")[0].facts  # the supplier's facts came along


def test_a_large_catalogue_is_rebuilt_on_every_core(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    profile, _, owner = make_supplier(db, status="verified")
    add_product(db, profile, owner, "Keripik Singkong Balado 250 g")
    monkeypatch.setattr(search_index, "_usable_cores", lambda: 4)
    assert parallel_processes(db) == 1  # a small catalogue: starting processes would cost more
    monkeypatch.setattr(search_index, "PARALLEL_FROM", 1)
    assert parallel_processes(db) == 4
    monkeypatch.setattr(search_index, "_usable_cores", lambda: 64)
    assert parallel_processes(db) == search_index.MAX_PROCESSES  # a connection and memory each
    monkeypatch.setattr(search_index, "_usable_cores", lambda: 1)
    assert parallel_processes(db) == 1


@pytest.mark.parametrize(
    ("url", "in_memory"),
    [
        ("sqlite://", True),
        ("sqlite:///:memory:", True),
        ("sqlite:///file::memory:?cache=shared&uri=true", True),
        ("sqlite:///file:shared?mode=memory&cache=shared&uri=true", True),
        ("sqlite:///var/rantai.db", False),
        ("postgresql+psycopg://rantai@db/rantai", False),
    ],
)
def test_a_database_in_memory_is_rebuilt_in_one_process(url: str, in_memory: bool) -> None:
    # Another process would open an empty database of its own.
    assert search_index._in_memory(make_url(url)) is in_memory
