"""Conversations: the one intake pipeline for every channel, agent operations and catch-up reads.

desk = Desk(sessions, bus=bus, wake_workers=worker.wake)
started = start_conversation(desk, tenant_id, CustomerRef(name="Pat"), first_message="hi")
posted = post_message(desk, tenant_id, conv_public_id, Author(AuthorKind.AGENT, user_id=7), "Hello!")
"""

from trustdesk.conversations.canned import (
    InvalidCannedLanguage,
    canned_dict,
    create_canned_reply,
    find_canned_reply,
    for_conversation,
    update_canned_reply,
)
from trustdesk.conversations.domain import (
    MAX_BODY_CHARS,
    Author,
    AuthorKind,
    Channel,
    ConversationError,
    ConversationNotFound,
    InvalidMessage,
    InvalidTransition,
    MessageBlocked,
    MessageTooLong,
    Status,
    Visibility,
    normalise_body,
)
from trustdesk.conversations.operations import (
    assign,
    conversation_for_token,
    set_language,
    set_status,
)
from trustdesk.conversations.pipeline import (
    CustomerRef,
    Desk,
    Posted,
    Started,
    find_customer_for_user,
    post_message,
    start_conversation,
)
from trustdesk.conversations.views import (
    QUEUE_VIEWS,
    conversation_dict,
    customer_conversation_dict,
    customer_message,
    customer_profile,
    find_conversation,
    guard_notices,
    list_queue,
    messages_after,
)

__all__ = [
    "MAX_BODY_CHARS",
    "QUEUE_VIEWS",
    "Author",
    "AuthorKind",
    "Channel",
    "ConversationError",
    "ConversationNotFound",
    "CustomerRef",
    "Desk",
    "InvalidMessage",
    "InvalidTransition",
    "MessageBlocked",
    "MessageTooLong",
    "Posted",
    "Started",
    "Status",
    "Visibility",
    "assign",
    "canned_dict",
    "conversation_dict",
    "conversation_for_token",
    "create_canned_reply",
    "find_canned_reply",
    "for_conversation",
    "update_canned_reply",
    "InvalidCannedLanguage",
    "customer_conversation_dict",
    "customer_message",
    "customer_profile",
    "find_conversation",
    "find_customer_for_user",
    "guard_notices",
    "list_queue",
    "messages_after",
    "normalise_body",
    "post_message",
    "set_language",
    "set_status",
    "start_conversation",
]
