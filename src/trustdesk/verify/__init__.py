"""Official channels and contact verification: "is this really Acme?".

Pure domain logic, driven by plain values:

- `make_channel(...)` -> `OfficialChannel` (normalised per kind, stable `.id`)
- `Registry(channels, reported)` with `add/remove/add_reported/remove_reported` and
  `check(contact, tenant=None) -> VerificationResult`
- `verify_text(text, registry, tenant=None)` -> `TextVerification`
- `extract_contacts(text, default_region="US")` / `scan_contacts(...)`
- signed manifests: `build_manifest`, `build_index`, `sign_manifest`, `verify_manifest`, `KeyRing`,
  `SigningKey`, `jwks_document`
"""

from trustdesk import native

native.activate(__name__, __path__)  # compiled modules when a current build exists


from trustdesk.verify.channels import make_channel, make_reported_indicator, normalize_channel_value
from trustdesk.verify.confusables import fold
from trustdesk.verify.domains import HostName, normalize_domain, parse_host, registrable_domain
from trustdesk.verify.emails import EmailAddress, parse_email
from trustdesk.verify.errors import (
    ContactInputError,
    InvalidAppIdError,
    InvalidDomainError,
    InvalidEmailError,
    InvalidHandleError,
    InvalidPhoneError,
    InvalidPunycodeError,
    InvalidUrlError,
    ManifestError,
    ManifestExpiredError,
    ManifestFormatError,
    ManifestNotYetValidError,
    SignatureInvalidError,
    UnknownKeyError,
)
from trustdesk.verify.extract import ContactScan, extract_contacts, parse_contact, scan_contacts
from trustdesk.verify.handles import SocialHandle, normalize_app_id, parse_handle
from trustdesk.verify.jws import SigningKey
from trustdesk.verify.lookalike import LabelMatch, Technique, compare_labels
from trustdesk.verify.manifest import (
    KeyRing,
    VerifiedManifest,
    build_index,
    build_manifest,
    jwks_document,
    sign_manifest,
    verify_manifest,
)
from trustdesk.verify.model import (
    ChannelKind,
    ExtractedContact,
    OfficialChannel,
    Reason,
    ReportedIndicator,
    Verdict,
    VerificationResult,
)
from trustdesk.verify.phones import PhoneNumber, format_phone, parse_phone
from trustdesk.verify.registry import Registry
from trustdesk.verify.text_check import TextVerification, verify_text
from trustdesk.verify.urls import ParsedUrl, parse_url

__all__ = [
    "ChannelKind",
    "ContactInputError",
    "ContactScan",
    "EmailAddress",
    "ExtractedContact",
    "HostName",
    "InvalidAppIdError",
    "InvalidDomainError",
    "InvalidEmailError",
    "InvalidHandleError",
    "InvalidPhoneError",
    "InvalidPunycodeError",
    "InvalidUrlError",
    "KeyRing",
    "LabelMatch",
    "ManifestError",
    "ManifestExpiredError",
    "ManifestFormatError",
    "ManifestNotYetValidError",
    "OfficialChannel",
    "ParsedUrl",
    "PhoneNumber",
    "Reason",
    "Registry",
    "ReportedIndicator",
    "SignatureInvalidError",
    "SigningKey",
    "SocialHandle",
    "Technique",
    "TextVerification",
    "UnknownKeyError",
    "Verdict",
    "VerifiedManifest",
    "VerificationResult",
    "build_index",
    "build_manifest",
    "compare_labels",
    "extract_contacts",
    "fold",
    "format_phone",
    "jwks_document",
    "make_channel",
    "make_reported_indicator",
    "normalize_app_id",
    "normalize_channel_value",
    "normalize_domain",
    "parse_contact",
    "parse_email",
    "parse_handle",
    "parse_host",
    "parse_phone",
    "parse_url",
    "registrable_domain",
    "scan_contacts",
    "sign_manifest",
    "verify_manifest",
    "verify_text",
]
