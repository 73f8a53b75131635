"""One JSON error shape for the API and a friendly page for browsers; never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Mount

from trustdesk.store.db import DatabaseUnavailable
from trustdesk.web.locale import page_context, page_language, remembered_language
from trustdesk.web.public_errors import language_of, localized_error

log = logging.getLogger("trustdesk.web")


class ApiError(Exception):
    """An error with an HTTP status, a stable machine code and a message safe to show."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route offers at this path. Starlette's 405 names only the first route's methods,
    and FastAPI makes one route per method."""
    methods: set[str] = set()
    # Matched afresh: inside a mount the request's own scope has the mount's prefix taken off.
    scope = {"type": "http", "method": request.method, "path": request.url.path, "root_path": ""}
    for route in _leaf_routes(request.app.router.routes):
        # A mount serves static files: read-only.
        offered = getattr(route, "methods", None) or ({"GET", "HEAD"} if isinstance(route, Mount) else None)
        if offered and route.matches(scope)[0] != Match.NONE:
            methods.update(offered)
    return sorted(methods)


def _leaf_routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    # Included routers are wrappers around the router itself (the app includes them without a prefix).
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _leaf_routes(inner.routes)
        else:
            yield route


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path.startswith("/.well-known/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _render(
    request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    if _wants_html(request):
        templates = request.app.state.trustdesk.templates
        # The language of the page that failed, if it got that far; else the visitor's, over every language.
        page = remembered_language(request) or page_language(request, None)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "code": code, "message": message, **page_context(page)},
            status_code=status,
            headers=headers,
        )
    error: dict[str, object] = {"code": code, "message": message}
    localized = localized_error(code, request.url.path, language_of(request.headers.get("accept-language")))
    if localized is not None:
        error["localized"] = localized
    return JSONResponse({"error": error}, status_code=status, headers=headers)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return _render(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return _render(request, exc.status_code, code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors()[:10]:
            loc = list(err.get("loc", ()))
            if loc[:1] == ["body"]:  # body fields go by their own names; query.x and path.x keep the prefix
                loc = loc[1:]
            where = ".".join(str(p) for p in loc)
            problems.append({"field": where, "problem": err.get("msg", "invalid")})
        # Input values are deliberately not echoed back: they may hold secrets.
        body = {
            "error": {"code": "invalid_request", "message": "the request is not valid", "problems": problems}
        }
        if _wants_html(request):
            return _render(
                request, 422, "invalid_request", "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
            )
        localized = localized_error(
            "invalid_request", request.url.path, language_of(request.headers.get("accept-language"))
        )
        if localized is not None:
            body["error"]["localized"] = localized  # type: ignore[index]
        return JSONResponse(body, status_code=422)

    @app.exception_handler(DatabaseUnavailable)
    async def _db_down(request: Request, exc: DatabaseUnavailable) -> Response:
        log.error("database unavailable", extra={"reason": str(exc)})
        return _render(
            request, 503, "unavailable", "the service is temporarily unavailable; please try again shortly"
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled error", extra={"exc_type": type(exc).__name__, "path": request.url.path})
        return _render(request, 500, "internal_error", "something went wrong on our side; it has been logged")
