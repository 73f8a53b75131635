"""Cues of a scam the customer tells about: a call, a text or a chat in which someone asked for a secret
or claimed to be the retailer's support.

A report is often no mail at all but the customer's own words ("A man called, said he was from your
support and asked for the code I got by SMS"). Mail signals find nothing in such a story, yet it
describes the scam exactly. The secrets are named with the guard's own words for them in every
language it knows (`trustdesk.guard.lexicon`), so a new language pack teaches this signal too; the
verbs of telling ("asked me for", "hat mich nach … gefragt", "m'a demandé") are listed here per
language, as the past-tense narration the guard's packs do not hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from trustdesk.guard.cues import fold
from trustdesk.guard.lexicon import category
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import quote, reason

_SECRET_KINDS = (
    "BANKING",
    "PAYMENT_CARD",
    "CARD_SECURITY_CODE",
    "SECURITY_CODE",
    "ONE_TIME_CODE",
    "CARD_EXPIRY",
    "PASSWORD",
    "PIN",
)

# Someone (a caller, a message, a "support agent") asked, wanted or made the customer hand something
# over: past or present narration, on folded (lower-case, accent-free) text.
_ASKED = re.compile(
    r"\b(?:"
    # English
    r"asked(?:\s+me)?(?:\s+for)?|(?:was|were|kept|started)\s+asking|wanted|demanded|requested|insisted|"
    r"pressured\s+me|told\s+me\s+to|made\s+me|tried\s+to\s+get|instructed\s+me\s+to|"
    # German
    r"fragte|fragten|gefragt|wollte|wollten|verlangte|verlangten|verlangt|forderte|forderten|gefordert|"
    r"bat\s+mich|baten\s+mich|sollte\s+ich|musste\s+ich|"
    # French
    r"demande|demandait|demandaient|voulait|voulaient|exige|exigeait|reclame|reclamait|insistait|"
    r"m.a\s+fait|m.ont\s+fait|"
    # Spanish
    r"pidio|pidieron|pedia|pedian|queria|querian|exigio|exigieron|solicito|solicitaron|insistio|"
    r"me\s+hizo|me\s+hicieron|"
    # Italian
    r"chiesto|chiedeva|chiedevano|voleva|volevano|preteso|richiesto|insisteva|mi\s+ha\s+fatto|"
    # Dutch
    r"vroeg|vroegen|gevraagd|wilde|wilden|eiste|eisten|geeist|moest\s+ik|"
    # Portuguese
    r"pediu|pediram|pedia|pediam|queria|queriam|exigiu|exigiram|solicitou|solicitaram|insistiu|"
    r"me\s+fez|me\s+fizeram|"
    # Polish
    r"prosil\w*|poprosil\w*|chcial\w*|chcieli|zadal\w*|kazal\w*|pytal\w*|zapytal\w*"
    r")\b"
)

# Someone passed themselves off as support, a bank or the shop.
_POSED = re.compile(
    r"\b(?:"
    r"claim(?:ed|ing)\s+to\s+be|pretend(?:ed|ing)\s+to\s+be|posing\s+as|posed\s+as|"
    r"(?:said|saying|says)\s+(?:he|she|they)\s+(?:was|were|is|are|worked|work)\s+(?:from|with|at|for)|introduced\s+(?:himself|herself|themselves)\s+as|"
    r"(?:gab|gaben|gibt|hat|haben)\s+sich\s+(?:[\w-]+\s+){0,6}?(?:aus|ausgegeben)|"
    r"stellte\s+sich\s+als|angeblich(?:\s+vom|\s+von)?|"
    r"se\s+faisant\s+passer\s+pour|s.est\s+fait\s+passer\s+pour|se\s+presentant\s+comme|s.est\s+presente\s+comme|"
    r"pretendait\s+etre|"
    r"haciendose\s+pasar\s+por|se\s+hizo\s+pasar\s+por|dijo\s+(?:ser|que\s+era|que\s+llamaba)\s+de|"
    r"spacciandosi\s+per|si\s+e\s+spacciato|fingendo(?:si)?\s+di\s+essere|diceva\s+di\s+essere|"
    r"deed\s+zich\s+voor\s+als|gaf\s+zich\s+uit\s+voor|zei\s+dat\s+(?:hij|zij|ze)\s+van|"
    r"se\s+passando\s+por|fazendo-se\s+passar\s+por|dizendo\s+ser|disse\s+ser|"
    r"podawal\w*\s+sie\s+za|podszywal\w*\s+sie\s+pod|przedstawil\w*\s+sie\s+jako"
    r")\b"
)
_SUPPORT_WORDS = re.compile(
    r"\b(?:support|service|customer\s+care|help\s*desk|bank|kundendienst|kundenservice|kundensupport|"
    r"service\s+client|conseiller|servicio|atencion\s+al\s+cliente|assistenza|servizio\s+clienti|"
    r"klantenservice|klantendienst|atendimento|apoio\s+ao\s+cliente|suporte|obsluga\s+klienta|"
    r"konsultant|pracownik|banku?|banque|banco|banca)\b"
)
# A narration turned down ("he did not ask for my PIN", "hat nicht nach dem Passwort gefragt").
_DENIED = re.compile(
    r"\b(?:not|never|didn.t|did\s+not|nicht|nie|niemals|pas|jamais|no|nunca|non|mai|niet|nooit)\b"
)
_CONTEXT = re.compile(
    r"\b(?:sms|text|texto|message|nachricht|bericht|wiadomos\w*|app|e-?mail|bank\w*|card|kart\w*)\b"
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_REACH = 90  # characters after the verb of telling in which the secret must be named
_REACH_BACK = 60  # and before it, for verb-final clauses ("… nach meiner PIN gefragt")


@lru_cache(maxsize=1)
def _secret_words() -> tuple[re.Pattern[str], ...]:
    found = [category("asks", "objects", kind) for kind in _SECRET_KINDS]
    return tuple(p for p in found if p is not None)


def _folded(text: str) -> tuple[str, str]:
    """(the text as matched: lower-case, accents removed; the text quoted back, of the same length)."""
    lowered = text.lower()
    folded = fold(lowered)
    return folded, text if len(lowered) == len(text) else folded


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    for m in _SENTENCE.finditer(text):
        if m.group().strip():
            yield m.start(), m.group()


def _names_secret(window: str) -> tuple[int, int] | None:
    """Where ``window`` names a secret (a loose name like "code" only beside an SMS, app or card)."""
    for pattern in _secret_words():
        m = pattern.search(window)
        if m is not None:
            return m.span()
    short = category("asks", "short")
    if short is not None and _CONTEXT.search(window):
        m = short.search(window)
        if m is not None:
            return m.span()
    return None


def _about_resetting(window: str) -> bool:
    return any(
        pattern is not None and pattern.search(window) is not None
        for pattern in (category("asks", "reset_before"), category("asks", "reset_after"))
    )


def narrated_secret_ask(text: str) -> Reason | None:
    """The customer tells that someone asked them for a password, a card's data or a one-time code."""
    folded, shown = _folded(text)
    for offset, sentence in _sentences(folded):
        for verb in _ASKED.finditer(sentence):
            before = sentence[max(0, verb.start() - 25) : verb.start()]
            if _DENIED.search(before) or _DENIED.search(sentence[verb.end() : verb.end() + 12]):
                continue
            # Back only within the clause: "did not ask for my password, he only wanted my order number".
            pause = max(sentence.rfind(mark, 0, verb.start()) for mark in ",;:")
            start = max(0, verb.start() - _REACH_BACK, pause + 1)
            window = sentence[start : verb.end() + _REACH]
            if _about_resetting(window):
                continue  # "You requested a password reset", "Vous avez demandé un nouveau mot de passe"
            span = _names_secret(window)
            if span is not None:
                at = offset + start
                return reason(
                    "narrated_secret_ask",
                    f"You were asked for {quote(shown[at + span[0] : at + span[1]], 40)}: a retailer's real "
                    "support never asks for passwords, card data or one-time codes, so whoever asked was "
                    "not them.",
                )
    return None


def narrated_impersonation(text: str) -> Reason | None:
    """The customer tells that someone claimed to be support, a bank or the shop."""
    folded, shown = _folded(text)
    for offset, sentence in _sentences(folded):
        posed = _POSED.search(sentence)
        if posed is not None and _SUPPORT_WORDS.search(sentence, posed.start()) is not None:
            said = shown[offset + posed.start() : offset + len(sentence)]
            return reason(
                "narrated_impersonation",
                f"Someone presented themselves as support ({quote(said, 50)}): check any such contact on "
                "the retailer's official channels before you act on it.",
            )
    return None
