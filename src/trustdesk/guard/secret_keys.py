"""SECRET_KEY detection: well-known token formats, JWTs, private-key blocks, and
high-entropy tokens after an "api key" / "token" / "secret" cue."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter

from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.scantext import ScanText, triggers

_FORMATS: tuple[tuple[str, str], ...] = (
    ("AWS access key", r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"),
    ("Stripe secret key", r"(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9])"),
    ("Stripe webhook secret", r"(?<![A-Za-z0-9_])whsec_[A-Za-z0-9]{24,128}(?![A-Za-z0-9])"),
    (
        "GitHub token",
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])",
    ),
    ("GitLab token", r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_\-]{20,64}(?![A-Za-z0-9_\-])"),
    ("Slack token", r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9\-]{10,250}(?![A-Za-z0-9\-])"),
    ("Google API key", r"(?<![A-Za-z0-9_\-])AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])"),
    (
        "OpenAI/Anthropic API key",
        r"(?<![A-Za-z0-9_\-])sk-(?:proj-|ant-(?:api\d\d-)?)?[A-Za-z0-9_\-]{20,200}(?![A-Za-z0-9_\-])",
    ),
    (
        "SendGrid API key",
        r"(?<![A-Za-z0-9])SG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}(?![A-Za-z0-9_\-])",
    ),
    ("Square secret", r"(?<![A-Za-z0-9])(?:sq0csp|sq0atp)-[A-Za-z0-9_\-]{22,64}(?![A-Za-z0-9_\-])"),
    ("Shopify access token", r"(?<![A-Za-z0-9])shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}(?![A-Za-z0-9])"),
    ("PayPal/Braintree access token", r"access_token\$production\$[a-z0-9]{16}\$[a-f0-9]{32}"),
    ("npm token", r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
)
_KNOWN = re.compile("|".join(f"(?P<f{i}>{pattern})" for i, (_, pattern) in enumerate(_FORMATS)))
_JWT = re.compile(
    r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{8,4096}\.eyJ[A-Za-z0-9_\-]{8,8192}\.[A-Za-z0-9_\-]{16,4096}"
)
_PEM_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=:\-\s]{0,20000}")
_CUE_HIT = re.compile(r"key|token|secret|bearer")
_CUE_AFTER = re.compile(
    r"[\"']?\s*(?:[:=]|is|was|->|=>)?\s*[\"']?(?P<value>[A-Za-z0-9_\-+/=.~]{16,512})", re.IGNORECASE
)
_CUE_WORDS = triggers("key", "token", "secret", "bearer")
_PEM = triggers("private key")
_FORMAT_PREFIXES = triggers(
    "akia",
    "asia",
    "abia",
    "acca",
    "sk_",
    "rk_",
    "whsec_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xox",
    "aiza",
    "sk-",
    "sg.",
    "sq0",
    "shp",
    "access_token$",
    "npm_",
    "eyj",
)
_TOKEN = re.compile(r"\S{16,}")
_HAS_LETTER = re.compile(r"[A-Za-z]")


SECRET_KEY_GATE = _PEM | _FORMAT_PREFIXES | _CUE_WORDS


def _entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _is_jwt(token: str) -> bool:
    header = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        parsed = json.loads(decoded)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return isinstance(parsed, dict) and ("alg" in parsed or "typ" in parsed)


def find_secret_keys(st: ScanText) -> list[Candidate]:
    """API keys, tokens, JWTs and private keys in the normalised text."""
    found: list[Candidate] = []
    text = st.text
    if st.has_any(_PEM):
        pos = 0
        while (m := _PEM_BEGIN.search(text, pos)) is not None:
            end_match = _PEM_END.search(text, m.end(), m.end() + 20_000)
            body = _PEM_BODY.match(text, m.end())
            end = end_match.end() if end_match else (body.end() if body else m.end())
            found.append(Candidate("SECRET_KEY", m.start(), end, "private key", PRIORITY["SECRET_KEY"]))
            pos = max(end, m.end())
    # Every other format is one long token with a known prefix: look only where such tokens are.
    for token in _TOKEN.finditer(text) if st.has_any(_FORMAT_PREFIXES) else ():
        if not _HAS_LETTER.search(token.group()):
            continue  # every known format has letters; "112-4567890-1234567." has none
        for m in _KNOWN.finditer(text, token.start(), token.end()):
            index = int((m.lastgroup or "f0")[1:])
            found.append(
                Candidate("SECRET_KEY", m.start(), m.end(), _FORMATS[index][0], PRIORITY["SECRET_KEY"])
            )
        if "eyJ" in token.group():
            for m in _JWT.finditer(text, token.start(), token.end()):
                if _is_jwt(m.group()):
                    found.append(
                        Candidate("SECRET_KEY", m.start(), m.end(), "JSON Web Token", PRIORITY["SECRET_KEY"])
                    )
    if st.has_any(_CUE_WORDS):
        lower = st.lower
        for hit in _CUE_HIT.finditer(lower):
            if hit.end() < len(lower) and lower[hit.end()].isalpha():
                continue  # "keyboard", "tokens"
            before = lower[hit.start() - 1] if hit.start() else " "
            if (
                before.isalpha()
                or before in "+/="
                or (before.isdigit() and not lower.endswith(("api", "api_", "api-"), 0, hit.start()))
            ):
                continue  # "monkey", or the letters "key" inside base64 data
            after = _CUE_AFTER.match(text, hit.end())
            if after is None:
                continue
            value = after.group("value").rstrip(".")
            has_digit = any(c.isdigit() for c in value)
            has_alpha = any(c.isalpha() for c in value)
            if len(value) < 16 or not (has_digit and has_alpha) or _entropy(value) < 3.3:
                continue
            if value.lower().startswith(("http", "www.")):
                continue
            s = after.start("value")
            found.append(Candidate("SECRET_KEY", s, s + len(value), "secret key", PRIORITY["SECRET_KEY"]))
    return found
