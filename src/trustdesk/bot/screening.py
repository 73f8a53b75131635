"""Cheap checks on a raw message before (or beside) intent classification.

All rule-based and deliberately rough: they decide how the bot answers, never what is
stored (the guard does that upstream).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WALL_OF_TEXT_CHARS = 1200
WALL_OF_TEXT_WORDS = 220

# -- languages ------------------------------------------------------------------------------

_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("CYRILLIC", "ru"),
    ("GREEK", "el"),
    ("ARABIC", "ar"),
    ("HEBREW", "he"),
    ("CJK", "zh"),
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("HANGUL", "ko"),
    ("THAI", "th"),
    ("DEVANAGARI", "hi"),
)

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the a an and or is are was were my me i you your it this that to of in on for with at by from "
        "have has had do does did not no can could would will please what where when why how order hi hello "
        "thanks thank yes be been am we our they their he she his her so if but just".split()
    ),
    "es": frozenset(
        "el la los las un una y o es son mi mis yo tu su que de en por para con no pedido hola gracias "
        "donde dónde cuando cuándo como cómo está estoy quiero puedo necesito muy pero".split()
    ),
    "fr": frozenset(
        "le la les un une et ou est sont mon ma mes je tu vous que de du des en pour avec ne pas commande "
        "bonjour merci où quand comment suis veux peux besoin très mais il elle nous".split()
    ),
    "de": frozenset(
        "der die das ein eine und oder ist sind mein meine ich du sie wir nicht kein keine mit für von zu "
        "bestellung hallo danke wo wann wie bin möchte kann brauche sehr aber auf dem den".split()
    ),
    "it": frozenset(
        "il lo la gli le un una e o è sono mio mia io tu che di del della in per con non ordine ciao grazie "
        "dove quando come voglio posso ho bisogno molto ma".split()
    ),
    "pt": frozenset(
        "o a os as um uma e ou é são meu minha eu você que de do da em por para com não pedido olá obrigado "
        "obrigada onde quando como estou quero posso preciso muito mas".split()
    ),
    "nl": frozenset(
        "de het een en of is zijn mijn ik jij u we niet geen met voor van te bestelling hallo dank bedankt "
        "waar wanneer hoe ben wil kan nodig erg maar".split()
    ),
    "pl": frozenset(
        "i w z na nie jest są mój moja ja ty że do od dla zamówienie cześć dziękuję gdzie kiedy jak chcę "
        "mogę potrzebuję bardzo ale".split()
    ),
    "tr": frozenset(
        "ve veya bir bu şu benim ben sen siz değil ile için sipariş merhaba teşekkürler nerede ne zaman "
        "nasıl istiyorum lütfen çok ama".split()
    ),
}

_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_NOT_WORDS = re.compile(r"\S*[@/\d]\S*|\b[\w-]+\.[a-z]{2,}\b", re.IGNORECASE)


@dataclass(frozen=True)
class LanguageGuess:
    """A rough language guess: an ISO 639-1 code, or None when unsure (short or mixed text)."""

    code: str | None
    reason: str


def guess_language(text: str) -> LanguageGuess:
    """Guess the language of `text` roughly: non-Latin scripts, then stop-word counts (3+ words)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return LanguageGuess(None, "no letters")
    counts: dict[str, int] = {}
    for ch in letters:
        name = unicodedata.name(ch, "")
        for marker, code in _SCRIPTS:
            if name.startswith(marker) or (marker == "CJK" and "CJK" in name):
                counts[code] = counts.get(code, 0) + 1
                break
    if counts:
        code, count = max(counts.items(), key=lambda item: item[1])
        if count / len(letters) >= 0.3:
            return LanguageGuess(code, "script")
    # Contact details and references say nothing about the language ("com" is Portuguese too).
    words = [w.lower() for w in _TOKEN.findall(_NOT_WORDS.sub(" ", text))]
    if len(words) < 3:
        return LanguageGuess(None, "too short")
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    english = scores.pop("en")
    lang, best = max(scores.items(), key=lambda item: item[1])
    if best >= 2 and best > english * 1.5 and best / len(words) >= 0.2:
        return LanguageGuess(lang, "stop words")
    if english >= 1 or best == 0:
        return LanguageGuess("en", "stop words")
    return LanguageGuess(None, "unsure")


# -- prompt injection -----------------------------------------------------------------------

_INJECTION = re.compile(
    r"(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|my\s+|previous\s+|prior\s+|above\s+|earlier\s+)*"
    r"(instructions?|rules|prompts?|guidelines|programming|directives?)"
    r"|system\s*prompt|developer\s+mode|jail\s*break|\bDAN\b|do anything now"
    r"|you\s+are\s+now\s+(a|an|in|my)\b|from\s+now\s+on,?\s+you"
    r"|pretend\s+(to\s+be|you\s*(are|'re))|act\s+as\s+(a|an|my|the)\s+\w+\s*(with|who|that|and)"
    r"|(reveal|show|print|repeat|output)\s+(me\s+)?(your|the)\s+(hidden\s+|initial\s+|original\s+)?(prompt|instructions|rules|configuration|system)"
    r"|new\s+instructions\s*:|</?\s*(system|assistant|instructions?)\s*>|\[/?INST\]|<\|im_start\|>",
    re.IGNORECASE,
)


def looks_like_injection(text: str) -> bool:
    """True when the message tries to re-program the assistant (it cannot be, but we say so)."""
    return bool(_INJECTION.search(text))


# -- walls of text --------------------------------------------------------------------------


def is_wall_of_text(text: str) -> bool:
    """True for messages too long to answer well automatically."""
    return len(text) > WALL_OF_TEXT_CHARS or len(text.split()) > WALL_OF_TEXT_WORDS


# -- sentiment ------------------------------------------------------------------------------

_NEGATIVE: dict[str, float] = {
    "furious": 2,
    "fuming": 2,
    "livid": 2,
    "disgusted": 2,
    "disgusting": 2,
    "disgrace": 2,
    "disgraceful": 2,
    "appalling": 2,
    "appalled": 2,
    "outrageous": 2,
    "unacceptable": 1.5,
    "pathetic": 1.5,
    "useless": 1.5,
    "ridiculous": 1.5,
    "terrible": 1,
    "horrible": 1,
    "awful": 1,
    "dreadful": 1,
    "worst": 1.5,
    "shocking": 1,
    "angry": 1.5,
    "scam": 1,
    "scammers": 1,
    "incompetent": 2,
    "lawyer": 2,
    "solicitor": 2,
    "sue": 2,
    "ombudsman": 1.5,
    "hate": 1.5,
    "sick of": 1.5,
    "fed up": 1.5,
    "never again": 1.5,
    "joke": 0.5,
    # German, French, Spanish, Italian, Dutch, Portuguese, Polish
    "unverschämt": 2,
    "frechheit": 2,
    "anwalt": 2,
    "stinksauer": 2,
    "wütend": 1.5,
    "nie wieder": 1.5,
    "scandaleux": 2,
    "inadmissible": 1.5,
    "honteux": 1.5,
    "furieux": 2,
    "furieuse": 2,
    "avocat": 2,
    "plus jamais": 1.5,
    "vergüenza": 1.5,
    "indignado": 2,
    "indignada": 2,
    "abogado": 2,
    "nunca más": 1.5,
    "vergogna": 1.5,
    "vergognoso": 1.5,
    "avvocato": 2,
    "furioso": 2,
    "furiosa": 2,
    "mai più": 1.5,
    "schandalig": 2,
    "woedend": 2,
    "advocaat": 2,
    "nooit meer": 1.5,
    "vergonha": 1.5,
    "advogado": 2,
    "nunca mais": 1.5,
    "skandal": 2,
    "wściekły": 2,
    "wściekła": 2,
    "prawnik": 2,
    "nigdy więcej": 1.5,
}
_PROFANITY = re.compile(
    r"\b(f+u+c+k+\w*|sh[i1]t+\w*|wtf|bullshit|crap|bloody|damn|bastards?|ffs)\b", re.IGNORECASE
)
_NEGATIVE_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_NEGATIVE, key=len, reverse=True)) + r")\b"
)


def negative_sentiment(text: str) -> float:
    """A rough anger score: weighted strong-negative words, profanity, shouting, '!!!'."""
    lowered = text.lower()
    score = sum(_NEGATIVE[m.group(1)] for m in _NEGATIVE_RE.finditer(lowered))
    score += 2 * len(_PROFANITY.findall(text))
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 12 and sum(ch.isupper() for ch in letters) / len(letters) > 0.7:
        score += 1.5
    if "!!!" in text:
        score += 0.5
    return score


STRONG_NEGATIVE = 3.0


def is_strongly_negative(text: str) -> bool:
    """True when the customer is clearly upset enough that a person should take over."""
    return negative_sentiment(text) >= STRONG_NEGATIVE


# -- specific asks ---------------------------------------------------------------------------

_ASKS_IF_HUMAN = re.compile(
    r"\b(are|r)\s+(you|u)\s+(a\s+|an\s+)?(real|human|bot|robot|person|machine|ai|chat\s*bot|automated|computer|live)\b"
    r"|\b(am\s+i|i'?m)\s+(talking|chatting|speaking)\s+(to|with)\s+(a\s+)?(bot|robot|human|person|machine|real)"
    r"|\bis\s+this\s+(a\s+)?(bot|robot|human|real\s+person|automated)"
    r"|\b(bist\s+du|sind\s+sie)\s+(ein\s+|eine\s+)?(bot|roboter|mensch|ki|maschine|echte)"
    r"|\b(es[- ]tu|êtes[- ]vous|etes[- ]vous)\s+(un\s+|une\s+)?(bot|robot|humain|vrai|vraie|ia|machine)"
    r"|\b(eres|es\s+usted)\s+(un\s+|una\s+)?(bot|robot|humano|persona\s+real|máquina|ia)"
    r"|\b(sei|è)\s+(un\s+|una\s+)?(bot|robot|umano|persona\s+vera|macchina)"
    r"|\b(ben\s+je|bent\s+u)\s+(een\s+)?(bot|robot|mens|echt)"
    r"|\b(você\s+é|és|é\s+um)\s+(um\s+|uma\s+)?(bot|robô|robo|humano|pessoa\s+real)"
    r"|\bczy\s+(jesteś|pan\s+jest|pani\s+jest)\s+(botem|robotem|człowiekiem)",
    re.IGNORECASE,
)


def asks_if_human(text: str) -> bool:
    """True when the customer asks whether they are talking to a person."""
    return bool(_ASKS_IF_HUMAN.search(text))


_WANTS_HUMAN = re.compile(
    r"^\s*(agent|human|person|operator|representative|rep|real person|live agent|staff)\s*[.!]*\s*$"
    r"|\b(speak|talk|chat)\s+(to|with)\s+(a\s+|an\s+|the\s+|some\s*one|somebody|your\s+)?"
    r"(human|person|agent|someone|somebody|representative|manager|supervisor|staff)"
    # The same in the other languages the bot speaks: a bare "person, please" or "talk to a person".
    r"|^\s*(mitarbeiter(in)?|mensch|berater(in)?|conseill(er|ère)|humain|agente|operador|operatore|assistente|"
    r"medewerker|atendente|konsultant|człowiek)(\s+(bitte|s'il\s+vous\s+plaît|svp|por\s+favor|per\s+favore|"
    r"alsjeblieft|aub|graag|proszę))?\s*[.!]*\s*$"
    r"|\b(mit|einem?)\s+(einem\s+|einer\s+)?(mitarbeiter(in)?|menschen|berater(in)?)\s+(sprechen|reden)"
    r"|\bparler\s+(à|a|avec)\s+(un|une|quelqu'un|un\s+vrai|une\s+vraie)\s*(conseill(er|ère)|humain|personne|agent)?"
    r"|\bhablar\s+con\s+(un|una|alguien)\s*(agente|persona|humano|operador)?"
    r"|\bparlare\s+con\s+(un|una|qualcuno)\s*(operatore|persona|umano)?"
    r"|\b(spreken|praten)\s+met\s+een\s+(medewerker|mens)|\been\s+medewerker\s+spreken"
    r"|\bfalar\s+com\s+(um|uma|alguém)\s*(atendente|assistente|pessoa|humano|operador)?"
    r"|\b(po)?rozmawiać\s+z\s+(konsultantem|człowiekiem|pracownikiem)",
    re.IGNORECASE,
)


def wants_human(text: str) -> bool:
    """True for an explicit request for a person, regardless of the classifier."""
    return bool(_WANTS_HUMAN.search(text))


_YES = re.compile(
    r"^\s*(yes|yeah|yea|yep|yup|y|sure|ok|okay|please|please do|go ahead|do it|confirm|confirmed|correct|"
    r"that'?s right|right|absolutely|definitely|sí|si|oui|ja|jawohl|sim|tak|evet|да|はい|"
    r"genau|gerne|klar|richtig|ouais|d'accord|volontiers|bien\s+sûr|claro|vale|dale|sì|certo|va\s+bene|"
    r"graag|prima|akkoord|pode\s+ser|jasne|oczywiście|dobrze|okej)\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\s*(no|nope|nah|n|don'?t|do not|not now|not yet|never ?mind|stop|leave it|non|nein|nee|não|nie|hayır|нет|いいえ|"
    r"nao|neen|lieber\s+nicht|nicht\s+jetzt|pas\s+maintenant|ahora\s+no|adesso\s+no|nu\s+niet|agora\s+não|"
    r"nie\s+teraz)\b",
    re.IGNORECASE,
)


def is_yes(text: str) -> bool:
    """True for a short affirmative answer (several languages)."""
    return bool(_YES.search(text)) and not is_no(text) and len(text.split()) <= 8


def is_no(text: str) -> bool:
    """True for a short negative answer (several languages)."""
    return bool(_NO.search(text)) and len(text.split()) <= 8


_OFFERS_SECRET = re.compile(
    r"\b(my|the)\s+(password|passcode|pin|one[- ]time\s+code|otp|verification\s+code|security\s+code|cvv|cvc)\s+(is|was|=|:)"
    r"|\bhere\s+(is|'?s)\s+my\s+(password|card|pin|code)"
    r"|\bmein\s+(passwort|kennwort|pin|code)\s+(ist|lautet|:)"
    r"|\bmon\s+(mot\s+de\s+passe|code)\s+(est|:)"
    r"|\bmi\s+(contraseña|clave|pin|código)\s+(es|:)"
    r"|\bla\s+mia\s+password\s+(è|e|:)"
    r"|\bmijn\s+(wachtwoord|pincode|code)\s+(is|:)"
    r"|\b(minha\s+senha|a\s+minha\s+palavra-passe|meu\s+pin)\s+(é|e|:)"
    r"|\bmoje\s+hasło\s+(to|:)",
    re.IGNORECASE,
)


def offers_secret(text: str) -> bool:
    """True when the customer is about to share (or shared) a secret the bot must never take."""
    return bool(_OFFERS_SECRET.search(text))


_DISPUTE = re.compile(
    r"\b(dispute|disputing|chargeback|charge\s*back|unauthori[sz]ed|didn'?t\s+(make|authori[sz]e|order|buy)|"
    r"don'?t\s+recogni[sz]e|not\s+recogni[sz]ed|never\s+(bought|ordered|made)|fraudulent|"
    r"charged\s+(me\s+)?(twice|two\s+times|double|three\s+times)|double[- ]charged|taken\s+(the\s+)?money\s+twice|"
    r"two\s+(charges|payments)|reverse\s+the\s+charge|"
    r"doppelt\s+(abgebucht|belastet)|zweimal\s+(abgebucht|belastet)|nicht\s+autorisiert|kenne\s+ich\s+nicht|"
    r"deux\s+fois|pas\s+autorisé|ne\s+reconnais\s+pas|"
    r"dos\s+veces|no\s+reconozco|"
    r"due\s+volte|non\s+riconosco|"
    r"twee\s+keer|niet\s+herken|"
    r"duas\s+vezes|em\s+dobro|não\s+reconheço|"
    r"dwa\s+razy|nie\s+rozpoznaję)",
    re.IGNORECASE,
)


def mentions_payment_dispute(text: str) -> bool:
    """True when a payment message is a dispute (unknown or duplicate charge, chargeback)."""
    return bool(_DISPUTE.search(text))


_TAKEOVER = re.compile(
    r"\b(hack(ed|ing)?|compromised|hijack(ed)?|taken\s+over|took\s+over|someone\s+(else\s+)?(got|logged|is\s+using|has\s+access|changed|accessed)|"
    r"somebody\s+(else\s+)?(got|logged|is\s+using|has\s+access|changed|accessed)|without\s+my\s+permission|"
    r"wasn'?t\s+me|not\s+me|didn'?t\s+(place|make)\s+(these|those|this|that)?\s*orders?|"
    r"gehackt|jemand\s+hat\s+sich|piraté|quelqu'un\s+s'est\s+connecté|hackead[oa]|hackearam|alguien\s+ha\s+entrado|"
    r"hackerato|qualcuno\s+è\s+entrato|iemand\s+heeft\s+ingelogd|alguém\s+entrou|piratearam|"
    r"włamał|ktoś\s+zalogował)",
    re.IGNORECASE,
)


def mentions_account_takeover(text: str) -> bool:
    """True when an account message suggests someone else got in (a security matter)."""
    return bool(_TAKEOVER.search(text))


_SHARED_SECRET = re.compile(
    r"\b(gave|given|shared|told|sent|entered|typed|read\s+out|read\s+back|handed\s+over)\b.{0,40}"
    r"\b(card|password|code|pin|cvv|details|login|bank)",
    re.IGNORECASE,
)


def says_secret_was_shared(text: str) -> bool:
    """True when the customer says they already gave a secret to someone."""
    return bool(_SHARED_SECRET.search(text))
