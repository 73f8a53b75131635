"""Where the desk keeps personal data, and what an erasure does to each kind (docs/architecture.md,
"Privacy", repeats this table for people).

The kinds are the keys of every export manifest, erasure summary and tombstone, in this order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Erasure(StrEnum):
    DELETE = "deleted"
    ANONYMISE = "anonymised"  # the row stays for bookkeeping or security, its personal fields go
    SCRUB = "scrubbed"  # the address or number is cut out of text about someone else


@dataclass(frozen=True)
class Kind:
    name: str
    holds: str
    erasure: Erasure


KINDS: tuple[Kind, ...] = (
    Kind(
        "customers",
        "customers: email, name, phone, external_id (deleted; a customer with orders stays as an "
        "anonymous placeholder that owns them)",
        Erasure.DELETE,
    ),
    Kind("accounts", "users (role customer): email, display_name, password hash, sessions", Erasure.DELETE),
    Kind(
        "conversations",
        "conversations by customer_id, customer_email or the visitor_id of one of them: name, "
        "e-mail, subject, bot_state",
        Erasure.DELETE,
    ),
    Kind("messages", "messages of those conversations: author_name, guarded body", Erasure.DELETE),
    Kind("mail", "mail_records of those conversations: From/To, envelope, Message-IDs", Erasure.DELETE),
    Kind("attachments", "mail_attachments rows: filename, type, size, digest", Erasure.DELETE),
    Kind(
        "attachment_files",
        "files under data_dir/attachments/<tenant>/ (kept while another conversation holds the same bytes)",
        Erasure.DELETE,
    ),
    Kind(
        "orders",
        "orders: shipping_address, tracking_number (number, status, amounts, dates, items kept)",
        Erasure.ANONYMISE,
    ),
    Kind(
        "returns",
        "return_authorisations of those orders: reason (reference, SKUs, dates kept)",
        Erasure.ANONYMISE,
    ),
    Kind("reports", "reports filed: reporter_contact, the address in subject/summary", Erasure.ANONYMISE),
    Kind(
        "sent_messages",
        "sent_messages: recipient_hash, conversation link (fingerprint kept: 'was this from us?')",
        Erasure.ANONYMISE,
    ),
    Kind("agent_contacts", "agent_contacts announced to the customer", Erasure.DELETE),
    Kind(
        "jobs", "jobs whose payload names the person or their conversations (bot turns, mail)", Erasure.DELETE
    ),
    Kind("mentions", "the address or phone inside other conversations' messages", Erasure.SCRUB),
    Kind("cache_keys", "Redis rate-limit counters keyed by the address or the conversations", Erasure.DELETE),
    Kind(
        "audit_ips",
        "audit_events of the person's own actions: the client ip (the entry and its ip commitment stay)",
        Erasure.ANONYMISE,
    ),
)

KIND_NAMES: tuple[str, ...] = tuple(k.name for k in KINDS)


def empty_counts() -> dict[str, int]:
    """Every kind at zero, in inventory order."""
    return dict.fromkeys(KIND_NAMES, 0)
