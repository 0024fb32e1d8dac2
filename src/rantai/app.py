"""The application factory: wires settings, the database, the web and API doors, errors and middleware."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rantai import jobs
from rantai.api.problems import is_api_request, problem_response
from rantai.api.v1 import router as api_v1_router
from rantai.db import make_engine, make_session_factory
from rantai.kit.collector import tune_for_serving
from rantai.kit.context import current_request_id
from rantai.kit.errors import Busy, Invalid, UserError
from rantai.kit.ids import new_token
from rantai.kit.storage import LocalStorage
from rantai.kit.text import N_
from rantai.logging import configure_logging
from rantai.settings import Settings, get_settings
from rantai.web import errors as web_errors
from rantai.web.requestctx import CSRF_COOKIE, cookie_secure
from rantai.web.routes import router as web_router

log = logging.getLogger("rantai.app")
STATIC_DIR = Path(__file__).parent / "web" / "static"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Every page's scripts and styles come from our own origin (issue #9, finding 14): no inline script, event
# handler or style attribute is left in the templates (confirmations are `data-confirm`, read by
# static/js/rantai.js; htmx's inline indicator style is turned off by a meta tag in base.html), so one
# strict policy serves every response, /api/docs included (its Swagger UI is vendored, started by a file).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# SQLite's "database is locked" (SQLITE_BUSY) and "database table is locked" (SQLITE_LOCKED).
_SQLITE_BUSY_CODES = {5, 6}
# PostgreSQL: lock_not_available (lock_timeout), serialization_failure, deadlock_detected, query_canceled
# (statement_timeout, or a lock wait cancelled).
_POSTGRES_BUSY_STATES = {"55P03", "40001", "40P01", "57014"}
API_DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
_SWAGGER = "/static/vendor/swagger-ui"
# Swagger UI served from our origin (vendored, no CDN) and started by a script file, not an inline one.
_API_DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Rantai API</title>
  <link rel="icon" type="image/png" href="{_SWAGGER}/favicon-32x32.png">
  <link rel="stylesheet" href="{_SWAGGER}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{OPENAPI_URL}"></div>
  <script src="{_SWAGGER}/swagger-ui-bundle.js"></script>
  <script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


def database_busy(exc: OperationalError) -> bool:
    """Whether a database error means "busy, try again" (a lock or a serialization conflict) rather than
    a fault: the request changed nothing, and the same request should work a moment later."""
    original = exc.orig
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _SQLITE_BUSY_CODES  # extended codes keep the primary one in the low byte
    if getattr(original, "sqlstate", None) in _POSTGRES_BUSY_STATES:
        return True
    message = str(original).lower()
    return "database is locked" in message or "database is busy" in message


def protect(response: Response, request: Request, settings: Settings) -> None:
    """The headers every response carries: the request id and the security headers."""
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        response.headers["X-Request-ID"] = request_id
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    # Browsers heed HSTS only over https; "over https" is judged as for the Secure cookie flag, so a
    # proxy's X-Forwarded-Proto (or RANTAI_COOKIE_SECURE=always) counts.
    if settings.hsts_max_age_seconds and cookie_secure(settings, request):
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={settings.hsts_max_age_seconds}; includeSubDomains"
        )


class RequestContext:
    """Every request's context: its id (X-Request-ID, into logs and audit entries), the CSRF cookie, and
    the headers every response carries (`protect`).

    A plain ASGI middleware: Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`) runs each
    response through a task group and memory streams, which cost about 2 ms of CPU per request, an
    eighth of a shortlist page (issue #9, bench/shortlist_load.py)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        incoming = request.headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else new_token(9)
        request.state.request_id = request_id
        csrf = request.cookies.get(CSRF_COOKIE) or new_token()
        request.state.csrf_token = csrf
        settings = self.settings

        async def send_protected(message: Message) -> None:
            if message["type"] == "http.response.start":
                response = Response(status_code=message["status"])  # to use its header helpers
                response.raw_headers = list(message.get("headers", []))
                protect(response, request, settings)
                if CSRF_COOKIE not in request.cookies and not is_api_request(request):
                    response.set_cookie(
                        CSRF_COOKIE,
                        csrf,
                        httponly=True,
                        samesite="lax",
                        secure=cookie_secure(settings, request),
                        path="/",
                    )
                message = {**message, "headers": response.raw_headers}
            await send(message)

        token = current_request_id.set(request_id)
        try:
            await self.app(scope, receive, send_protected)
        finally:
            current_request_id.reset(token)


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))

    app = FastAPI(
        title="Rantai API",
        version="1",
        description="Supplier registry, matching and procurement for UMKM in BUMN supply chains.",
        docs_url=None,  # served below from vendored files
        redoc_url=None,
        openapi_url=OPENAPI_URL,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    # Requests only send work (imports, index updates) to the queue; `rantai worker` runs it (issue #10).
    jobs.attach(session_factory, jobs.QueueLater(settings.jobs_url, settings.data_dir))
    app.state.storage = LocalStorage(settings.data_dir / "files")

    app.add_middleware(RequestContext, settings=settings)
    app.add_exception_handler(UserError, handle_user_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(OperationalError, handle_database_error)
    app.add_exception_handler(DataError, handle_data_error)
    app.add_exception_handler(Exception, handle_unexpected)

    @app.get(API_DOCS_URL, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(_API_DOCS_PAGE)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The browser's pages before the API's routes: a request walks the routes in order, and most are
    # pages (issue #9: server CPU per page); no path is both (tests/web/test_route_order.py).
    app.include_router(web_router)
    app.include_router(api_v1_router, prefix="/api/v1")
    return app


def create_served_app(settings: Settings | None = None) -> FastAPI:
    """The app as `rantai serve` runs it, in each worker process: `create_app`, then the garbage
    collector tuned for a long-lived server (`rantai.kit.collector.tune_for_serving`): with 50 concurrent
    page views, full collections walking the start-up objects cost 3-5 ms of every shortlist page (issue
    #9, bench/shortlist_load.py). Tests keep Python's defaults (they make an app per test)."""
    app = create_app(settings)
    tune_for_serving()
    return app


async def handle_user_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, UserError):
        raise exc
    if is_api_request(request):
        response: Response = problem_response(request, exc)
        response.headers.update(exc.headers)  # Retry-After for Busy
        return response
    return web_errors.user_error_page(request, exc)


async def handle_database_error(request: Request, exc: Exception) -> Response:
    """A busy database is a calm 503 "try again" with Retry-After, never a 500 (issue #9, finding 3);
    any other database error goes on to ``handle_unexpected``."""
    if not (isinstance(exc, OperationalError) and database_busy(exc)):
        raise exc
    log.warning("database busy on %s %s: %s", request.method, request.url.path, exc.orig)
    return await handle_user_error(request, Busy())


MSG_UNSTORABLE_TEXT = N_(
    "What you sent contains an invisible control character (such as a NUL byte) that cannot be stored. "
    "Remove it and send again; nothing was saved."
)


def unstorable_text(exc: DataError) -> bool:
    """PostgreSQL refuses a NUL byte in any text; psycopg says so before the statement is sent."""
    return "nul" in str(exc.orig).lower() and "0x00" in str(exc.orig).lower()


async def handle_data_error(request: Request, exc: Exception) -> Response:
    """A NUL byte that no form or API check caught is the user's input, not a fault: a 422 that says what
    to remove, never a 500 (issue #9, finding 13). The safety net under every door's own checks; any other
    data error goes on to ``handle_unexpected``."""
    if not (isinstance(exc, DataError) and unstorable_text(exc)):
        raise exc
    log.warning("text with a NUL byte refused on %s %s", request.method, request.url.path)
    return await handle_user_error(request, Invalid(MSG_UNSTORABLE_TEXT))


async def handle_http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, StarletteHTTPException):
        raise exc
    if is_api_request(request):
        return problem_response(request, exc)
    return web_errors.http_error_page(request, exc)


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, RequestValidationError):
        raise exc
    if is_api_request(request):
        return problem_response(request, exc)
    return web_errors.validation_error_page(request, exc)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    # Starlette calls this outside every middleware, after RequestContext has let go of the request
    # id: set it again so this line, like every other line of the request, carries it (finding 15).
    request_id = getattr(request.state, "request_id", None)
    token = current_request_id.set(request_id)
    try:
        log.error(
            "unhandled error on %s %s (request id %s)",
            request.method,
            request.url.path,
            request_id or "-",
            exc_info=exc,
        )
    finally:
        current_request_id.reset(token)
    response = (
        problem_response(request, exc) if is_api_request(request) else web_errors.server_error_page(request)
    )
    protect(response, request, request.app.state.settings)  # the middleware never sees it
    return response
