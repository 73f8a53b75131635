"""Signals from mail headers: where replies go, who the message claims to be, and where it comes from."""

from __future__ import annotations

import re
from collections.abc import Mapping

from trustdesk.reports.domains import (
    compile_brand_pattern,
    domain_matches_brand,
    is_freemail,
    on_abused_tld,
    registrable_domain,
)
from trustdesk.reports.mail_values import MailView
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import reason

_SERVICE_WORDS_RE = re.compile(
    r"\b(support|customer (?:service|care|support)|help ?desk|service ?desk|security(?: team| department)?|"
    r"billing|account(?:s)? (?:team|department|service)|administrat(?:or|ion)|admin|team|department|"
    r"bank|official|notification|alert|verification|refund|kundendienst|kundenservice|service client|"
    r"atendimento|suporte|soporte|servicio al cliente)\b",
    re.IGNORECASE,
)
_EMAIL_IN_TEXT_RE = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,24}")


def reply_to_mismatch(view: MailView) -> Reason | None:
    """Replies go to a different organisation than the visible sender (not counting mailing lists)."""
    if not view.is_mail or not view.reply_to or not view.from_address or view.is_mailing_list:
        return None
    sender = registrable_domain(view.from_address)
    others = [a for a in view.reply_to if registrable_domain(a) and registrable_domain(a) != sender]
    if not sender or not others:
        return None
    if is_freemail(others[0]) and not is_freemail(view.from_address):
        return reason(
            "reply_to_freemail",
            f"Replies go to a free webmail account ({others[0]}), not to the sender's domain {sender}.",
        )
    return reason(
        "reply_to_mismatch",
        f"Replies go to {registrable_domain(others[0])}, a different domain from the sender's {sender}.",
    )


def return_path_mismatch(view: MailView) -> Reason | None:
    """Bounces go to a different organisation than the visible sender (weak alone: mailing services do it)."""
    if not view.is_mail or not view.return_path or not view.from_address or view.is_mailing_list:
        return None
    sender = registrable_domain(view.from_address)
    envelope = registrable_domain(view.return_path)
    if not sender or not envelope or sender == envelope:
        return None
    return reason(
        "return_path_mismatch",
        f"The envelope sender's domain {envelope} differs from the visible sender's domain {sender}.",
    )


def display_name_impersonation(view: MailView, brands: Mapping[str, tuple[str, ...]]) -> Reason | None:
    """The display name names a brand while the address belongs to an unrelated, non-webmail domain."""
    brand = _brand_in(view.from_display, brands)
    if brand is None or not view.from_address or is_freemail(view.from_address):
        return None
    if domain_matches_brand(view.from_address, brands[brand]):
        return None
    return reason(
        "display_name_impersonation",
        f"The sender calls itself “{brand}” but writes from {registrable_domain(view.from_address) or view.from_address}, "
        f"which is not a {brand} domain.",
    )


def freemail_brand_claim(view: MailView, brands: Mapping[str, tuple[str, ...]]) -> Reason | None:
    """A free webmail account (gmail.com, outlook.com...) presents itself as a brand."""
    if not view.from_address or not is_freemail(view.from_address):
        return None
    brand = _brand_in(view.from_display, brands) or _brand_in(view.from_address.split("@")[0], brands)
    if brand is None:
        return None
    return reason(
        "freemail_brand_claim",
        f"The sender claims to be “{brand}” but writes from a free webmail account ({registrable_domain(view.from_address)}).",
    )


def freemail_service_claim(view: MailView) -> Reason | None:
    """A free webmail account presents itself as a support, security or billing department."""
    if not view.from_address or not is_freemail(view.from_address):
        return None
    match = _SERVICE_WORDS_RE.search(view.from_display) or _SERVICE_WORDS_RE.search(
        view.from_address.split("@")[0]
    )
    if match is None:
        return None
    return reason(
        "freemail_service_claim",
        f"The sender presents itself as “{match.group(0)}” but writes from a free webmail account.",
    )


def display_name_address_spoof(view: MailView) -> Reason | None:
    """The display name itself is an e-mail address other than the real sender address."""
    shown = _EMAIL_IN_TEXT_RE.search(view.from_display)
    if shown is None or not view.from_address:
        return None
    shown_address = shown.group(0).lower()
    same_org = registrable_domain(shown_address) == registrable_domain(view.from_address)
    # On a webmail domain, a different mailbox is a different person.
    if shown_address == view.from_address or (same_org and not is_freemail(view.from_address)):
        return None
    return reason(
        "display_name_address_spoof",
        f"The sender's name shows the address {shown.group(0).lower()}, but the message really comes from "
        f"{registrable_domain(view.from_address) or view.from_address}.",
    )


def _brand_in(text: str, brands: Mapping[str, tuple[str, ...]]) -> str | None:
    if not text:
        return None
    pattern = compile_brand_pattern(tuple(brands))
    match = pattern.search(text) if pattern else None
    if match is None and pattern is not None:
        # Glued names: "LibertyMutualTeam", "PayPalSupport" (but "PayPal" itself stays one word).
        match = pattern.search(re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", text))
    if match is None:
        return None
    found = re.sub(r"[\s\-]", "", match.group(0)).lower()
    for name in brands:
        if re.sub(r"[\s\-]", "", name).lower() == found:
            return name
    return match.group(0)


_ORG_MARKERS_RE = re.compile(
    r"®|™|\b(?:team|support|service|services|official|news|newsletter|department|center|centre|rewards?|"
    r"notifications?|security|billing|customer|members?|alerts?|inc|ltd|llc|gmbh|bank|store|shop|"
    r"store|online|benefits|care|help|info|mail|account|admin|offers?|deals?|club|programm?e?|"
    r"kundenservice|kundendienst|servi[cç]o|atendimento|notifica[cç][aã]o|aviso|equipe|equipo|"
    r"gutschein|pr[aä]mie|sicherheit)\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_VOWELS = frozenset("aeiouy")
_STOP_WORDS = frozenset(
    {"the", "and", "for", "your", "you", "from", "our", "with", "von", "und", "der", "die", "das", "des", "por",
     "para", "com", "dos", "les", "pour", "avec", "del", "los", "las", "een", "het", "van", "voor"}
)  # fmt: skip


def malformed_sender(view: MailView) -> Reason | None:
    """The From header is not one plain, valid mailbox (several addresses, empty <>, no real domain)."""
    if not view.from_malformed:
        return None
    shown = f" ({view.from_address})" if view.from_address else ""
    return reason(
        "malformed_sender",
        f"The sender field is malformed{shown}: forged senders use this to show one name and hide the real address.",
    )


def sender_name_mismatch(view: MailView) -> Reason | None:
    """An organisation-like display name ("X Rewards", "Y Support", "Z®", or a single brand-like word)
    sharing no word with the sender's address."""
    if not view.from_display or not view.from_address:
        return None
    display = _CAMEL_RE.sub(" ", view.from_display)  # "LibertyMutualTeam" -> "Liberty Mutual Team"
    single_word = re.fullmatch(r"[^\W\d_]{4,}", display.strip()) is not None
    if not single_word and not _ORG_MARKERS_RE.search(display):
        return None
    address = re.sub(r"[^a-z0-9]", "", " ".join([view.from_address, view.return_path]).lower())
    words = [
        w.lower() for w in _WORD_RE.findall(display if single_word else _ORG_MARKERS_RE.sub(" ", display))
    ]
    words = [w for w in words if w not in _STOP_WORDS]
    if not words:
        return None
    folded = [re.sub(r"[^a-z0-9]", "", w.encode("ascii", "ignore").decode()) for w in words]
    if any(w and (w in address or (len(w) >= 5 and w[:5] in address)) for w in folded):
        return None
    return reason(
        "sender_name_mismatch",
        f"The sender calls itself “{view.from_display[:60]}” but its address "
        f"({registrable_domain(view.from_address) or view.from_address}) has nothing to do with that name.",
    )


_GREETING_END_RE = re.compile(
    r"\b(?:hi|hello|dear|hey|ol[aá]|oi|hallo|guten tag|bonjour|hola|hoi|ciao|prezad[oa](?:\(a\))?)\W{1,3}$"
)


def _greets(head: str, name: str) -> bool:
    start = head.find(name)
    while start != -1:
        after = head[start + len(name) : start + len(name) + 1]
        if not (after.isalnum() or after in "@._-") and _GREETING_END_RE.search(
            head[max(0, start - 20) : start]
        ):
            return True
        start = head.find(name, start + 1)
    return False


def recipient_address_in_subject(view: MailView) -> Reason | None:
    """The subject or greeting addresses you by your e-mail address instead of your name."""
    head = (view.subject + "\n" + view.text[:400]).lower()
    subject = view.subject.lower()
    for address in view.to_addresses:
        if address in subject or _greets(head, address):
            return reason(
                "recipient_address_in_subject",
                "The message addresses you by your e-mail address: mass mailers do this, your shop uses your name.",
            )
        local = address.split("@", 1)[0]
        if len(local) >= 6 and _greets(head, local):
            return reason(
                "recipient_address_in_subject",
                "The message greets you with the first part of your e-mail address instead of your name.",
            )
    return None


def cloud_tenant_sender(view: MailView) -> Reason | None:
    """Sent from a cloud mail tenant's default domain (….onmicrosoft.com), which real companies don't use."""
    if not view.from_address or not view.from_address.endswith(".onmicrosoft.com"):
        return None
    return reason(
        "cloud_tenant_sender",
        "The sender uses a throw-away cloud-mail domain (onmicrosoft.com) instead of a company domain.",
    )


def abused_tld_sender(view: MailView) -> Reason | None:
    """The sender's domain is under a top-level domain heavily used for fraud."""
    if not view.from_address or not on_abused_tld(view.from_address):
        return None
    return reason(
        "abused_tld_sender",
        f"The sender's domain ({registrable_domain(view.from_address)}) uses a top-level domain popular with fraudsters.",
    )


def _looks_random(token: str) -> bool:
    letters_only = re.findall(r"[a-z]{7,}", token.lower())
    for run in letters_only:
        vowels = sum(ch in _VOWELS for ch in run)
        longest = max(len(m) for m in re.findall(r"[^aeiouy]+", run)) if vowels < len(run) else 0
        if longest >= 5 and vowels / len(run) < 0.3:
            return True
    return False


def random_sender(view: MailView) -> Reason | None:
    """The sender's mailbox or domain name is a random string (vpqxadn@, lqkmkvmnifp@...): a throw-away."""
    if not view.from_address or "@" not in view.from_address:
        return None
    local, domain = view.from_address.split("@", 1)
    label = registrable_domain(domain).split(".", 1)[0]
    # Bounce-tracking mailboxes of bulk senders (news.3.1987-xkfq9zz.1@) carry digits; a hand-made or
    # generated throw-away name is all letters.
    local_is_name = re.fullmatch(r"[a-z._\-]+", local) is not None
    if not ((local_is_name and _looks_random(local)) or _looks_random(label)):
        return None
    return reason(
        "random_sender",
        f"The sender address ({view.from_address}) is a random string, typical of throw-away senders.",
    )


_BILLING_RE = re.compile(
    r"\b(?:invoice|receipt|order (?:number|no\.?|#|id|confirmation)|subscription|renewal|renewed|membership|"
    r"billing|transaction (?:id|number)|payment (?:confirmation|receipt)|auto[- ]?renew\w*|refund|"
    r"rechnung|facture|factura|fatura|nota fiscal|boleto)\b",
    re.IGNORECASE,
)


def freemail_invoice(view: MailView) -> Reason | None:
    """A free webmail account sends an invoice, receipt, renewal or order notice: businesses bill from
    their own domains, refund and callback scams from gmail.com and the like."""
    if not view.from_address or not is_freemail(view.from_address) or view.is_mailing_list:
        return None
    # The opening of the message, not list footers ("manage your subscription").
    match = _BILLING_RE.search(view.subject) or _BILLING_RE.search(view.text[:1500])
    if match is None:
        return None
    return reason(
        "freemail_invoice",
        f"A free webmail account sends a billing message (“{match.group(0)}”); real shops bill from their own domain.",
    )


_ANSWER_CUE_RE = re.compile(
    r"\b(?:write|writ|reply|respond|response|answer|contact|e-?mail|mail|message|text|reach|send)"
    r"|\b(?:escreva|escreve|responda|resposta|contato|contacte|schreib|antwort|schrijf|antwoord|"
    r"escribe|escr[ií]beme|responde|[ée]cri[sv]|r[ée]pon[ds])",
    re.IGNORECASE,
)


def contact_elsewhere(view: MailView) -> Reason | None:
    """The message asks to be answered at a free webmail address that is neither the sender nor its
    Reply-To ("It's my e-mail for response anna80@gmail.com"): romance and advance-fee scams move the
    conversation to a throw-away mailbox the spam filter never sees."""
    if not view.is_mail or view.is_mailing_list:
        return None
    own = {a.lower() for a in (view.from_address, *view.reply_to) if a}
    for match in _EMAIL_IN_TEXT_RE.finditer(view.text[:20_000]):
        address = match.group(0).lower()
        if address in own or not is_freemail(address):
            continue
        before = view.text[max(0, match.start() - 60) : match.start()]
        if _ANSWER_CUE_RE.search(before) and not re.search(
            r"(?:^|\n)\s*(?:from|de|von|van|to|para|an|aan)\s*:", before, re.IGNORECASE
        ):
            return reason(
                "contact_elsewhere",
                f"The message asks you to answer at another address ({address}), a free webmail account "
                "that is not the sender's.",
            )
    return None


# Public figures whose names scam adverts and mails borrow most (fake endorsements of crypto, energy
# savers, health products and investments, per consumer-protection warnings).
_CELEBRITY_RE = re.compile(
    r"\b(?:elon musk|jeff bezos|bill gates|warren buffett|mark zuckerberg|richard branson|martin lewis|"
    r"oprah(?: winfrey)?|dr\.? oz|mehmet oz|michael saylor|cathie wood|keanu reeves|tom hanks|dolly parton|"
    r"gordon ramsay|donald trump|joe biden)\b",
    re.IGNORECASE,
)


def celebrity_sender(view: MailView) -> Reason | None:
    """The sender's name invokes a celebrity ("Eco Savings by Elon Musk"): celebrities do not mail you,
    and a famous name in the From line is a fake endorsement."""
    match = _CELEBRITY_RE.search(view.from_display)
    if match is None:
        return None
    # A chief executive writing under their own name from their own mailbox ("Jeff Bezos"
    # <jeffb@amazon.com>, 2002) is not borrowing it.
    local = view.from_address.split("@", 1)[0].lower()
    if any(len(name) >= 3 and name in local for name in re.findall(r"[a-z]+", match.group(0).lower())):
        return None
    return reason(
        "celebrity_sender",
        f"The sender's name invokes {match.group(0)} (“{view.from_display[:60]}”): famous people do not "
        "write to you; their names are borrowed to sell scams.",
    )
