"""The API's contract: one error envelope, the statuses each operation can answer, and the OpenAPI document.

Every error the API sends is `{"error": {"code", "message", ...}}` (web/errors.py). The document says so:
- statuses that follow from an operation's dependencies are added here, once: signing in (401), roles and
  CSRF (403), validation (422);
- statuses that follow from what the handler does (404, 409, 413, 429) are declared at the route with
  `errors(...)`;
- links between operations (`link(...)`) let a stateful client follow ids from one answer to the next.
`tests/foundation/test_openapi_contract.py` checks the document; `tests/contract` runs schemathesis on it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from trustdesk.web import deps

UNSAFE_METHODS = deps.UNSAFE_METHODS
COMPONENT_PREFIX = "#/components/schemas/"


class Problem(BaseModel):
    field: str = Field(description="Where: a body field, query or path parameter (dotted for nested ones)")
    problem: str = Field(description="What is wrong with it (the value itself is never echoed)")


class LocalizedError(BaseModel):
    lang: str = Field(description="The language of the message (a supported code)")
    message: str = Field(description="What went wrong and what to do, for the customer, in that language")


class ErrorBody(BaseModel):
    code: str = Field(
        description="Stable, machine-readable: invalid_request, unauthenticated, forbidden, csrf_failed, "
        "not_found, conflict, rate_limited, message_blocked, ... (the operation's responses say which)"
    )
    message: str = Field(description="Safe to show to the person using the client")
    problems: list[Problem] = Field(default_factory=list, description="invalid_request: each invalid input")
    reasons: list[str] = Field(default_factory=list, description="message_blocked: why the guard refused it")
    types: list[str] = Field(
        default_factory=list, description="message_blocked: the kinds of secret asked for"
    )
    localized: LocalizedError | None = Field(
        default=None,
        description="Customers' API (/api/v1/public/...): the error in the Accept-Language's supported language",
    )


class Error(BaseModel):
    """Every error answer of the API."""

    error: ErrorBody


DESCRIPTIONS: dict[int, str] = {
    400: "The body cannot be read: not JSON in UTF-8, or a broken form",
    401: "Not signed in, the session ended, or (staff) the second factor is still missing",
    403: "Signed in, but the role does not allow this, or the CSRF token (X-CSRF-Token) is missing or wrong",
    404: "There is no such object for this caller (another retailer's objects are not found either)",
    405: "The path exists, not with this method; Allow lists the methods it has",
    409: "The request conflicts with the current state (already done, decided, taken or existing)",
    413: "The upload is larger than the limit the message names",
    422: "The input is not valid: `problems` names each invalid field; or a rule the schema cannot express "
    "refused it (the code and message say which)",
    429: "Too many requests; Retry-After says how many seconds to wait",
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}
}


def error_response(status: int, description: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"model": Error, "description": description or DESCRIPTIONS[status]}
    if status == 429:
        out["headers"] = RETRY_AFTER
    return out


def errors(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error statuses its handler can answer, in the shared envelope.
    `e409="..."` describes a status in this route's words (and declares it)."""
    described = {int(key[1:]) for key in descriptions}
    return {
        status: error_response(status, descriptions.get(f"e{status}"))
        for status in sorted(set(statuses) | described)
    }


def link(
    operation_id: str, description: str, *, body: dict[str, Any] | None = None, **parameters: str
) -> dict[str, Any]:
    """An OpenAPI link: `parameters` maps the target's parameter names to runtime expressions such as
    `$response.body#/id`; `body` is (part of) the target's request body, expressions allowed inside."""
    out: dict[str, Any] = {"operationId": operation_id, "description": description}
    if parameters:
        out["parameters"] = parameters
    if body is not None:
        out["requestBody"] = body
    return out


def chat_security(method: str) -> dict[str, Any]:
    """`openapi_extra=` of a customer's conversation: its access token, or the customer's own session."""
    session = ["session", "csrf"] if method in UNSAFE_METHODS else ["session"]
    return {"security": [{"chat_token": []}, {name: [] for name in session}]}


def with_links(status: int, /, **links: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """`responses=` entry: the links of a success response, by name."""
    return {status: {"links": links}}


# --- what an operation's dependencies imply -----------------------------------------------------------


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _has_inputs(route: APIRoute) -> bool:
    d = route.dependant
    stack = [d]
    while stack:
        current = stack.pop()
        if current.path_params or current.query_params or current.header_params or current.body_params:
            return True
        if current.cookie_params:
            return True
        stack.extend(current.dependencies)
    return False


def _auth(route: APIRoute) -> str:
    """'permission' for require(...), 'signed_in' for current/pending sessions, 'optional', or 'none'."""
    names = {getattr(call, "__name__", "") for call in _calls(route.dependant)}
    if any(name.startswith("require_") for name in names):
        return "permission"
    if {"current_auth", "pending_auth"} & names:
        return "signed_in"
    if "optional_auth" in names:
        return "optional"
    return "none"


def implied_statuses(route: APIRoute, method: str) -> set[int]:
    """The error statuses an operation can answer because of its dependencies and inputs."""
    statuses: set[int] = set()
    auth = _auth(route)
    if auth in ("permission", "signed_in"):
        statuses.add(401)
        if auth == "permission" or method in UNSAFE_METHODS:
            statuses.add(403)  # the role, or the CSRF token of a cookie session
    if _has_inputs(route):
        statuses.add(422)
    return statuses


def _security(route: APIRoute, method: str) -> list[dict[str, list[str]]] | None:
    auth = _auth(route)
    session: dict[str, list[str]] = {"session": []}
    if method in UNSAFE_METHODS:
        session = {"session": [], "csrf": []}
    if auth in ("permission", "signed_in"):
        return [session]
    if auth == "optional":
        return [{}, session]
    return None


SECURITY_SCHEMES = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": deps.SESSION_COOKIE,
        "description": "The signed session cookie set by POST /api/v1/auth/login (and the second factor).",
    },
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": "The session's csrf_token (from sign-in or GET /api/v1/me), on every unsafe request "
        "made with the session cookie.",
    },
    "chat_token": {
        "type": "http",
        "scheme": "bearer",
        "description": "A chat conversation's access_token (from starting the chat).",
    },
}


# --- the document ---------------------------------------------------------------------------------------


def _ref(name: str) -> dict[str, str]:
    return {"$ref": COMPONENT_PREFIX + name}


def _error_components() -> dict[str, Any]:
    schema = Error.model_json_schema(ref_template=COMPONENT_PREFIX + "{model}", mode="serialization")
    components = schema.pop("$defs", {})
    components["Error"] = schema
    return components


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`X | None` query and path parameters: absent is how "none" is sent; `null` is not a query value."""
    options = schema.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o.get("type") != "null"]
        if len(kept) == 1:
            merged = {k: v for k, v in schema.items() if k != "anyOf"}
            merged.update(kept[0])
            return merged
    return schema


def _document_errors(operation: dict[str, Any], statuses: set[int]) -> None:
    responses = operation.setdefault("responses", {})
    for status in sorted(statuses):
        entry = responses.setdefault(str(status), {})
        entry.setdefault("description", DESCRIPTIONS[status])
        entry["content"] = {"application/json": {"schema": _ref("Error")}}
        if status == 429:
            entry.setdefault("headers", copy.deepcopy(RETRY_AFTER))
    for status, entry in responses.items():
        if status.startswith("4") or status.startswith("5"):
            entry["content"] = {"application/json": {"schema": _ref("Error")}}


def build_openapi(app: FastAPI, routes: list[APIRoute]) -> dict[str, Any]:
    """The OpenAPI document of `routes`, completed with error responses, security and parameter fixes."""
    spec = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.update(_error_components())
    components["securitySchemes"] = SECURITY_SCHEMES
    by_key = {(r.path, m): r for r in routes if r.include_in_schema for m in r.methods}
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            route = by_key.get((path, method.upper()))
            if route is None:
                continue
            statuses = implied_statuses(route, method.upper())
            if "requestBody" in operation:
                statuses.add(400)  # a body that cannot be read: not UTF-8 JSON, or a broken form
            _document_errors(operation, statuses)
            security = _security(route, method.upper())
            if security is not None and "security" not in operation:  # a route may say it more exactly
                operation["security"] = security
            for parameter in operation.get("parameters", []):
                parameter["schema"] = _without_null(parameter.get("schema", {}))
    return spec


def install_openapi(app: FastAPI, routes: Callable[[], list[APIRoute]]) -> None:
    """Serve the completed document (built once, on first use) as the app's OpenAPI."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, routes())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def operation_id(route: APIRoute) -> str:
    """Operation ids are the handlers' names (unique across the app; links refer to them)."""
    return route.name
