"""Authenticity: references and keyed fingerprints for outbound messages, and "was this really from us?".

Pure domain logic (no web, no database):

- `new_reference()` / `normalize_reference()` / `find_references()` -- "TD-" + 10 Crockford symbols
- `FingerprintKey.derive(secret)`, `fingerprint_text(key, tenant, text)` -> `Fingerprint`
- `footer_line(...)`, `build_email(...)` -- the footer, the X-Trustdesk-Reference header, DKIM signing
- `check_message(data, tenant=, registry=, resolver=, lookup=, key=)` -> `MessageCheck`
  (verdict genuine | altered | not_from_us | cannot_tell)

`trustdesk.authenticity.service` is the small database-facing layer (record_outbound, lookups, DKIM keys).
"""

from trustdesk.authenticity.canonical import CriticalKind, CriticalToken, critical_tokens, prepare, tokenize
from trustdesk.authenticity.check import check_message, looks_like_mail
from trustdesk.authenticity.fingerprint import (
    CriticalChange,
    Fingerprint,
    FingerprintKey,
    compare_critical,
    fingerprint_text,
)
from trustdesk.authenticity.model import (
    REFERENCE_HEADER,
    DkimPublicKey,
    Envelope,
    Lookup,
    MessageCheck,
    MessageVerdict,
    StoredMessage,
    TenantIdentity,
)
from trustdesk.authenticity.outbound import build_email, check_url, footer_line, text_to_html
from trustdesk.authenticity.references import (
    find_references,
    new_reference,
    normalize_reference,
    reference_is_well_formed,
)

__all__ = [
    "REFERENCE_HEADER",
    "CriticalChange",
    "CriticalKind",
    "CriticalToken",
    "DkimPublicKey",
    "Envelope",
    "Fingerprint",
    "FingerprintKey",
    "Lookup",
    "MessageCheck",
    "MessageVerdict",
    "StoredMessage",
    "TenantIdentity",
    "build_email",
    "check_message",
    "check_url",
    "compare_critical",
    "critical_tokens",
    "find_references",
    "fingerprint_text",
    "footer_line",
    "looks_like_mail",
    "new_reference",
    "normalize_reference",
    "prepare",
    "reference_is_well_formed",
    "text_to_html",
    "tokenize",
]
