"""The guard's one entry point: normalise -> detect -> decide (policy) -> redact."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from trustdesk.guard.asks import find_asks
from trustdesk.guard.bank_accounts import ACCOUNT_WORDS_GATE, find_pack_bank_accounts
from trustdesk.guard.banking import ACCOUNT_GATE, find_bank_accounts, find_ibans
from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.card_parts import card_begun, card_continued
from trustdesk.guard.card_words import CARD_GATE
from trustdesk.guard.cards import DETAIL_GATE, JOINED_SHAPE, find_card_details, find_cards
from trustdesk.guard.code_halves import (
    CODE_START_GATE,
    continued_after_name,
    continued_code,
    find_code_starts,
)
from trustdesk.guard.contacts import find_emails, find_phones
from trustdesk.guard.credentials import OTP_GATE, PASSWORD_GATE, PIN_GATE, find_one_time_codes, find_passwords
from trustdesk.guard.disclosures import (
    CODE_GATE,
    SIGNED_WORD,
    find_disclosed_codes,
    find_disclosed_passwords,
    password_continued,
    password_topic,
    passwords_in_reply,
)
from trustdesk.guard.disclosures import PASSWORD_GATE as PACK_PASSWORD_GATE
from trustdesk.guard.disclosures import PIN_GATE as PACK_PIN_GATE
from trustdesk.guard.findings import DIRECTIONS, Direction, Finding, GuardInputError, ScanResult, TextTooLarge
from trustdesk.guard.iban_parts import IBAN_WORDS_GATE, continued_iban, find_iban_starts
from trustdesk.guard.id_parts import id_begun, id_continued
from trustdesk.guard.language import language_for_words
from trustdesk.guard.national_ids import NATIONAL_ID_GATE, continued_national_ids, find_national_ids
from trustdesk.guard.normalize import NormalizedText, normalize
from trustdesk.guard.notice import PendingNotice
from trustdesk.guard.number_words import NUMBER_WORDS_GATE, DigitView, digit_view
from trustdesk.guard.policy import DEFAULT_POLICY, Policy
from trustdesk.guard.reasons import WrittenIn, block_reason
from trustdesk.guard.scantext import (
    ASCII_CONTROL,
    AT_SIGN,
    CARD_SHAPE,
    DIGIT,
    IBAN_SHAPE,
    PHONE_SHAPE,
    GateMask,
    ScanText,
    hits_of,
)
from trustdesk.guard.secret_keys import SECRET_KEY_GATE, find_secret_keys

MAX_TEXT_CHARS = 1_000_000
"""Longest text scanned (about 1 MB). Longer texts raise `TextTooLarge`: nothing is stored unscanned."""

_IDENTITY = NormalizedText("", "")  # stands for "the text needed no normalisation"
# Named tuples built with tuple.__new__ directly: the generated __new__ adds a Python call per object.
_tuple_new = tuple.__new__


def detect(text: str, policy: Policy = DEFAULT_POLICY) -> list[Candidate]:
    """Every secret and personal-data span in ``text`` (already normalised), overlaps resolved.

    Each detector runs only when the RE2 pass over the text saw its cue words or shapes.
    """
    return _detect(text, hits_of(text), policy)


# Cue words and shapes that wake a detector in a text without digits.
_NO_DIGIT_GATE = PASSWORD_GATE | PACK_PASSWORD_GATE | SECRET_KEY_GATE | {AT_SIGN}

# Every gate `_detect` and `scan` test, as one bit each: `_GATES.of(hits)` reads a message's hits once.
_GATES: Final = GateMask(
    [
        NUMBER_WORDS_GATE,
        frozenset({DIGIT}),
        _NO_DIGIT_GATE,
        frozenset({IBAN_SHAPE}),
        frozenset({CARD_SHAPE}) | JOINED_SHAPE,
        IBAN_WORDS_GATE,
        DETAIL_GATE,
        ACCOUNT_GATE,
        ACCOUNT_WORDS_GATE,
        NATIONAL_ID_GATE,
        OTP_GATE,
        CODE_GATE,
        CODE_START_GATE,
        frozenset({PHONE_SHAPE}),
        PASSWORD_GATE,
        PIN_GATE,
        PACK_PASSWORD_GATE,
        PACK_PIN_GATE,
        SECRET_KEY_GATE,
        frozenset({AT_SIGN}),
        frozenset({ASCII_CONTROL}),
        CARD_GATE,
    ]
)
_NUMBER_WORDS: Final = 1 << 0
_DIGIT: Final = 1 << 1
_NO_DIGIT: Final = 1 << 2
_IBAN_SHAPE: Final = 1 << 3
_CARD_SHAPES: Final = 1 << 4
_IBAN_WORDS: Final = 1 << 5
_DETAILS: Final = 1 << 6
_ACCOUNT: Final = 1 << 7
_ACCOUNT_WORDS: Final = 1 << 8
_NATIONAL_ID: Final = 1 << 9
_OTP: Final = 1 << 10
_CODE: Final = 1 << 11
_CODE_START: Final = 1 << 12
_PHONE_SHAPE: Final = 1 << 13
_PASSWORD: Final = 1 << 14
_PIN: Final = 1 << 15
_PACK_PASSWORD: Final = 1 << 16
_PACK_PIN: Final = 1 << 17
_SECRET_KEY: Final = 1 << 18
_AT_SIGN: Final = 1 << 19
_ASCII_CONTROL: Final = 1 << 20
_CARD_WORDS: Final = 1 << 21


def _detect(text: str, hits: frozenset[int], policy: Policy, gates: int = -1) -> list[Candidate]:
    """`detect` for a text whose trigger ids ``hits`` are known (``gates``: `_GATES.of(hits)`, when
    the caller has it)."""
    if gates < 0:
        gates = _GATES.of(hits)
    if gates & _NUMBER_WORDS and (view := digit_view(text)) is not None:
        return _detect_with_view(text, hits, view, policy)
    signed_pin = bool(gates & _PACK_PIN) and not gates & _DIGIT and SIGNED_WORD.search(text) is not None
    if not gates & (_DIGIT | _NO_DIGIT) and not policy.custom_detectors and not signed_pin:
        return []  # most messages: no digit, no cue word (nothing to prepare, no detector to run)
    st = ScanText(text, hits)
    candidates: list[Candidate] = []
    if gates & _DIGIT:
        ibans = find_ibans(st) if gates & _IBAN_SHAPE else []
        cards = find_cards(st, ibans) if gates & _CARD_SHAPES else []
        claimed = cards + ibans
        candidates.extend(claimed)
        if gates & _IBAN_WORDS:
            candidates.extend(find_iban_starts(st, claimed))
        if cards or gates & _DETAILS:
            candidates.extend(find_card_details(st, cards))
        accounts = find_bank_accounts(st) if gates & _ACCOUNT else []
        candidates.extend(accounts)
        if accounts or gates & _ACCOUNT_WORDS:
            candidates.extend(find_pack_bank_accounts(st, claimed + accounts))
        if gates & _NATIONAL_ID:
            candidates.extend(find_national_ids(st, claimed))
        if gates & _OTP:
            candidates.extend(find_one_time_codes(st))
        if gates & _CODE:
            candidates.extend(find_disclosed_codes(st))
        if gates & _CODE_START:
            candidates.extend(find_code_starts(st))
        if gates & _PHONE_SHAPE:
            candidates.extend(find_phones(st, policy.phone_region, claimed))
    if gates & _PASSWORD or (gates & _DIGIT and gates & _PIN):
        candidates.extend(find_passwords(st))
    if gates & _PACK_PASSWORD or (gates & _DIGIT and gates & _PACK_PIN) or signed_pin:
        candidates.extend(find_disclosed_passwords(st))
    if gates & _SECRET_KEY:
        candidates.extend(find_secret_keys(st))
    if gates & _AT_SIGN:
        candidates.extend(find_emails(st))
    for detector in policy.custom_detectors:
        candidates.extend(detector.find(st.text))
    return resolve_overlaps(candidates) if len(candidates) > 1 else candidates


# What a number written in words may be found as (a phone number in words is no secret).
_SPELLED_TYPES = frozenset(PRIORITY) - {"EMAIL", "PHONE", "CUSTOM"}


def _detect_with_view(text: str, hits: frozenset[int], view: DigitView, policy: Policy) -> list[Candidate]:
    """`_detect` for a text with numbers in words: what is found in it, and what is found on those
    words in its digit view ("PIN: zwei acht vier eins" read as "PIN: 2841"), mapped back."""
    found = _detect(text, hits - NUMBER_WORDS_GATE, policy)
    for c in _detect(view.text, hits_of(view.text) - NUMBER_WORDS_GATE, policy):
        if c.type in _SPELLED_TYPES and view.touches(c.start, c.end):
            start, end = view.to_text(c.start, c.end)
            found.append(c._replace(start=start, end=end))
    return resolve_overlaps(found)


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the highest-priority candidate wherever spans overlap (longer first on ties).

    O(n log n): accepted spans are kept sorted and disjoint, so one bisection finds the only
    neighbours a new span could overlap.
    """
    if len(candidates) < 2:
        return candidates
    ordered = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    starts: list[int] = []
    kept: list[Candidate] = []
    for candidate in ordered:
        i = bisect_right(starts, candidate.start)
        if i > 0 and kept[i - 1].end > candidate.start:
            continue
        if i < len(kept) and kept[i].start < candidate.end:
            continue
        starts.insert(i, candidate.start)
        kept.insert(i, candidate)
    return kept


def _replacement(finding: Finding) -> str:
    return f"[removed: {finding.display}]"


def redact(text: str, findings: tuple[Finding, ...] | list[Finding]) -> str:
    """``text`` with every ``redact`` finding replaced by "[removed: <display>]"."""
    parts: list[str] = []
    last = 0
    for finding in sorted((f for f in findings if f.action == "redact"), key=lambda f: f.start):
        if finding.start < last:
            continue
        parts.append(text[last : finding.start])
        parts.append(_replacement(finding))
        last = finding.end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


MAX_CONTEXT_MESSAGES = 4
"""Earlier messages of the same author judged together with a new one (a secret or an ask split
over several messages); older ones are ignored."""
MAX_CONTEXT_CHARS = 2_000
"""Of each earlier message only its last characters count: a split secret sits at the seam."""


def _checked_context(context: object) -> tuple[str, ...]:
    """The usable tail of ``context`` (earlier texts, oldest first), or GuardInputError."""
    if isinstance(context, str) or not isinstance(context, (list, tuple)):
        raise GuardInputError("context must be a list of earlier texts (oldest first)")
    if not all(isinstance(item, str) for item in context):
        raise GuardInputError("context must hold only texts (str)")
    return tuple(item[-MAX_CONTEXT_CHARS:] for item in context[-MAX_CONTEXT_MESSAGES:] if item)


def _continued(
    candidates: list[Candidate], text: str, hits: frozenset[int], earlier: tuple[str, ...]
) -> list[Candidate]:
    """``candidates`` plus a secret this message finishes that the author's last one began (a
    password after "my password is", an ID number after its name, the rest of a code or an IBAN),
    also where this message writes its digits in words (``hits``: its trigger ids)."""
    previous = normalize(earlier[-1]).text
    found = _continuations(previous, text, earlier)
    if not hits.isdisjoint(NUMBER_WORDS_GATE) and (view := digit_view(text)) is not None:
        for c in _continuations(previous, view.text, earlier):
            if c.type in _SPELLED_TYPES and view.touches(c.start, c.end):
                start, end = view.to_text(c.start, c.end)
                found.append(c._replace(start=start, end=end))
    if not found:
        return candidates
    return resolve_overlaps([*candidates, *found])


def _continuations(previous: str, text: str, earlier: tuple[str, ...]) -> list[Candidate]:
    """Secrets at the start of ``text`` that finish what ``previous``, the author's last message, began."""
    extra = password_continued(previous, text)
    found = [extra] if extra is not None else []
    if len(text) <= _REPLY_CHARS and any(password_topic(item) for item in earlier[-2:]):
        found.extend(passwords_in_reply(text))
    found.extend(continued_national_ids(previous, text))
    found.extend(id_continued(previous, text))
    found.extend(continued_code(previous, text))
    found.extend(continued_after_name(previous, text))
    found.extend(continued_iban(previous, text))
    found.extend(card_continued(previous, text))
    return found


_TRAILING = " \t\r\n.,;:!?…-–)"
_SIGNS_AT_END = re.compile(r"[^\w]+$")
"""What may follow the first part of a card number at the end of a message."""
_REPLY_CHARS = 200
"""A password-shaped word is taken for the password only in a short reply to talk about one."""


def wants_context(text: str, direction: str) -> bool:
    """Whether judging ``text`` may depend on its author's earlier messages, so callers fetch them
    only then: an agent's ask may start in the message before; a customer's card typed in chunks
    goes on with digits (or digit words)."""
    if direction == "outbound":
        return True
    if len(text) <= 64:
        return True  # a password alone, or the rest of a number
    hits = hits_of(text)
    return DIGIT in hits or not hits.isdisjoint(NUMBER_WORDS_GATE)  # a card's next digits, or in words


def _normalized_context(earlier: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalize(item).text for item in earlier)


def scan(
    text: object,  # checked below: a non-str gets GuardInputError, not a TypeError
    direction: Direction = "inbound",
    policy: Policy | None = None,
    brand: str | None = None,
    *,
    context: object = (),
    lang: str | None = None,
) -> ScanResult:
    """Scan one message and return findings, the text safe to store, and for outbound asks a block.

    ``direction`` is "inbound" (from a customer) or "outbound" (from an agent or the bot).
    ``brand`` is the retailer's name used in the customer notice and block reasons.
    ``context``: the same author's earlier messages in the conversation, oldest first, as stored
    (already guarded), so that a secret or an ask split over messages is judged whole.
    ``lang``: the language to write the notice and reasons in (the conversation's or the page's);
    without a supported one, the language identified from the text, only when words are written
    (the customer notice: when first read). Every language's patterns run regardless.
    Raises `TextTooLarge` above `MAX_TEXT_CHARS`, `GuardInputError` for a non-str text, an
    unknown direction or a malformed context.
    """
    if not isinstance(text, str):
        raise GuardInputError(f"text must be a str, not {type(text).__name__}")
    if direction not in DIRECTIONS:
        raise GuardInputError(f"direction must be 'inbound' or 'outbound', not {direction!r}")
    if len(text) > MAX_TEXT_CHARS:
        raise TextTooLarge(len(text), MAX_TEXT_CHARS)
    earlier = _checked_context(context) if context else ()
    policy = policy or DEFAULT_POLICY
    if not text:
        return ScanResult((), text, False, (), None, direction, lang)
    # An ASCII text without control characters is its own normal form: the trigger pass over it
    # says so, and its result then serves the detectors (one pass, no character-by-character check).
    found = hits_of(text) if text.isascii() else None
    gates = _GATES.of(found) if found is not None else 0
    if found is not None and not gates & _ASCII_CONTROL:
        normalized = _IDENTITY  # nothing to normalise: spans map to themselves
        candidates = _detect(text, found, policy, gates)
    else:
        normalized = normalize(text)
        found = hits_of(normalized.text)
        gates = _GATES.of(found)
        candidates = _detect(normalized.text, found, policy, gates)
    if direction == "inbound":
        plain = text if normalized is _IDENTITY else normalized.text
        if earlier:
            candidates = _continued(candidates, plain, found, earlier)
        # Cheap tests first: most messages hold no digit or name no card (and neither did the
        # author's message before), or do not end with four digits not yet found as something.
        if gates & _DIGIT and (earlier or gates & _CARD_WORDS):
            ending = plain.rstrip(_TRAILING)
            if ending[-1:] and not ending[-1].isascii():
                ending = _SIGNS_AT_END.sub("", ending)  # an emoji after the digits
            if ending[-4:].isdigit() and not any(
                c.end == len(ending) and c.type != "PHONE" for c in candidates
            ):
                begun = card_begun(plain, earlier, candidates)
                if begun is not None:
                    candidates = resolve_overlaps([*candidates, begun])
        # An ID number's first part ends the message ("PESEL: 850412" … "38513").
        if gates & _DIGIT and gates & _NATIONAL_ID and plain.rstrip(_TRAILING)[-1:].isdigit():
            begun_id = id_begun(plain, candidates)
            if begun_id is not None:
                candidates = resolve_overlaps([*candidates, begun_id])
    if not candidates and direction == "inbound":
        return _tuple_new(ScanResult, ((), text, False, (), None, direction, lang))
    actions = policy.action_map
    identity = normalized.is_identity
    findings: list[Finding] = []
    pieces: list[str] = []  # the redacted text, built in the same pass (candidates are sorted, disjoint)
    notice_key: list[tuple[str, str]] = []
    last = 0
    for c in candidates:
        start, end = (c.start, c.end) if identity else normalized.to_original(c.start, c.end)
        action = actions.get(c.type) or policy.action_for(c.type)
        findings.append(_tuple_new(Finding, (c.type, start, end, action, c.display, None)))
        if action == "redact":
            pieces.append(text[last:start])
            pieces.append(f"[removed: {c.display}]")
            last = end
            notice_key.append((c.type, action))
        elif action == "warn":
            notice_key.append((c.type, action))
    if pieces:
        pieces.append(text[last:])
        redacted = "".join(pieces)
    else:
        redacted = text
    block_reasons: list[str] = []
    wording: PendingNotice | WrittenIn | None = None
    if direction == "outbound":
        words_lang: str | None = None  # the language of the reasons, chosen when the first is written
        for ask in find_asks(
            text if normalized is _IDENTITY else normalized.text, _normalized_context(earlier)
        ):
            action = policy.ask_action_for(ask.type)
            if action == "keep":
                continue
            start, end = normalized.to_original(ask.start, ask.end)
            words_lang = words_lang or language_for_words(redacted, earlier, lang)
            reason = block_reason(ask.type, ask.what, brand, words_lang)
            findings.append(Finding(ask.type, start, end, action, f"request for {ask.what}", reason))  # type: ignore[arg-type]
            if action == "block" and reason not in block_reasons:
                block_reasons.append(reason)
        findings.sort(key=lambda f: (f.start, f.end))
        if words_lang is not None:
            wording = WrittenIn(words_lang)
    elif notice_key:
        # Written when first read: most redactions are never shown as a notice (PendingNotice).
        wording = PendingNotice(tuple(notice_key), brand, policy.custom_label_items, redacted, earlier, lang)
    return _tuple_new(
        ScanResult,
        (tuple(findings), redacted, bool(block_reasons), tuple(block_reasons), wording, direction, lang),
    )
