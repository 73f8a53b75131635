"""Signed channel manifests: what a tenant's official channels are, provably.

A manifest is a JSON object (version, issuer, tenant, iat, exp, channels) signed as a
flattened JWS with Ed25519. It is served at ``/.well-known/trustdesk/channels.json``
(per tenant) with the public keys at ``/.well-known/trustdesk/jwks.json``.

Key rotation: `KeyRing.rotate` makes a new active key and retires the old one; a
retired key stays in the JWKS until every manifest it could have signed has expired
(retired_at + max manifest lifetime), then `KeyRing.jwks` leaves it out.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from trustdesk.verify.errors import (
    ManifestExpiredError,
    ManifestFormatError,
    ManifestNotYetValidError,
)
from trustdesk.verify.jws import SigningKey, canonical_json, sign_jws, strict_json, verify_jws
from trustdesk.verify.model import OfficialChannel

MANIFEST_VERSION = 1
MANIFEST_TYPE = "trustdesk-channels+json"
INDEX_TYPE = "trustdesk-tenants+json"
DEFAULT_TTL = 7 * 24 * 3600
CLOCK_LEEWAY = 300
WELL_KNOWN_MANIFEST = "/.well-known/trustdesk/channels.json"
WELL_KNOWN_JWKS = "/.well-known/trustdesk/jwks.json"


def build_manifest(
    tenant: str,
    tenant_name: str,
    channels: Iterable[OfficialChannel],
    *,
    issuer: str,
    issued_at: int | None = None,
    ttl: int = DEFAULT_TTL,
) -> dict[str, Any]:
    """The (unsigned) manifest for one tenant: only that tenant's channels, sorted by id."""
    iat = int(time.time()) if issued_at is None else int(issued_at)
    own = sorted((c for c in channels if c.tenant == tenant), key=lambda c: c.id)
    return {
        "type": MANIFEST_TYPE,
        "version": MANIFEST_VERSION,
        "iss": issuer,
        "sub": tenant,
        "tenant": {"slug": tenant, "name": tenant_name},
        "iat": iat,
        "exp": iat + int(ttl),
        "channels": [
            {k: v for k, v in c.to_dict().items() if k not in ("tenant", "tenant_name")} for c in own
        ],
    }


def build_index(
    tenants: Iterable[tuple[str, str, str]],
    *,
    issuer: str,
    issued_at: int | None = None,
    ttl: int = DEFAULT_TTL,
) -> dict[str, Any]:
    """The (unsigned) index of tenants: (slug, name, manifest URL) triples."""
    iat = int(time.time()) if issued_at is None else int(issued_at)
    return {
        "type": INDEX_TYPE,
        "version": MANIFEST_VERSION,
        "iss": issuer,
        "iat": iat,
        "exp": iat + int(ttl),
        "tenants": [{"slug": s, "name": n, "manifest": u} for s, n, u in sorted(tenants)],
    }


def sign_manifest(manifest: dict[str, Any], key: SigningKey) -> dict[str, str]:
    """Sign a manifest (or index); returns the flattened JWS to serve as JSON.

    A retired key must not sign, and nothing may outlive the key's publication window.
    """
    if key.retired_at is not None:
        raise ValueError("a retired key must not sign new manifests")
    typ = "trustdesk-tenants+jws" if manifest.get("type") == INDEX_TYPE else "trustdesk-channels+jws"
    return sign_jws(
        canonical_json(manifest), key, {"typ": typ, "cty": str(manifest.get("type", MANIFEST_TYPE))}
    )


@dataclass(frozen=True, slots=True)
class VerifiedManifest:
    """A manifest whose signature, key id and validity period have all been checked."""

    payload: dict[str, Any]
    kid: str
    issued_at: int
    expires_at: int

    @property
    def tenant(self) -> str:
        """The tenant slug the manifest is about ("" for an index)."""
        return str(self.payload.get("sub", ""))

    @property
    def channels(self) -> list[dict[str, Any]]:
        """The channel entries (empty for an index)."""
        channels = self.payload.get("channels", [])
        return channels if isinstance(channels, list) else []


def verify_manifest(
    document: str | bytes | dict[str, Any],
    jwks: str | bytes | dict[str, Any],
    *,
    now: int | None = None,
    leeway: int = CLOCK_LEEWAY,
    expected_tenant: str | None = None,
) -> VerifiedManifest:
    """Check signature, key id, iat/exp and shape; return the manifest or raise a `ManifestError`.

    `now` defaults to the current time; `leeway` seconds of clock skew are tolerated.
    """
    key_set = strict_json(jwks) if isinstance(jwks, str | bytes) else jwks
    header, payload_bytes = verify_jws(document, key_set)
    payload = strict_json(payload_bytes)
    if not isinstance(payload, dict):
        raise ManifestFormatError("the signed payload is not a JSON object")
    if payload.get("type") not in (MANIFEST_TYPE, INDEX_TYPE) or payload.get("version") != MANIFEST_VERSION:
        raise ManifestFormatError("not a Trustdesk manifest of a supported version")
    if header.get("cty") not in (None, payload.get("type")):
        raise ManifestFormatError("header content type does not match the payload")
    iat, exp = payload.get("iat"), payload.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int) or isinstance(iat, bool) or isinstance(exp, bool):
        raise ManifestFormatError("iat and exp must be integers (Unix seconds)")
    if exp <= iat:
        raise ManifestFormatError("exp must be later than iat")
    current = int(time.time()) if now is None else int(now)
    if current > exp + leeway:
        raise ManifestExpiredError(f"expired at {exp} (now {current})")
    if iat > current + leeway:
        raise ManifestNotYetValidError(f"issued in the future ({iat}, now {current})")
    if expected_tenant is not None and payload.get("sub") != expected_tenant:
        raise ManifestFormatError(f"manifest is for {payload.get('sub')!r}, not {expected_tenant!r}")
    return VerifiedManifest(payload=payload, kid=str(header["kid"]), issued_at=iat, expires_at=exp)


class KeyRing:
    """Signing keys over time: one active key, retired keys published until their manifests expire."""

    def __init__(self, keys: Iterable[SigningKey] = (), *, max_manifest_ttl: int = DEFAULT_TTL) -> None:
        self.keys: list[SigningKey] = sorted(keys, key=lambda k: k.created_at)
        self.max_manifest_ttl = max_manifest_ttl

    @property
    def active(self) -> SigningKey:
        """The newest key that is not retired; raises LookupError when there is none."""
        for key in reversed(self.keys):
            if key.retired_at is None:
                return key
        raise LookupError("no active signing key: call rotate() first")

    def rotate(self, now: int | None = None) -> SigningKey:
        """Create a new active key and retire the previous active key(s); returns the new key."""
        current = int(time.time()) if now is None else now
        self.keys = [k.retire(current) if k.retired_at is None else k for k in self.keys]
        fresh = SigningKey.generate(current)
        self.keys.append(fresh)
        return fresh

    def published(self, now: int | None = None) -> list[SigningKey]:
        """Keys that belong in the JWKS at `now`: active ones and recently retired ones."""
        current = int(time.time()) if now is None else now
        return [
            k
            for k in self.keys
            if k.retired_at is None or k.retired_at + self.max_manifest_ttl + CLOCK_LEEWAY >= current
        ]

    def prune(self, now: int | None = None) -> list[SigningKey]:
        """Drop keys that are no longer published; returns the dropped keys."""
        keep = self.published(now)
        dropped = [k for k in self.keys if k not in keep]
        self.keys = keep
        return dropped

    def jwks(self, now: int | None = None) -> dict[str, Any]:
        """The JWKS document to serve at ``/.well-known/trustdesk/jwks.json``."""
        return jwks_document(self.published(now))


def jwks_document(keys: Iterable[SigningKey]) -> dict[str, Any]:
    """A JWKS ({"keys": [...]}) with the public half of each key; never any private material."""
    return {"keys": [key.public_jwk() for key in keys]}
