"""The application factory: wires settings, the database, the web and API doors, errors and middleware."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from rantai.api.problems import is_api_request, problem_response
from rantai.api.v1 import router as api_v1_router
from rantai.db import make_engine, make_session_factory
from rantai.kit.context import current_request_id
from rantai.kit.errors import UserError
from rantai.kit.ids import new_token
from rantai.kit.storage import LocalStorage
from rantai.logging import configure_logging
from rantai.settings import Settings, get_settings
from rantai.web import errors as web_errors
from rantai.web.background import run_in_background
from rantai.web.requestctx import CSRF_COOKIE, cookie_secure
from rantai.web.routes import router as web_router

log = logging.getLogger("rantai.app")
STATIC_DIR = Path(__file__).parent / "web" / "static"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


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
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.run_in_background = run_in_background
    app.state.storage = LocalStorage(settings.data_dir / "files")

    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        incoming = request.headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else new_token(9)
        request.state.request_id = request_id
        token = current_request_id.set(request_id)
        csrf = request.cookies.get(CSRF_COOKIE) or new_token()
        request.state.csrf_token = csrf
        try:
            response = await call_next(request)
        finally:
            current_request_id.reset(token)
        response.headers["X-Request-ID"] = request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if CSRF_COOKIE not in request.cookies and not is_api_request(request):
            response.set_cookie(
                CSRF_COOKIE,
                csrf,
                httponly=True,
                samesite="lax",
                secure=cookie_secure(settings, request),
                path="/",
            )
        return response

    async def handle_user_error(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, UserError):
            raise exc
        if is_api_request(request):
            return problem_response(request, exc)
        return web_errors.user_error_page(request, exc)

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
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if is_api_request(request):
            return problem_response(request, exc)
        return web_errors.server_error_page(request)

    app.add_exception_handler(UserError, handle_user_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(Exception, handle_unexpected)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api_v1_router, prefix="/api/v1")
    app.include_router(web_router)
    return app
