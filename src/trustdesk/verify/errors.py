"""Errors raised by the verify package.

Every input problem is a `ContactInputError` (a `ValueError`), so callers can turn
any of them into a 4xx answer or an `unknown` verdict with one `except` clause.
Manifest problems are `ManifestError`s; each subclass maps to a distinct CLI exit code.
"""

from __future__ import annotations


class ContactInputError(ValueError):
    """A contact (domain, address, number, URL, handle) that cannot be understood.

    `code` is a short machine-readable reason, e.g. ``invalid-punycode``.
    """

    code = "invalid-contact"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class InvalidDomainError(ContactInputError):
    """A host name that is not a valid (internationalised) domain name."""

    code = "invalid-domain"


class InvalidPunycodeError(InvalidDomainError):
    """An ``xn--`` label that does not decode to a valid Unicode label."""

    code = "invalid-punycode"


class InvalidEmailError(ContactInputError):
    """Text that is not an e-mail address."""

    code = "invalid-email"


class InvalidPhoneError(ContactInputError):
    """Text that is not a dialable telephone number."""

    code = "invalid-phone"


class InvalidUrlError(ContactInputError):
    """Text that is not an http(s) web address."""

    code = "invalid-url"


class InvalidHandleError(ContactInputError):
    """Text that is not a social-media handle."""

    code = "invalid-handle"


class InvalidAppIdError(ContactInputError):
    """Text that is not an app-store identifier."""

    code = "invalid-app-id"


class ManifestError(Exception):
    """A signed channel manifest that must not be trusted."""

    code = "manifest-invalid"


class ManifestFormatError(ManifestError):
    """The document is not a JWS manifest of the expected shape."""

    code = "manifest-malformed"


class UnknownKeyError(ManifestError):
    """The manifest names a key id that the key set does not contain."""

    code = "unknown-kid"


class SignatureInvalidError(ManifestError):
    """The signature does not match: the manifest was altered or signed by someone else."""

    code = "bad-signature"


class ManifestExpiredError(ManifestError):
    """The manifest is past its ``exp`` time."""

    code = "expired"


class ManifestNotYetValidError(ManifestError):
    """The manifest's ``iat`` lies in the future (beyond the allowed clock skew)."""

    code = "not-yet-valid"
