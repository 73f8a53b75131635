"""Outbound ask detection: an agent or bot message that requests a secret, in any pack's language.

Why one module: the clause judge is one decision; its tests (negated, conditional, official place, request) read the same clause views and words.

A clause is an ask when it names something secret (password, PIN, banking login, full card
number, CVV, expiry date, one-time code, remote-access software) together with a request
("please send", "können Sie mir … nennen", "¿me puede dar …?", "what's your …?", "install …"),
and is not negated ("we will never ask for …"), conditional ("if someone asks for …") or pointed
at an official place ("enter it on the checkout page"). Asking for the last four digits, an
order number or an e-mail address is fine.

Every language pack's words are matched on every clause, on a folded copy of it (no case, no
diacritics, disguises undone, misspellings of secret words corrected: `folding`, `lexicon`).
A request made in one message and the secret named in the next ("What's your" … "password?")
is judged whole: `find_asks` takes the author's earlier messages as ``context``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from trustdesk.guard.findings import FindingType
from trustdesk.guard.folding import fold, undisguise
from trustdesk.guard.language import likely_packs
from trustdesk.guard.lexicon import category, fuzzy_words, is_known_word, pack_category
from trustdesk.guard.packs import pack_names

# A dash between words ends a clause, but not one inside a spaced-out word ("p a s s - w o r d").
_CLAUSE_END = re.compile(r"[.!?;。？！]+(?=\s|$)|:[ \t]*(?=\n|$)|[;\n]+|(?<!\b\w)\s+[-–]\s+(?!\w\b)")
_LETTERS = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class Ask:
    """One request for a secret: the type asked for, the clause span and what was asked."""

    type: str
    start: int
    end: int
    what: str


@dataclass(frozen=True, slots=True)
class _Exemptions:
    """One pack's words that make a clause that names a secret no ask. They count only where the
    pack's language is present (its requests or function words): the Spanish "no" must not
    excuse "Send me your password, no delay", nor the French "pas" the Dutch "uw pas"."""

    presence: re.Pattern[str] | None
    aux_question: re.Pattern[str] | None
    negation: re.Pattern[str] | None
    not_negation: re.Pattern[str] | None
    conditional: re.Pattern[str] | None
    official_place: re.Pattern[str] | None
    entry_verb: re.Pattern[str] | None
    always_official: re.Pattern[str] | None
    chat_here: re.Pattern[str] | None
    recipient: re.Pattern[str] | None
    tell: re.Pattern[str] | None
    definition: re.Pattern[str] | None
    open_place: re.Pattern[str] | None
    dangling: re.Pattern[str] | None
    navigate: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Words:
    """The compiled categories: most over every pack at once, exemptions per pack."""

    objects: dict[str, re.Pattern[str]]
    request: re.Pattern[str] | None
    remote_request: re.Pattern[str] | None
    partial: re.Pattern[str] | None
    full: re.Pattern[str] | None
    sent_by_message: re.Pattern[str] | None
    clause_break: re.Pattern[str] | None
    reset_before: re.Pattern[str] | None
    reset_after: re.Pattern[str] | None
    pronoun: re.Pattern[str] | None
    interrogative: re.Pattern[str] | None
    quote_intro: re.Pattern[str] | None
    dangling: re.Pattern[str] | None
    omit: re.Pattern[str] | None
    exemptions: tuple[_Exemptions, ...]


_OBJECT_KINDS = (
    "REMOTE_TOOL",
    "REMOTE_ACCESS",
    "BANKING",
    "PAYMENT_CARD",
    "CARD_SECURITY_CODE",
    "SECURITY_CODE",
    "ONE_TIME_CODE",
    "CARD_EXPIRY",
    "PASSWORD",
    "PIN",
)
_EXEMPTIONS = (
    "aux_question",
    "negation",
    "not_negation",
    "conditional",
    "official_place",
    "entry_verb",
    "always_official",
    "chat_here",
    "recipient",
    "tell",
    "definition",
    "open_place",
    "dangling",
    "navigate",
)


def _presence(pack: str) -> re.Pattern[str] | None:
    # Only words of this language alone: requests ("envia") and many short words ("no", "que")
    # are shared between languages.
    return pack_category(pack, "asks", "function_words")


@lru_cache(maxsize=1)
def _words() -> _Words:
    objects = {}
    for kind in _OBJECT_KINDS:
        pattern = category("asks", "objects", kind)
        if pattern is not None:
            objects[kind] = pattern
    exemptions = tuple(
        _Exemptions(_presence(pack), *(pack_category(pack, "asks", name) for name in _EXEMPTIONS))
        for pack in pack_names()
    )
    return _Words(
        objects=objects,
        request=category("asks", "request"),
        remote_request=category("asks", "remote_request"),
        partial=category("asks", "partial"),
        full=category("asks", "full"),
        sent_by_message=category("asks", "sent_by_message"),
        clause_break=category("asks", "clause_break"),
        reset_before=category("asks", "reset_before"),
        reset_after=category("asks", "reset_after"),
        pronoun=category("asks", "pronoun"),
        interrogative=category("asks", "interrogative"),
        quote_intro=category("asks", "quote_intro"),
        dangling=category("asks", "dangling"),
        omit=category("asks", "omit"),
        exemptions=exemptions,
    )


def _search(pattern: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    return pattern.search(text) if pattern is not None else None


def _clauses(text: str, breaks: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Clause spans of ``text`` (offsets into it): sentence ends, semicolons, line breaks, "but"."""
    spans: list[tuple[int, int]] = []
    start = 0
    ends = list(_CLAUSE_END.finditer(text))
    if breaks is not None:
        ends.extend(breaks.finditer(fold(text)) if len(fold(text)) == len(text) else ())
        ends.sort(key=lambda m: m.start())
    asides = _dash_asides(text, ends)
    for m in ends:
        if m.start() < start or _ordinal_dot(text, m) or m.start() in asides:
            continue
        end = m.end() if "?" in m.group() or "？" in m.group() or ":" in m.group() else m.start()
        if end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


_DASH = re.compile(r"\s+[-–]\s+")
_ASIDE_WORDS = 12


def _dash_asides(text: str, ends: list[re.Match[str]]) -> set[int]:
    """Starts of dash pairs that set off an aside right after a sentence's subject ("O CVV - também
    chamado CVC - são os três algarismos …"): the sentence goes on around them, and its subject
    alone ("O CVV") is no bare request. After a longer lead the dashes still part clauses ("We never
    ask for your PIN - send the card number - thanks")."""
    pairs: set[int] = set()
    for index in range(len(ends) - 1):
        first, second = ends[index], ends[index + 1]
        if not (_DASH.fullmatch(first.group()) and _DASH.fullmatch(second.group())):
            continue
        lead = text[ends[index - 1].end() if index else 0 : first.start()]
        aside = text[first.end() : second.start()]
        if len(lead.split()) <= _BARE_NAME_WORDS and "\n" not in aside and len(aside.split()) <= _ASIDE_WORDS:
            pairs.update((first.start(), second.start()))
    return pairs


_ABBREVIATIONS = frozenset(
    "np nr tel ul zb bzw ca ggf usw eg ie etc vs approx no ex ej bijv evt mr mrs dr st vgl cf max min cod".split()
)


# A list item: a bullet, a number or letter with a dot or bracket ("• …", "- …", "2. …", "b) …").
_LIST_ITEM = re.compile(r"\s*(?:[•·▪◦‣*\-–]|\d{1,2}[.)]|[a-z][.)])\s+")


def _ordinal_dot(text: str, m: re.Match[str]) -> bool:
    """A dot the sentence goes on from: after a number ("das 2., 5. und 9. Zeichen", "am 3. März")
    or an abbreviation ("np. 09/27", "z.B. hier")."""
    if m.group() != "." or m.start() == 0:
        return False
    word = text[: m.start()].split()[-1:] or [""]
    if fold(word[0].strip("(\"'«„“[").replace(".", "").lower()) in _ABBREVIATIONS:
        return True
    if not text[m.start() - 1].isdigit():
        return False
    line_so_far = text[: m.start()].rsplit("\n", 1)[-1].strip()
    if line_so_far.isdigit() and len(line_so_far) <= 2:  # a numbered list item: "2. Long card number"
        return True
    rest = text[m.end() :].lstrip()
    return bool(rest) and (rest[0].isdigit() or rest[0].islower())


def _corrected(view: str) -> str:
    """``view`` with misspelled secret words corrected ("pasword" -> "password")."""
    fuzzy = fuzzy_words()
    parts: list[str] = []
    last = 0
    for m in _LETTERS.finditer(view):
        fixed = fuzzy.correct(m.group())
        if fixed is not None:
            parts.append(view[last : m.start()])
            parts.append(fixed)
            last = m.end()
    if not parts:
        return view
    parts.append(view[last:])
    return "".join(parts)


def clause_views(clause: str) -> tuple[str, str]:
    """The forms of a clause that pack words are matched on: folded as written, and folded with
    disguises undone and typos fixed (which would also join "anydesk.com" and may "correct" a
    word of another language, hence both)."""
    folded = fold(clause)
    return folded, _corrected(undisguise(folded, is_known_word))


class _Named(NamedTuple):
    """A secret a clause names: its type, the words for it, and where (in the view it was read on)."""

    kind: str
    what: str
    start: int
    end: int


def _named(kind: str, what: str, match: re.Match[str]) -> _Named:
    return _Named(str(kind), what, match.start(), match.end())


def _asked_objects(view: str, words: _Words) -> list[_Named]:
    """The secrets a clause talks about, most specific first."""
    found: list[_Named] = []
    objects = words.objects
    tool = _search(objects.get("REMOTE_TOOL"), view)
    remote = tool or _search(objects.get("REMOTE_ACCESS"), view)
    if tool is not None:
        found.append(
            _named(FindingType.REMOTE_ACCESS, f"remote-access software ({tool.group().strip()})", tool)
        )
    elif remote is not None:
        found.append(_named(FindingType.REMOTE_ACCESS, "remote access to their device", remote))
    banking = _search(objects.get("BANKING"), view)
    if banking is not None:
        found.append(_named(FindingType.PASSWORD, "online-banking login", banking))
    card = _search(objects.get("PAYMENT_CARD"), view)
    if card is not None and not (
        _search(words.partial, view) is not None and _search(words.full, view) is None
    ):
        found.append(_named(FindingType.PAYMENT_CARD, "full card number", card))
    cvv = _search(objects.get("CARD_SECURITY_CODE"), view)
    either = _search(objects.get("SECURITY_CODE"), view)  # the card's, or one that was texted?
    otp_by_security_code: re.Match[str] | None = None
    security = cvv or either
    if security is not None:
        ambiguous = either is not None and (
            cvv is None or (either.start() < cvv.end() and cvv.start() < either.end())
        )
        if ambiguous and _search(words.sent_by_message, view) is not None:
            otp_by_security_code = security
        else:
            found.append(_named(FindingType.CARD_SECURITY_CODE, "card security code (CVV/CVC)", security))
    otp = otp_by_security_code or _search(objects.get("ONE_TIME_CODE"), view)
    if otp is not None:
        found.append(_named(FindingType.ONE_TIME_CODE, "one-time code", otp))
    expiry = _search(objects.get("CARD_EXPIRY"), view)
    if expiry is not None:
        found.append(_named(FindingType.CARD_EXPIRY, "card expiry date", expiry))
    if banking is None:
        password = _unbound_mention(objects.get("PASSWORD"), view, words)
        pin = None if password is not None else _unbound_mention(objects.get("PIN"), view, words)
        if password is not None:
            found.append(_named(FindingType.PASSWORD, "password", password))
        elif pin is not None:
            found.append(_named(FindingType.PASSWORD, "PIN", pin))
    return found


_WORDS_BEFORE = 3
_WORDS_AFTER = 4


def _unbound_mention(pattern: re.Pattern[str] | None, view: str, words: _Words) -> re.Match[str] | None:
    """True when a password word occurs that is not about resetting or changing it: "ändern Sie
    Ihr Passwort", "Passwort vergessen?" and "réinitialiser votre mot de passe" are not asks.
    (Packs list the words that bind from before and, for verb-final languages, from after.)"""
    if pattern is None:
        return None
    for m in pattern.finditer(view):
        before = " ".join(view[: m.start()].split()[-_WORDS_BEFORE:])
        after = " ".join(view[m.end() :].split()[:_WORDS_AFTER])
        if _search(words.reset_before, before) is None and _search(words.reset_after, after) is None:
            return m
    return None


def _present(view: str, words: _Words) -> list[_Exemptions]:
    """The exemptions of the packs whose language shows in ``view``: by its own function words, or
    by the language identifier (all packs when neither tells: a short clause of content words must
    not lose its negation or its place)."""
    likely = likely_packs(view)
    present = [
        e
        for name, e in zip(pack_names(), words.exemptions, strict=True)
        if name in likely or (e.presence is not None and e.presence.search(view) is not None)
    ]
    return present or list(words.exemptions)


def _points_to_official_place(view: str, packs: list[_Exemptions]) -> bool:
    """True for "enter it on the checkout page" / "use the secure payment link": not an ask to the
    agent. Not when the clause also says "here" or "in the chat": that is where the agent reads."""
    if any(_search(pack.always_official, view) is not None for pack in packs):
        return True
    if any(_search(pack.recipient, view) is not None for pack in packs):
        return True  # given in person to a pharmacist or courier, not to the agent
    if any(_search(pack.chat_here, view) is not None for pack in packs):
        return False
    if any(_live_request(pack.tell, view, packs) for pack in packs):
        return False  # "reply with the password you use on our website": the place names the secret
    for pack in packs:
        place = _search(pack.official_place, view)
        if place is not None and pack.entry_verb is not None:
            if pack.entry_verb.search(view, 0, place.start()) is not None:
                return True
            if (
                pack.entry_verb.search(view, place.end()) is not None
            ):  # verb-final: "… auf der Seite eingeben"
                return True
    return False


def _opens_official_place(view: str, packs: list[_Exemptions]) -> bool:
    """True for a step that opens an official place ("Open the app", "Öffnen Sie die App"): the
    entry steps after it in the same message happen there."""
    if any(_search(pack.chat_here, view) is not None for pack in packs):
        return False
    return any(_search(pack.open_place, view) is not None for pack in packs)


def _steps_into_official_place(view: str, words: _Words, packs: list[_Exemptions]) -> bool:
    """True for one clause that opens an official place and then only enters the secret there
    ("Open the app, then enter the code", "Abra la app e introduzca el código"): once the entry
    verbs are set aside, no request is left after the opening ("open the app and tell me the
    code" keeps its "tell me")."""
    if any(_search(pack.chat_here, view) is not None for pack in packs):
        return False
    opening = min(
        (
            m.end()
            for pack in packs
            if pack.open_place is not None
            for m in [pack.open_place.search(view)]
            if m
        ),
        default=None,
    )
    if opening is None:
        return False
    rest = view[opening:]
    entered = False
    for pack in packs:
        if pack.entry_verb is not None and pack.entry_verb.search(rest) is not None:
            entered = True
            rest = pack.entry_verb.sub(_blank, rest)
        if pack.navigate is not None:
            rest = pack.navigate.sub(_blank, rest)
    if not entered or any(_live_request(pack.tell, rest, packs) for pack in packs):
        return False
    return not _live_request(words.request, rest, packs)


def _enters_there(view: str, packs: list[_Exemptions]) -> bool:
    """True for a step that only enters a secret ("2. Enter the SMS code", "then type it in"),
    told to nobody and with no place of its own that is the chat."""
    if any(_search(pack.chat_here, view) is not None for pack in packs):
        return False
    if any(_live_request(pack.tell, view, packs) for pack in packs):
        return False
    return any(_search(pack.entry_verb, view) is not None for pack in packs)


_NEGATION_REACH = 4
_NEGATION_REACH_AFTER_PAUSE = 10
"""A negation counts anywhere before the secret's name, or this many words after it ("Geben Sie
Ihr Passwort niemals weiter"); further on it belongs to another statement ("send your password
and I'll check why the voucher didn't apply")."""


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


_WITHOUT = frozenset({"without", "ohne", "sans", "sin", "senza", "zonder", "sem", "bez"})


def _negated(view: str, packs: list[_Exemptions], named: _Named | None = None) -> bool:
    """True when ``view`` negates the request (for ``named``: before it, or right after it with
    no comma between: "Geben Sie Ihr Passwort niemals weiter", not "… Passwort, czemu nie działa")."""
    cleaned = view
    for pack in _words().exemptions:  # idioms of every language ("don't worry", "nie tylko") negate nothing
        if pack.not_negation is not None:
            cleaned = pack.not_negation.sub(_blank, cleaned)
    for pack in packs:
        if pack.negation is None:
            continue
        for m in pack.negation.finditer(cleaned):
            if named is None:
                return True
            if m.start() < named.start:
                if _negates_another_segment(cleaned, m, named, packs):
                    continue
                return True
            between = view[named.end : m.start()]
            pauses = list(_PAUSE.finditer(between))
            # A negation that opens the segment after a relative clause reaches further ("den Code,
            # den wir Ihnen per SMS schicken, niemals weiter").
            reach = _NEGATION_REACH if not pauses else _NEGATION_REACH_AFTER_PAUSE
            if m.start() < named.end or len(between.split()) > reach:
                continue
            if not pauses:
                return True
            # After a comma only as the segment's first word, and not "without" ("…, not here", "…,
            # never in the chat"; but "…, czemu nie działa", "…, sin esperar al vendedor").
            if not between[pauses[-1].end() :].split() and (
                m.group().strip() not in _WITHOUT
                or any(_search(p.tell, view[m.end() : m.end() + 30]) is not None for p in packs)
            ):
                return True
    return False


_PAUSE = re.compile(r"[,:;()]")


def _names_a_secret(text: str) -> bool:
    """True when ``text`` names a secret, even loosely ("a code", "PIN", "hasło")."""
    words = _words()
    loose = (category("asks", "short"), category("asks", "fuzzy"))
    return any(p.search(text) for p in words.objects.values()) or any(
        p is not None and p.search(text) for p in loose
    )


_SUBCLAUSE_WORDS = 4


def _negates_another_segment(
    view: str, negation: re.Match[str], named: _Named, packs: list[_Exemptions]
) -> bool:
    """True when a negation before the secret sits in a clause of its own, set off by a comma, and
    the secret's segment makes its own request: "Da die Zuzahlung nicht eingezogen werden konnte,
    tippen Sie bitte Ihre Kartennummer …". A short lead-in ("Never, ever, send …") still negates."""
    pauses = [p.start() for p in _PAUSE.finditer(view, negation.end(), named.start)]
    if not pauses:
        return False
    segment_start = max((p.end() for p in _PAUSE.finditer(view, 0, negation.start())), default=0)
    negated_segment = view[segment_start : pauses[0]]
    if len(negated_segment.split()) < _SUBCLAUSE_WORDS:
        return False
    if _names_a_secret(negated_segment):
        return False  # a negated list goes on: "we never ask for a code, a PIN or your bank login"
    own = view[pauses[-1] + 1 : named.end]
    return _live_request(_words().request, own, packs)


def _conditional(view: str, packs: list[_Exemptions]) -> bool:
    return any(_search(pack.conditional, view) is not None for pack in packs)


_BARE_NAME_WORDS = 3
"""A clause this short that names a secret asks for it ("The CVV.", "La contraseña, digo.")."""
_REQUEST_NEGATION_WORDS = 2
"""A negation this many words before a request word cancels it: "no need to send", "nie trzeba podawać"."""


_TERSE_WORDS = 7


def _defines(view: str, packs: list[_Exemptions]) -> bool:
    """A question about what a secret is ("What's a one-time passcode?"), not what it says."""
    opening = view.lstrip("¿¡ ")
    return any(_search(pack.definition, opening) is not None for pack in packs)


def _live_request(pattern: re.Pattern[str] | None, text: str, packs: list[_Exemptions]) -> bool:
    """True when ``pattern`` (a request) matches somewhere not cancelled by a negation right before."""
    if pattern is None:
        return False
    cleaned: str | None = None
    for m in pattern.finditer(text):
        before = " ".join(text[: m.start()].split()[-_REQUEST_NEGATION_WORDS:])
        if before:
            if cleaned is None:
                # Idioms that negate nothing ("zo niet, typt u …", "if you don't send …") are no negation.
                cleaned = text
                for pack in packs:
                    if pack.not_negation is not None:
                        cleaned = pack.not_negation.sub(_blank, cleaned)
            before = " ".join(cleaned[: m.start()].split()[-_REQUEST_NEGATION_WORDS:])
        if not before or not any(_search(pack.negation, before) is not None for pack in packs):
            return True
    return False


def _is_request(
    views: tuple[str, str],
    kind: str,
    words: _Words,
    packs: list[_Exemptions],
    named_length: int = 3,
    news: bool = False,
) -> bool:
    plain, view = views
    for text in (plain, view) if plain != view else (plain,):
        if _live_request(words.request, text, packs):
            return True
        if kind == FindingType.REMOTE_ACCESS and _live_request(words.remote_request, text, packs):
            return True
    view = plain
    # A bare question about the secret ("and the three-digit code on the back?"), or a prompt
    # that ends with a colon ("Card number (16 digits):").
    stripped = view.rstrip()
    opening = view.lstrip("¿¡ ")
    # "Recebeu o código?" asks whether it came, not for it, however short.
    whether = any(_search(pack.aux_question, opening) is not None for pack in packs)
    bare = len(stripped.split()) <= _BARE_NAME_WORDS and named_length >= 3 and not news and not whether
    if stripped.endswith(":") or bare:
        return True  # a prompt ("Card number:") or the secret's name alone ("The CVV, please.")
    if len(stripped.split()) <= _TERSE_WORDS and _search(words.full, stripped) is not None:
        return True  # a terse note asking for all of it ("kartennr komplett, nicht nur die letzten 4")
    return stripped.endswith(("?", "？")) and not whether


def _reports_sending(view: str, named: _Named, words: _Words) -> bool:
    """A short statement that a code went out ("Wysłaliśmy kod SMS-em.", "Verification code sent."):
    news for the customer, not the code's name alone as a request ("SMS code?", "Kod SMS?" still are)."""
    if named.kind != FindingType.ONE_TIME_CODE or view.rstrip().endswith(("?", "？")):
        return False
    return _search(words.sent_by_message, f"{view[: named.start]} {view[named.end :]}") is not None


def _objects_of(clause: str, words: _Words) -> tuple[tuple[str, str], list[tuple[_Named, str]]]:
    """The two views of a clause (see `clause_views`) and each secret either names, with the
    view it was found in."""
    plain, view = clause_views(clause)
    objects = [(named, plain) for named in _asked_objects(plain, words)]
    if plain != view:
        kinds = {(n.kind, n.what) for n, _ in objects}
        objects += [(n, view) for n in _asked_objects(view, words) if (n.kind, n.what) not in kinds]
    return (plain, view), objects


def _follow_up_question(view: str, words: _Words) -> bool:
    """A short question that opens with an interrogative ("Which one did you get?"): it asks about
    the secret the clause before named."""
    stripped = view.strip().lstrip("¿¡ ")
    return (
        stripped.endswith(("?", "？"))
        and len(stripped.split()) <= 8
        and words.interrogative is not None
        and words.interrogative.match(stripped) is not None
    )


_WHICH_GAP = 2


def _asks_which(view: str, objects: list[tuple[_Named, str]], words: _Words) -> bool:
    """A question that opens on the secret asks for it, whatever place it names: "Welke vier
    cijfers toets je in bij de geldautomaat?" is no pointer to the cash machine."""
    stripped = view.strip().lstrip("¿¡ ")
    opener = words.interrogative.match(stripped) if words.interrogative is not None else None
    if opener is None or not stripped.endswith(("?", "？")):
        return False
    offset = len(view) - len(view.lstrip().lstrip("¿¡ "))
    return any(
        where == view
        and 0 <= n.start - offset - opener.end()
        and len(stripped[opener.end() : n.start - offset].split()) <= _WHICH_GAP
        for n, where in objects
    )


def _refused(clause: str, words: _Words) -> set[str]:
    """The kinds of secret ``clause`` names only to negate ("Die Kartennummer brauche ich nicht")."""
    views, named = _objects_of(clause, words)
    packs = _present(views[0], words)
    return {n.kind for n, where in named if _negated(where, packs, n)}


def _judge(
    clause: str, lead_in: str | None, previous: list[tuple[_Named, str]], words: _Words
) -> tuple[list[_Named], list[tuple[_Named, str]]]:
    """(the secrets ``clause`` asks for, the secrets it names). ``lead_in`` is the clause right
    before it in the author's previous message, when the clause opens a new message; ``previous``
    the secrets the clause before it named ("Haben Sie den Code? Dann nennen Sie ihn mir.")."""
    views, objects = _objects_of(clause, words)
    plain = views[0]  # exemptions are read as written: nobody disguises "never"
    named = objects
    carried = False
    if (
        not objects
        and previous
        and (any(_search(words.pronoun, v) is not None for v in views) or _follow_up_question(plain, words))
    ):
        objects, carried = previous, True
    if not objects and lead_in is not None:
        # "Look at the back of your card." … "Which three digits are there?" But not what the
        # lead-in turned down: "I don't need the card number." … "Just your order number, please."
        objects, carried = _objects_of(f"{lead_in} {clause}", words)[1], True
        refused = _refused(lead_in, words)
        objects = [(n, where) for n, where in objects if n.kind not in refused]
    if not objects:
        return [], named
    packs = _present(plain, words)
    # An excused clause hands nothing on: "… never ask for your password. What can I do for you?"
    pointed = _points_to_official_place(plain, packs) and not _asks_which(plain, objects, words)
    if _conditional(plain, packs) or pointed or _defines(plain, packs):
        return [], []
    if carried:
        if _negated(_PAUSE.split(plain)[0], packs):  # "Just the digits, I don't need the rest"
            return [], []
        live = [n for n, _ in objects]
    else:
        live = [n for n, where in objects if not _negated(where, packs, n)]
        if not live:
            return [], []
    where = dict(objects)
    asked = [
        n
        for n in live
        # A secret carried from before is not named here: "Stay safe!" after "… or one-time code."
        # is no bare name of it (a length of 0 turns that rule off).
        if _is_request(
            views,
            n.kind,
            words,
            packs,
            0 if carried else n.end - n.start,
            _reports_sending(where[n], n, words),
        )
    ]
    if len(asked) < len(live) and lead_in is not None:
        # "To verify it I need one more thing." … "the code we just texted you"
        lead = clause_views(lead_in)[0]
        if _search(words.request, lead) is not None and not _negated(lead, _present(lead, words)):
            asked = live
    return asked, named


# Single quotes count too (Dutch quotes with them), but not an apostrophe inside a word ("sms'jes").
_QUOTED = re.compile(r"[\"“„«][^\"“”„«»\n]{12,400}[\"”“»]|(?<!\w)['‘][^'‘’\n]{12,400}['’](?!\w)")


def _quotations_masked(text: str, words: _Words) -> str:
    """``text`` with quotations blanked out (same length) where they are introduced as someone
    else's words ("texts saying “reply with your card number”", "SMS wie: „…“"): a warning that
    quotes a scammer asks for nothing."""
    if words.quote_intro is None or not any(q in text for q in "\"“„«'‘"):
        return text
    folded = fold(text) if len(fold(text)) == len(text) else text.lower()
    parts: list[str] = []
    last = 0
    for m in _QUOTED.finditer(text):
        raw = folded[max(0, m.start() - 30) : m.start()].rstrip()
        before = raw.rstrip(" :")
        if raw.endswith(":") or words.quote_intro.search(before.split(".")[-1]) is not None:
            parts.append(text[last : m.start()])
            parts.append(" " * (m.end() - m.start()))
            last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


_LAST_WORD = re.compile(r"[\w'’]+(?=\W*$)")


_FRAGMENT_WORDS = 2


def _dangles(clause: str, words: _Words) -> bool:
    """True when an unpunctuated message stops mid-clause: it ends on a word no clause ends on
    ("Can you tell me" … "your" …). Chat messages often go without a full stop, so "the card
    doesn't match what we've got" is finished and its "doesn't" negates nothing in the next one."""
    folded = fold(clause)
    last = _LAST_WORD.search(folded)
    if last is None or words.dangling is None:
        return True
    if len(folded.split()) <= _FRAGMENT_WORDS and _names_a_secret(folded):
        return True  # a secret's name alone goes on: "c'est quoi ton" … "code" … "de vérif ?"
    # Only the words of the clause's own language: the English "a" goes on ("send me a" …), the
    # French "a" ends "ce qu'on a" (every pack's words when no language present has a list).
    # Where several languages are present ("que", "a" are Portuguese too), the one with the most
    # function words in the clause decides.
    present = [pack for pack in _present(folded, words) if pack.dangling is not None]
    if len(present) > 1:
        counts = [len(pack.presence.findall(folded)) if pack.presence is not None else 0 for pack in present]
        present = [pack for pack, count in zip(present, counts, strict=True) if count == max(counts)]
    lists = [pack.dangling for pack in present if pack.dangling is not None]
    return any(dangling.fullmatch(last.group()) for dangling in lists or [words.dangling])


def find_asks(text: str, context: tuple[str, ...] = ()) -> list[Ask]:
    """Requests for secrets in an agent or bot message (``text`` already normalised).

    ``context``: the same author's earlier messages (oldest first); a clause that starts in them
    and ends in ``text`` is judged whole, and only asks that reach into ``text`` are returned.
    """
    words = _words()
    prefix = ""
    lead_in: str | None = None
    # Earlier messages that stopped mid-clause ("Can you tell me" … "your" … "password?") run on
    # into this one; the last finished clause before them may lend its request.
    for earlier in reversed(context):
        tail_clauses = _clauses(earlier, words.clause_break)
        if not tail_clauses:
            break
        last_start, last_end = tail_clauses[-1]
        last = earlier[last_start:last_end]
        if earlier.rstrip()[-1:] in ".!?;:" or not _dangles(last, words):
            lead_in = last
            break
        prefix = last.rstrip() + " " + prefix
        if len(tail_clauses) > 1:
            break
    combined = _quotations_masked(prefix + text, words)
    offset = len(prefix)
    asks: list[Ask] = []
    previous: list[tuple[_Named, str]] = []
    if lead_in is not None:
        # Only what the earlier clause names without excusing it: after "… and I will never ask
        # for your password." a question like "Which e-mail address is it?" asks for no password.
        previous = _judge(lead_in, None, [], words)[1]
        # "I've hit resend" … "should be on your phone now" … "what did it come through as?"
        for earlier in reversed(context[:-1] if not prefix else ()):
            if previous:
                break
            spans = _clauses(earlier, words.clause_break)
            previous = _judge(earlier[spans[-1][0] : spans[-1][1]], None, [], words)[1] if spans else []
    list_lead: str | None = None  # "I'll need the following:" hands its request to the items below it
    in_official_place = False  # a step before opened the app or website
    for index, (start, end) in enumerate(_clauses(combined, words.clause_break)):
        clause = combined[start:end]
        if end <= offset:
            previous = _objects_of(clause, words)[1] or previous
            continue
        item_of = list_lead if list_lead is not None and _LIST_ITEM.match(clause) else None
        opening = lead_in if index == 0 and not prefix else None
        found, names = _judge(clause, item_of or opening, previous, words)
        previous = names or previous
        if found or not in_official_place:
            plain = clause_views(clause)[0]
            packs = _present(plain, words)
            if found and in_official_place and _enters_there(plain, packs):
                found = []  # "1. Open the app 2. Enter the SMS code": entered in the app
            elif (
                found
                and all(n.kind != FindingType.REMOTE_ACCESS for n in found)
                and _steps_into_official_place(plain, words, packs)
            ):
                found = []  # "Open the app, then enter the code": both steps in one clause
                in_official_place = True
            elif not found and _opens_official_place(plain, packs):
                in_official_place = True
        if clause.rstrip().endswith(":"):
            list_lead = clause
        elif item_of is None:
            list_lead = None
        if not found:
            continue
        lead = len(clause) - len(clause.lstrip())
        trail = len(clause.rstrip())
        span_start = max(start + lead, offset) - offset
        span_end = max(start + trail - offset, span_start + 1)
        for asked in found:
            asks.append(Ask(asked.kind, span_start, min(span_end, len(text)), asked.what))
    if asks and _search(words.omit, fold(text)) is not None:
        # "Paste the courier's text here … leave out any code it contains": the message is wanted,
        # the code in it is not.
        asks = [a for a in asks if a.type != FindingType.ONE_TIME_CODE]
    return asks
