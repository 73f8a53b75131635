"""PAYMENT_CARD, CARD_SECURITY_CODE and CARD_EXPIRY detection.

Why one module: security codes and expiry dates are found relative to the card numbers found here, with the same separators, windows and cues.

A card number is a run of 12-19 digits, possibly split by separators (spaces, dashes, dots,
stray punctuation, line breaks) that is Luhn-valid and falls in an issuer range with a length
that issuer uses. Runs glued to words, parts of UUIDs, numbers introduced as order/tracking
references and international phone numbers are not cards; a card word glued to the digits
("Karte4111…", "cb4360…") is no other token, and groups joined by one sign throughout
("4111+1111+1111+1111") are read too. Security codes and expiry dates are found after a cue
("cvv", "exp", "3 digits on the back", and every pack's words: `card_details`) or right after a
card number (a pack's cue may stand between: "…, gültig bis 11/26"). Cards typed in several
messages: `card_parts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trustdesk.guard import card_words
from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.card_details import find_pack_card_details, pack_cue_after
from trustdesk.guard.checksums import luhn_valid
from trustdesk.guard.cues import fold
from trustdesk.guard.scantext import ScanText, digits_in, pattern_triggers, triggers, word_start

# Candidates are named tuples built with tuple.__new__ (the generated __new__ is an extra Python call).
_new = tuple.__new__
_CARD_PRIORITY = PRIORITY["PAYMENT_CARD"]

_GROUP = re.compile(r"\d+")
_ISSUER_LEADS = frozenset("23456")

MIN_PAN, MAX_PAN = 12, 19
_LONGEST_PHONE = 15  # digits of an international number (E.164)

# 6703: Bancontact (Belgium), issued as Maestro.
_MAESTRO_PREFIXES = frozenset(
    {"5018", "5020", "5038", "5893", "6304", "6703", "6759", "6761", "6762", "6763"}
)
# Brazilian networks inside other networks' ranges.
_BRAZILIAN_PREFIXES = {"606282": "Hipercard", "636297": "Elo", "636368": "Elo", "627780": "Elo"}


def card_brand(digits: str) -> str | None:
    """The card network for a PAN's prefix and length, or None if no network issues it.

    Prefix ranges are compared as equal-length strings, which order like the numbers they spell.
    """
    n = len(digits)
    if n < MIN_PAN or n > MAX_PAN:
        return None
    lead = digits[0]
    if lead == "4":
        return "Visa" if n in (13, 16, 19) else None
    if lead == "5":
        if "51" <= digits[:2] <= "55":
            return "Mastercard" if n == 16 else None
        if "506699" <= digits[:6] <= "506778" or "509000" <= digits[:6] <= "509999":
            return "Elo" if n == 16 else None
        return "Maestro" if digits[:4] in _MAESTRO_PREFIXES else None
    if lead == "2":
        p4 = digits[:4]
        if "2221" <= p4 <= "2720":
            return "Mastercard" if n == 16 else None
        if "2200" <= p4 <= "2204":
            return "Mir" if n >= 16 else None
        return None
    if lead == "3":
        p2, p4 = digits[:2], digits[:4]
        if p2 == "34" or p2 == "37":
            return "American Express" if n == 15 else None
        if "3528" <= p4 <= "3589":
            return "JCB" if n >= 16 else None
        if "3000" <= p4 <= "3059" or p4 == "3095" or p2 in ("36", "38", "39"):
            return "Diners Club" if n >= 14 else None
        return None
    if lead == "6":
        p2, p4 = digits[:2], digits[:4]
        if digits[:6] in _BRAZILIAN_PREFIXES:
            return _BRAZILIAN_PREFIXES[digits[:6]] if n in (16, 19) else None
        if p4 == "6011" or "644" <= digits[:3] <= "649" or p2 == "65" or "622126" <= digits[:6] <= "622925":
            return "Discover" if n >= 16 else None
        if p2 == "62":
            return "UnionPay" if n >= 16 else None
        return "Maestro" if p4 in _MAESTRO_PREFIXES else None
    return None


def _issuer_prefix(head: str) -> bool:
    """True when ``head`` (the first digits of a candidate, up to 6 are read) can start a card of some network."""
    return (
        card_brand((head + "0" * MAX_PAN)[:16]) is not None
        or card_brand((head + "0" * MAX_PAN)[:15]) is not None
    )


def _may_start_card(chunk: str) -> bool:
    """True when some digit group of the run starts with a digit card networks use."""
    return any(c in _ISSUER_LEADS for c in chunk[:1]) or any(
        chunk[k + 1] in _ISSUER_LEADS for k in range(len(chunk) - 1) if not chunk[k].isdigit()
    )


def is_card_number(digits: str) -> bool:
    """True when a digit string is Luhn-valid and in an issuer range with a matching length."""
    return card_brand(digits) is not None and luhn_valid(digits)


# Layouts in which card numbers are printed and typed (group lengths).
# (4, 4, 4) is left out on purpose: inside a longer grid it would turn reference numbers into 12-digit "cards".
_STANDARD_LAYOUTS = frozenset(
    {(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 1), (4, 4, 4, 2), (4, 4, 4, 3)}
)

_POSITIVE_CUE = re.compile(
    r"card|visa|master|amex|american express|discover|jcb|diners|unionpay|maestro|credit|debit|"
    r"\bcc\b|\bpan\b|cvv|cvc|payment|pay with|paid with|charged"
)
# A number introduced as something else: "order 4111...", "tracking number: ...", "loyalty no. ...".
_INTRODUCED_AS_OTHER = re.compile(
    r"(?:order|tracking|track|invoice|ref|reference|shipment|parcel|package|awb|waybill|consignment|confirmation|"
    r"booking|ticket|case|claim|rma|receipt|member(?:ship)?|loyalty|rewards?|imei|serial|sku|isbn|"
    r"upc|ean|gtin|barcode|gift\s*card|voucher|policy|item|product|model|part|po)"
    r"(?:\s*(?:number|no\.?|num|nr\.?|#|id|code|ref))?\s*(?:is|was|:|#|=|-)?\s*(?:is\s*)?[:#]?\s*$"
)
# Words that may be glued to a card number without making it part of another token.
_GLUE_OK = (
    frozenset({"visa", "card", "cc", "pan", "mc", "amex", "no", "nr", "num", "number", "kk", "carte"})
    | card_words.GLUE_WORDS
)
_GLUE_SUFFIXES = tuple(w for w in _GLUE_OK if len(w) >= 4)
_HEX_TOKENS = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{16,})(?![0-9A-Za-z])"
)


_OTHER_NUMBER_WORDS = triggers(
    "order",
    "track",
    "invoice",
    "ref",
    "shipment",
    "parcel",
    "package",
    "awb",
    "waybill",
    "consignment",
    "confirmation",
    "booking",
    "ticket",
    "case",
    "claim",
    "rma",
    "receipt",
    "member",
    "loyalty",
    "reward",
    "imei",
    "serial",
    "sku",
    "isbn",
    "upc",
    "ean",
    "gtin",
    "barcode",
    "gift",
    "voucher",
    "policy",
    "item",
    "product",
    "model",
    "part",
    "po",
)


def _context_allows(st: ScanText, start: int, digits: int = MIN_PAN) -> bool:
    """False when the number is introduced as something else (order, tracking, ...) or is a phone number."""
    before = st.lower[max(0, start - 40) : start]
    if before.rstrip(" \t(").endswith("+") and digits <= _LONGEST_PHONE:
        return False  # "+44 ..." is a phone number
    if not st.has_any(_OTHER_NUMBER_WORDS):
        return True
    # The pattern starts with plain words (so the engine can skip between them quickly); the
    # word boundary in front is checked here.
    pos = 0
    while (m := _INTRODUCED_AS_OTHER.search(before, pos)) is not None:
        if m.start() == 0 or not before[m.start() - 1].isalpha():
            return False
        pos = m.start() + 1
    return True


_CARD_WORDS = triggers(
    "card",
    "visa",
    "master",
    "amex",
    "american express",
    "discover",
    "jcb",
    "diners",
    "unionpay",
    "maestro",
    "credit",
    "debit",
    "cc",
    "pan",
    "cvv",
    "cvc",
    "pay",
    "paid",
    "charged",
)


def has_card_context(st: ScanText, start: int, width: int = 40) -> bool:
    """True when a card cue ("card", "visa", "credit", ...) appears in the ``width`` characters before ``start``."""
    if not st.has_any(_CARD_WORDS):
        return False
    return _POSITIVE_CUE.search(st.lower, max(0, start - width), start) is not None


def _in_hex_token(text: str, start: int, end: int) -> bool:
    """True when the digits are part of a UUID or a long hexadecimal token (hashes, request ids)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if not (before.isalnum() or before == "-" or after.isalnum() or after == "-"):
        return False  # such a token would have to continue past the digits
    for m in _HEX_TOKENS.finditer(text, max(0, start - 40), min(len(text), end + 40)):
        if m.start() < end and start < m.end():
            if m.end() == end and fold(text[m.start() : start].lower()) in _GLUE_OK:
                continue  # "CB4242…", "cb4360…": a card word glued to the number, hex letters by chance
            return True
    return False


def _glued_word(text: str, start: int) -> str | None:
    """The letters glued to the left of ``start`` (e.g. "ABC" in "ABC1234"), or None if not glued."""
    i = start
    while i > 0 and text[i - 1].isalpha() and start - i < 12:
        i -= 1
    if i == start:
        return None
    return fold(text[i:start].lower())


# Digit groups joined by one sign used throughout ("4111+1111+1111+1111", "5105;1051;0510;5100",
# "4111 x 1111 x 1111 x 1111"): the separators of a digit run leave these signs out, since between
# other numbers they are arithmetic or lists.
# (The trigger is loose on purpose: a tighter one costs every message more in the trigger pass.)
JOINED_SHAPE = pattern_triggers(r"[0-9]{4} ?[+;=] ?[0-9]{4}|[0-9]{4} [x×*] [0-9]{4}", shape=True)
_JOINED = re.compile(
    r"(?<![\w+;])[2-6]\d{3,5}(?P<sep>\s?[+;=]\s?|\s[x×*]\s)\d{3,6}(?:(?P=sep)\d{1,6}){1,4}(?![\w+;=])"
)
_JOINED_SIGNS = str.maketrans("", "", " +;=x×*")


def _joined_cards(st: ScanText, found: list[Candidate], taken: list[Candidate]) -> None:
    for m in _JOINED.finditer(st.text):
        digits = m.group().translate(_JOINED_SIGNS)
        start, end = m.span()
        if any(c.start < end and start < c.end for c in [*taken, *found]):
            continue
        if is_card_number(digits):
            _accept(st, found, start, end, digits)


def _glue_ok(text: str, start: int) -> bool:
    """True when the letters glued to the number are a card word or end with one ("mycard4111…")."""
    word = _glued_word(text, start)
    return word is not None and (word in _GLUE_OK or any(word.endswith(w) for w in _GLUE_SUFFIXES))


def find_cards(st: ScanText, claimed: list[Candidate] | None = None) -> list[Candidate]:
    """Payment card numbers in the normalised text, each with its brand and last four.

    Runs inside a span ``claimed`` by a stronger finding (an IBAN) are skipped.
    """
    found: list[Candidate] = []
    if st.has_any(JOINED_SHAPE):
        _joined_cards(st, found, claimed or [])
    if not st.may_hold_card:
        return found
    text = st.text
    taken = claimed or []
    for run_start, run_end, run_digits in st.runs:
        if run_digits < MIN_PAN:
            continue
        chunk = text[run_start:run_end]
        if taken and any(c.start <= run_start and run_end <= c.end for c in taken):
            continue
        if run_digits <= _LONGEST_PHONE and text[max(0, run_start - 3) : run_start].rstrip(" (").endswith(
            "+"
        ):
            continue  # "+44 7253 298341" is a phone number (at most 15 digits: longer is none)
        glued_ok = run_start == 0 or not text[run_start - 1].isalpha() or _glue_ok(text, run_start)
        if run_digits == run_end - run_start:  # one contiguous group: the common case
            if glued_ok and run_digits <= MAX_PAN and is_card_number(chunk):
                _accept(st, found, run_start, run_end, chunk)
            continue
        whole_checked = glued_ok and run_digits <= MAX_PAN
        if whole_checked:  # the whole run may be the card: "4111 1111 1111 1111"
            digits = digits_in(chunk)
            if is_card_number(digits):
                _accept(st, found, run_start, run_end, digits)
                continue
        if not _may_start_card(chunk):
            continue  # no group of this run starts with an issuer prefix
        groups = [(m.start(), m.end()) for m in _GROUP.finditer(text, run_start, run_end)]
        if not glued_ok:
            groups = groups[1:]  # the first group belongs to a word such as "AB1234"
        if len(groups) == 0:
            continue
        for start, end, digits in _windows(st, groups, whole_checked and glued_ok):
            _accept(st, found, start, end, digits)
    return found


def _accept(st: ScanText, found: list[Candidate], start: int, end: int, digits: str) -> None:
    if _in_hex_token(st.text, start, end):
        return
    if not _context_allows(st, start, len(digits)) and not _details_follow(st, end):
        return
    brand = card_brand(digits)
    found.append(
        _new(Candidate, ("PAYMENT_CARD", start, end, f"{brand} ending {digits[-4:]}", _CARD_PRIORITY))
    )


def _windows(
    st: ScanText, groups: list[tuple[int, int]], whole_checked: bool
) -> Iterator[tuple[int, int, str]]:
    """Non-overlapping windows of whole digit groups that form a valid card number.

    ``whole_checked``: the caller already knows the run as a whole is not a card.
    """
    text = st.text
    n = len(groups)
    sizes = [e - s for s, e in groups]
    values = [text[s:e] for s, e in groups]
    total = sum(sizes)
    if total < MIN_PAN:
        return
    if total <= MAX_PAN and not whole_checked:
        whole = "".join(values)
        if is_card_number(whole):
            yield groups[0][0], groups[-1][1], whole
            return
    context: bool | None = None
    if 4 not in sizes and max(sizes) < MIN_PAN:
        context = has_card_context(st, groups[0][0])
        if not context:
            return  # no group can start a printed layout, and no cue allows a free one
    seps = [text[groups[k][1] : groups[k + 1][0]] for k in range(n - 1)]
    i = 0
    grid_start = 0  # a new grid may start right after an accepted card ("4242 ... 4242 5555 ... 4444")
    while i < n:
        first = sizes[i]
        hit: tuple[int, str] | None = None
        if values[i][0] not in _ISSUER_LEADS:
            pass  # no network issues numbers starting with 0, 1, 7, 8 or 9
        elif first >= MIN_PAN:
            if is_card_number(values[i]):
                hit = (i, values[i])
        elif first == 4 or i == 0:
            if i == 0 and first != 4 and context is None:
                context = has_card_context(st, groups[0][0])
            # Any layout at the start of a run that follows a card cue ("card: 4 2 4 2 ...");
            # elsewhere only the layouts cards are printed in, where a grid of groups starts.
            free = i == 0 and first != 4 and bool(context)
            grid_continues = grid_start < i < n - 1 and sizes[i - 1] == 4 and seps[i - 1] == seps[i]
            if (
                (first == 4 or free)
                and (free or not grid_continues)
                and _issuer_prefix("".join(values[i : i + 3]))
            ):
                hit = _window_from(sizes, values, seps, i, free, skip_last=i == 0 and total <= MAX_PAN)
        if hit is None:
            i += 1
            continue
        j, digits = hit
        yield groups[i][0], groups[j][1], digits
        i = grid_start = j + 1


def _window_from(
    sizes: list[int], values: list[str], seps: list[str], i: int, free: bool, skip_last: bool = False
) -> tuple[int, str] | None:
    """The last group index and digits of a valid card window starting at group ``i``, if any.

    ``skip_last``: the window spanning every group is the whole run, already checked.
    """
    length = 0
    last = len(sizes) - 1 if skip_last else -1
    for j in range(i, min(len(sizes), i + MAX_PAN)):
        if j == last:
            break
        length += sizes[j]
        if length > MAX_PAN:
            break
        if length < MIN_PAN:
            continue
        if not free and (tuple(sizes[i : j + 1]) not in _STANDARD_LAYOUTS or len(set(seps[i:j])) > 1):
            continue
        digits = "".join(values[i : j + 1])
        if is_card_number(digits):
            return j, digits
    return None


# --- security codes and expiry dates -------------------------------------------------------

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_EXPIRY_VALUE = (
    r"(?:(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?\d{2}(?![\d/.\-]\d)"
    r"|(?:0[1-9]|1[0-2])(?:20)?\d{2}(?!\d)"
    r"|" + _MONTHS + r"\.?\s?(?:20)?\d{2}(?!\d))"
)
# Words allowed between a cue and its value: "cvv is 123", "exp. date: 12/26", "code on it's 123".
_FILLER = (
    r"(?:[\s:=#\-.,(]{1,3}|\s+(?:is|was|are|of|date|it's|its|it\s+is|on|number|no\.?|code|value|would\s+be|"
    r"should\s+be)\s*[:=\-]?\s*){0,4}"
)

_CVV_HIT = re.compile(
    r"cvv2?|cvc2?|cvn|csc|cid|card\s+(?:security|verification)\s+(?:code|value|number)|security\s+(?:code|number)|"
    r"card\s+code|(?:3|4|three|four)[\s-]*digits?(?:\s+code)?\s+(?:on|at|from|in)\s+the\s+(?:back|front|reverse|signature)|"
    r"(?:code|number|digits)\s+on\s+the\s+back"
)
# The value must stand alone: "123", not the start of "078 05 1121" or "12/26".
_CVV_VALUE = re.compile(
    r"(?:\s+(?:of|on)\s+(?:the|my|your)\s+card)?" + _FILLER + r"(?P<value>\d{3,4})(?!\s?[\d/.\-]?\d)"
)
_EXPIRY_HIT = re.compile(
    r"exp(?:iry|iration|ires|ire|\.)?(?:\s+date)?|valid\s+(?:thru|through|until|till|to)|good\s+(?:thru|through)"
)
_EXPIRY_VALUE_AFTER = re.compile(_FILLER + r"(?P<value>" + _EXPIRY_VALUE + r")")
_STRONG_EXPIRY_CUE = re.compile(r"exp$|exp\.|date|valid|good")

# What may follow a card number directly: expiry and/or security code, with short cue words.
_TAIL_TOKEN = re.compile(
    r"[\s,;:|/\-.()=]*(?:(?P<cue>exp(?:iry|iration|ires|\.)?|valid|thru|through|until|good|date|cvv2?|cvc2?|csc|cid|"
    r"security|sec|code|and|&)(?![a-z])|(?P<exp>(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?\d{2}(?![\d/.\-]\d))|"
    r"(?P<num>\d{3,4})(?![\d/.\-]?\d))"
)
_CVV_TRIGGERS = triggers(
    "cv",
    "csc",
    "cid",
    "secur",
    "card code",
    "card verification",
    "digit",
    "on the back",
    "reverse",
    "signature",
)
_EXPIRY_TRIGGERS = triggers(
    "exp", "valid thru", "valid through", "valid until", "valid till", "valid to", "good thr"
)


def _word_end(lower: str, pos: int) -> bool:
    return pos >= len(lower) or not lower[pos].isalpha()


DETAIL_GATE = _CVV_TRIGGERS | _EXPIRY_TRIGGERS | card_words.DETAIL_WORDS_GATE


def find_card_details(st: ScanText, cards: list[Candidate]) -> list[Candidate]:
    """Security codes and expiry dates: after a cue, or right after a found card number."""
    found: list[Candidate] = []
    if not st.has_digit:
        return found
    lower = st.lower
    if st.has_any(_CVV_TRIGGERS):
        for hit in _CVV_HIT.finditer(lower):
            if not word_start(lower, hit.start()) or not _word_end(lower, hit.end()):
                continue
            if lower.endswith("social ", 0, hit.start()):
                continue  # "social security number" is not a card security code
            if (hit.start() and lower[hit.start() - 1] in "?&") or lower.startswith("=", hit.end()):
                continue  # "?cid=2051": a link's query parameter, not something a person typed
            m = _CVV_VALUE.match(lower, hit.end())
            if m is None or (m.start("value") > 0 and lower[m.start("value") - 1].isdigit()):
                continue
            s, e = m.span("value")
            found.append(
                Candidate("CARD_SECURITY_CODE", s, e, "card security code", PRIORITY["CARD_SECURITY_CODE"])
            )
    if st.has_any(_EXPIRY_TRIGGERS):
        for hit in _EXPIRY_HIT.finditer(lower):
            if not word_start(lower, hit.start()) or not _word_end(lower, hit.end()):
                continue
            if any(0 <= hit.start() - c.end < 48 for c in cards):
                continue  # right after a card: the tail below reads it
            m = _EXPIRY_VALUE_AFTER.match(lower, hit.end())
            if m is None:
                continue
            strong = _STRONG_EXPIRY_CUE.search(hit.group()) is not None
            if not strong and not _near_card(lower, hit.start(), cards):
                continue
            s, e = m.span("value")
            found.append(Candidate("CARD_EXPIRY", s, e, "card expiry date", PRIORITY["CARD_EXPIRY"]))
    for card in cards:
        found.extend(_tail(st, card.end))
    # The packs' cues: always when a cue of their own was seen; when only one the English rules
    # read too ("cvv", "exp"), only if those found nothing ("el CVV es 552").
    if st.has_any(card_words.OWN_DETAIL_GATE) or (not found and st.has_any(card_words.DETAIL_WORDS_GATE)):
        found.extend(find_pack_card_details(st, cards))
    return found


def _near_card(text: str, pos: int, cards: list[Candidate]) -> bool:
    if any(abs(c.end - pos) < 80 or abs(c.start - pos) < 80 for c in cards):
        return True
    return _POSITIVE_CUE.search(text, max(0, pos - 60), min(len(text), pos + 60)) is not None


# Emoji and other signs between a card number and its details ("💳 4000 … 📅 10/28 🔒 915").
_TAIL_SIGNS = re.compile(r"[\s,;:|/\-.()=]*[^\w€$£%\s,;:|/\-.()=]+")
_DETAIL_CUE_AFTER = re.compile(r"[\s,;:]*(?:cvv|cvc|csc|exp|valid)")


def _details_follow(st: ScanText, end: int) -> bool:
    """True when a security-code or expiry cue follows the number: "order 4111 … cvv 123" is a card."""
    return _DETAIL_CUE_AFTER.match(st.lower, end, end + 16) is not None or (
        st.has_any(card_words.DETAIL_WORDS_GATE) and pack_cue_after(st.folded, end) is not None
    )


def _tail(st: ScanText, pos: int) -> list[Candidate]:
    """Expiry date and security code typed right after a card number."""
    found: list[Candidate] = []
    lower = st.lower
    limit = pos + 48
    pack_cues = st.has_any(card_words.OWN_DETAIL_GATE)
    have_exp = have_cvv = False
    last_cue = ""
    while pos < limit and not (have_exp and have_cvv):
        m = _TAIL_TOKEN.match(lower, pos)
        if m is None or m.end() == pos:
            # Rarely needed, so tried only then: a pack's cue (its words were seen in the text) or
            # emoji between the parts (a character outside ASCII follows).
            cue = pack_cue_after(st.folded, pos) if pack_cues else None
            if cue is not None:
                pos, kind = cue
                last_cue = "sec" if kind in ("security", "back", "front") else "exp"
                continue
            signs = _TAIL_SIGNS.match(lower, pos, limit) if not lower.isascii() else None
            if signs is not None:
                pos = signs.end()
                continue
            break
        pos = m.end()
        if m.group("cue"):
            last_cue = m.group("cue")
        elif m.group("exp") and not have_exp:
            s, e = m.span("exp")
            found.append(Candidate("CARD_EXPIRY", s, e, "card expiry date", PRIORITY["CARD_EXPIRY"]))
            have_exp = True
        elif m.group("num"):
            s, e = m.span("num")
            value = m.group("num")
            cvv_cue = last_cue.startswith(("cvv", "cvc", "csc", "cid", "sec", "code"))
            if not have_exp and not cvv_cue and len(value) == 4 and 1 <= int(value[:2]) <= 12:
                found.append(Candidate("CARD_EXPIRY", s, e, "card expiry date", PRIORITY["CARD_EXPIRY"]))
                have_exp = True
            elif not have_cvv:
                found.append(
                    Candidate(
                        "CARD_SECURITY_CODE", s, e, "card security code", PRIORITY["CARD_SECURITY_CODE"]
                    )
                )
                have_cvv = True
            else:
                break
    return found
