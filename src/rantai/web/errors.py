"""Error pages in the viewer's language: 403, 404, 500 and the user's own mistakes."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from rantai.kit.errors import UserError
from rantai.kit.text import N_
from rantai.web.requestctx import LoginRequired, Viewer, request_locale
from rantai.web.templating import render

PAGE_TITLES = {
    400: N_("The request could not be processed"),
    401: N_("Please log in"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("Action not allowed here"),
    409: N_("Conflict"),
    422: N_("Please check your input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("Rantai is busy"),
}
PAGE_DETAILS = {
    403: N_("Your role does not allow this. Ask your organization's administrator."),
    404: N_("There is nothing at this address. Check the link, or go back to the home page."),
    405: N_("This address does not accept that kind of request."),
    500: N_("Something went wrong on our side. Nothing was saved. Try again later; quote the request id."),
}


def _viewer(request: Request) -> Viewer:
    viewer = getattr(request.state, "viewer", None)
    if isinstance(viewer, Viewer):
        return viewer
    return Viewer(locale=request_locale(request))


def _page(
    request: Request,
    status: int,
    detail: str,
    params: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The error page. The message's parameters come as one mapping, so a parameter of any name (a
    profile's ``status``, say) cannot collide with this function's own arguments (issue #9, finding 5)."""
    viewer = _viewer(request)
    response = render(
        request,
        "errors/error.html",
        viewer,
        {
            "status": status,
            "title": viewer._(PAGE_TITLES.get(status, PAGE_TITLES[400])),
            "detail": viewer._(detail, **(params or {})),
        },
        status_code=status,
    )
    if headers:
        response.headers.update(headers)
    return response


def user_error_page(request: Request, exc: UserError) -> Response:
    if isinstance(exc, LoginRequired):
        # HTMX follows HX-Redirect; a plain browser follows the 303.
        target = "/login?next=" + request.url.path
        if _viewer(request).session_expired:
            target += "&expired=1"
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return _page(request, exc.status_code, exc.message, exc.params, headers=exc.headers)


def http_error_page(request: Request, exc: StarletteHTTPException) -> Response:
    return _page(request, exc.status_code, PAGE_DETAILS.get(exc.status_code, PAGE_TITLES[400]))


def validation_error_page(request: Request, _exc: RequestValidationError) -> Response:
    return _page(request, 422, N_("Some fields are missing or not valid. Go back, fix them and send again."))


def server_error_page(request: Request) -> Response:
    """A calm 500 page. It is drawn for an anonymous viewer (no menus), so a fault in the code that draws
    menus cannot break the error page too; if even that fails, plain text is sent."""
    viewer = Viewer(locale=_viewer(request).locale)
    request.state.viewer = viewer
    try:
        return _page(request, 500, PAGE_DETAILS[500])
    except Exception:  # last resort: never fail while reporting a failure
        return PlainTextResponse(viewer._(PAGE_DETAILS[500]), status_code=500)
