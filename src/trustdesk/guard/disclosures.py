"""Passwords, PINs and one-time codes a customer reveals, introduced by any language pack's words.

English keeps its own tuned rules (`credentials`); this module reads the `[disclosures]` words of
every pack ("Mein Passwort ist …", "mot de passe : …", "la clave de mi cuenta es …", "moje hasło
to …", "el código que me llegó por SMS es 771045", "Kod BLIK: 482 913"):

- a password follows a password word, optionally a short complement ("de mi cuenta"), then a
  colon or a link word ("ist", "est", "é", "to"); after a mere link word it must look like a
  credential (letters with digits or signs, or mixed case), never a word that describes one
  ("falsch", "incorrecta", "expirou"); written right after the word it must look like one too;
- a PIN is 4-8 digits after a PIN word;
- a one-time code is 4-8 digits (also as 3-3, 2-2-2, 2-2-2-2) shortly after a code word: words
  that name one-time codes ("Bestätigungscode", "código de verificación", "BLIK") suffice; a plain
  "code" needs a qualifier near it ("SMS", "verificación") or six digits, and no word that makes it
  another kind of code ("Rabattcode", "code promo").

Cue words are matched in the accent-folded lower-case twin of the text (same length), so spans
map back exactly; each detector wakes only when the RE2 trigger pass saw one of its words.
"""

from __future__ import annotations

import re

from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.credentials import (
    _DESCRIPTIVE_WORDS,
    _NOT_A_CREDENTIAL,
    _looks_secret,
    _plausible_value,
    _trim,
    is_named_year,
    past_years,
)
from trustdesk.guard.cues import (
    CueGroups,
    CueSearch,
    cue_search,
    disclosure_words,
    fold,
    gate_triggers,
)
from trustdesk.guard.scantext import ScanText

_words = disclosure_words


def _pattern(key: str) -> CueSearch | None:
    return cue_search(_words(key))


_PASSWORD_WORDS = _pattern("password")
_CODE_WORDS = _pattern("code")
_STRONG_CODE_WORDS = _pattern("code_strong")
_QUALIFIERS = _pattern("code_qualifiers")
_NOT_CODE = _pattern("not_code")
_DESCRIPTIVE = frozenset(fold(w) for w in _words("descriptive"))

PASSWORD_GATE = gate_triggers(
    _words("password")
    + _words("anaphora")
    + _words("login_with")
    + _words("login_id")
    + _words("login_id_strong")
    + _words("login_trouble")
)
PIN_GATE = gate_triggers(_words("pin"))
# A sign inside a word ("Hund!Katze"): what a password after a PIN word holds when it holds no digit
# (the scanner wakes the PIN rules without a digit only for such a text).
SIGNED_WORD = re.compile(r"[^\W_][!#$%&*+=@^~][^\W_]")
"""A PIN word wakes the password detector only in a text with a digit: a PIN is digits, and "I
forgot my PIN" is common."""
CODE_GATE = gate_triggers(_words("code") + _words("code_strong"))

_LINKS = "|".join(
    re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(_words("links"), key=len, reverse=True)
)
# After the cue: up to four words of complement ("de mi cuenta"), then ":" / "=" or a link word.
# (Never across a line break: "password\ndebug1: next" in a pasted log names no password.)
_AFTER = re.compile(
    r"(?P<complement>(?:[ \t]+[^\W\d_][\w'’\-]*){0,4}?)"
    r"(?P<sep>[ \t]*(?:[:=]|->|=>)[ \t]*|[ \t]+(?:" + (_LINKS or r"(?!x)x") + r")(?:[ \t]*:)?[ \t]+)"
    r"(?P<q>[\"'“‘«„])?(?P<value>(?(q)[^\"'”’»“\n]{1,128}|[^\s\"'“”‘’«»<]{1,128}))"
)
_BARE = re.compile(r"[ \t]+(?P<value>[^\s\"'“”‘’«»<]{6,128})")
# After a PIN word: up to seven words of complement ("de autenticação do meu Cartão de Cidadão"),
# then ":" or a link word and up to two words that qualify it ("è sempre", "is nog steeds"). The
# digits may be read out in pairs or one by one ("73 04", "7 3 0 4").
_PIN_AFTER = re.compile(
    r"(?:(?:,?\s+[^\W\d_][\w'’\-]*){0,7}?(?:\s*[:=]\s*|,?\s+(?:"
    + (_LINKS or r"(?!x)x")
    + r")(?:\s*:)?(?:\s+[^\W\d_][\w'’\-]*){0,2}\s+)|\s*:?\s*|,\s+(?:le|la|el|il|o|a|het|de)\s+)"
    r"(?<![\d\-])(?P<value>\d{4,8}|\d{3} \d{3}|\d{2} \d{2}(?: \d{2})?|\d(?: \d){3,7})(?![\d]|[\-/.,]\d)"
)
# Further on in the sentence, with a link word before or after the digits: "my PIN every time and
# it's definitely 0819", "'pincode onjuist', maar ik weet zeker dat het 0418 is".
_PIN_LATER = re.compile(
    r"(?P<filler>[^\d\n.!?]{0,60}?)(?<![\d\-])(?P<value>\d{4,8})(?![\d]|[\-/.,]\d)(?P<after>\s+(?:"
    + (_LINKS or r"(?!x)x")
    + r")\b)?"
)
_LINK_WORD = re.compile(r"(?<!\w)(?:" + (_LINKS or r"(?!x)x") + r")(?!\w)")
# A customer who corrects themselves ("é 2468... não, espere, é 2486") reveals the second one too.
_CORRECTION_REACH = 40
# 4-8 digits, grouped any way a customer reads them out ("4 917 203", "71 04 93 82", "5 8 2 0 7 1"),
# or letters and digits in two dashed groups as some senders format them ("K4P-9QZ").
_CODE_SHAPE = (
    r"\d(?:[ \-]?\d){3,7}"
    r"|(?=[a-z\-]*\d)(?=[\d\-]*[a-z])(?<![\w\-])[a-z0-9]{3,4}-[a-z0-9]{3,4}(?![\w\-])"
)
_CODE_VALUE = re.compile(
    r"(?P<filler>(?:[^\d\n.!?]|\d+(?=[a-z]))(?:[^\d\n.!?]|\b\d+[a-z]\w*){0,39}?)"
    r"(?<![\d\-])(?P<value>" + _CODE_SHAPE + r")(?![\d]|[\-/.,]\d)"
)
# A pasted SMS has the code first: "730418 ist Ihr Bestätigungscode", "307 915 es tu código".
_CODE_BEFORE = re.compile(
    r"(?<![\d\-])(?P<value>"
    + _CODE_SHAPE
    + r")\s+(?:"
    + (_LINKS or r"(?!x)x")
    + r")\s+(?:[^\W\d_]+\s+){0,3}$"
)
# Another number named between the cue and the digits ("PIN for order no. 4471 …"); the Portuguese
# and Spanish "no" (in the) only counts right before a number.
_OTHER_NUMBER = re.compile(
    r"\bn[or]?\.|\bno(?=\s*\d)|\bnr\b|#|\bnummer\b|\bnumero\b|\bnumber\b|\bnumer\b|\bn[°º]"
)
_QUALIFIER_REACH = 40
_NOT_CODE_REACH = 30


def _password(start: int, end: int, display: str = "password") -> Candidate:
    return Candidate("PASSWORD", start, end, display, PRIORITY["PASSWORD"])


def _code(start: int, end: int) -> Candidate:
    return Candidate("ONE_TIME_CODE", start, end, "one-time code", PRIORITY["ONE_TIME_CODE"])


def _credential_like(value: str) -> bool:
    """A value that looks like a credential and is not a word describing one."""
    return len(value) >= 3 and _looks_secret(value) and fold(value.lower()) not in _DESCRIPTIVE


def _value_after(st: ScanText, end: int, strong_only: bool = False) -> Candidate | None:
    m = _AFTER.match(st.folded, end)
    if m is not None:
        strong = ":" in m.group("sep") or "=" in m.group("sep") or ">" in m.group("sep")
        if strong_only and not strong:
            return None
        if m.group("q"):
            start, stop = m.span("value")
            return _password(start, stop) if stop - start >= 3 else None
        value, start, stop = _trim(st.text[m.start("value") : m.end("value")], m.start("value"))
        if value.startswith("//"):
            return None  # the rest of a link: "verify your password now at hxxps://…"
        if value.isdigit():
            return _password(start, stop, "PIN") if 4 <= len(value) <= 8 else None
        plausible = _credential_like(value) or (
            strong and _plausible_value(value, True, False) and fold(value.lower()) not in _DESCRIPTIVE
        )
        return _password(start, stop) if plausible else None
    bare = _BARE.match(st.text, end)
    if bare is not None and not strong_only:
        value, start, stop = _trim(bare.group("value"), bare.start("value"))
        if _credential_like(value) and any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return _password(start, stop)
    return None


_PASSWORD_CUES = CueGroups(
    {
        "password": _words("password"),
        "anaphora": _words("anaphora"),
        "login_with": _words("login_with"),
        "pin": _words("pin"),
        "login_id": _words("login_id"),
        "login_id_strong": _words("login_id_strong"),
        "login_trouble": _words("login_trouble"),
    }
)
_BANKING = _pattern("banking")
# The ID an online bank knows a customer by: digits, maybe with letters, right after its name.
_LOGIN_ID_VALUE = re.compile(
    r"(?:\s*[:=]\s*|\s+(?:" + (_LINKS or r"(?!x)x") + r")\s+|\s+)"
    r"(?P<value>(?=(?:[a-z\-]*\d){4})[a-z0-9][a-z0-9\-]{3,19})(?![\w\-])"
)


# Signs a customer spells out inside a password read aloud ("Coquelicot tiret bas 2021",
# "Girasole trattino basso 77"): the words on both sides of one belong to the password.
_SPOKEN_SIGN = (
    "|".join(
        re.escape(fold(w)).replace(r"\ ", r"\s+")
        for w in sorted(_words("spoken_signs"), key=len, reverse=True)
    )
    or r"(?!x)x"
)
_SPOKEN_PART = re.compile(r"[ \t]+(?:" + _SPOKEN_SIGN + r")[ \t]+(?P<part>[^\s\"'“”‘’«»<,;]{1,64})")


def _spoken_password(st: ScanText, end: int) -> Candidate | None:
    """A password read aloud after a password word: a value, then a spelled-out sign and more."""
    m = _AFTER.match(st.folded, end)
    if m is None or m.group("q") or m.group("value")[-1] in ",.;:!?":
        return None
    if m.group("value") in _DESCRIPTIVE or m.group("value") in _DESCRIPTIVE_WORDS:
        return None  # "my password is wrong - dash it"
    stop = m.end("value")
    signs = 0
    while (part := _SPOKEN_PART.match(st.folded, stop)) is not None:
        stop = part.end("part")
        signs += 1
    if not signs:
        return None
    _, start, stop = _trim(st.text[m.start("value") : stop], m.start("value"))
    return _password(start, stop)


def find_disclosed_passwords(st: ScanText) -> list[Candidate]:
    """Passwords and PINs revealed after a pack's password or PIN word (one pass finds every cue)."""
    found: list[Candidate] = []
    folded = st.folded
    kinds: set[str] = set()
    for _, end, kind in _PASSWORD_CUES.find(folded):
        kinds.add(kind)
        if kind == "password":
            candidate = _spoken_password(st, end) or _value_after(st, end)
            if candidate is not None:
                found.append(candidate)
        elif kind == "anaphora":
            value, start, stop = _trim(*_next_token(st.text, end))
            if value and _credential_like(value) and any(c.isdigit() for c in value):
                found.append(_password(start, stop))
        elif kind in ("login_id", "login_id_strong"):
            banking = kind == "login_id_strong" or (_BANKING is not None and _BANKING.search(folded))
            login_id = _LOGIN_ID_VALUE.match(folded, end) if banking else None
            if login_id is not None:
                found.append(_password(*login_id.span("value"), "online-banking login"))
        elif kind == "login_with":
            value, start = _next_token(st.text, end)
            value, start, stop = _trim(value, start)
            if _password_shaped(value):
                found.append(_password(start, stop))
        elif kind == "pin" or st.has_digit:  # a PIN word
            shaped = _password_after_pin_word(st, end)
            if shaped is not None:
                found.append(shaped)  # "PIN ist Hund77!", "PIN: Hund!Katze": not a PIN, a password
                continue
            if not st.has_digit:
                continue
            pin = _PIN_AFTER.match(folded, end) or _pin_later(folded, end)
            if pin is not None and is_named_year(folded, pin.group("value"), pin.start("value")):
                # "PIN seit 2019": a date; the PIN may follow it ("PIN seit 2019 unverändert: 4821").
                after = pin.end("value")
                pin = _PIN_AFTER.match(folded, after) or _pin_later(folded, after)
                if pin is not None and is_named_year(folded, pin.group("value"), pin.start("value")):
                    continue
            if pin is None or _OTHER_NUMBER.search(folded, end, pin.start("value")):
                continue
            value = pin.group("value")
            glued = _glued_token(st.text, *pin.span("value"))
            if glued is not None:
                found.append(glued)  # the digits are part of a word ("… später Sonne2024x")
                continue
            found.append(_password(*pin.span("value"), "PIN"))
            if value.isdigit():
                found.extend(_corrections(folded, pin.end("value"), len(value)))
    # A password-shaped word holds a digit (`_password_shaped`): an ASCII text without one has none.
    if (
        (found or kinds & _TOPIC_KINDS)
        and len(st.text) <= _TOPIC_CHARS
        and (st.has_digit or not st.text.isascii())
    ):
        found.extend(_password_shaped_tokens(st.text, found))
    return found


# "4-digit", "6-stellig", "4-cyfrowy", "4chiffres": how long a PIN is, not what it is; and a number
# that starts a name ("3D-Secure", "2FA-geschützt"): one or two digits, then letters and hyphens only.
_PIN_LENGTH_WORD = re.compile(r"\d{1,2}[\-\s]?[^\W\d_]+(?:-[^\W\d_]+)*")
_DIGIT_GROUPS = re.compile(r"[\d\s\-./]+")


def _pin_or_password(value: str) -> bool:
    """True when ``value``, found where a PIN word expects digits, is a password instead: letters
    with digits ("Praia2021x", "abc123") or a sign inside ("Hund!Katze7"); never digits alone or
    in groups (a PIN), a word that describes one, a length ("4-digit") or a link or price."""
    core = value.rstrip("!?.…")
    if not core or _DIGIT_GROUPS.fullmatch(core) or _PIN_LENGTH_WORD.fullmatch(core):
        return False
    if fold(core.lower()) in _DESCRIPTIVE or _NOT_A_CREDENTIAL.search(core):
        return False
    has_letter = any(c.isalpha() for c in core)
    has_digit = any(c.isdigit() for c in core)
    signed = any(c in _STRONG_SIGNS for c in core)
    return len(core) >= 4 and ((has_letter and has_digit) or (signed and (has_letter or has_digit)))


def _password_after_pin_word(st: ScanText, end: int) -> Candidate | None:
    """The password a customer gives after a PIN word ("a senha do internet banking é Praia2021x",
    "PIN ist Hund77!", "code PIN : abc123"): a value after ":" or a link word that is not a PIN
    (see `_pin_or_password`). A value of digits is left to the PIN rules."""
    m = _AFTER.match(st.folded, end)
    if m is None:
        return None
    if m.group("q"):
        start, stop = m.span("value")
        value = st.text[start:stop]
    else:
        value, start, stop = _trim(st.text[m.start("value") : m.end("value")], m.start("value"))
    return _password(start, stop) if _pin_or_password(value) else None


_TOKEN_EDGE = frozenset(" \t\r\n\"'“”‘’«»„<>()[]")


def _glued_token(text: str, start: int, stop: int) -> Candidate | None:
    """The whole word around PIN-like digits found inside it ("Praia2021x"), as a password, when
    that word is one (see `_pin_or_password`); None for digits standing alone."""
    left, right = start, stop
    while left > 0 and text[left - 1] not in _TOKEN_EDGE:
        left -= 1
    while right < len(text) and text[right] not in _TOKEN_EDGE:
        right += 1
    if (left, right) == (start, stop):
        return None
    value, left, right = _trim(text[left:right], left)
    if (left, right) == (start, stop) or not _pin_or_password(value):
        return None
    return _password(left, right)


def _pin_later(folded: str, end: int) -> re.Match[str] | None:
    m = _PIN_LATER.match(folded, end)
    # The digits need a link word before or after them, or stand in apposition after a comma
    # ("PIN do karty mam od lat ten sam, 5093").
    if m is None or (
        m.group("after") is None
        and _LINK_WORD.search(m.group("filler")) is None
        and not m.group("filler").rstrip().endswith(",")
    ):
        return None
    if _NOT_CODE is not None and _NOT_CODE.search(m.group("filler")):
        return None  # "my PIN is blocked, my order 12345678"
    return m


def _corrections(folded: str, after: int, length: int) -> list[Candidate]:
    """Numbers of the PIN's length right after it: the customer correcting themselves."""
    window = folded[after : after + _CORRECTION_REACH]
    return [
        _password(after + m.start(), after + m.end(), "PIN")
        for m in re.finditer(r"(?<![\d\-/.,])\d{" + str(length) + r"}(?![\d]|[\-/.,]\d)", window)
    ]


# A message (or the one before) about a password, or about a sign-in that fails ("the app won't
# take Schwalbe_Nest2019 any more", "ho provato con … e non entra"): the customer typed what failed.
_TOPIC_KINDS = frozenset({"password", "anaphora", "login_with", "login_trouble"})
# A chat message or a short mail about a password; in a long text a password word and a word
# shaped like one are unrelated (logs, newsletters).
_TOPIC_CHARS = 400
_STRONG_SIGNS = frozenset("!#$%&*+=?@^~")
_TOKEN = re.compile(r"(?<![^\s(\[\"'“‘«„])[^\s\"'“”‘’«»„<>()\[\]]{6,64}")
_DOMAIN_END = re.compile(r"\.[a-z]{2,12}$")
_ANY_DIGIT = re.compile(r"\d")


def _password_shaped_tokens(text: str, found: list[Candidate]) -> list[Candidate]:
    """In a message about a password, every word shaped like one (letters, digits and a capital or
    a sign: "Bramble_Cottage9", "Hortensia!2020", "(Kastanje-2025)"), wherever it stands: customers
    put the word and the password far apart ("the password hasn't changed since 2019 – still …")."""
    taken = [(c.start, c.end) for c in found]
    shaped: list[Candidate] = []
    for m in _TOKEN.finditer(text):
        value, start, stop = _trim(m.group(), m.start())
        value = value.rstrip("!?") if value.endswith(("?", "!")) and not value[:-1].isalnum() else value
        stop = start + len(value)
        if any(start < e and s < stop for s, e in taken) or not _password_shaped(value):
            continue
        letters = [c for c in value if c.isalpha()]
        mixed_case = any(c.isupper() for c in letters) and any(c.islower() for c in letters)
        if not (mixed_case or any(c in _STRONG_SIGNS for c in value)) or any(c in ":/\\" for c in value):
            continue  # "10-year", "ssh-userauth2", order references in capitals, paths and links
        if ("@" in value and "." in value.split("@")[-1]) or _DOMAIN_END.search(value.lower()):
            continue  # e-mail addresses and domains
        shaped.append(_password(start, stop))
    return shaped


def password_topic(text: str) -> bool:
    """True when ``text`` (an earlier message) talks about a password: the next one may reveal it."""
    folded = fold(text.lower())
    return any(kind in _TOPIC_KINDS for _, _, kind in _PASSWORD_CUES.find(folded))


def passwords_in_reply(text: str) -> list[Candidate]:
    """Password-shaped words in a message whose author spoke of a password just before
    ("wacht, ik zoek mijn wachtwoord op" … "gevonden" … "Hyacint#Dordt31 is het")."""
    if text.isascii() and not _ANY_DIGIT.search(text):
        return []  # a password-shaped word holds a digit (`_password_shaped`)
    return _password_shaped_tokens(text, [])


def _password_shaped(value: str) -> bool:
    """Letters with digits and a sign or a capital inside: how passwords look, not words or numbers."""
    letters = sum(c.isalpha() for c in value)
    digits = sum(c.isdigit() for c in value)
    signs = sum(not c.isalnum() for c in value)
    inner_capital = any(c.isupper() for c in value[1:])
    return (
        len(value) >= 6
        and letters >= 3
        and digits >= 1
        and (signs >= 1 or inner_capital or value[0].isupper())
    )


def _next_token(text: str, end: int) -> tuple[str, int]:
    m = re.compile(r"\s*:?\s*(?P<value>[^\s\"'“”‘’«»<]{1,128})").match(text, end)
    return (m.group("value"), m.start("value")) if m else ("", end)


def find_disclosed_codes(st: ScanText) -> list[Candidate]:
    """One-time codes after a pack's code word."""
    found: list[Candidate] = []
    if not st.has_digit:
        return found
    folded = st.folded
    for pattern, strong in ((_STRONG_CODE_WORDS, True), (_CODE_WORDS, False)):
        if pattern is None:
            continue
        for m_start, m_end in pattern.spans(folded):
            value = past_years(_CODE_VALUE, folded, _CODE_VALUE.match(folded, m_end))
            if value is None or _OTHER_NUMBER.search(folded, m_end, value.start("value")):
                continue
            before = folded[max(0, m_start - _NOT_CODE_REACH) : m_start]
            around = folded[m_start : min(len(folded), m_end + _NOT_CODE_REACH)]
            if _NOT_CODE is not None and (_NOT_CODE.search(before[-15:]) or _NOT_CODE.search(around)):
                continue
            if not strong:
                digits = sum(c.isdigit() for c in value.group("value"))
                window = folded[max(0, m_start - _QUALIFIER_REACH) : min(len(folded), value.end() + 10)]
                qualified = _QUALIFIERS is not None and _QUALIFIERS.search(window)
                if not qualified and (digits != 6 or value.start("value") - m_end > 24):
                    continue
            found.append(_code(*value.span("value")))
    if _STRONG_CODE_WORDS is not None or _CODE_WORDS is not None:
        for pattern in (_STRONG_CODE_WORDS, _CODE_WORDS):
            if pattern is None:
                continue
            for m_start, _m_end in pattern.spans(folded):
                pasted = _CODE_BEFORE.search(folded, max(0, m_start - 40), m_start)
                if pasted is not None:
                    found.append(_code(*pasted.span("value")))
    return found


def _ends_with_password_word(folded: str) -> bool:
    """True when a message stops right after a password word ("Mein Passwort ist", "haslo:")."""
    if _PASSWORD_WORDS is None:
        return False
    tail = folded[-80:]
    for _, m_end in _PASSWORD_WORDS.spans(tail):
        rest = tail[m_end:]
        if _TRAILING_LINK.fullmatch(rest):
            return True
    return False


# Words after the password word only when a colon or a link word ends them ("Passwort für den
# Shop:", "mot de passe est"): "I forgot my password and can't log in" asks for help, not a value.
_TRAILING_LINK = re.compile(
    r"(?:(?:\s+[^\W\d_][\w'’\-]*){0,4}?(?:\s*[:=]|\s+(?:" + (_LINKS or r"(?!x)x") + r")))?\s*[:\-–…]*\s*"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)


def password_continued(previous: str, text: str) -> Candidate | None:
    """The password a customer types at the start of ``text`` after a message that stopped right
    after a password word ("Mein Passwort ist" … "Sommer2024!"); spans are in ``text``."""
    if not _ends_with_password_word(fold(previous.lower())):
        return None
    m = re.compile(r"\s*(?P<value>[^\s\"'“”‘’«»<]{3,128})").match(text)
    if m is None:
        return None
    value, start, stop = _trim(m.group("value"), m.start("value"))
    if _EMAIL.fullmatch(value):
        return None  # the account's address, given where the reset link should go
    if _credential_like(value) or _password_shaped(value) or (value.isdigit() and 4 <= len(value) <= 8):
        return _password(start, stop, "PIN" if value.isdigit() else "password")
    return None
