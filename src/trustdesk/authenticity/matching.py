"""Finding a sent message inside whatever the customer gives us, or saying what was changed in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trustdesk.authenticity.canonical import (
    Token,
    critical_tokens,
    prepare,
    remove_footers,
    segment_starts,
    tokenize,
)
from trustdesk.authenticity.fingerprint import (
    CriticalChange,
    FingerprintKey,
    compare_critical,
    content_mac,
    critical_digests,
    region_text,
)
from trustdesk.authenticity.model import StoredMessage

MAX_WINDOWS = 20_000
#: Bound on tokens hashed while sliding a window over text without our footer (a few MB of HMAC).
MAX_SLIDING_TOKENS = 2_000_000


@dataclass
class ContentMatch:
    """Whether the message was found (and where), else what changed; `outside` is the text around it."""

    matched: bool
    changes: list[CriticalChange]
    window: tuple[int, int] | None
    outside: str = ""


def _first_token_at(tokens: Sequence[Token], offset: int) -> int:
    lo, hi = 0, len(tokens)
    while lo < hi:
        mid = (lo + hi) // 2
        if tokens[mid].start < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def match_content(key: FingerprintKey, record: StoredMessage, text: str) -> ContentMatch:
    """Find the stored message inside text (forwarded, quoted, with additions), or say what changed."""
    prepared, footers = remove_footers(prepare(text))
    tokens = tokenize(prepared)
    n = record.token_count
    slug = record.tenant.slug
    ends = sorted({_first_token_at(tokens, f) for f in footers}) or [len(tokens)]
    starts = sorted({0, *(_first_token_at(tokens, s) for s in segment_starts(prepared))})
    windows: list[tuple[int, int]] = []
    for end in ends:
        windows += [(s, end) for s in starts if s < end]
        if end - n >= 0:
            windows.append((end - n, end))
    if not footers and n <= len(tokens):
        limit = min(len(tokens) - n + 1, MAX_WINDOWS, MAX_SLIDING_TOKENS // max(n, 1))
        windows += [(i, i + n) for i in range(0, limit)]
    seen: set[tuple[int, int]] = set()
    for window in windows:
        if window in seen or window[1] - window[0] != n:
            continue
        seen.add(window)
        if content_mac(key, slug, tokens[window[0] : window[1]]) == record.fingerprint:
            s, e = window
            outside = prepared[: tokens[s].start] + "\n" + prepared[tokens[e - 1].end :] if tokens else ""
            return ContentMatch(True, [], window, outside)
    # Not found: compare the dangerous parts of the most likely regions and keep the closest.
    best: list[CriticalChange] | None = None
    candidates = [(max((s for s in starts if s < end), default=0), end) for end in ends]
    candidates += [(end - n, end) for end in ends if end - n >= 0]
    candidates += [(0, len(tokens))]
    for s, e in candidates:
        found = critical_digests(key, slug, critical_tokens(region_text(prepared, tokens[s:e])))
        changes = compare_critical(record.critical, found)
        if best is None or sum(c.added + c.removed for c in changes) < sum(c.added + c.removed for c in best):
            best = changes
    return ContentMatch(False, best or [], None)
