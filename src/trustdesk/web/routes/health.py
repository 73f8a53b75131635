"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from trustdesk.store.db import DatabaseNotMigrated, DatabaseUnavailable
from trustdesk.store.migrate import ensure_migrated

router = APIRouter()


@router.get("/healthz", tags=["ops"], summary="Liveness: the process answers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", tags=["ops"], summary="Readiness: the database answers and is migrated")
def readyz(request: Request) -> Response:
    state = request.app.state.trustdesk
    try:
        ensure_migrated(state.engine)
    except (DatabaseUnavailable, DatabaseNotMigrated) as exc:
        return JSONResponse({"status": "unavailable", "reason": str(exc)}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/metrics", tags=["ops"], summary="Prometheus metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
