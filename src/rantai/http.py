"""Request plumbing shared by the web and API doors: settings and the one transaction per request."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from rantai.db import transaction
from rantai.settings import Settings


async def get_settings_dep(request: Request) -> Settings:
    # async: it only reads the app's state, so it runs on the event loop instead of taking a thread
    # (a thread hop costs about 0.1 ms of CPU; issue #9, server CPU per page).
    settings: Settings = request.app.state.settings
    return settings


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request: commit when the handler returns, roll back when it raises. A request
    that may change something (POST, PUT, DELETE...) begins as a writer, so on SQLite it waits for the
    write lock up front instead of failing when it tries to write after reading."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with transaction(factory, write=request.method not in READ_METHODS) as session:
        request.state.db_session = session  # an idempotent POST stores its answer in this transaction
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is an error page
# rather than a success page for a change that was lost.
DbSession = Depends(get_db, scope="function")


def get_read_first_db(request: Request) -> Iterator[Session]:
    """A transaction for a request that does slow work before it writes (a password hash): it begins as a
    reader, and the service begins writing (``db.begin_writing``) only when the slow part is done, so on
    SQLite the write lock is not held while a password is hashed."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with transaction(factory) as session:
        request.state.db_session = session
        yield session


ReadFirstDbSession = Depends(get_read_first_db, scope="function")
