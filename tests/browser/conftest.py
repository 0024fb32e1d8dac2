"""A real server on a free port and Debian's Chromium driven by Playwright.

The browser tests use their own SQLite database (migrated, with the demo logins), because the server runs
in another thread and cannot share the rolled-back test transaction.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from rantai import migrations
from rantai.app import create_app
from rantai.catalog.search_index import live_index
from rantai.catalog.service import ensure_categories
from rantai.db import make_engine, make_session_factory, transaction
from rantai.demo.seed import load_demo_identity
from rantai.reference.service import load_reference_data
from rantai.settings import Settings

CHROMIUM = os.environ.get("RANTAI_CHROMIUM", "/usr/bin/chromium")
# Flags from the machine notes: without the background-networking ones Chromium keeps trying to reach
# Google's hosts on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# The database behind each live server, for tests that add their own story data before they browse.
LIVE_DATABASES: dict[str, str] = {}
# Its data directory (uploads, the matching index).
LIVE_DATA_DIRS: dict[str, Path] = {}


def drain_index(server_url: str) -> int:
    """Apply a story's queued changes to the live server's matching index. The server runs no worker,
    so what a test writes through its own session waits in the outbox otherwise, and the index is as
    it was when the server first built it (stories came and went from shortlists by test order)."""
    engine = make_engine(LIVE_DATABASES[server_url])
    try:
        with transaction(make_session_factory(engine), write=True) as session:
            return live_index(LIVE_DATA_DIRS[server_url]).drain(session)
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'browser.db'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        load_demo_identity(session)
    with transaction(make_session_factory(engine)) as session:
        load_reference_data(session)
        ensure_categories(session)
    # Its own data directory: uploads and the matching index must not land in the checkout's var/.
    settings = Settings(database_url=url, log_level="WARNING", data_dir=folder / "data")
    app = create_app(settings, make_session_factory(engine))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    server_url = f"http://127.0.0.1:{port}"
    LIVE_DATABASES[server_url] = url
    LIVE_DATA_DIRS[server_url] = settings.data_dir
    yield server_url
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser-deps` (apt-get install chromium)")
    launched = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (360 px wide, like a cheap Android phone)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
