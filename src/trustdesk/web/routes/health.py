"""Liveness, readiness and metrics."""

from __future__ import annotations

import hmac
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from trustdesk.store.db import DatabaseNotMigrated, DatabaseUnavailable
from trustdesk.store.migrate import ensure_migrated
from trustdesk.web.deps import client_ip
from trustdesk.web.errors import ApiError

router = APIRouter()


class Alive(BaseModel):
    status: Literal["ok"]


@router.get("/healthz", tags=["ops"], summary="Liveness: the process answers", response_model=Alive)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


class Ready(BaseModel):
    status: Literal["ready"]


class NotReady(BaseModel):
    status: Literal["unavailable"]
    reason: str


@router.get(
    "/readyz",
    tags=["ops"],
    summary="Readiness: the database answers and is migrated",
    response_model=Ready,
    responses={503: {"model": NotReady, "description": "The database does not answer, or is not migrated"}},
)
def readyz(request: Request) -> Response:
    state = request.app.state.trustdesk
    try:
        ensure_migrated(state.engine)
    except (DatabaseUnavailable, DatabaseNotMigrated) as exc:
        return JSONResponse({"status": "unavailable", "reason": str(exc)}, status_code=503)
    return JSONResponse({"status": "ready"})


LOOPBACK = frozenset({"127.0.0.1", "::1"})
# A proxy on the same host connects from loopback too; what it relays is not a local scrape.
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def _metrics_access(request: Request) -> None:
    """/metrics counts requests per route and outcome (sign-ins included): only for the scraper.
    It presents TRUSTDESK_METRICS_TOKEN as a bearer token, or (TRUSTDESK_METRICS_FROM_LOOPBACK) connects
    directly from this host."""
    settings = request.app.state.trustdesk.settings
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    scheme, _, supplied = request.headers.get("authorization", "").partition(" ")
    if token and scheme.lower() == "bearer":
        if hmac.compare_digest(supplied.strip().encode(), token.encode()):
            return
        raise ApiError(401, "unauthenticated", "wrong metrics token", headers={"WWW-Authenticate": "Bearer"})
    direct = not any(name in request.headers for name in FORWARDING_HEADERS)
    if settings.metrics_from_loopback and direct and client_ip(request) in LOOPBACK:
        return
    if token:
        raise ApiError(
            401,
            "unauthenticated",
            "send the metrics token as a bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    raise ApiError(403, "forbidden", "metrics are served to this host only")


@router.get("/metrics", tags=["ops"], summary="Prometheus metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    _metrics_access(request)
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
