"""Signed webhooks for integrators: message.created, conversation.assigned, conversation.resolved."""

from trustdesk.webhooks.service import (
    EVENTS,
    JOB_KIND,
    WebhookError,
    create_endpoint,
    delete_endpoint,
    deliver,
    enqueue_event,
    validate_url,
)
from trustdesk.webhooks.signing import SIGNATURE_HEADER, sign, verify

__all__ = [
    "EVENTS",
    "JOB_KIND",
    "SIGNATURE_HEADER",
    "WebhookError",
    "create_endpoint",
    "delete_endpoint",
    "deliver",
    "enqueue_event",
    "sign",
    "validate_url",
    "verify",
]
