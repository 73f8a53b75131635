"""Integration settings over HTTP (admins): webhook endpoints and the background job queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk import jobs as job_queue
from trustdesk import webhooks
from trustdesk.accounts.permissions import Permission
from trustdesk.store.models import Job, WebhookEndpoint
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, app_state, audit_commit, client_ip, db, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import (
    SPACES,
    ApiModel,
    RowId,
    page_size,
)
from trustdesk.web.routes.conversation_common import (
    runtime,
)

router = APIRouter(prefix="/api/v1", tags=["conversations"])


# Webhooks and the job queue are integration settings: the same right as managing official channels.
INTEGRATIONS = Permission.MANAGE_CHANNELS


WEBHOOK_EVENTS = tuple(webhooks.EVENTS)


class WebhookIn(ApiModel):
    url: str = Field(
        min_length=8,
        max_length=2000,
        # Plain http:// passes this check only to be refused by the service, except to loopback where
        # TRUSTDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS is on (development): the document promises https.
        pattern=rf"^https?://[^{SPACES}/?#@]+(?:[/?#][^{SPACES}]*)?$",
        json_schema_extra={"pattern": rf"^https://[^{SPACES}/?#@]+(?:[/?#][^{SPACES}]*)?$"},
        description="https:// to a public host, without credentials (http://localhost only where private "
        "networks are allowed, for development)",
    )
    events: list[Literal[WEBHOOK_EVENTS]] = Field(min_length=1, max_length=10)
    description: str = Field(default="", max_length=200)


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    is_active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown once: verify the Trustdesk-Signature header with it")


class JobOut(BaseModel):
    id: int
    kind: str
    status: str
    attempts: int
    max_attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


def _webhook_out(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "is_active": endpoint.is_active,
        "created_at": endpoint.created_at,
    }


@router.get(
    "/webhooks",
    response_model=list[WebhookOut],
    summary="Webhook endpoints",
    tags=["webhooks"],
    responses=with_links(
        200, delete=link("webhook_delete", "Remove the first", webhook_id="$response.body#/0/id")
    ),
)
def webhook_list(
    auth: Auth = Depends(require(INTEGRATIONS)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.tenant_id == auth.tenant.id)
        .order_by(WebhookEndpoint.id)
    ).all()
    return [_webhook_out(e) for e in rows]


@router.post(
    "/webhooks",
    response_model=WebhookCreated,
    status_code=201,
    summary="Register an endpoint (events: message.created, conversation.assigned, conversation.resolved)",
    tags=["webhooks"],
    responses=errors(e422="invalid input, or the host is not a public internet host (invalid_webhook)")
    | with_links(201, delete=link("webhook_delete", "Remove it", webhook_id="$response.body#/id")),
)
def webhook_create(
    body: WebhookIn,
    request: Request,
    auth: Auth = Depends(require(INTEGRATIONS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        endpoint, secret = webhooks.create_endpoint(
            session,
            auth.tenant.id,
            url=body.url,
            events=body.events,
            box=app_state(request).box,
            actor=auth.actor,
            description=body.description,
            ip=client_ip(request),
            allow_private=app_state(request).settings.webhook_allow_private_networks,
        )
    except webhooks.WebhookError as exc:
        raise ApiError(422, "invalid_webhook", str(exc)) from None
    session.commit()
    runtime(request).desk.forget_webhooks(auth.tenant.id)
    return {**_webhook_out(endpoint), "secret": secret}


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=204,
    summary="Remove an endpoint",
    tags=["webhooks"],
    responses=errors(404),
)
def webhook_delete(
    webhook_id: RowId,
    request: Request,
    auth: Auth = Depends(require(INTEGRATIONS)),
    session: Session = Depends(db),
) -> Response:
    endpoint = session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == webhook_id, WebhookEndpoint.tenant_id == auth.tenant.id
        )
    )
    if endpoint is None:
        raise not_found("webhook")
    webhooks.delete_endpoint(session, endpoint, actor=auth.actor, ip=client_ip(request))
    session.commit()
    runtime(request).desk.forget_webhooks(auth.tenant.id)
    return Response(status_code=204)


def _job_out(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "next_attempt_at": job.next_attempt_at,
        "last_error": job.last_error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.get(
    "/jobs",
    response_model=list[JobOut],
    summary="Background jobs (dead letters: status=dead)",
    tags=["jobs"],
    responses=with_links(200, retry=link("job_retry", "Retry the first", job_id="$response.body#/0/id")),
)
def job_list(
    status: Literal["pending", "running", "done", "dead"] = "dead",
    limit: page_size(1000) = 100,
    auth: Auth = Depends(require(INTEGRATIONS)),
    session: Session = Depends(db),
) -> list[dict[str, Any]]:
    return [
        _job_out(j)
        for j in job_queue.list_jobs(session, status=status, tenant_id=auth.tenant.id, limit=limit)
    ]


@router.post(
    "/jobs/{job_id}/retry",
    response_model=JobOut,
    summary="Retry a dead-lettered job",
    tags=["jobs"],
    responses=errors(404, 409, e409="the job is not dead-lettered"),
)
def job_retry(
    job_id: RowId,
    request: Request,
    auth: Auth = Depends(require(INTEGRATIONS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        job = job_queue.retry(session, job_id, tenant_id=auth.tenant.id)
    except job_queue.JobError as exc:
        if "not found" in str(exc):
            raise not_found("job") from None
        raise ApiError(409, "conflict", str(exc)) from None
    audit_commit(session, request, auth, "job.retried", f"job:{job_id}")
    runtime(request).wake_workers()
    return _job_out(job)
