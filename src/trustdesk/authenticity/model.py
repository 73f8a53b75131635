"""Value types of the message check: verdicts, what is known about a tenant and a sent message, the answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

REFERENCE_HEADER = "X-Trustdesk-Reference"
NOT_CHECKED = "not_checked"


class MessageVerdict(StrEnum):
    """The answer to "was this really from us?"."""

    GENUINE = "genuine"
    ALTERED = "altered"
    NOT_FROM_US = "not_from_us"
    CANNOT_TELL = "cannot_tell"


@dataclass(frozen=True)
class DkimPublicKey:
    """One of a tenant's DKIM keys, as published: d=, s= and the base64 public key."""

    domain: str
    selector: str
    public_key: str


@dataclass(frozen=True)
class TenantIdentity:
    """What the checker knows about one retailer: names, own domains, DKIM keys, where to report."""

    slug: str
    name: str
    domains: tuple[str, ...] = ()
    dkim_keys: tuple[DkimPublicKey, ...] = ()
    check_url: str = ""
    report_url: str = ""


@dataclass(frozen=True)
class StoredMessage:
    """A sent-message record as the checker sees it (no text: only keyed digests)."""

    reference: str
    tenant: TenantIdentity
    channel: str
    created_at: datetime
    fingerprint: str
    token_count: int
    critical: tuple[tuple[str, str], ...]
    key_id: str


Lookup = Callable[[str], StoredMessage | None]


@dataclass(frozen=True)
class Envelope:
    """SMTP facts for SPF; when unknown, they are read from the mail's own trace headers."""

    client_ip: str
    helo: str
    mail_from: str


@dataclass
class MessageCheck:
    """The full answer: verdict, plain-language explanation, next steps and the evidence."""

    verdict: MessageVerdict
    explanation: str
    next_steps: list[str]
    reasons: list[dict[str, str]]
    auth: dict[str, str]
    contacts: list[dict[str, Any]]
    reference: str | None = None
    input_kind: str = "text"
    changes: list[str] = field(default_factory=list)
    tenant: str | None = None
    # The reasons, changes and contacts' explanations in the language asked for (not English):
    # {"lang", "reasons": [...], "changes": [...], "contacts": [...]}, in the order of the English.
    localized: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: verdict, reasons, auth {spf, dkim, dmarc}, contacts, and more
        ("localized" only when the check was asked for another language)."""
        extra = {"localized": self.localized} if self.localized is not None else {}
        return {
            "verdict": self.verdict.value,
            "reasons": self.reasons,
            "auth": self.auth,
            "contacts": self.contacts,
            "explanation": self.explanation,
            "next_steps": self.next_steps,
            "reference": self.reference,
            "changes": self.changes,
            "input": self.input_kind,
            "tenant": self.tenant,
        } | extra

    def as_text(self) -> str:
        """Plain text for an automatic reply to a message forwarded to the check address, or a terminal."""
        label = {
            MessageVerdict.GENUINE: "GENUINE",
            MessageVerdict.ALTERED: "CHANGED BY SOMEONE",
            MessageVerdict.NOT_FROM_US: "NOT FROM US",
            MessageVerdict.CANNOT_TELL: "CANNOT TELL",
        }[self.verdict]
        lines = [f"{label}: {self.explanation}", ""]
        lines += [f"- {step}" for step in self.next_steps]
        risky = [c for c in self.contacts if c.get("verdict") in ("lookalike", "reported")]
        if risky:
            lines += ["", "Contact details in it that are not ours:"]
            lines += [f"- {c['contact']}: {c['explanation']}" for c in risky]
        return "\n".join(lines).rstrip() + "\n"


@dataclass
class Evidence:
    """Reasons gathered during a check; negative ones are evidence the message is not from us.

    Beside each English detail, `words` keeps the gettext message (``say``) and values it is written
    from in another language (authenticity.wording); `change_words` does the same for each change.
    """

    reasons: list[dict[str, str]] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    words: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    change_words: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    def add(self, code: str, detail: str, *, negative: bool = False, say: str = "", **params: object) -> None:
        self.reasons.append({"code": code, "detail": detail})
        self.words.append((say, params))
        if negative:
            self.negative.append(detail)
