"""Outbound ask detection: an agent or bot message that requests a secret.

A clause is an ask when it names something secret (password, full card number, CVV,
expiry date, one-time code, online-banking login, remote-access software) together with a
request ("please send", "can you tell me", "what's your ...?", "install ..."), and is not
negated ("we will never ask for ..."), conditional ("if someone asks for ...") or pointed at an
official channel ("enter it on the checkout page"). Asking for the last four digits, an order
number or an e-mail address is fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trustdesk.guard.findings import FindingType

_CLAUSE_END = re.compile(r"[.!?;]+(?=\s|$)|[;\n]+|,\s+but\s+|\s+but\s+|\s+-\s+")

_BANKING = re.compile(
    r"\b(?:(?:online|internet|mobile|net|e)[- ]?banking|bank(?:ing)?\s+(?:app\s+)?(?:login|log-?in|username|user\s?id|"
    r"password|pass\s?code|credentials|details|pin|sign[- ]?in)|log\s?in\s+(?:to|into)\s+your\s+bank|banking\s+app)\b"
)
_REMOTE = re.compile(
    r"\b(?P<tool>any\s?desk|team\s?viewer|ultra\s?viewer|quick\s?support|log\s?me\s?in(?:\s+rescue)?|splashtop|rust\s?desk|"
    r"screen\s?connect|connectwise|zoho\s+assist|supremo|aweray|air\s?droid|ammyy|remote\s?pc|remote\s+utilities|"
    r"getscreen|chrome\s+remote\s+desktop|\bvnc\b|remote\s+(?:access|desktop|support|control)(?:\s+(?:app|tool|software|program))?|"
    r"screen[- ]?sharing\s+(?:app|tool|software|program)|remote(?:ly)?\s+(?:into|connect)|connect\s+to\s+your\s+(?:pc|computer|laptop|device|phone)\s+remotely|"
    r"take\s+(?:over|control)(?:\s+of)?\s+(?:your\s+)?(?:computer|pc|laptop|device|phone|screen|mouse)|"
    r"access\s+(?:to\s+)?your\s+(?:computer|pc|laptop|device|phone|screen|desktop))\b"
)
_OTP = re.compile(
    r"\b(?:(?:one[- ]?time|verification|verify|2fa|two[- ]?factor|2[- ]?step(?:\s+verification)?|authentication|auth|authenticator|login|"
    r"log-?in|sign[- ]?in|sms|text|security|confirmation|access|6[- ]?digit|six[- ]?digit|4[- ]?digit|8[- ]?digit)\s+"
    r"(?:code|pin|pass\s?code|number)|otp|one[- ]time\s+pass(?:word|code)|"
    r"code\s+(?:that\s+)?(?:we|i)(?:'ve)?\s+(?:just\s+)?(?:sent|texted|emailed|messaged)|"
    r"code\s+(?:that\s+)?(?:you|u)(?:'ve)?\s+(?:just\s+)?(?:received|got|get)|code\s+(?:that\s+)?(?:just\s+)?came|"
    r"code\s+(?:from|in)\s+(?:the|your|that)\s+(?:text|sms|message|e-?mail|app|authenticator|phone|google)|"
    r"code\s+(?:from|on)\s+(?:google|microsoft)\s+authenticator|code\s+on\s+your\s+screen|"
    r"(?:digits|numbers|code)\s+(?:in|from)\s+the\s+(?:text|sms|message)|(?:text|sms|e-?mail)\s+with\s+(?:a|the)\s+code|"
    r"(?:sent|texted|emailed)\s+(?:you\s+)?a\s+code|what\s+code|(?:the|that|this)\s+code\b)"
)
_CVV = re.compile(
    r"\b(?:cvv2?|cvc2?|cvn|csc|(?:card\s+)?security\s+code|card(?:'s)?\s+security\s+code|card\s+verification\s+(?:code|value|number)|"
    r"(?:3|three|4|four)[- ]?digit\s+(?:security\s+)?code|(?:digits?|numbers?|code)\s+on\s+the\s+(?:back|signature\s+strip|reverse)"
    r"(?!\s+of\s+(?:the|your|ur)\s+(?!card)\w)|"
    r"signature\s+strip)\b"
)
_EXPIRY = re.compile(
    r"\b(?:expiry|expiration|exp\.?)\s+date\b|\bwhen\s+your\s+card\s+expires\b|\bvalid\s+(?:thru|through)\b"
)
_CARD = re.compile(
    r"\b(?:card(?:'s)?\s+(?:number|no\b\.?|num\b|details|info(?:rmation)?|digits)|(?:credit|debit|visa|mastercard|amex)\s+card\s+"
    r"(?:number|no\b|details|info(?:rmation)?)|(?:mastercard|visa|amex)\s+details|(?:number|numbers|digits)\s+on\s+(?:the\s+)?(?:front\s+of\s+)?"
    r"(?:your|the|ur)\s+(?:debit\s+|credit\s+)?card|digits\s+(?:of|on)\s+(?:the|your|ur)\s+(?:debit\s+|credit\s+)?card|"
    r"(?:16|sixteen)[- ]digit\s+(?:number|code)|long\s+number|all\s+(?:16|sixteen)\s+digits|full\s+(?:16|sixteen)\s+digits|"
    r"(?:photo|picture|image|scan)\s+of\s+(?:the\s+)?(?:front|back|both\s+sides)(?:\s+and\s+back)?\s+of\s+(?:your|the)\s+card|"
    r"card\s+no\b|what\s+card\s+number)"
)
_PASSWORD = re.compile(
    r"(?<!reset\s)(?<!forgot\s)(?<!change\s)(?<!new\s)(?<!change\syour\s)(?<!reset\syour\s)(?<!update\syour\s)(?<!forgot\syour\s)\b(?:pass\s?words?(?!\s+(?:reset|manager|change|rules|requirements|policy|strength))|passwd|pw|pwd|passcode|pin(?:\s+(?:number|code))?|login\s+(?:details|credentials|info(?:rmation)?)|"
    r"credentials|log-?in\s+details|sign-?in\s+details|username\s+and\s+password|login\s+and\s+password)\b"
)

_FULL_QUALIFIER = re.compile(r"\b(?:full|complete|entire|whole|all\s+of\s+it|all\s+(?:16|sixteen)|long)\b")
_PARTIAL = re.compile(
    r"\blast\s+(?:four|4|two|2)\b|\bending\s+(?:in|with)\b|\bfinal\s+(?:four|4)\b|\bfirst\s+(?:six|6)\b|\bcard\s+ending\b"
)
_REQUEST = re.compile(
    r"\b(?:please|pls|plz|kindly|can\s+(?:you|u)|could\s+(?:you|u)|would\s+(?:you|u)|will\s+(?:you|u)|"
    r"(?:i|we)(?:'ll|\s+will|'d|\s+would|\s+also|\s+just)?\s+(?:need|require)|need\s+you\s+to|just\s+need|need\s+ur|"
    r"send|share|provide|give|tell|type|enter|reply|respond|confirm|read|forward|paste|drop|write|message\s+(?:me|us)|text\s+me|"
    r"e-?mail\s+me|dm\s+me|let\s+me\s+(?:have|know|connect|take|access|see)|may\s+i\s+have|can\s+i\s+(?:have|get)|could\s+i\s+(?:have|get)|"
    r"what(?:'s|\s+is|\s+are|\s+was|s)|what\s+r|whats|verify\s+now|go\s+to)\b|^\s*need\s+(?:your|ur|the)\b"
)
# Extra request verbs that only make sense for software: "install AnyDesk", "open TeamViewer".
_REMOTE_REQUEST = re.compile(r"\b(?:install|download|open|run|get|allow|accept|connect|remote|take)\b")
_AUXILIARY_QUESTION = re.compile(
    r"^\s*(?:did|do|does|have|has|had|is|are|was|were|should|would\s+you\s+like|shall|which)\b"
)
_NEGATION = re.compile(
    r"\b(?:never|not|don't|dont|do\s+not|won't|will\s+not|wouldn't|shouldn't|should\s+not|must\s+not|mustn't|no\s+need|"
    r"without|avoid|can't|cannot|can\s+not|isn't|aren't|didn't|doesn't|haven't|hasn't|nobody|no\s+one|neither|nor)\b"
)
_NOT_NEGATION = re.compile(
    r"\bnever\s+mind\b|\b(?:don't|do\s+not|dont)\s+(?:worry|hesitate|forget)\b|\bnot\s+(?:just|only|sure)\b|\bno\s+problem\b|"
    r"\bno\s+worries\b|\bif\s+not\b"
)
_CONDITIONAL = re.compile(
    r"\bif\s+(?:someone|anyone|somebody|a\s+caller|they|a\s+person)\b|\b(?:anyone|someone|somebody)\s+who\b|"
    r"\bif\s+(?:anyone|someone)\s+asks\b|\bdid\s+someone\s+ask\b"
)
_OFFICIAL_PLACE = re.compile(
    r"\b(?:on|in|at|into|through|via)\s+(?:the|our|your|your\s+bank's|the\s+bank's|any)\s+(?:secure\s+)?(?:checkout|website|site|app|"
    r"login\s+page|log-?in\s+page|sign-?in\s+page|payment\s+(?:page|form|link)|account\s+page|bank's\s+page|official|atm)|"
    r"\bat\s+checkout\b|\bon\s+your\s+bank's\s+page\b"
)
_ENTRY_VERB = re.compile(r"\b(?:enter|type|put|use|update|add|change|input|submit|pay|reset)\b")
_ALWAYS_OFFICIAL = re.compile(
    r"\bsecure\s+(?:payment\s+)?(?:link|page|form)\b|\bnot\s+(?:here|in\s+(?:this|the)\s+chat)\b"
)


def _points_to_official_channel(clause: str) -> bool:
    """True for "enter it on the checkout page" / "use the secure payment link": not an ask to the agent."""
    if _ALWAYS_OFFICIAL.search(clause):
        return True
    place = _OFFICIAL_PLACE.search(clause)
    if place is None:
        return False
    verb = _ENTRY_VERB.search(clause, 0, place.start())
    return verb is not None


@dataclass(frozen=True, slots=True)
class Ask:
    """One request for a secret: the type asked for, the clause span and what was asked."""

    type: str
    start: int
    end: int
    what: str


def _clauses(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_END.finditer(text):
        end = m.end() if "?" in m.group() else m.start()
        if end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _asked_objects(clause: str) -> list[tuple[str, str]]:
    """The secrets a clause talks about, as (type, description), most specific first."""
    found: list[tuple[str, str]] = []
    m = _REMOTE.search(clause)
    if m:
        tool = m.group("tool")
        named = not tool.startswith(("remote", "screen", "take", "access", "connect"))
        found.append(
            (
                FindingType.REMOTE_ACCESS,
                f"remote-access software ({tool})" if named else "remote access to their device",
            )
        )
    banking = _BANKING.search(clause)
    if banking:
        found.append((FindingType.PASSWORD, "online-banking login"))
    card = _CARD.search(clause)
    if card and not (_PARTIAL.search(clause) and not _FULL_QUALIFIER.search(clause)):
        found.append((FindingType.PAYMENT_CARD, "full card number"))
    cvv = _CVV.search(clause)
    otp_by_security_code = False
    if cvv:
        if "security code" in cvv.group() and _SENT_BY_MESSAGE.search(clause):
            otp_by_security_code = True
        else:
            found.append((FindingType.CARD_SECURITY_CODE, "card security code (CVV/CVC)"))
    if otp_by_security_code or _OTP.search(clause):
        found.append((FindingType.ONE_TIME_CODE, "one-time code"))
    if _EXPIRY.search(clause):
        found.append((FindingType.CARD_EXPIRY, "card expiry date"))
    password = _PASSWORD.search(clause)
    if password and not banking:
        found.append((FindingType.PASSWORD, "PIN" if password.group().startswith("pin") else "password"))
    return found


_SENT_BY_MESSAGE = re.compile(r"\b(?:text|texted|sms|sent|e-?mail|phone|message)\b")


def _is_request(clause: str, kind: str) -> bool:
    if _REQUEST.search(clause):
        return True
    if kind == FindingType.REMOTE_ACCESS and _REMOTE_REQUEST.search(clause):
        return True
    # A bare question about the secret: "and the three-digit code on the back?"
    return clause.rstrip().endswith("?") and not _AUXILIARY_QUESTION.match(clause)


def find_asks(text: str) -> list[Ask]:
    """Requests for secrets in an agent or bot message (``text`` already normalised)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # lower() changed length (rare non-ASCII): keep offsets exact
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    asks: list[Ask] = []
    for start, end in _clauses(lowered):
        clause = lowered[start:end]
        objects = _asked_objects(clause)
        if not objects:
            continue
        if _CONDITIONAL.search(clause) or _NEGATION.search(_NOT_NEGATION.sub(" ", clause)):
            continue
        if _points_to_official_channel(clause):
            continue
        lead = len(clause) - len(clause.lstrip())
        trail = len(clause.rstrip())
        for kind, what in objects:
            if _is_request(clause, kind):
                asks.append(Ask(str(kind), start + lead, start + trail, what))
    return asks
