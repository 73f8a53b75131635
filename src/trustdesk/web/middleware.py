"""Pure-ASGI middleware: request ids, security headers, access log and metrics in one pass."""

from __future__ import annotations

import logging
import secrets
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trustdesk.web.logs import request_id_var

log = logging.getLogger("trustdesk.access")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Responses that must not carry a body (RFC 9110), whatever a handler returned.
BODILESS_STATUSES = frozenset({204, 304})
BODY_HEADERS = frozenset({b"content-length", b"content-type"})
# The chat widget page is the one thing retailers may frame on their own site.
WIDGET_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "trustdesk_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "trustdesk_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )


def _route_template(scope: Scope) -> str:
    # Label metrics by the route's template, never the raw path (paths can carry identifiers).
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, hsts: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or [])
        supplied = incoming.get(b"x-request-id", b"").decode("latin-1")
        request_id = supplied if supplied.isalnum() and len(supplied) <= 64 else secrets.token_hex(8)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder = {"status": 500}
        path = scope.get("path", "")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                if message["status"] in BODILESS_STATUSES:
                    headers = [(k, v) for k, v in headers if k.lower() not in BODY_HEADERS]
                present = {k.lower() for k, _ in headers}
                csp = WIDGET_CSP if path.endswith("/chat/embed") else CSP

                def add(name: bytes, value: str) -> None:
                    if name not in present:
                        headers.append((name, value.encode("latin-1")))

                add(b"content-security-policy", csp)
                add(b"x-content-type-options", "nosniff")
                add(b"referrer-policy", "strict-origin-when-cross-origin")
                add(b"permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()")
                add(b"cross-origin-opener-policy", "same-origin")
                if not path.endswith("/chat/embed"):
                    add(b"x-frame-options", "DENY")
                add(b"x-request-id", request_id)
                if self.hsts:
                    add(b"strict-transport-security", "max-age=31536000; includeSubDomains")
                if path.startswith("/api/") and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            elif message["type"] == "http.response.body" and status_holder["status"] in BODILESS_STATUSES:
                # A body after 204/304 makes the server raise after the status line and drop the connection.
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope.get("method", "GET")
            status = status_holder["status"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            log.info(
                "request",
                extra={"method": method, "route": route, "status": status, "ms": round(elapsed * 1000, 2)},
            )
            request_id_var.reset(token)
