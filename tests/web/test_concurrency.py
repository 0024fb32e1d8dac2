"""Concurrent requests against a real server on real database connections (issue #9, findings 2 and 3).

The other web tests share one connection and roll it back; these serve the app with uvicorn in a thread,
on a database of their own whose commits stay (``committed_url``), and hold locks from a second connection
the way another request would.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, text
from tests.factories.identity import csrf_of, log_in
from tests.factories.sourcing import line_data, make_buyer, make_need

from rantai.app import create_app
from rantai.db import make_engine, make_session_factory, transaction
from rantai.i18n import translate
from rantai.identity import service as identity_service
from rantai.identity.models import User
from rantai.settings import Settings
from rantai.sourcing.errors import MSG_NEED_CHANGED_NOW

# How long a request may take before the test calls the server stuck. It is a guard against hanging the
# suite, not a measurement: every request here normally answers in well under a second.
STUCK = 20.0


@dataclass
class Live:
    url: str
    engine: Engine
    need_id: int
    user: User
    backend: str

    def client(self) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=STUCK, follow_redirects=False)
        log_in(client, self.user)  # type: ignore[arg-type]  # httpx.Client has the TestClient calls used
        return client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live(committed_url: str, tmp_path: Path) -> Iterator[Live]:
    engine = make_engine(committed_url)
    with transaction(make_session_factory(engine)) as session:
        org, user, actor = make_buyer(session)
        need = make_need(session, org, actor, lines=[line_data(budget=1_500_000)])
        need_id = need.id
    settings = Settings(database_url=committed_url, data_dir=tmp_path / "data")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", engine, need_id, user, engine.dialect.name)
    finally:
        server.should_exit = True
        thread.join(timeout=STUCK)
        engine.dispose()


def _edit(client: httpx.Client, need_id: int, title: str) -> httpx.Response:
    return client.post(
        f"/needs/{need_id}/edit",
        data={
            "title": title,
            "lines-1-name": "Keripik singkong balado 250 g",
            "lines-1-quantity": "5.000",
            "lines-1-unit_code": "bungkus",
            "lines-1-budget": "2.000.000",
            "then": "save",
            "csrf_token": csrf_of(client),  # type: ignore[arg-type]
        },
    )


def _hold_need_lock(live: Live) -> Callable[[], None]:
    """Take the lock another request's save would hold (the need's row on PostgreSQL, the write lock on
    SQLite) and return what lets it go."""
    if live.backend == "sqlite":
        raw = sqlite3.connect(str(live.engine.url.database), isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")

        def release_sqlite() -> None:
            raw.execute("COMMIT")
            raw.close()

        return release_sqlite
    connection = live.engine.connect()
    held = connection.begin()
    connection.execute(text("SELECT id FROM sourcing_need WHERE id = :id FOR UPDATE"), {"id": live.need_id})

    def release_postgres() -> None:
        held.commit()
        connection.close()

    return release_postgres


def test_a_save_waiting_on_a_lock_does_not_stop_the_server(live: Live) -> None:
    """Finding 2: a save blocked on a row lock froze the event loop, so every request hung, /healthz too,
    and the lock holder could never finish. Now the save waits in a worker thread; the server answers."""
    client = live.client()
    release = _hold_need_lock(live)
    with ThreadPoolExecutor(max_workers=1) as pool:
        saving = pool.submit(_edit, client, live.need_id, "Judul saat terkunci")
        time.sleep(0.5)  # let the save reach the lock
        assert not saving.done()
        with httpx.Client(base_url=live.url, timeout=STUCK) as other:
            assert other.get("/healthz").status_code == 200
            assert other.get("/login").status_code == 200
        release()
        saved = saving.result(timeout=STUCK)
    assert saved.status_code == 303
    with live.engine.connect() as check:
        assert check.scalar(text("SELECT title FROM sourcing_need WHERE id = :id"), {"id": live.need_id}) == (
            "Judul saat terkunci"
        )


def test_two_concurrent_saves_of_one_need_both_finish(live: Live) -> None:
    """Finding 2's test as the issue states it, repeated: both saves finish, neither is a server error."""
    clients = [live.client(), live.client()]
    for round_ in range(8):
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(
                pool.map(_edit, clients, [live.need_id] * 2, [f"Simpan {round_}-{n}" for n in range(2)])
            )
        # Both finish: saved, or (PostgreSQL, when both reached the row at once) refused as a conflict by
        # the version check, so one save never silently overwrites the other. Never a server error.
        codes = sorted(a.status_code for a in answers)
        assert codes in ([303, 303], [303, 409]), [a.text[:300] for a in answers]
        if codes == [303, 409]:
            refused = next(a.text for a in answers if a.status_code == 409)
            assert translate("id", MSG_NEED_CHANGED_NOW) in refused


def test_many_writers_at_once_wait_their_turn(live: Live) -> None:
    """Finding 3: on SQLite, a transaction that read first could not wait for the write lock, so
    concurrent saves, logins and quick needs failed with "database is locked" at once (500)."""
    clients = [live.client() for _ in range(6)]

    def work(n: int) -> tuple[list[int], list[int]]:
        edits, quick = [], []
        for round_ in range(5):
            edits.append(_edit(clients[n], live.need_id, f"Penulis {n} putaran {round_}").status_code)
            answer = clients[n].post(
                "/needs/quick",
                data={"text": f"kopi bubuk {n}{round_} 20 kg", "csrf_token": csrf_of(clients[n])},  # type: ignore[arg-type]
            )
            quick.append(answer.status_code)
        return edits, quick

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        results = list(pool.map(work, range(len(clients))))
    edits = [code for result in results for code in result[0]]
    quick = [code for result in results for code in result[1]]
    # Saves of one need by six people at once: each saved or refused as a conflict, never a server error.
    assert set(edits) <= {303, 409} and 303 in edits, sorted(set(edits))
    if live.backend == "sqlite":
        assert set(edits) == {303}  # writers queue at BEGIN IMMEDIATE, so each reads the last save first
    assert quick == [303] * len(quick), sorted(set(quick))
    with live.engine.connect() as check:
        created = check.scalar(text("SELECT count(*) FROM sourcing_need WHERE source = 'quick'"))
    assert created == len(clients) * 5


def test_a_login_does_not_hold_the_write_lock_while_it_hashes(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found attacking issue #9: each login held SQLite's write lock through its 0.2 s password hash, so
    logins ran one at a time and, with other writers, some waited out the busy timeout (503)."""
    if live.backend != "sqlite":
        pytest.skip("the database-wide write lock is SQLite's")
    seen: list[bool] = []
    real = identity_service.verify_password

    def watched(stored: str, password: str) -> bool:
        other = sqlite3.connect(str(live.engine.url.database), timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append(True)
        except sqlite3.OperationalError:
            seen.append(False)
        finally:
            other.close()
        return real(stored, password)

    monkeypatch.setattr(identity_service, "verify_password", watched)
    client = live.client()
    assert client.get("/").status_code in (200, 303)
    assert seen == [True]
