"""Keyed fingerprints of canonical message content, and keyed digests of its critical tokens.

Keys: one per deployment, derived (HKDF-SHA256) from the settings secret, so fingerprints
cannot be computed, or guessed token by token, by anyone without the deployment secret.
The stored record holds no message text and no raw token: only HMACs and counts.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from trustdesk.authenticity.canonical import (
    CriticalKind,
    CriticalToken,
    Token,
    critical_tokens,
    prepare,
    remove_footers,
    tokenize,
)

DIGEST_HEX = 24  # 96 bits per critical-token digest: no collisions in practice, short rows


@dataclass(frozen=True)
class FingerprintKey:
    """The per-deployment HMAC key; ``key_id`` (public) tells which key made a stored fingerprint.

    After a secret-key rotation the key carries the ones it replaced (``previous``), so a fingerprint
    made before the rotation is still checked with the key that made it (``for_id``)."""

    secret: bytes
    previous: tuple[FingerprintKey, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def derive(cls, settings_secret: str) -> FingerprintKey:
        """Derive the fingerprint key from the deployment's settings secret (HKDF-SHA256)."""
        if not settings_secret:
            raise ValueError("a settings secret is needed to derive the fingerprint key")
        hkdf = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"trustdesk.authenticity.fingerprint.v1"
        )
        return cls(hkdf.derive(settings_secret.encode("utf-8")))

    @property
    def key_id(self) -> str:
        """A short public identifier of this key."""
        return hmac.new(self.secret, b"key-id", hashlib.sha256).hexdigest()[:12]

    def with_previous(self, older: Sequence[FingerprintKey]) -> FingerprintKey:
        """This key, able to hand out the older keys by id."""
        return FingerprintKey(self.secret, tuple(k for k in older if k.secret != self.secret))

    def for_id(self, key_id: str) -> FingerprintKey | None:
        """The key (this one or a previous one) whose public id is ``key_id``; None when unknown."""
        for key in (self, *self.previous):
            if key.key_id == key_id:
                return key
        return None

    @property
    def all_keys(self) -> tuple[FingerprintKey, ...]:
        """This key and the previous ones, newest first."""
        return (self, *self.previous)

    def mac(self, *parts: str) -> str:
        """HMAC-SHA256 over the parts, unambiguously separated."""
        mac = hmac.new(self.secret, digestmod=hashlib.sha256)
        for part in parts:
            data = part.encode("utf-8")
            mac.update(len(data).to_bytes(4, "big"))
            mac.update(data)
        return mac.hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """What is stored for one outbound message: content HMAC, token count, critical-token digests."""

    value: str
    token_count: int
    critical: tuple[tuple[str, str], ...]  # (kind, digest), sorted
    key_id: str


def content_mac(key: FingerprintKey, tenant: str, tokens: Sequence[Token]) -> str:
    """The fingerprint of a token sequence for one tenant."""
    return key.mac("content", tenant, "\x1f".join(token.key for token in tokens))


def critical_digests(
    key: FingerprintKey, tenant: str, tokens: Iterable[CriticalToken]
) -> tuple[tuple[str, str], ...]:
    """Keyed digests of critical tokens, as a sorted multiset of (kind, digest)."""
    return tuple(
        sorted(
            (t.kind.value, key.mac("critical", tenant, t.kind.value, t.value)[:DIGEST_HEX]) for t in tokens
        )
    )


def message_tokens(text: str) -> tuple[str, list[Token]]:
    """The prepared text (footers blanked) and its canonical tokens."""
    prepared, _ = remove_footers(prepare(text))
    return prepared, tokenize(prepared)


def region_text(prepared: str, tokens: Sequence[Token]) -> str:
    """The prepared text spanned by a run of tokens."""
    if not tokens:
        return ""
    return prepared[tokens[0].start : tokens[-1].end]


def fingerprint_text(key: FingerprintKey, tenant: str, text: str) -> Fingerprint:
    """Fingerprint an outbound message's text (the guard-redacted text, before the footer is added)."""
    prepared, tokens = message_tokens(text)
    critical = critical_tokens(region_text(prepared, tokens))
    return Fingerprint(
        value=content_mac(key, tenant, tokens),
        token_count=len(tokens),
        critical=critical_digests(key, tenant, critical),
        key_id=key.key_id,
    )


@dataclass(frozen=True)
class CriticalChange:
    """How one kind of critical token differs: how many were added and how many removed."""

    kind: CriticalKind
    added: int
    removed: int

    @property
    def action(self) -> str:
        """ "changed", "added" or "removed"."""
        if self.added and self.removed:
            return "changed"
        return "added" if self.added else "removed"

    def sentence(self) -> str:
        """Plain language, e.g. "The bank account number (IBAN) was changed."."""
        from trustdesk.authenticity.canonical import CRITICAL_NAMES

        one, many = CRITICAL_NAMES[self.kind]
        count = max(self.added, self.removed)
        subject = one if count == 1 else f"{count} {many}"
        verb = "were" if count > 1 else "was"
        if self.action == "changed":
            return f"{subject[0].upper()}{subject[1:]} {verb} changed."
        if self.action == "added":
            return f"{subject[0].upper()}{subject[1:]} {verb} added that we did not send."
        return f"{subject[0].upper()}{subject[1:]} {verb} removed."


def compare_critical(stored: Iterable[Sequence[str]], found: Iterable[Sequence[str]]) -> list[CriticalChange]:
    """Per-kind differences between the stored and the found critical-token digests."""
    stored_count = Counter((str(k), str(d)) for k, d in stored)
    found_count = Counter((str(k), str(d)) for k, d in found)
    removed = Counter(k for (k, _), n in (stored_count - found_count).items() for _ in range(n))
    added = Counter(k for (k, _), n in (found_count - stored_count).items() for _ in range(n))
    order = list(CriticalKind)
    kinds = sorted(set(removed) | set(added), key=lambda k: order.index(CriticalKind(k)))
    return [CriticalChange(CriticalKind(k), added.get(k, 0), removed.get(k, 0)) for k in kinds]
