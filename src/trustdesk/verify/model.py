"""Value types shared by the whole verify package: channels, contacts, verdicts.

All types are frozen dataclasses built from plain values, so the web layer and the
database layer can construct them without knowing how the engine works.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from trustdesk.verify.frozen import fast_init


class ChannelKind(StrEnum):
    """What kind of contact an official channel (or a checked contact) is."""

    DOMAIN = "domain"
    EMAIL = "email"
    SENDING_DOMAIN = "sending_domain"
    PHONE = "phone"
    URL = "url"
    SOCIAL = "social"
    APP = "app"


class Verdict(StrEnum):
    """The answer to "is this contact really the retailer's?"."""

    OFFICIAL = "official"
    LOOKALIKE = "lookalike"
    REPORTED = "reported"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class OfficialChannel:
    """One official contact channel of one tenant (retailer).

    `value` must already be normalised (see `make_channel`, which normalises for you).
    `purpose` is free text such as "support" or "orders"; `country` an ISO 3166 alpha-2
    code (phones); `platform` the social network or app store ("x", "instagram", "ios").
    """

    tenant: str
    tenant_name: str
    kind: ChannelKind
    value: str
    purpose: str = ""
    country: str = ""
    platform: str = ""
    label: str = ""
    id: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Stable identifier: the same tenant, kind, platform and value always give the same id.
        material = "\x1f".join((self.tenant, self.kind.value, self.platform, self.value))
        object.__setattr__(self, "id", "ch_" + hashlib.sha256(material.encode()).hexdigest()[:20])

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (used by manifests and API answers)."""
        data: dict[str, Any] = {
            "id": self.id,
            "tenant": self.tenant,
            "tenant_name": self.tenant_name,
            "kind": self.kind.value,
            "value": self.value,
        }
        for key in ("purpose", "country", "platform", "label"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@fast_init
@dataclass(frozen=True, slots=True)
class ExtractedContact:
    """A contact found in text (or given on its own), normalised where possible.

    `kind` is one of url, domain, email, phone, social, app. `value` is the normalised
    form (E.164 for phones, lower-case Unicode host for domains, ``platform:handle`` or
    ``@handle`` for handles, a URL with any password masked) or None when the text
    looked like a contact but could not be normalised; `problem` then holds the
    machine-readable reason (e.g. ``invalid-punycode``) and `problem_detail` the message.
    `start`/`end` are offsets into the text that was scanned.
    """

    kind: ChannelKind
    raw: str
    value: str | None
    start: int = 0
    end: int = 0
    display_name: str | None = None
    platform: str | None = None
    defanged: bool = False
    problem: str | None = None
    problem_detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        data: dict[str, Any] = {
            "kind": self.kind.value,
            "raw": self.raw,
            "value": self.value,
            "start": self.start,
            "end": self.end,
        }
        if self.display_name:
            data["display_name"] = self.display_name
        if self.platform:
            data["platform"] = self.platform
        if self.defanged:
            data["defanged"] = True
        if self.problem:
            data["problem"] = self.problem
        return data


@fast_init
@dataclass(frozen=True, slots=True)
class ReportedIndicator:
    """A contact that a confirmed fraud report has tied to criminals.

    `value` is normalised like a channel value of the same kind; for kind DOMAIN every
    host under that registrable domain counts as reported.
    """

    kind: ChannelKind
    value: str
    tenant: str | None = None
    report_id: str | None = None
    note: str = ""


Params = tuple[tuple[str, str], ...]


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "translate later", known to pybabel
    """Mark a reason's English message for `make messages`; `verify.wording` translates it when shown
    (the verify package itself stays free of the gettext catalogs)."""
    return message


@fast_init
@dataclass(frozen=True, slots=True)
class Reason:
    """One machine-readable reason behind a verdict: a stable `code` plus human `detail`.

    `message` is the English gettext message `detail` was filled from and `params` its values, so
    `trustdesk.verify.wording` can write the same reason in another language; a reason without a
    message (a report's own note, a parser's detail) is worded from its code alone.
    """

    code: str
    detail: str
    message: str = field(default="", repr=False, compare=False)
    params: Params = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-ready form."""
        return {"code": self.code, "detail": self.detail}


def reason(code: str, message: str, **params: str) -> Reason:
    """A `Reason` whose English detail is ``message`` (marked with `N_`) filled with ``params``."""
    return Reason(code, message.format(**params) if params else message, message, tuple(params.items()))


@fast_init
@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The verdict for one contact.

    `official` is the channel the contact is (verdict official); `imitates` the channel
    it imitates (verdict lookalike, sometimes reported); `explanation` is plain language
    for a customer.
    """

    contact: ExtractedContact
    verdict: Verdict
    reasons: tuple[Reason, ...]
    explanation: str
    official: OfficialChannel | None = None
    imitates: OfficialChannel | None = None
    reported: ReportedIndicator | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        """The reason codes, in order."""
        return [reason.code for reason in self.reasons]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape used by the API and `trustdesk verify --json`."""
        return {
            "contact": self.contact.value if self.contact.value is not None else self.contact.raw,
            "raw": self.contact.raw,
            "kind": self.contact.kind.value,
            "verdict": self.verdict.value,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "imitates": self.imitates.to_dict() if self.imitates else None,
            "official": self.official.to_dict() if self.official else None,
            "explanation": self.explanation,
            "start": self.contact.start,
            "end": self.contact.end,
        }
