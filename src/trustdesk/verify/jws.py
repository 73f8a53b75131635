"""A deliberately small JWS layer: Ed25519 ("EdDSA", RFC 8037) only, nothing negotiable.

Signing uses the `cryptography` library; this module only does the JOSE framing
(RFC 7515 flattened JSON serialisation, base64url, JWK, RFC 7638 thumbprints). The
verifier accepts exactly one algorithm, so "alg": "none" or HMAC-with-a-public-key
confusion cannot happen, refuses `crit` and unencoded payloads, and rejects JSON with
duplicate keys (two parsers could read such a document differently).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import time
from dataclasses import dataclass, replace
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trustdesk.verify.errors import ManifestFormatError, SignatureInvalidError, UnknownKeyError

ALGORITHM = "EdDSA"
MAX_DOCUMENT_BYTES = 1_048_576
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url decoding: no padding, no other alphabet, no stray characters."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ManifestFormatError("not base64url text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ManifestFormatError(f"bad base64url: {exc}") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ManifestFormatError(f"duplicate JSON member '{key}'")
        out[key] = value
    return out


def strict_json(data: bytes | str) -> Any:
    """Parse JSON, refusing duplicate object members and non-finite numbers."""

    def bad_constant(name: str) -> Any:
        raise ManifestFormatError(f"JSON constant {name} is not allowed")

    try:
        return json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=bad_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, ManifestFormatError):
            raise
        raise ManifestFormatError(f"not valid JSON: {exc}") from None


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON bytes (sorted keys, no spaces, UTF-8) for payloads and thumbprints."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def jwk_thumbprint(x: str) -> str:
    """RFC 7638 thumbprint of an Ed25519 public JWK, used as its `kid`."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": x}
    return b64url_encode(hashlib.sha256(canonical_json(members)).digest())


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key with its lifetime: created, and retired once rotated out.

    Store `private_bytes()` encrypted at rest; `kid` is derived from the public key.
    """

    private_key: Ed25519PrivateKey
    created_at: int
    retired_at: int | None = None

    @classmethod
    def generate(cls, now: int | None = None) -> SigningKey:
        """A fresh key, created `now` (Unix seconds; default the current time)."""
        return cls(Ed25519PrivateKey.generate(), int(time.time()) if now is None else now)

    @classmethod
    def from_private_bytes(cls, raw: bytes, created_at: int, retired_at: int | None = None) -> SigningKey:
        """Rebuild a key from its 32 raw private bytes."""
        return cls(Ed25519PrivateKey.from_private_bytes(raw), created_at, retired_at)

    def private_bytes(self) -> bytes:
        """The 32 raw private-key bytes (a secret: never log them)."""
        return self.private_key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )

    def public_bytes(self) -> bytes:
        """The 32 raw public-key bytes."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def kid(self) -> str:
        """Key id: the RFC 7638 thumbprint of the public key."""
        return jwk_thumbprint(b64url_encode(self.public_bytes()))

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK (RFC 8037), with kid, use and alg."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url_encode(self.public_bytes()),
            "kid": self.kid,
            "use": "sig",
            "alg": ALGORITHM,
        }

    def retire(self, now: int) -> SigningKey:
        """This key, marked as rotated out at `now` (it stops signing; it stays published for a while)."""
        return replace(self, retired_at=now)

    def __repr__(self) -> str:  # never show key material
        return f"SigningKey(kid={self.kid!r}, created_at={self.created_at}, retired_at={self.retired_at})"


def sign_jws(payload: bytes, key: SigningKey, header: dict[str, Any] | None = None) -> dict[str, str]:
    """Sign `payload`; returns the flattened JWS JSON serialisation (protected, payload, signature)."""
    protected = {**(header or {}), "alg": ALGORITHM, "kid": key.kid}
    protected_b64 = b64url_encode(canonical_json(protected))
    payload_b64 = b64url_encode(payload)
    signature = key.private_key.sign(f"{protected_b64}.{payload_b64}".encode("ascii"))
    return {"protected": protected_b64, "payload": payload_b64, "signature": b64url_encode(signature)}


def to_compact(flattened: dict[str, str]) -> str:
    """The same JWS in compact form ``header.payload.signature``."""
    return f"{flattened['protected']}.{flattened['payload']}.{flattened['signature']}"


def parse_jws(document: str | bytes | dict[str, Any]) -> dict[str, str]:
    """Accept a flattened JWS (JSON text or dict) or a compact JWS; return the three parts."""
    if isinstance(document, bytes):
        if len(document) > MAX_DOCUMENT_BYTES:
            raise ManifestFormatError("document larger than 1 MiB")
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError:
            raise ManifestFormatError("document is not UTF-8") from None
    if isinstance(document, str):
        if len(document) > MAX_DOCUMENT_BYTES:
            raise ManifestFormatError("document larger than 1 MiB")
        text = document.strip()
        if text.startswith("{"):
            document = strict_json(text)
        else:
            pieces = text.split(".")
            if len(pieces) != 3:
                raise ManifestFormatError("not a JWS: expected JSON or header.payload.signature")
            return {"protected": pieces[0], "payload": pieces[1], "signature": pieces[2]}
    if not isinstance(document, dict):
        raise ManifestFormatError("not a JWS object")
    if "signatures" in document:
        raise ManifestFormatError("general JWS serialisation with several signatures is not accepted")
    if "header" in document:
        raise ManifestFormatError("unprotected JWS header members are not accepted")
    parts = {name: document.get(name) for name in ("protected", "payload", "signature")}
    if not all(isinstance(value, str) for value in parts.values()):
        raise ManifestFormatError("JWS needs string members protected, payload and signature")
    return {name: str(value) for name, value in parts.items()}


def _public_key(jwks: dict[str, Any], kid: str) -> Ed25519PublicKey:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        raise ManifestFormatError("key set has no 'keys' list")
    matching = [k for k in keys if isinstance(k, dict) and k.get("kid") == kid]
    if not matching:
        raise UnknownKeyError(f"key id {kid!r} is not in the key set (forged, or its key was retired)")
    if len(matching) > 1:
        raise ManifestFormatError(f"key id {kid!r} appears more than once in the key set")
    jwk = matching[0]
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or jwk.get("alg", ALGORITHM) != ALGORITHM:
        raise ManifestFormatError(f"key {kid!r} is not an Ed25519 signing key")
    raw = b64url_decode(str(jwk.get("x", "")))
    if len(raw) != 32:
        raise ManifestFormatError(f"key {kid!r} has the wrong length")
    if jwk_thumbprint(str(jwk["x"])) != kid:
        raise ManifestFormatError(f"key id {kid!r} does not match its key (expected the RFC 7638 thumbprint)")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_jws(document: str | bytes | dict[str, Any], jwks: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Verify a JWS against a JWKS; returns (protected header, payload bytes).

    Raises `ManifestFormatError`, `UnknownKeyError` or `SignatureInvalidError`.
    """
    parts = parse_jws(document)
    header = strict_json(b64url_decode(parts["protected"]))
    if not isinstance(header, dict):
        raise ManifestFormatError("protected header is not a JSON object")
    if header.get("alg") != ALGORITHM:
        raise ManifestFormatError(f"algorithm {header.get('alg')!r} is not accepted; only {ALGORITHM}")
    if "crit" in header or header.get("b64") is False:
        raise ManifestFormatError("critical or unencoded-payload JWS extensions are not accepted")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ManifestFormatError("protected header has no key id")
    public_key = _public_key(jwks, kid)
    signature = b64url_decode(parts["signature"])
    payload = b64url_decode(parts["payload"])
    try:
        public_key.verify(signature, f"{parts['protected']}.{parts['payload']}".encode("ascii"))
    except (InvalidSignature, ValueError):
        raise SignatureInvalidError(
            "signature does not match: the document was altered or not signed by this key"
        ) from None
    return header, payload
