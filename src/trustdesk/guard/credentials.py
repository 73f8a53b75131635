"""PASSWORD and ONE_TIME_CODE detection.

A password is the value after a cue that introduces one ("my password is ...", "pw: ...",
"pass = ...", "login bob / ...", "https://user:pass@host"). Talking *about* a password
("I forgot my password", "reset my password", "my password is not working") is not a finding:
the value must look like a credential, not like an English word describing one.

A one-time code is a 4-8 digit value after a verification cue ("verification code",
"OTP", "2FA", "the code you texted me") or a pasted SMS ("482913 is your Acme code").
"""

from __future__ import annotations

import re

from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.scantext import ScanText, triggers, word_start

# Words that follow "my password is" when people describe a password rather than reveal it.
_DESCRIPTIVE_WORDS = frozenset(
    """
    a an the my your our their his her its this that these those it there here what which who
    not no none nothing never always already still just only also even really definitely probably surely
    wrong incorrect correct right invalid valid expired expiring locked blocked reset changed same different
    too very so quite rather long short weak strong simple easy hard difficult complicated complex secure safe
    new old fine ok okay good bad saved stored missing lost forgotten gone compromised hacked stolen leaked
    required needed case sensitive empty blank set sent protected unknown unclear mine yours
    in on at for with from to of by about like over under through due because and or but if when
    below above attached included something anything everything same same-as required incorrectly
    working accepted rejected failing showing displayed shown hidden visible typed entered listed written
    being been having getting doing going asking
    """.split()
)
_MASKED = re.compile(r"^[*•xX#.\-_]+$")
_PLACEHOLDERS = frozenset(
    {"n/a", "na", "none", "null", "tbd", "unknown", "hidden", "redacted", "removed", "password", "pass"}
)

_VALUE = r"(?P<q>[\"'“‘«])?(?P<value>(?(q)[^\"'”’»\n]{1,128}|[^\s\"'“”‘’«»<]{1,128}))"
_PW_HIT = re.compile(
    r"password|passwort|passwd|passcode|passphrase|pass|pwd|pw|pin|contrase[nñ]a|mot\s+de\s+passe|wachtwoord|senha"
)
_PW_AFTER = re.compile(
    r"(?P<pinword>\s*(?:code|number|no\.?|#))?"
    r"(?P<sep>\s*(?:[:=]|->|=>|is\s*:?|was|is\s+now|now\s+is|would\s+be|should\s+be|ist|es|est|is\s+set\s+to|"
    r"(?:has\s+been\s+)?(?:set|changed)\s+to)\s*)" + _VALUE,
    re.IGNORECASE,
)
_PW_BARE_AFTER = re.compile(r"\s+(?P<value>[^\s\"']{4,128})")
_LOGIN_HIT = re.compile(r"login|log-in|log\s+in|sign[- ]?in|credentials|creds|username|user\s?name|user\s?id")
_LOGIN_AFTER = re.compile(
    r"(?:\s*/\s*pass(?:word)?|\s+and\s+pass(?:word)?)?(?:\s+details)?\s*(?:is|are|[:=\-])?\s*"
    r"(?P<user>[^\s/|,:]{2,64}?)\s*(?:/|\||:|,|\s+and\s+|\s+(?:pw|pwd|pass|password)\s*[:=]?)\s*" + _VALUE,
    re.IGNORECASE,
)
_URL_CREDENTIALS = re.compile(
    r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,15}://[^\s:/@]{1,64}:(?P<value>[^\s@/]{1,128})@[A-Za-z0-9]"
)
_URL_TRIGGER = triggers("://")
_LOGIN_CONTEXT = re.compile(r"user(?:name)?|login|log\s?in|e-?mail|@|account|sign\s?in")
_PW_TRIGGERS = triggers("pass", "pw", "contrase", "wachtwoord", "senha")
# A PIN is digits: "pin" alone (frequent in banking questions) wakes the detector only next to one.
_PIN_TRIGGERS = triggers("pin")
_LOGIN_TRIGGERS = triggers(
    "login", "log in", "log-in", "sign in", "sign-in", "signin", "credential", "creds", "user"
)


def _looks_secret(value: str) -> bool:
    """True for a value that looks like a credential rather than an ordinary word."""
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    has_symbol = any(not c.isalnum() for c in value)
    mixed_case = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return (has_digit and has_alpha) or (has_symbol and (has_digit or has_alpha)) or mixed_case


# Markup, links and prices are what follows "Login:" or "User" in web pages and e-mails, not passwords.
_NOT_A_CREDENTIAL = re.compile(r"[<>\"]|^(?://|https?:|www\.)|^[$€£¥]|^\d{1,3}(?:[.,]\d+)+$", re.IGNORECASE)


def _pack_descriptive_words() -> frozenset[str]:
    """Every pack's words that describe a password without revealing it ("falsch", "incorrecta")."""
    from trustdesk.guard.cues import fold
    from trustdesk.guard.packs import load_section

    return frozenset(
        fold(word.lower())
        for table in load_section("pack.toml").values()
        for word in table.get("disclosures", {}).get("descriptive", [])
    )


_PACK_DESCRIPTIVE = _pack_descriptive_words()


def _plausible_value(value: str, strong_separator: bool, quoted: bool) -> bool:
    """Decide whether the text after a password cue is the password itself."""
    if len(value) < 3 or _MASKED.match(value) or _NOT_A_CREDENTIAL.search(value):
        return False
    lowered = value.lower()
    if lowered in _PLACEHOLDERS:
        return False
    if quoted:
        return True
    if _looks_secret(value):
        return True
    if value.isdigit():
        return len(value) >= 4
    if lowered in _DESCRIPTIVE_WORDS or lowered.rstrip("?!") in _DESCRIPTIVE_WORDS:
        return False
    if value.isalpha() and value.islower() and lowered.endswith(("ed", "ing", "ly")) and not strong_separator:
        return False
    if not strong_separator and (
        value.isalpha() and not value.isascii() or _folded(lowered) in _PACK_DESCRIPTIVE
    ):
        return False  # a word of another language after "ist"/"es"/"est": describes, never reveals
    return strong_separator or (value.isalpha() and len(value) >= 6)


def _folded(word: str) -> str:
    from trustdesk.guard.cues import fold

    return fold(word)


def _trim(value: str, start: int) -> tuple[str, int, int]:
    """Drop sentence punctuation that trails a bare value ("... is hunter2." -> "hunter2")."""
    end = start + len(value)
    while len(value) > 1 and value[-1] in ".,;:)]}>":
        value = value[:-1]
        end -= 1
    return value, start, end


def _password(s: int, e: int, display: str = "password") -> Candidate:
    return Candidate("PASSWORD", s, e, display, PRIORITY["PASSWORD"])


def find_passwords(st: ScanText) -> list[Candidate]:
    """Passwords, passcodes and PINs revealed after a cue."""
    found: list[Candidate] = []
    text, lower = st.text, st.lower
    if st.has_any(_PW_TRIGGERS) or (st.has_any(_PIN_TRIGGERS) and st.has_digit):
        for hit in _PW_HIT.finditer(lower):
            if not word_start(lower, hit.start()) or (hit.end() < len(lower) and lower[hit.end()].isalpha()):
                continue
            cue = hit.group()
            m = _PW_AFTER.match(text, hit.end())
            if m is None:
                bare = _PW_BARE_AFTER.match(text, hit.end())
                if bare and cue in ("password", "pwd", "pw", "pass"):
                    value, s, e = _trim(bare.group("value"), bare.start("value"))
                    if _looks_secret(value) and _LOGIN_CONTEXT.search(
                        lower, max(0, hit.start() - 60), hit.start()
                    ):
                        found.append(_password(s, e))
                continue
            if m.group("pinword") and cue != "pin":
                continue
            sep = m.group("sep").lower()
            strong = ":" in sep or "=" in sep or ">" in sep or " to" in sep
            quoted = bool(m.group("q"))
            if quoted:
                value, s, e = m.group("value"), m.start("value"), m.end("value")
            else:
                value, s, e = _trim(m.group("value"), m.start("value"))
            if cue == "pin":
                if value.isdigit() and 4 <= len(value) <= 8:
                    found.append(_password(s, e, "PIN"))
                continue
            if cue in ("pass", "pw", "pwd") and not strong and not _looks_secret(value):
                continue  # "the pass is valid", "pw is fine"
            if _plausible_value(value, strong, quoted):
                found.append(_password(s, e))
    if st.has_any(_LOGIN_TRIGGERS):
        for hit in _LOGIN_HIT.finditer(lower):
            if not word_start(lower, hit.start()) or (
                hit.end() < len(lower) and (lower[hit.end()].isalnum() or lower[hit.end()] == "_")
            ):
                continue  # "login_fix", "logins"
            m = _LOGIN_AFTER.match(text, hit.end())
            if m is None:
                continue
            user = m.group("user")
            if _NOT_A_CREDENTIAL.search(user) or user.startswith("_"):
                continue
            value, s, e = _trim(m.group("value"), m.start("value"))
            if ("@" in user or _looks_secret(value) or bool(m.group("q"))) and _plausible_value(
                value, True, False
            ):
                found.append(_password(s, e))
    if st.has_any(_URL_TRIGGER) and "@" in text:
        for m in _URL_CREDENTIALS.finditer(text):
            s, e = m.span("value")
            found.append(_password(s, e))
    return found


_CODE_VALUE = re.compile(
    r"(?P<filler>[^\d\n.!?]{0,40}?)(?<![\d\-])(?P<value>\d{3}[ \-]\d{3}|\d{4,8}|g-\d{6})(?![\d]|[\-/.]\d)"
)
_OTP_HIT = re.compile(
    r"code|otp|2fa|mfa|passcode|verification|tan|mtan|one[- ]?time\s+(?:pass(?:word|code)?|pin|token)"
)
# Words right before "code" that make it a one-time code ("verification code", "the code we texted").
_OTP_QUALIFIER = re.compile(
    r"(?:one[- ]?time|verification|verify|authentication|auth|authenticator|login|log-?in|sign[- ]?in|signin|access|sms|"
    r"text|texted|security|2fa|mfa|two[- ]?factor|2[- ]?step|two[- ]?step|confirmation|magic|reset|6[- ]?digit|six[- ]?digit|"
    r"8[- ]?digit|eight[- ]?digit|4[- ]?digit|four[- ]?digit|otp|pass)\s*$"
)
_NOT_A_CODE_QUALIFIER = re.compile(
    r"(?:discount|promo|promotional|coupon|voucher|gift|referral|zip|postal|post|area|country|product|item|error|status|"
    r"tracking|order|reference|booking|invite|invitation|dial(?:ing)?|tax|sort|bank|swift|bic|routing|iata|hs|qr|source|"
    r"colou?r|style|size|sku|reason|return|response|http|dress|receipt|store|branch)\s*$"
)
_NOT_A_CODE = re.compile(
    r"order|tracking|track|invoice|\bref|reference|booking|ticket|case|account|phone|number|zip|postal|post|"
    r"discount|promo|coupon|voucher|gift|referral|error|status|product|item|sku|country|area|dial|receipt|"
    r"store|branch|#"
)
# A pasted SMS: "482913 is your Acme code", "Your Acme code is 482913", "Use 482913 to sign in".
# Each form is found from its literal words (fast to search for), then read around them.
_SMS_VALUE_BEFORE = re.compile(r"(?<![\d\-])(?P<value>\d{4,8}|\d{3}[ \-]\d{3}|g-\d{6})\s+$")
_SMS_IS_YOUR = re.compile(r"is\s+your\s+(?:[\w\-]+\s+){0,4}(?:code|otp|pin|passcode|password)")
_SMS_YOUR_CODE_IS = re.compile(
    r"(?:code|otp|passcode)\s+is:?\s+(?<![\d\-])(?P<value>\d{4,8}|\d{3}[ \-]\d{3}|g-\d{6})(?!\d)"
)
_SMS_USE = re.compile(
    r"use\s+(?P<value>\d{4,8})(?!\d)\s+to\s+(?:verify|sign\s+in|log\s*in|confirm|complete|reset|access)"
)
_OTP_TRIGGERS = triggers(
    "code", "otp", "2fa", "mfa", "verification", "one-time", "one time", "onetime"
) | triggers("tan")
_SMS_TRIGGERS = triggers("is your", "code is", "otp is", "passcode is", "use ")


OTP_GATE = _OTP_TRIGGERS | _SMS_TRIGGERS
PASSWORD_GATE = _PW_TRIGGERS | _LOGIN_TRIGGERS | _URL_TRIGGER
PIN_GATE = _PIN_TRIGGERS  # only together with a digit: "PIN" alone is common in banking questions


# "seit 2019", "desde 2022", "in 2023": a year right after one of these words is a date, not a code or PIN.
YEAR_BEFORE = re.compile(
    r"\b(?:since|from|in|seit|im|desde|en|em|depuis|dal|dall|nel|sinds|od|w|year|jahr|ano|anno|jaar|rok)\s+$"
)


def is_named_year(text: str, value: str, start: int) -> bool:
    """True when ``value`` at ``start`` is a year after a year word ("2FA seit 2023")."""
    return (
        len(value) == 4
        and value[:2] in ("19", "20")
        and bool(YEAR_BEFORE.search(text, max(0, start - 12), start))
    )


def past_years(pattern: re.Pattern[str], text: str, m: re.Match[str] | None) -> re.Match[str] | None:
    """``m``, a code-shaped value after a cue, or the value after it when ``m`` is a year named as one:
    "2FA since 2019 ... the code 551234", "código de verificación desde 2022 es 482913" (the year is no
    code; the number after it is). ``pattern`` matches a filler then a value, as ``m`` did."""
    for _ in range(3):
        if m is None or not is_named_year(text, m.group("value"), m.start("value")):
            return m
        m = pattern.match(text, m.end("value"))
    return None


def _code(s: int, e: int) -> Candidate:
    return Candidate("ONE_TIME_CODE", s, e, "one-time code", PRIORITY["ONE_TIME_CODE"])


def find_one_time_codes(st: ScanText) -> list[Candidate]:
    """One-time codes (OTP / 2FA / verification codes) in context."""
    found: list[Candidate] = []
    if not st.has_digit:
        return found
    lower = st.lower
    if st.has_any(_OTP_TRIGGERS):
        for hit in _OTP_HIT.finditer(lower):
            if not word_start(lower, hit.start()) or (hit.end() < len(lower) and lower[hit.end()].isalpha()):
                continue
            m = past_years(_CODE_VALUE, lower, _CODE_VALUE.match(lower, hit.end()))
            if m is None or _NOT_A_CODE.search(lower, hit.end(), m.start("value")):
                continue
            digits = m.group("value").replace(" ", "").replace("-", "")
            cue = hit.group()
            if cue == "code":
                before = lower[max(0, hit.start() - 30) : hit.start()]
                if _NOT_A_CODE_QUALIFIER.search(before):
                    continue
                qualifier = _OTP_QUALIFIER.search(before)
                if qualifier is None:
                    if len(digits) != 6 or m.start("value") - hit.end() > 24:
                        continue  # a bare "code" needs the usual six digits, close by
                elif qualifier.group().startswith("security") and len(digits) < 5:
                    continue  # 3-4 digits after "security code" is a card security code
                elif qualifier.group().startswith("confirmation") and len(digits) < 6:
                    continue
            elif cue in ("tan", "mtan") and m.start("value") - hit.end() > 4:
                continue
            found.append(_code(*m.span("value")))
    if st.has_any(_SMS_TRIGGERS):
        found.extend(_pasted_sms_codes(lower))
    return found


def _pasted_sms_codes(lower: str) -> list[Candidate]:
    found: list[Candidate] = []
    for m in _SMS_IS_YOUR.finditer(lower):
        before = _SMS_VALUE_BEFORE.search(lower, max(0, m.start() - 16), m.start())
        if before:
            found.append(_code(*before.span("value")))
    for m in _SMS_YOUR_CODE_IS.finditer(lower):
        if "your" in lower[max(0, m.start() - 40) : m.start()]:
            found.append(_code(*m.span("value")))
    for m in _SMS_USE.finditer(lower):
        found.append(_code(*m.span("value")))
    return found
