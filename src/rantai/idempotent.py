"""Idempotent POSTs for both doors: a route class that answers a repeated request with the first answer.

The API takes the key from the ``Idempotency-Key`` header, the browser from the ``form_key`` hidden field
that creating forms carry (``web/templates/_form_key.html``); each door subclasses ``IdempotentRoute``
with where the key, the request's digest and the caller come from (``api/idempotency.py``,
``web/forms.py``). The rules and the table are ``rantai.identity.idempotency``. A request without a key,
or whose caller is unknown (a bad API token: the route answers 401 as before), runs as it always did.

The order matters for safety:
1. the key is claimed in a short transaction of its own, committed before the route's transaction
   begins (on SQLite the route's transaction holds the write lock from its start, so the claim could not
   wait for it), so a simultaneous duplicate sees the claim;
2. the route runs; its answer is stored in the route's own transaction (``request.state.db_session``,
   set by ``rantai.http``), before the commit that the dependency makes after the response is built, so
   the work and the stored answer commit together;
3. when the route raised, its transaction is rolled back here, and the key is released (a 5xx: a retry
   may succeed; in the browser also a user error, whose page shows the form again with a new key) or,
   in the API, the user error's answer is stored (the same request would fail the same way), and
   committed before the error goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

import anyio
from fastapi import Request, Response
from fastapi.routing import APIRoute, APIRouter
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from rantai.db import WRITE, transaction
from rantai.identity import idempotency
from rantai.identity.idempotency import Answer, Claim, Replay, StillRunning

log = logging.getLogger(__name__)

REPLAYED_HEADER = "Idempotent-Replayed"
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class IdempotentRoute(APIRoute):
    """A POST route whose repeated requests (same caller, same key) get the first answer."""

    # The browser keeps only answers below 400 (a form with errors is shown again with a new key);
    # the API keeps user errors too (4xx: deterministic), never a 5xx.
    keeps_client_errors: ClassVar[bool] = True
    # How long a duplicate waits for the first request to finish before it is told "still running"
    # (the API answers at once; a double-clicked form waits and shows the first result).
    wait_seconds: ClassVar[float] = 0.0
    is_form: ClassVar[bool] = False

    async def request_key(self, request: Request) -> str | None:
        raise NotImplementedError

    async def request_fingerprint(self, request: Request) -> str:
        raise NotImplementedError

    def caller_of(self, session: Session, request: Request) -> str | None:
        """Who sent the request ("token:7", "user:3"), or None to run it without a key. Read only: it
        runs in a reading transaction."""
        raise NotImplementedError

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        if "POST" not in (self.methods or ()):
            return handler

        async def idempotent(request: Request) -> Response:
            key = await self.request_key(request)
            if key is None:
                return await handler(request)
            outcome = await self._claim(request, key, await self.request_fingerprint(request))
            if outcome is None:
                return await handler(request)
            if isinstance(outcome, Replay):
                return replayed(outcome.answer)
            try:
                response = await handler(request)
            except Exception as exc:
                return await self._after_error(request, outcome, exc)
            keep = response.status_code < 500 and (self.keeps_client_errors or response.status_code < 400)
            answer = answer_of(response) if keep else None
            await run_in_threadpool(_settle_in_route_transaction, request, outcome, answer)
            return response

        return idempotent

    async def _claim(self, request: Request, key: str, fingerprint: str) -> Claim | Replay | None:
        waited = 0.0
        while True:
            try:
                return await run_in_threadpool(self._claim_once, request, key, fingerprint)
            except StillRunning:
                if waited >= self.wait_seconds:
                    raise
            await anyio.sleep(0.2)
            waited += 0.2

    def _claim_once(self, request: Request, key: str, fingerprint: str) -> Claim | Replay | None:
        factory: sessionmaker[Session] = request.app.state.session_factory
        # First a read (on SQLite it runs beside the one writer, which may be the first request): a
        # repeat is answered without waiting for the write lock. Then, when the key is free, the claim.
        with transaction(factory) as session:
            caller = self.caller_of(session, request)
            if caller is None:
                return None
            seen = idempotency.lookup(
                session, caller=caller, key=key, request_fingerprint=fingerprint, form=self.is_form
            )
        if seen is not None:
            return seen
        with transaction(factory, write=True) as session:
            return idempotency.claim(
                session, caller=caller, key=key, request_fingerprint=fingerprint, form=self.is_form
            )

    async def _after_error(self, request: Request, held: Claim, exc: Exception) -> Response:
        response = await _handled(request, exc) if self.keeps_client_errors else None
        if response is None or response.status_code >= 500:
            await run_in_threadpool(_settle_after_error, request, held, None)
            raise exc
        await run_in_threadpool(_settle_after_error, request, held, answer_of(response))
        return response


def adopt(router: APIRouter, route_class: type[IdempotentRoute], **extra: Any) -> APIRouter:
    """Make every POST route of ``router`` (and of the routers it includes) a ``route_class``.

    Done where a door puts its routers together, so a module's routes need no change: its routes are
    made as plain ``APIRoute`` and their class is switched here, before the app builds its handlers.
    ``extra``: ``dependencies`` appended and ``responses`` added to each such route (the API documents
    the header and the 409)."""
    for route in routes_of(router):
        if type(route) is APIRoute and "POST" in (route.methods or ()):
            route.__class__ = route_class
            route.dependencies.extend(extra.get("dependencies", ()))
            for status, response in extra.get("responses", {}).items():
                route.responses.setdefault(status, response)
    return router


def routes_of(router: APIRouter) -> list[APIRoute]:
    """Every API route of ``router`` and of the routers it includes."""
    found: list[APIRoute] = []
    for route in router.routes:
        if isinstance(route, APIRoute):
            found.append(route)
        inner = getattr(route, "original_router", None)  # an included router (FastAPI keeps it whole)
        if isinstance(inner, APIRouter):
            found.extend(routes_of(inner))
    return found


def answer_of(response: Response) -> Answer | None:
    """The response as stored; None when it cannot be replayed (a streamed body, an address too long)."""
    body = getattr(response, "body", None)
    if not isinstance(body, bytes | bytearray | memoryview):
        return None
    answer = Answer(
        status_code=response.status_code,
        content_type=response.headers.get("content-type"),
        location=response.headers.get("location"),
        body=bytes(body),
        # A secret shown once (a new API token) is marked no-store: it is not kept for a replay.
        withheld="no-store" in response.headers.get("cache-control", "").lower(),
    )
    return answer if answer.storable else None


def replayed(answer: Answer) -> Response:
    headers = {REPLAYED_HEADER: "true"}
    if answer.location:
        headers["Location"] = answer.location
    response = Response(answer.body, status_code=answer.status_code, headers=headers)
    if answer.content_type:
        response.headers["content-type"] = answer.content_type
    return response


def _settle(session: Session, held: Claim, answer: Answer | None) -> None:
    if answer is None:
        idempotency.release(session, held)
    else:
        idempotency.complete(session, held, answer)


def _settle_in_route_transaction(request: Request, held: Claim, answer: Answer | None) -> None:
    """Store the answer (or release the key) in the route's transaction, committed with its work; a
    route without one settles in a transaction of its own."""
    session: Session | None = getattr(request.state, "db_session", None)
    if session is None:
        factory: sessionmaker[Session] = request.app.state.session_factory
        with transaction(factory, write=True) as own:
            _settle(own, held, answer)
        return
    _settle(session, held, answer)


def _settle_after_error(request: Request, held: Claim, answer: Answer | None) -> None:
    """After the route raised: roll its work back, then store or release, and commit that alone. A
    failure here (a broken connection) is logged: the key stays claimed and its lease runs out."""
    session: Session | None = getattr(request.state, "db_session", None)
    try:
        if session is None:
            factory: sessionmaker[Session] = request.app.state.session_factory
            with transaction(factory, write=True) as own:
                _settle(own, held, answer)
            return
        session.rollback()
        session.connection(execution_options={WRITE: True})
        _settle(session, held, answer)
        session.commit()
    except Exception:
        log.exception("idempotency key %s not settled after an error; its lease will free it", held.id)


async def _handled(request: Request, exc: Exception) -> Response | None:
    """The answer the app's exception handlers give for ``exc`` (the ones Starlette's exception
    middleware holds: user errors, validation, HTTP errors, a busy database); None when none does."""
    handlers = request.scope.get("starlette.exception_handlers")
    if not handlers:
        return None
    exception_handlers, status_handlers = handlers
    handler: Any = None
    if isinstance(exc, HTTPException):
        handler = status_handlers.get(exc.status_code)
    if handler is None:
        handler = next((exception_handlers[c] for c in type(exc).__mro__ if c in exception_handlers), None)
    if handler is None:
        return None
    try:
        response: Response = await handler(request, exc)
    except Exception:  # the handler passed it on (an unexpected error): the route's error path answers
        return None
    return response
