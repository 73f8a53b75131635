"""Language cues of support and delivery scams, in English, German, French, Spanish and Portuguese.

Each cue is a separate function over the message text. Patterns are written from the well-known
playbook of these scams (pressure, threats, asks for secrets or unusual payment, remote access), not
from the benchmark corpus; every gap between words is bounded, so matching is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import quote, reason

# Patterns are written in lower case and run over the lower-cased text: about 2.5 times faster than
# case-insensitive matching in Python's re.
_I = 0
_GAP = r"(?:[\w'’]+\W{1,3}){0,%d}"  # up to N intervening words


def _gap(words: int) -> str:
    return _GAP % words


_URGENCY_RE = re.compile(
    r"\b(?:urgent(?:ly)?|(?:act|respond|reply|verify|update|confirm|call|pay|log ?in|sign ?in|click)\W{1,3}"
    r"(?:\w+\W{1,3}){0,2}(?:immediately|right away|urgently|now)|as soon as possible|action required|"
    r"immediate(?:ly)? (?:action|attention|response)|within (?:the next )?\d{1,2} ?(?:hours?|hrs?|days?|minutes?)|"
    r"final (?:notice|warning|reminder)|last (?:warning|notice|reminder)|time[- ]sensitive|"
    r"expires? (?:today|tomorrow|soon|in \d{1,2})|do(?:n't| not) delay|before it'?s too late|"
    r"dringend|sofort|umgehend|innerhalb von \d{1,2} (?:stunden|tagen)|letzte (?:mahnung|warnung|erinnerung)|"
    r"imm[ée]diatement|dans les \d{1,2} (?:heures|jours)|derni(?:er|ère) (?:avis|rappel|relance)|sans d[ée]lai|"
    r"urgente|inmediatamente|en las pr[oó]ximas \d{1,2} horas|[uú]ltimo aviso|"
    r"imediatamente|nas pr[oó]ximas \d{1,2} horas|[uú]ltima (?:chance|notifica[cç][aã]o))\b",
    _I,
)

_ACCOUNT_NOUNS = (
    r"(?:accounts?|cards?|access|mailbox|apple id|profile|password|"
    r"konto|zugang|karte|compte|carte|acc[eè]s|cuenta|tarjeta|acceso|conta|cart[aã]o|acesso|cadastro)"
)
_THREAT_STATES = (
    r"(?:suspended|locked|closed|disabled|deactivated|terminated|restricted|blocked|on hold|limited|frozen|"
    r"deleted|cancell?ed|expired?|compromised|gesperrt|eingeschr[aä]nkt|deaktiviert|gel[oö]scht|"
    r"suspendu|bloqu[ée]e?|d[ée]sactiv[ée]e?|ferm[ée]e?|limit[ée]e?|suspendida|bloqueada|desactivada|"
    r"cerrada|limitada|suspensa|bloqueada|desativada|encerrada|cancelada|expirad[ao])"
)
_THREAT_VERBS = r"(?:suspend|lock|close|disable|deactivate|terminate|restrict|block|freeze|delete)"
_ACCOUNT_THREAT_RE = re.compile(
    rf"\b(?:your|ihre?|dein|votre|sua|seu|su|tu)\W{{1,3}}{_gap(1)}{_ACCOUNT_NOUNS}\W{{1,3}}{_gap(8)}{_THREAT_STATES}\b|"
    rf"\b{_THREAT_VERBS}(?:e|ed|ing)?\W{{1,3}}{_gap(2)}{_ACCOUNT_NOUNS}\b|"
    r"\b(?:unusual|suspicious|unauthori[sz]ed|unrecogni[sz]ed|irregular) (?:sign[- ]?in|log[- ]?in|activity|access|"
    r"transaction|charge|purchase|payment)s?\b|"
    r"\bsomeone (?:has )?(?:tried|attempted) to\b|"
    r"\b(?:ungew[oö]hnliche|verd[aä]chtige) (?:aktivit[aä]t|anmeldung)|activit[ée] (?:inhabituelle|suspecte)|"
    r"actividad (?:inusual|sospechosa)|atividade (?:incomum|suspeita)",
    _I,
)

_SECRET_OBJECTS = (
    r"(?:password|passcode|pin(?: code| number)?|card number|card details|credit card|debit card|cvv2?|cvc|"
    r"security code|expiry date|expiration date|one[- ]time (?:code|password|passcode|pin)|otp|"
    r"verification code|2fa code|authenticat(?:ion|or) code|sms code|login (?:details|credentials|information)|"
    r"credentials|bank(?:ing)? (?:details|information|login)|account number|routing number|sort code|"
    r"social security(?: number)?|ssn|seed phrase|recovery phrase|secret phrase|private key|"
    r"passwort|kennwort|tan|kartennummer|sicherheitscode|zugangsdaten|mot de passe|code de (?:s[ée]curit[ée]|"
    r"v[ée]rification)|num[ée]ro de (?:carte|compte)|identifiants|contrase[nñ]a|n[uú]mero de (?:tarjeta|cuenta)|"
    r"c[oó]digo de (?:seguridad|verificaci[oó]n|seguran[cç]a|verifica[cç][aã]o)|datos bancarios|senha|"
    r"n[uú]mero do cart[aã]o|dados banc[aá]rios|token)"
)
_SECRET_VERBS = (
    r"(?:enter|re-?enter|confirm|verify|provide|update|send|share|give|type|submit|validate|tell us|"
    r"reply with|read (?:out|back)|input|disclose|geben|best[aä]tigen|eingeben|senden|aktualisieren|"
    r"entrez|confirmez|saisissez|envoyez|communiquez|ingrese|introduzca|confirme|env[ií]e|actualice|"
    r"informe|digite|insira|atualize|envie|forne[cç]a)"
)
_SECRET_REQUEST_RE = re.compile(rf"\b{_SECRET_VERBS}\W{{1,3}}{_gap(4)}{_SECRET_OBJECTS}\b", _I)
_NEGATION_RE = re.compile(r"\b(?:never|not|no one|nobody|nie|niemals|jamais|nunca|ne)\b|n['’]t\b", _I)

_GIFT_CARD_RE = re.compile(
    r"\b(?:buy|purchase|get|pick up|pay with|pay (?:us )?in|payment (?:by|via|in))\W{1,3}"
    + _gap(4)
    + r"(?:gift ?cards?|itunes|google play|steam (?:cards?|wallet)|paysafecard|vanilla (?:visa|gift)|"
    r"prepaid cards?|ebay cards?)\b|"
    r"\b(?:scratch|read|send|share|give)\W{1,3}" + _gap(3) + r"(?:card )?(?:codes?|pins?)\W{1,3}"
    r"(?:on|from|behind|at) the back\b",
    _I,
)
_CRYPTO_RE = re.compile(
    r"\b(?:pay|send|transfer|deposit|payment|paid|remit)\W{1,3}"
    + _gap(6)
    + r"(?:bitcoins?|btc|crypto\w{0,8}|usdt|tether|ethereum|eth|litecoin|ltc)\b|"
    r"\b(?:bitcoin|btc|crypto) (?:atm|wallet|address)\b",
    _I,
)
_REMOTE_ACCESS_RE = re.compile(
    r"\b(?:anydesk|teamviewer|ultra ?viewer|logmein|rustdesk|supremo|splashtop|quick ?assist|screenconnect|"
    r"connectwise|ammyy|zoho assist|gotoassist|bomgar|remote ?pc|"
    r"remote (?:access|desktop|support session|control|assistance))\b",
    _I,
)
_VERIFY_WEAK_RE = re.compile(
    r"\b(?:update|secure|review)\W{1,3}"
    + _gap(2)
    + r"(?:account|billing|payment (?:method|details|information)|"
    r"card|login|sign-in)\b",
    _I,
)
_VERIFY_RE = re.compile(
    r"\b(?:verify|confirm|validate|reactivate|re-activate|restore|unlock|unblock|"
    r"best[aä]tigen|verifizieren|aktualisieren|v[ée]rifiez|v[ée]rifier|confirmez|confirmer|mettre [aà] jour|"
    r"verificar|verifique|confirmar|actualizar|atualizar|atualize|validar|regularizar|regularize)\W{1,3}"
    + _gap(2)
    + r"(?:account|identity|information|details|billing|payment (?:method|details|information)|profile|"
    r"login|card|konto|daten|identit[aä]t|compte|identit[ée]|informations|cuenta|identidad|datos|"
    r"informaci[oó]n|conta|cadastro|identidade|dados|informa[cç][oõ]es)\b",
    _I,
)
_REWARD_RE = re.compile(
    r"\b(?:congratulations\W{1,3}(?:you|your|dear|winner|lucky)|you(?:'ve| have) (?:won|been selected|been chosen)|"
    r"you won (?:a|an|the|our)\b|claim (?:your|a|the) (?:free |exclusive )?"
    r"(?:prize|reward|gift|bonus|winnings|package)|you are (?:our )?(?:lucky )?winner|(?:prize|reward|gift|package) "
    r"(?:is )?(?:waiting|awaits)|exclusive (?:reward|prize)|free (?:gift|reward|iphone)|lucky (?:winner|draw)|"
    r"(?:take|complete|answer) (?:a|this|our|the) (?:short |quick |brief )?survey|survey (?:and|to) (?:win|receive|get|claim)|"
    r"parab[eé]ns|voc[eê] (?:ganhou|foi selecionad[oa])|felicidades|ha(?:s)? ganado|has sido seleccionad[oa]|"
    r"herzlichen gl[uü]ckwunsch|gl[uü]ckwunsch|gewinnspiel|ausgew[aä]hlt|gutschein (?:gewinnen|erhalten|wartet)|"
    r"umfrage (?:teil|und)|pr[aä]mie|f[ée]licitations|vous avez gagn[ée]|gagnez|sondage|r[ée]compenses?|"
    r"gefeliciteerd|gewonnen|cadeaukaart|enqu[eê]te|pesquisa (?:e|para) (?:ganhe|receba)|brinde|premia[cç][aã]o)\b",
    _I,
)
_ADVANCE_FEE_RE = re.compile(
    r"\b(?:next of kin|beneficiary|inheritance|unclaimed (?:funds|fund|prize|inheritance)|"
    r"(?:\d{1,3}(?:[.,]\d{3})*|\d+(?:[.,]\d+)?) ?(?:million|m) (?:us )?(?:dollars|usd|euros?|pounds)|"
    r"compensation (?:fund|payment)|fund transfer|diplomatic (?:courier|agent)|atm card (?:worth|valued)|"
    r"lottery|benefici[aá]rios?|indeniza[cç][aã]o|heran[cç]a|herencia|fundos recuperados|"
    r"(?:us\$|usd|\$|€) ?\d{1,3}(?:[.,]\d{3}){2,}(?:[.,]\d{2})?)",
    _I,
)
_CHARGE_RE = re.compile(
    r"\b(?:(?:order|invoice|subscription|renewal|membership|charge|payment|transaction|purchase)\W{1,3}"
    + _gap(6)
    + r"(?:renewed|charged|debited|processed|deducted|billed|confirmed|auto[- ]?renew\w*)|"
    r"(?:if you )?did(?:n't| not) (?:make|authori[sz]e|request|place|order|recogni[sz]e)|"
    r"to (?:cancel|dispute|stop) (?:this|the|your)|(?:for )?(?:a )?refund)\b",
    _I,
)
_CALL_RE = re.compile(
    r"\b(?:call|dial|phone|ring|contact|reach)\W{1,3}" + _gap(4) + r"(?:us|support|helpline|hotline|"
    r"billing|toll[- ]free|number|desk|team|department|at)\b",
    _I,
)
_DELIVERY_RE = re.compile(
    r"\b(?:package|parcel|shipment|delivery|consignment|paket|sendung|colis|livraison|paquete|env[ií]o|"
    r"encomenda|entrega|pacote)\W{1,3}"
    + _gap(5)
    + r"(?:on hold|held|failed|could not be delivered|couldn't be delivered|unsuccessful|suspended|returned|"
    r"awaiting|pending|undeliverable|zur[uü]ckgehalten|en attente|retenue?|retenido|retida|pendente)\b",
    _I,
)


@lru_cache(maxsize=8)
def _folded(text: str) -> tuple[str, bool]:
    lowered = text.lower()
    return lowered, len(lowered) == len(text)


def _spans(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int, str]]:
    """Matches of a lower-case pattern in `text`, as (start, end, original wording)."""
    lowered, aligned = _folded(text)
    for match in pattern.finditer(lowered):
        start, end = match.span()
        yield start, end, (text if aligned else lowered)[start:end]


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    return next((found for _, _, found in _spans(pattern, text)), None)


def urgency(text: str) -> Reason | None:
    """Pressure to act at once ("within 24 hours", "final notice", "immediately")."""
    match = _first(_URGENCY_RE, text)
    if match is None:
        return None
    return reason("urgency", f"The message pressures you to act at once: {quote(match)}.")


def account_threat(text: str) -> Reason | None:
    """Threats that an account or card will be (or was) suspended, locked or closed; alarms about
    unusual activity."""
    match = _first(_ACCOUNT_THREAT_RE, text)
    if match is None:
        return None
    return reason(
        "account_threat",
        f"The message threatens or alarms you about your account: {quote(match)}.",
    )


def secret_request(text: str) -> Reason | None:
    """Asks for a password, card data, a one-time code or bank details; ignores "we will never ask"."""
    lowered, _ = _folded(text)
    for start, _, found in _spans(_SECRET_REQUEST_RE, text):
        if _NEGATION_RE.search(lowered[max(0, start - 40) : start]):
            continue
        return reason(
            "secret_request",
            f"The message asks for secrets that real support never asks for: {quote(found)}.",
        )
    return None


def gift_card_payment(text: str) -> Reason | None:
    """Asks to pay with gift cards or to read out the codes on their back."""
    match = _first(_GIFT_CARD_RE, text)
    if match is None:
        return None
    return reason("gift_card_payment", f"The message asks for payment in gift cards: {quote(match)}.")


def crypto_payment(text: str, wallets_found: bool = False) -> Reason | None:
    """Asks to pay in cryptocurrency (or includes a wallet address next to a demand for payment)."""
    match = _first(_CRYPTO_RE, text)
    if match is None:
        return None
    extra = " and gives a wallet address" if wallets_found else ""
    return reason(
        "crypto_payment",
        f"The message asks for payment in cryptocurrency{extra}: {quote(match)}.",
    )


def remote_access(text: str) -> Reason | None:
    """Mentions remote-access software (AnyDesk, TeamViewer...) or remote control of your device."""
    match = _first(_REMOTE_ACCESS_RE, text)
    if match is None:
        return None
    return reason(
        "remote_access",
        f"The message involves remote-access software, which scammers use to take over devices: {quote(match)}.",
    )


def verify_account_link(text: str, has_link: bool) -> Reason | None:
    """A link accompanied by a request to verify, confirm or update an account or payment details."""
    if not has_link:
        return None
    match = _first(_VERIFY_RE, text) or _first(_VERIFY_WEAK_RE, text)
    if match is None:
        return None
    return reason(
        "verify_account_link",
        f"The message asks you to follow a link to {quote(match)}; sign in only through the official app or site.",
    )


def reward_lure(text: str) -> Reason | None:
    """Promises a prize, reward or free gift."""
    match = _first(_REWARD_RE, text)
    if match is None:
        return None
    return reason("reward_lure", f"The message lures with a prize or reward: {quote(match)}.")


def advance_fee(text: str) -> Reason | None:
    """Inheritance, lottery or unclaimed-fund stories typical of advance-fee fraud."""
    match = _first(_ADVANCE_FEE_RE, text)
    if match is None:
        return None
    return reason(
        "advance_fee",
        f"The message tells a windfall story typical of advance-fee fraud: {quote(match)}.",
    )


def callback_scam(text: str, has_phone: bool) -> Reason | None:
    """A charge, renewal or refund story that asks you to call a phone number (tech-support callback scam)."""
    if not has_phone:
        return None
    charge = _first(_CHARGE_RE, text)
    call = _first(_CALL_RE, text)
    if charge is None or call is None:
        return None
    return reason(
        "callback_scam",
        f"The message describes a charge or refund ({quote(charge, 40)}) and asks you to call a number: "
        "a known refund-scam pattern. Use only the number on the retailer's official site.",
    )


def delivery_problem(text: str) -> Reason | None:
    """A parcel held, failed or pending: the usual bait of fake delivery notices."""
    match = _first(_DELIVERY_RE, text)
    if match is None:
        return None
    return reason("delivery_problem", f"The message claims a delivery problem: {quote(match)}.")


_ROMANCE_RE = re.compile(
    r"\b(?:(?:hot|sexy|lonely|beautiful|single) (?:singles|women|girls|ladies|moms|wives)|(?:private|intimate|naughty) "
    r"(?:photos|pics|pictures|videos)|wants? to (?:meet|chat with|hook ?up)|adult (?:dating|content)|camshare|"
    r"sex ?date|hook ?up|one[- ]night stand|(?:frauen|m[aä]dchen|singles) (?:in deiner|treffen)|private fotos|"
    r"spannende afspraak|sexdate|rencontres? (?:coquines?|sexy)|mulheres (?:solteiras|gostosas)|namoro)\b",
    _I,
)
_CRYPTO_GIVEAWAY_RE = re.compile(
    r"\b(?:airdrop|token (?:allocation|distribution|giveaway|claim)|claim (?:your )?(?:free )?(?:\w{2,6} )?"
    r"(?:tokens?|coins?|crypto|btc|eth|xrp|usdt|nft)|(?:free|daily) (?:btc|eth|bitcoin|crypto|tokens?)|"
    r"crypto ?(?:giveaway|bonus)|(?:double|multiply) your (?:bitcoin|btc|eth|crypto)|seed phrase|"
    r"wallet (?:verification|validation|synchroni[sz]ation|sync)|"
    # "withdraw funds" lures, often typed into a harmless site's password-reset or contact form
    r"(?:btc|bitcoin|usdt|eth|crypto) ?(?:withdrawal|payout|auszahlung|saque|retiro)|"
    r"(?:withdraw|withdrawal of|claim) (?:your )?(?:funds|balance|profits?|earnings)|"
    r"\d[\d.,]{0,12} ?(?:btc|usdt|eth)\b\W{0,3}(?:\w+\W{1,3}){0,4}(?:pending|ready|available|credited|awaiting))\b",
    _I,
)
_GAMBLING_RE = re.compile(
    r"\b(?:free spins|rodadas gr[aá]tis|freispiele|\d{2,4} ?fs|welcome (?:pack|bonus|package)|deposit bonus|"
    r"bonus (?:on|at|with) (?:every|your|each) (?:first )?deposit|(?:casino|cassino|slots?|betting|sportsbook|"
    r"apostas)\W{1,3}"
    + _gap(3)
    + r"(?:bonus|b[o0]nus|free|gr[aá]tis)|(?:bonus|b[o0]nus)\W{1,3}"
    + _gap(3)
    + r"(?:casino|cassino|slots?))\b",
    _I,
)
_LEGAL_RE = re.compile(
    r"\b(?:legal action|arrest warrant|court (?:order|summons)|summons|criminal (?:case|charges) against you|"
    r"outstanding (?:fine|toll|balance|debt|tax)|unpaid (?:toll|fine|tax|invoice)|debt collect\w{0,5}|tax refund|"
    r"intima[cç][aã]o|protesto|notifica[cç][aã]o (?:judicial|extrajudicial|oficial)|infra[cç][aã]o|multa|"
    r"d[eé]bitos? (?:pendentes?|em aberto|de ped[aá]gio)|cpf (?:irregular|bloqueado|suspenso)|receita federal|"
    r"cobran[cç]a|inkasso|mahnung|gerichtlich|amende|huissier|embargo judicial)\b",
    _I,
)
_SUBSCRIPTION_RE = re.compile(
    r"\b(?:(?:subscription|plan|storage|membership|license|licence|protection|antivirus|cloud|abonnement|assinatura|"
    r"suscripci[oó]n)\W{1,3}"
    + _gap(4)
    + r"(?:has |have |is |was )?(?:expired|expiring|expires|ended|ending|is full|are full|run out|renewed|"
    r"abgelaufen|expir[ée]|vencid[ao]|expirad[ao])|(?:photos?|videos?|files?|data) (?:will|are going to) be (?:deleted|removed|lost)|"
    r"storage (?:is )?full|payment (?:was )?(?:declined|failed|unsuccessful)|(?:update|renew) your (?:payment|subscription|plan))\b",
    _I,
)


def romance_lure(text: str) -> Reason | None:
    """Dating, adult or romance bait."""
    match = _first(_ROMANCE_RE, text)
    if match is None:
        return None
    return reason("romance_lure", f"The message is dating or adult bait: {quote(match)}.")


def crypto_giveaway(text: str) -> Reason | None:
    """Crypto giveaways, airdrops and wallet "verification": the classic ways to steal a wallet."""
    match = _first(_CRYPTO_GIVEAWAY_RE, text)
    if match is None:
        return None
    return reason("crypto_giveaway", f"The message offers a crypto giveaway or wallet check: {quote(match)}.")


def gambling_bonus(text: str) -> Reason | None:
    """Casino and betting bonus offers."""
    match = _first(_GAMBLING_RE, text)
    if match is None:
        return None
    return reason("gambling_bonus", f"The message pushes casino or betting bonuses: {quote(match)}.")


def legal_threat(text: str) -> Reason | None:
    """Threats of fines, tolls, taxes, debt collection or court action."""
    match = _first(_LEGAL_RE, text)
    if match is None:
        return None
    return reason("legal_threat", f"The message threatens fines or legal trouble: {quote(match)}.")


def subscription_lapse(text: str) -> Reason | None:
    """A subscription expired or renewed, storage full, payment declined: bait for "renew here" pages."""
    match = _first(_SUBSCRIPTION_RE, text)
    if match is None:
        return None
    return reason(
        "subscription_lapse",
        f"The message claims a subscription, storage or payment problem: {quote(match)}.",
    )
