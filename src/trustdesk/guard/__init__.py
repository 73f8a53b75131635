"""The sensitive-data guard: secrets customers send are redacted before anything is stored,
and agent or bot messages that ask for secrets are blocked.

    from trustdesk.guard import scan
    result = scan("my card is 4242 4242 4242 4242", brand="Acme")
    result.redacted         # "my card is [removed: Visa ending 4242]"
    result.customer_notice  # "We removed a card number from your message ..."
"""

from trustdesk import native

native.activate(__name__, __path__)  # compiled modules when a current build exists


from trustdesk.guard.findings import (
    ACTIONS,
    DIRECTIONS,
    Action,
    Direction,
    Finding,
    FindingType,
    GuardInputError,
    ScanResult,
    TextTooLarge,
)
from trustdesk.guard.policy import CustomDetector, Policy, PolicyError
from trustdesk.guard.scanner import MAX_TEXT_CHARS, redact, scan, wants_context

__all__ = [
    "ACTIONS",
    "DIRECTIONS",
    "MAX_TEXT_CHARS",
    "Action",
    "CustomDetector",
    "Direction",
    "Finding",
    "FindingType",
    "GuardInputError",
    "Policy",
    "PolicyError",
    "ScanResult",
    "TextTooLarge",
    "redact",
    "scan",
    "wants_context",
]
