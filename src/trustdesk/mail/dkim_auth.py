"""DKIM (RFC 6376) verification and signing with dkimpy, keys looked up through our Resolver.

dkimpy answers verification with a bare True/False and swallows DNS timeouts, so every
key lookup goes through a recording ``dnsfunc``: after dkimpy returns we know whether the
key was missing (permerror), the lookup failed temporarily (temperror) or the signature
really did not verify (fail).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from trustdesk.mail.resolver import DnsAnswer, Resolver

MIN_KEY_BITS = 1024
MAX_SIGNATURES = 8

#: Headers signed by default; the singletons in FROZEN are signed once more than present,
#: so a second From/Subject/Reply-To added in transit breaks the signature.
DEFAULT_SIGNED_HEADERS: tuple[str, ...] = (
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "list-unsubscribe",
)
_OVERSIGNED = ("from", "reply-to", "subject", "sender", "to", "cc", "date", "message-id")


class DkimResult(StrEnum):
    """RFC 8601 DKIM results."""

    PASS = "pass"
    FAIL = "fail"
    NEUTRAL = "neutral"
    POLICY = "policy"
    NONE = "none"
    PERMERROR = "permerror"
    TEMPERROR = "temperror"


@dataclass(frozen=True)
class DkimSignatureResult:
    """The verdict on one DKIM-Signature header."""

    result: DkimResult
    domain: str
    selector: str
    reason: str
    algorithm: str = ""
    canonicalization: str = ""
    signed_headers: tuple[str, ...] = ()
    identity: str = ""
    body_length_limit: int | None = None  # the l= tag: body bytes after it are unsigned
    key_bits: int | None = None


class DkimError(ValueError):
    """Signing could not proceed (bad key, missing From, bad parameters)."""


@dataclass
class _KeyLookups:
    resolver: Resolver
    answers: list[DnsAnswer] = field(default_factory=list)

    def __call__(self, name: bytes | str, timeout: float = 5) -> bytes | None:
        qname = name.decode("ascii", errors="replace") if isinstance(name, bytes) else name
        answer = self.resolver.txt(qname)
        self.answers.append(answer)
        if answer.status.temporary:
            raise dkim.DnsTimeoutError(f"{answer.status.value} for {qname}")
        if not answer.records:
            return None
        # Prefer the record that carries a key when a name has several TXT records.
        for record in answer.records:
            if re.search(r"(^|;)\s*p\s*=", record):
                return record.encode("ascii", errors="replace")
        return answer.records[0].encode("ascii", errors="replace")


def _tag(sig: dict[bytes, bytes], name: bytes) -> str:
    return sig.get(name, b"").decode("ascii", errors="replace").strip()


def _signature_tags(header_value: bytes) -> dict[bytes, bytes]:
    try:
        return dict(dkim.util.parse_tag_value(header_value))
    except Exception:  # noqa: BLE001 - any unparseable tag list is a permerror, reported by the caller
        return {}


def verify_dkim(
    raw: bytes, resolver: Resolver, *, min_key_bits: int = MIN_KEY_BITS, max_signatures: int = MAX_SIGNATURES
) -> list[DkimSignatureResult]:
    """Verify every DKIM-Signature of a raw message (empty list when unsigned)."""
    try:
        headers, _body = dkim.rfc822_parse(raw)
    except Exception as exc:  # noqa: BLE001 - dkimpy raises IndexError & co on broken headers
        return [DkimSignatureResult(DkimResult.PERMERROR, "", "", f"message headers cannot be parsed: {exc}")]
    signatures = [value for name, value in headers if name.lower() == b"dkim-signature"]
    results = [
        _verify_one(raw, idx, value, resolver, min_key_bits)
        for idx, value in enumerate(signatures[:max_signatures])
    ]
    for value in signatures[max_signatures:]:
        # Each signature costs a DNS lookup and an RSA operation: a flood of them is not evaluated.
        tags = _signature_tags(value)
        results.append(
            DkimSignatureResult(
                DkimResult.NEUTRAL,
                _tag(tags, b"d").lower(),
                _tag(tags, b"s"),
                f"not evaluated: the message carries more than {max_signatures} signatures",
            )
        )
    return results


def _verify_one(
    raw: bytes, idx: int, header_value: bytes, resolver: Resolver, min_key_bits: int
) -> DkimSignatureResult:
    sig = _signature_tags(header_value)
    length = _tag(sig, b"l")
    template = DkimSignatureResult(
        DkimResult.PERMERROR,
        domain=_tag(sig, b"d").lower(),
        selector=_tag(sig, b"s"),
        reason="",
        algorithm=_tag(sig, b"a").lower(),
        canonicalization=_tag(sig, b"c") or "simple/simple",
        signed_headers=tuple(h.strip().lower() for h in _tag(sig, b"h").split(":") if h.strip()),
        identity=_tag(sig, b"i"),
        body_length_limit=int(length) if length.isdigit() else None,
    )

    def outcome(result: DkimResult, reason: str, key_bits: int | None = None) -> DkimSignatureResult:
        return replace(template, result=result, reason=reason, key_bits=key_bits)

    if not sig:
        return outcome(DkimResult.PERMERROR, "signature tag list cannot be parsed")
    lookups = _KeyLookups(resolver)
    verifier = dkim.DKIM(raw, minkey=min_key_bits, timeout=resolver.timeout)
    try:
        valid = verifier.verify(idx=idx, dnsfunc=lookups)
    except dkim.ValidationError as exc:
        # body hash mismatch, missing mandatory tag, expired signature...
        return outcome(DkimResult.FAIL, str(exc))
    except dkim.KeyFormatError as exc:
        return outcome(DkimResult.PERMERROR, f"bad key: {exc}")
    except dkim.DKIMException as exc:
        return outcome(DkimResult.PERMERROR, str(exc))
    except Exception as exc:  # noqa: BLE001 - dkimpy is not hardened against every malformed input
        return outcome(DkimResult.PERMERROR, f"signature cannot be evaluated: {type(exc).__name__}")
    key_answer = lookups.answers[-1] if lookups.answers else None
    key_bits = verifier.keysize or None
    if key_answer is not None and key_answer.status.temporary:
        return outcome(
            DkimResult.TEMPERROR, f"DNS {key_answer.status.value} fetching the key {key_answer.name}"
        )
    if key_answer is not None and not key_answer.records:
        return outcome(
            DkimResult.PERMERROR, f"no DKIM key published at {key_answer.name} ({key_answer.status.value})"
        )
    if not valid:
        if key_answer is not None and not key_bits:
            return outcome(
                DkimResult.PERMERROR, "the published key cannot be used (malformed, revoked or too short)"
            )
        return outcome(
            DkimResult.FAIL, "signature does not verify (signed headers changed or wrong key)", key_bits
        )
    if template.algorithm == "rsa-sha1":
        # RFC 8301: verifiers must not consider SHA-1 signatures valid.
        return outcome(DkimResult.POLICY, "rsa-sha1 signatures are not accepted (RFC 8301)", key_bits)
    reason = f"valid signature by {template.domain} (selector {template.selector})"
    if template.body_length_limit is not None:
        reason += f"; only the first {template.body_length_limit} body bytes are signed (l= tag)"
    return outcome(DkimResult.PASS, reason, key_bits)


# ---- signing and keys --------------------------------------------------------------------


@dataclass(frozen=True)
class DkimKeyPair:
    """A DKIM RSA key pair: PEM private key (PKCS#1) and the base64 public key for DNS."""

    private_key_pem: bytes
    public_key_b64: str

    def dns_record(self, selector: str, domain: str) -> DkimDnsRecord:
        """The TXT record a domain must publish for this key."""
        return dkim_dns_record(selector, domain, self.public_key_b64)


@dataclass(frozen=True)
class DkimDnsRecord:
    """Where and what to publish: ``name IN TXT value``."""

    name: str
    value: str

    def zone_line(self, ttl: int = 3600) -> str:
        """A BIND zone-file line, the value split into quoted 255-byte strings."""
        chunks = [self.value[i : i + 255] for i in range(0, len(self.value), 255)]
        quoted = " ".join(f'"{c}"' for c in chunks)
        return f"{self.name}. {ttl} IN TXT ( {quoted} )"


def generate_dkim_keypair(bits: int = 2048) -> DkimKeyPair:
    """Generate an RSA key pair for DKIM signing (2048 bits by default)."""
    if bits < MIN_KEY_BITS:
        raise DkimError(f"DKIM keys must have at least {MIN_KEY_BITS} bits")
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return DkimKeyPair(private_pem, base64.b64encode(public_der).decode("ascii"))


def public_key_b64(key: str | bytes) -> str:
    """Normalise a public key given as PEM, as a bare base64 blob or as a private key PEM."""
    data = key.encode("ascii") if isinstance(key, str) else key
    if b"PRIVATE KEY" in data:
        private = serialization.load_pem_private_key(data, password=None)
        public = private.public_key()
        der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(der).decode("ascii")
    if b"-----BEGIN" in data:
        loaded = serialization.load_pem_public_key(data)
        der = loaded.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(der).decode("ascii")
    text = re.sub(r"\s+", "", data.decode("ascii", errors="replace"))
    match = re.search(r"(?:^|;)p=([A-Za-z0-9+/=]*)", text)
    return match.group(1) if match else text


def dkim_dns_record(selector: str, domain: str, public_key: str | bytes) -> DkimDnsRecord:
    """The DNS TXT record (name and value) publishing a DKIM public key."""
    selector = selector.strip().strip(".")
    domain = domain.strip().strip(".").lower()
    return DkimDnsRecord(f"{selector}._domainkey.{domain}", f"v=DKIM1; k=rsa; p={public_key_b64(public_key)}")


def sign_message(
    raw: bytes,
    selector: str,
    domain: str,
    private_key_pem: bytes | str,
    headers: Sequence[str] | None = None,
    *,
    canonicalization: tuple[str, str] = ("relaxed", "relaxed"),
    identity: str | None = None,
) -> bytes:
    """Return ``raw`` with a DKIM-Signature header prepended (rsa-sha256)."""
    key = private_key_pem.encode("ascii") if isinstance(private_key_pem, str) else private_key_pem
    try:
        present = {name.lower().decode("ascii", errors="replace") for name, _ in dkim.rfc822_parse(raw)[0]}
    except Exception as exc:  # noqa: BLE001 - dkimpy's parser raises assorted errors on bad input
        raise DkimError(f"message cannot be parsed for signing: {exc}") from exc
    if "from" not in present:
        raise DkimError("a message without a From header cannot be DKIM-signed")
    if headers is None:
        include = [h for h in DEFAULT_SIGNED_HEADERS if h in present or h in _OVERSIGNED]
        include += [h for h in _OVERSIGNED if h in present]
    else:
        include = [h.lower() for h in headers]
    try:
        signature = dkim.sign(
            raw,
            selector.encode("ascii"),
            domain.encode("ascii"),
            key,
            identity=identity.encode("ascii") if identity else None,
            canonicalize=(canonicalization[0].encode("ascii"), canonicalization[1].encode("ascii")),
            include_headers=[h.encode("ascii") for h in include],
            linesep=b"\r\n" if b"\r\n" in raw[:2000] else b"\n",
        )
    except dkim.DKIMException as exc:
        raise DkimError(str(exc)) from exc
    return bytes(signature) + raw
