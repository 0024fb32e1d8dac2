"""RFC 9457 problem details (``application/problem+json``) with a ``detail`` in the client's language.

API clients choose the language with ``Accept-Language`` (``id`` is the default, ``en`` the other).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from rantai.i18n import DEFAULT_LOCALE, negotiate, translate
from rantai.kit.errors import UserError
from rantai.kit.text import N_

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"

TITLES: dict[int, str] = {
    400: N_("Bad request"),
    401: N_("Not authenticated"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    410: N_("No longer available"),
    422: N_("Invalid input"),
    429: N_("Too many attempts"),
    500: N_("Internal error"),
    503: N_("Service unavailable"),
}
HTTP_DETAILS: dict[int, str] = {
    400: N_("The request body cannot be read: send a JSON object (Content-Type: application/json)."),
    401: N_("Send a valid API token in the Authorization header: 'Bearer <token>'."),
    403: N_("Your role does not allow this. Ask your organization's administrator."),
    404: N_("There is nothing at this address. Check the URL."),
    405: N_("This address does not accept that HTTP method."),
    500: N_("Something went wrong on our side. Nothing was saved. Try again later; quote the request id."),
}


def is_api_request(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) and not request.url.path.startswith("/api/docs")


def api_locale(request: Request) -> str:
    return negotiate(request.headers.get("accept-language")) or DEFAULT_LOCALE


# pydantic error type -> (message, the ctx key that fills %(limit)s / %(choices)s)
_FIELD_MESSAGES: dict[str, tuple[str, str | None]] = {
    "missing": (N_("This field is required."), None),
    "greater_than_equal": (N_("Must be at least %(limit)s."), "ge"),
    "greater_than": (N_("Must be more than %(limit)s."), "gt"),
    "less_than_equal": (N_("Must be at most %(limit)s."), "le"),
    "less_than": (N_("Must be less than %(limit)s."), "lt"),
    "string_too_long": (N_("At most %(limit)s characters."), "max_length"),
    "string_too_short": (N_("At least %(limit)s characters."), "min_length"),
    "too_long": (N_("At most %(limit)s items."), "max_length"),
    "enum": (N_("Choose one of: %(limit)s."), "expected"),
    "literal_error": (N_("Choose one of: %(limit)s."), "expected"),
    "string_pattern_mismatch": (
        N_("This code is not written as expected; check it against the reference data."),
        None,
    ),
    "control_characters": (N_("Remove the invisible control characters (such as NUL) from this text."), None),
    "date_format": (N_("Enter a date like 2026-03-31; found %(value)s."), None),
    "date_from_datetime_inexact": (N_("Enter a date like 2026-03-31; found %(value)s."), None),
    "datetime_format": (
        N_("Enter a time like 2026-03-31T14:00:00+07:00, with its time zone; found %(value)s."),
        None,
    ),
}


def _field_message(locale: str, error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind.startswith(("int_", "float_")):
        return translate(locale, N_("Enter a number."))
    if kind.startswith("date_"):
        kind = "date_format"
    if kind == "too_long" and isinstance(error.get("input"), str):
        kind = "string_too_long"  # a length checked after a validator is reported as a collection's
    message, ctx_key = _FIELD_MESSAGES.get(kind, (N_("This value is not valid."), None))
    if kind in ("date_format", "datetime_format"):
        return translate(locale, message, value=str(error.get("input", ""))[:40])
    if ctx_key is None:
        return translate(locale, message)
    return translate(locale, message, limit=(error.get("ctx") or {}).get(ctx_key, ""))


class FieldProblem(BaseModel):
    field: str = Field(description="The input at fault: a body field (dotted), a query or path parameter.")
    message: str = Field(description="What to fix, in the client's language.")


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error answer of the API."""

    type: str = Field(description="urn:rantai:problem:<code>, or about:blank for plain HTTP errors.")
    title: str = Field(description="The status in words, in the client's language.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What happened and what to do, in the client's language.")
    instance: str = Field(description="The path of the request.")
    request_id: str | None = Field(description="Quote it when you ask for help.")
    errors: list[FieldProblem] | None = Field(None, description="One entry per input at fault.")


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its nested definitions written in place (an inline schema in an
    operation cannot point at ``$defs``)."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


_PROBLEM_SCHEMA = _inline(Problem.model_json_schema())
_DESCRIPTIONS: dict[int, str] = {
    400: "The body is not valid JSON.",
    401: "No valid API token.",
    403: "The caller's role or organization does not allow this.",
    404: "Nothing at this address, or nothing the caller may see.",
    409: "The request conflicts with the current state (a taken code, a move the lifecycle forbids).",
    410: "It was removed on purpose (a prepared file past its keeping time); ask for a new one.",
    422: "An input is not valid; `errors` names each one.",
    429: "Too many attempts; wait and try again.",
    500: "Our error; nothing was saved. Quote the request id.",
    503: "Busy; nothing was saved. Try again (see Retry-After).",
}
ALWAYS = (401, 422, 500, 503)  # every API operation: the token, its inputs, our errors, a busy database


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses an operation returns, each as problem+json; the
    statuses every operation can return (ALWAYS) are added."""
    return {
        status: {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": _PROBLEM_SCHEMA}},
        }
        for status in sorted({*ALWAYS, *statuses})
    }


def problem_response(request: Request, exc: Exception) -> JSONResponse:
    locale = api_locale(request)
    body: dict[str, Any]
    headers: dict[str, str] = {}
    if isinstance(exc, UserError):
        status = exc.status_code
        body = {
            "type": f"urn:rantai:problem:{exc.code}",
            "detail": translate(locale, exc.message, **exc.params),
        }
        if exc.field:
            body["errors"] = [{"field": exc.field, "message": body["detail"]}]
    elif isinstance(exc, RequestValidationError):
        status = 422
        errors = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")),
                "message": _field_message(locale, err),
            }
            for err in exc.errors()
        ]
        body = {
            "type": "urn:rantai:problem:invalid",
            "detail": translate(locale, N_("Some fields are not valid. Fix them and send again.")),
            "errors": errors,
        }
    elif isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        body = {
            "type": "about:blank",
            "detail": translate(locale, HTTP_DETAILS.get(status, TITLES.get(status, "Error"))),
        }
        if exc.headers:
            headers.update(exc.headers)
    else:
        status = 500
        body = {"type": "about:blank", "detail": translate(locale, HTTP_DETAILS[500])}
    body["title"] = translate(locale, TITLES.get(status, "Error"))
    body["status"] = status
    body["instance"] = request.url.path
    body["request_id"] = getattr(request.state, "request_id", None)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="rantai"'
    headers["Content-Language"] = locale
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
