"""Webhook endpoints for integrators, and their deliveries as durable, retried jobs."""

from __future__ import annotations

import ipaddress
import json
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.jobs import JobContext, PermanentJobError, enqueue
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import WebhookEndpoint, utcnow
from trustdesk.webhooks.destinations import BlockedDestination, check_host, public_only_transport
from trustdesk.webhooks.signing import SIGNATURE_HEADER, sign

EVENTS = (
    "message.created",
    "conversation.assigned",
    "conversation.resolved",
    "conversation.sla_breached",
    "campaign.alert",
)
JOB_KIND = "webhook.deliver"
DELIVERY_TIMEOUT_SECONDS = 10.0
MAX_ATTEMPTS = 10


class WebhookError(ValueError):
    """An endpoint cannot be created as asked; the message says why."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_url(url: str, *, allow_private: bool = False) -> str:
    """HTTPS URLs to public hosts only. With `allow_private` (development and tests, setting
    TRUSTDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS) internal hosts and plain HTTP to localhost are allowed."""
    url = url.strip()
    if len(url) > 2000:
        raise WebhookError("the URL is too long")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it: a port that is no number 0-65535 raises
    except ValueError:  # an unclosed [IPv6 literal], a port like :-1 or :99999
        raise WebhookError("that is not a valid URL") from None
    host = (parts.hostname or "").lower()
    if not host:
        raise WebhookError("the URL needs a host")
    if parts.username or parts.password:
        raise WebhookError("credentials in the URL are not allowed; verify our signature instead")
    if not (parts.scheme == "https" or (parts.scheme == "http" and allow_private and _is_loopback(host))):
        raise WebhookError("webhook URLs must use https://")
    try:
        check_host(host, allow_private=allow_private)
    except BlockedDestination as exc:
        raise WebhookError(str(exc)) from None
    return url


def validate_events(events: list[str]) -> list[str]:
    """The known event names, de-duplicated; at least one."""
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise WebhookError(f"unknown events: {', '.join(unknown)}; choose from {', '.join(EVENTS)}")
    chosen = sorted(set(events))
    if not chosen:
        raise WebhookError("choose at least one event")
    return chosen


def create_endpoint(
    session: Session,
    tenant_id: int,
    *,
    url: str,
    events: list[str],
    box: SecretBox,
    actor: str,
    description: str = "",
    ip: str | None = None,
    allow_private: bool = False,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret (shown once, stored sealed). Audited."""
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        tenant_id=tenant_id,
        url=validate_url(url, allow_private=allow_private),
        events=validate_events(events),
        secret_encrypted=box.seal(secret),
        description=description.strip()[:200],
        is_active=True,
    )
    session.add(endpoint)
    session.flush()
    record(
        session,
        "webhook.created",
        actor=actor,
        tenant_id=tenant_id,
        target=f"webhook:{endpoint.id}",
        details={"url": endpoint.url, "events": endpoint.events},
        ip=ip,
    )
    return endpoint, secret


def delete_endpoint(
    session: Session, endpoint: WebhookEndpoint, *, actor: str, ip: str | None = None
) -> None:
    """Remove an endpoint; deliveries already queued fail permanently. Audited."""
    record(
        session,
        "webhook.deleted",
        actor=actor,
        tenant_id=endpoint.tenant_id,
        target=f"webhook:{endpoint.id}",
        details={"url": endpoint.url},
        ip=ip,
    )
    session.delete(endpoint)


def enqueue_event(session: Session, tenant_id: int, event: str, data: dict[str, Any]) -> int:
    """Queue one delivery per active endpoint subscribed to `event`, in the caller's transaction."""
    endpoints = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.is_active.is_(True)
        )
    ).all()
    count = 0
    event_id = "evt_" + secrets.token_hex(12)
    created = utcnow().isoformat()
    for endpoint in endpoints:
        if event not in (endpoint.events or []):
            continue
        enqueue(
            session,
            JOB_KIND,
            {"endpoint_id": endpoint.id, "id": event_id, "type": event, "created": created, "data": data},
            tenant_id=tenant_id,
            max_attempts=MAX_ATTEMPTS,
        )
        count += 1
    return count


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def deliver(context: JobContext) -> None:
    """Job handler: POST the signed event; any non-2xx answer or network error is retried."""
    payload = context.payload
    box: SecretBox = context.services["box"]
    with context.sessions() as session:
        endpoint = session.get(WebhookEndpoint, payload["endpoint_id"])
        if endpoint is None or not endpoint.is_active or endpoint.tenant_id != context.job.tenant_id:
            raise PermanentJobError("the webhook endpoint no longer exists")
        url = endpoint.url
        secret = box.open(endpoint.secret_encrypted)
    body = json.dumps(
        {
            "id": payload["id"],
            "type": payload["type"],
            "created": payload["created"],
            "data": payload["data"],
        },
        separators=(",", ":"),
        default=_json_default,
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Trustdesk-Webhooks/1",
        SIGNATURE_HEADER: sign(secret, body),
        "Trustdesk-Event": payload["type"],
        "Trustdesk-Delivery": payload["id"],
    }
    transport: httpx.BaseTransport | None = context.services.get("webhook_transport")
    if transport is None and not context.services.get("webhook_allow_private", False):
        transport = public_only_transport()
    try:
        with httpx.Client(
            timeout=DELIVERY_TIMEOUT_SECONDS, follow_redirects=False, transport=transport, trust_env=False
        ) as client:
            response = client.post(url, content=body, headers=headers)
    except BlockedDestination as exc:
        # Registered while public, now private (or a rebinding attempt): never retried into the network.
        raise PermanentJobError(f"delivery refused: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"endpoint answered HTTP {response.status_code}")
