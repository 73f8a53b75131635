"""The guard's words in every supported language: the customer notice after a redaction and the
reason an agent sees for a blocked message, with grammar fitted to each slot, no English left over,
and the language chosen from the hint or, without one, from the text."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

import trustdesk
from trustdesk.guard import Policy, scan
from trustdesk.guard import language as language_module
from trustdesk.guard import reasons as reasons_module
from trustdesk.guard.notice import notice_for
from trustdesk.guard.reasons import block_reason
from trustdesk.i18n import Words

CARD = "4242 4242 4242 4242"
LANGS = ["de", "fr", "es", "it", "nl", "pt-PT", "pt-BR", "pl"]

# Sentences of the English source text: none may survive in another language's words.
ENGLISH = [
    "We removed",
    "from your message",
    "keep you safe",
    "seems to contain",
    "will never ask",
    "If anyone asks",
    "don't share",
    "report it to us",
    "This message asks",
    "never asks",
    "Support never",
    "Nobody at",
    "To identify a payment",
    "instead",
    "Card details are",
    "One-time codes",
    "remote-access software",
    "refund scams",
    "a card number",
    "your card",
    "one-time code",
]

# A card number removed, Acme never asks for it: the words each language must use.
CARD_NOTICE = {
    "de": [
        "Zu Ihrer Sicherheit haben wir eine Kartennummer aus Ihrer Nachricht entfernt.",
        "Acme wird Sie niemals nach Ihrer Kartennummer fragen.",
        "von Acme zu sein",
    ],
    "fr": [
        "nous avons retiré un numéro de carte de votre message",
        "Acme ne vous demandera jamais votre numéro de carte.",
        "représenter Acme",
    ],
    "es": [
        "hemos eliminado un número de tarjeta de tu mensaje",
        "Acme nunca te pedirá tu número de tarjeta.",
        "es de Acme",
    ],
    "it": [
        "abbiamo rimosso un numero di carta dal tuo messaggio",
        "Acme non ti chiederà mai il numero della tua carta.",
        "a nome di Acme",
    ],
    "nl": [
        "hebben we een kaartnummer uit je bericht verwijderd",
        "Acme zal je nooit om je kaartnummer vragen.",
        "van Acme te zijn",
    ],
    "pt-PT": [
        "removemos um número de cartão da tua mensagem",
        "Acme nunca te vai pedir o número do teu cartão.",
        "em nome de Acme",
    ],
    "pt-BR": [
        "removemos um número de cartão da sua mensagem",
        "Acme nunca vai pedir a você o número do seu cartão.",
        "em nome de Acme",
    ],
    "pl": [
        "usunęliśmy z Twojej wiadomości numer karty",
        "Acme nigdy nie poprosi Cię o numer Twojej karty.",
        "przedstawiciela Acme",
    ],
}

# Card, security code, password and one-time code at once: each phrase in the case of its slot, the
# removed ones joined with the language's "and", the never-asked ones with its "or".
COMBINED_NOTICE = {
    "de": [
        "eine Kartennummer, eine Kartenprüfnummer (CVV), ein Passwort und einen Einmalcode",
        "nach Ihrer Kartennummer, der Prüfnummer auf Ihrer Karte, Ihrem Passwort oder Ihrer PIN oder Einmalcodes fragen",
    ],
    "fr": [
        "un numéro de carte, un cryptogramme de carte (CVV), un mot de passe et un code à usage unique",
        "votre mot de passe ou votre code PIN ou vos codes à usage unique",
    ],
    "es": [
        "un número de tarjeta, un código de seguridad de tarjeta (CVV), una contraseña y un código de un solo uso",
        "tu contraseña o tu PIN o códigos de un solo uso",
    ],
    "it": [
        "un numero di carta, un codice di sicurezza della carta (CVV), una password e un codice monouso",
        "la tua password o il tuo PIN o codici monouso",
    ],
    "nl": [
        "een kaartnummer, een beveiligingscode van een kaart (CVV), een wachtwoord en een eenmalige code",
        "je wachtwoord of pincode of eenmalige codes",
    ],
    "pt-PT": [
        "um número de cartão, um código de segurança do cartão (CVV), uma palavra-passe e um código de utilização única",
        "a tua palavra-passe ou PIN ou códigos de utilização única",
    ],
    "pt-BR": [
        "um número de cartão, um código de segurança do cartão (CVV), uma senha e um código de uso único",
        "sua senha ou PIN ou códigos de uso único",
    ],
    "pl": [
        "numer karty, kod zabezpieczający karty (CVV), hasło i kod jednorazowy",
        "Twoje hasło albo PIN lub kody jednorazowe",
    ],
}
COMBINED_TEXT = f"card {CARD} cvv 123, my password is hunter2 and the code is 482913"

# Without a retailer's name the notice speaks for "us".
UNBRANDED = {
    "de": "Wir werden Sie niemals nach",
    "fr": "Nous ne vous demanderons jamais",
    "es": "Nunca te pediremos",
    "it": "Non ti chiederemo mai",
    "nl": "Wij zullen je nooit om",
    "pt-PT": "Nunca te vamos pedir",
    "pt-BR": "Nós nunca vamos pedir a você",
    "pl": "Nigdy nie poprosimy Cię o",
}

# A warned (kept) one-time code: the "seems to contain" sentence.
WARNED = {
    "de": "Ihre Nachricht enthält offenbar einen Einmalcode;",
    "fr": "Votre message semble contenir un code à usage unique",
    "es": "Parece que tu mensaje contiene un código de un solo uso;",
    "it": "Sembra che il tuo messaggio contenga un codice monouso;",
    "nl": "Je bericht lijkt een eenmalige code te bevatten;",
    "pt-PT": "A tua mensagem parece conter um código de utilização única;",
    "pt-BR": "Parece que a sua mensagem contém um código de uso único;",
    "pl": "Wygląda na to, że Twoja wiadomość zawiera kod jednorazowy;",
}

# Every ask type an English ask can carry (what guard.asks names), and how each language opens the
# reason with it: the article and case its slot takes.
ASKS = {
    "password": ("PASSWORD", "Please send me your password."),
    "PIN": ("PASSWORD", "Please tell me your PIN."),
    "online-banking login": ("PASSWORD", "Please give me your online banking login."),
    "full card number": ("PAYMENT_CARD", "Please send me your full card number."),
    "card security code (CVV/CVC)": (
        "CARD_SECURITY_CODE",
        "Could you read me the CVV on the back of your card?",
    ),
    "card expiry date": ("CARD_EXPIRY", "What is the expiry date on your card?"),
    "one-time code": ("ONE_TIME_CODE", "Please send me the code we texted you"),
    "remote access to their device": ("REMOTE_ACCESS", "Can you give me remote access to your computer?"),
    "remote-access software (anydesk)": ("REMOTE_ACCESS", "Please install AnyDesk so I can fix it for you."),
}
REASON_OPENINGS = {
    "de": {
        "password": "Diese Nachricht fragt nach dem Passwort der Kundin bzw. des Kunden.",
        "PIN": "Diese Nachricht fragt nach der PIN der Kundin bzw. des Kunden.",
        "online-banking login": "Diese Nachricht fragt nach den Online-Banking-Zugangsdaten der Kundin bzw. des Kunden.",
        "full card number": "Diese Nachricht fragt nach der vollständigen Kartennummer der Kundin bzw. des Kunden.",
        "card security code (CVV/CVC)": "Diese Nachricht fragt nach der Kartenprüfnummer (CVV/CVC) der Kundin bzw. des Kunden.",
        "card expiry date": "Diese Nachricht fragt nach dem Karten-Ablaufdatum der Kundin bzw. des Kunden.",
        "one-time code": "Diese Nachricht fragt die Kundin bzw. den Kunden nach einem Einmalcode.",
        "remote access to their device": "Diese Nachricht verlangt von der Kundin bzw. dem Kunden einen Fernzugriff auf das eigene Gerät.",
        "remote-access software (anydesk)": "Diese Nachricht verlangt von der Kundin bzw. dem Kunden die Installation einer Fernwartungssoftware (anydesk).",
    },
    "fr": {
        "password": "Ce message demande au client son mot de passe.",
        "PIN": "Ce message demande au client son code PIN.",
        "online-banking login": "Ce message demande au client ses identifiants de banque en ligne.",
        "full card number": "Ce message demande le numéro complet de la carte du client.",
        "card security code (CVV/CVC)": "Ce message demande le cryptogramme de la carte (CVV/CVC) du client.",
        "card expiry date": "Ce message demande la date d'expiration de la carte du client.",
        "one-time code": "Ce message demande au client un code à usage unique.",
        "remote access to their device": "Ce message demande au client un accès à distance à son appareil.",
        "remote-access software (anydesk)": "Ce message demande au client d'installer un logiciel de prise en main à distance (anydesk).",
    },
    "es": {
        "password": "Este mensaje pide al cliente su contraseña.",
        "PIN": "Este mensaje pide al cliente su PIN.",
        "online-banking login": "Este mensaje pide al cliente sus datos de acceso a la banca online.",
        "full card number": "Este mensaje pide el número completo de la tarjeta del cliente.",
        "card security code (CVV/CVC)": "Este mensaje pide el código de seguridad de la tarjeta (CVV/CVC) del cliente.",
        "card expiry date": "Este mensaje pide la fecha de caducidad de la tarjeta del cliente.",
        "one-time code": "Este mensaje pide al cliente un código de un solo uso.",
        "remote access to their device": "Este mensaje pide al cliente acceso remoto a su dispositivo.",
        "remote-access software (anydesk)": "Este mensaje pide al cliente que instale un programa de acceso remoto (anydesk).",
    },
    "it": {
        "password": "Questo messaggio chiede al cliente la sua password.",
        "PIN": "Questo messaggio chiede al cliente il suo PIN.",
        "online-banking login": "Questo messaggio chiede al cliente le sue credenziali di home banking.",
        "full card number": "Questo messaggio chiede il numero completo della carta del cliente.",
        "card security code (CVV/CVC)": "Questo messaggio chiede il codice di sicurezza della carta (CVV/CVC) del cliente.",
        "card expiry date": "Questo messaggio chiede la data di scadenza della carta del cliente.",
        "one-time code": "Questo messaggio chiede al cliente un codice monouso.",
        "remote access to their device": "Questo messaggio chiede al cliente l'accesso remoto al suo dispositivo.",
        "remote-access software (anydesk)": "Questo messaggio chiede al cliente di installare un software di accesso remoto (anydesk).",
    },
    "nl": {
        "password": "Dit bericht vraagt de klant om het wachtwoord.",
        "PIN": "Dit bericht vraagt de klant om de pincode.",
        "online-banking login": "Dit bericht vraagt de klant om de inloggegevens voor internetbankieren.",
        "full card number": "Dit bericht vraagt de klant om het volledige kaartnummer.",
        "card security code (CVV/CVC)": "Dit bericht vraagt de klant om de beveiligingscode van de kaart (CVV/CVC).",
        "card expiry date": "Dit bericht vraagt de klant om de vervaldatum van de kaart.",
        "one-time code": "Dit bericht vraagt de klant om een eenmalige code.",
        "remote access to their device": "Dit bericht vraagt de klant om toegang op afstand tot het eigen apparaat.",
        "remote-access software (anydesk)": "Dit bericht vraagt de klant om het installeren van software voor toegang op afstand (anydesk).",
    },
    "pt-PT": {
        "password": "Esta mensagem pede ao cliente a sua palavra-passe.",
        "PIN": "Esta mensagem pede ao cliente o seu PIN.",
        "online-banking login": "Esta mensagem pede ao cliente os seus dados de acesso ao homebanking.",
        "full card number": "Esta mensagem pede o número completo do cartão do cliente.",
        "card security code (CVV/CVC)": "Esta mensagem pede o código de segurança do cartão (CVV/CVC) do cliente.",
        "card expiry date": "Esta mensagem pede a data de validade do cartão do cliente.",
        "one-time code": "Esta mensagem pede ao cliente um código de utilização única.",
        "remote access to their device": "Esta mensagem pede ao cliente acesso remoto ao seu dispositivo.",
        "remote-access software (anydesk)": "Esta mensagem pede ao cliente que instale um programa de acesso remoto (anydesk).",
    },
    "pt-BR": {
        "password": "Esta mensagem pede ao cliente a senha.",
        "PIN": "Esta mensagem pede ao cliente o PIN.",
        "online-banking login": "Esta mensagem pede ao cliente os dados de acesso ao internet banking.",
        "full card number": "Esta mensagem pede o número completo do cartão do cliente.",
        "card security code (CVV/CVC)": "Esta mensagem pede o código de segurança do cartão (CVV/CVC) do cliente.",
        "card expiry date": "Esta mensagem pede a data de validade do cartão do cliente.",
        "one-time code": "Esta mensagem pede ao cliente um código de uso único.",
        "remote access to their device": "Esta mensagem pede ao cliente acesso remoto ao próprio dispositivo.",
        "remote-access software (anydesk)": "Esta mensagem pede ao cliente que instale um programa de acesso remoto (anydesk).",
    },
    "pl": {
        "password": "Ta wiadomość prosi klienta o hasło.",
        "PIN": "Ta wiadomość prosi klienta o PIN.",
        "online-banking login": "Ta wiadomość prosi klienta o dane logowania do bankowości internetowej.",
        "full card number": "Ta wiadomość prosi klienta o pełny numer karty.",
        "card security code (CVV/CVC)": "Ta wiadomość prosi klienta o kod zabezpieczający karty (CVV/CVC).",
        "card expiry date": "Ta wiadomość prosi klienta o datę ważności karty.",
        "one-time code": "Ta wiadomość prosi klienta o kod jednorazowy.",
        "remote access to their device": "Ta wiadomość prosi klienta o zdalny dostęp do urządzenia.",
        "remote-access software (anydesk)": "Ta wiadomość prosi klienta o zainstalowanie oprogramowania do zdalnego dostępu (anydesk).",
    },
}
# What each reason goes on to say, in a word or two per ask type (the advice the agent needs).
REASON_ADVICE = {
    "de": {
        "PASSWORD": "Link zum Zurücksetzen",
        "PAYMENT_CARD": "Zahlungslink",
        "CARD_SECURITY_CODE": "Niemand bei Acme",
        "CARD_EXPIRY": "sicheren Zahlungsseite",
        "ONE_TIME_CODE": "Kundenkonto",
        "REMOTE_ACCESS": "Erstattungsbetrug",
    },
    "fr": {
        "PASSWORD": "réinitialisation du mot de passe",
        "PAYMENT_CARD": "lien de paiement sécurisé",
        "CARD_SECURITY_CODE": "Personne chez Acme",
        "CARD_EXPIRY": "page de paiement sécurisée",
        "ONE_TIME_CODE": "espace client",
        "REMOTE_ACCESS": "arnaques au remboursement",
    },
    "es": {
        "PASSWORD": "restablecer la contraseña",
        "PAYMENT_CARD": "enlace de pago seguro",
        "CARD_SECURITY_CODE": "Nadie en Acme",
        "CARD_EXPIRY": "página de pago seguro",
        "ONE_TIME_CODE": "dentro de la cuenta",
        "REMOTE_ACCESS": "estafas de reembolso",
    },
    "it": {
        "PASSWORD": "reimpostare la password",
        "PAYMENT_CARD": "link di pagamento sicuro",
        "CARD_SECURITY_CODE": "Nessuno di Acme",
        "CARD_EXPIRY": "pagina di pagamento sicura",
        "ONE_TIME_CODE": "all'interno dell'account",
        "REMOTE_ACCESS": "truffe sui rimborsi",
    },
    "nl": {
        "PASSWORD": "wachtwoord opnieuw in te stellen",
        "PAYMENT_CARD": "beveiligde betaallink",
        "CARD_SECURITY_CODE": "Niemand bij Acme",
        "CARD_EXPIRY": "beveiligde betaalpagina",
        "ONE_TIME_CODE": "verificatie in het account",
        "REMOTE_ACCESS": "terugbetalingsfraude",
    },
    "pt-PT": {
        "PASSWORD": "repor a palavra-passe",
        "PAYMENT_CARD": "link de pagamento seguro",
        "CARD_SECURITY_CODE": "para Acme",
        "CARD_EXPIRY": "página de pagamento segura",
        "ONE_TIME_CODE": "área de cliente",
        "REMOTE_ACCESS": "burlas de reembolso",
    },
    "pt-BR": {
        "PASSWORD": "redefinição de senha",
        "PAYMENT_CARD": "link de pagamento seguro",
        "CARD_SECURITY_CODE": "equipe de Acme",
        "CARD_EXPIRY": "página de pagamento segura",
        "ONE_TIME_CODE": "dentro da conta",
        "REMOTE_ACCESS": "golpes de reembolso",
    },
    "pl": {
        "PASSWORD": "resetowania hasła",
        "PAYMENT_CARD": "bezpieczny link do płatności",
        "CARD_SECURITY_CODE": "Nikt z Acme",
        "CARD_EXPIRY": "bezpiecznej stronie płatności",
        "ONE_TIME_CODE": "na koncie klienta",
        "REMOTE_ACCESS": "na zwrot pieniędzy",
    },
}


def assert_native(text: str | None, lang: str) -> None:
    """No English sentence and no unfilled placeholder in ``text``."""
    assert text
    leaked = [english for english in ENGLISH if english in text]
    assert not leaked, f"{lang}: English left in {text!r}: {leaked}"
    assert "{" not in text and "}" not in text, f"{lang}: unfilled placeholder in {text!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_notice_for_a_card_number_is_in_the_customers_language(lang):
    result = scan(f"my card is {CARD}", brand="Acme", lang=lang)
    assert result.lang == lang
    for words in CARD_NOTICE[lang]:
        assert words in result.customer_notice, result.customer_notice
    assert_native(result.customer_notice, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_several_kinds_are_listed_once_each_in_the_case_their_slot_takes(lang):
    notice = scan(COMBINED_TEXT, brand="Acme", lang=lang).customer_notice
    for words in COMBINED_NOTICE[lang]:
        assert words in notice, notice
    assert_native(notice, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_without_a_brand_the_notice_speaks_for_us(lang):
    notice = scan("OTP: 123456", lang=lang).customer_notice
    assert UNBRANDED[lang] in notice
    assert_native(notice, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_warned_code_is_named_in_the_customers_language(lang):
    policy = Policy(actions={"ONE_TIME_CODE": "warn"})
    result = scan("my verification code is 482913", policy=policy, brand="Acme", lang=lang)
    assert result.redacted == "my verification code is 482913"
    assert WARNED[lang] in result.customer_notice
    assert_native(result.customer_notice, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_retailers_own_kind_keeps_the_label_the_retailer_wrote(lang):
    gift = {"name": "GIFT_CARD", "pattern": r"GC-\d{4}-\d{4}", "label": "Acme gift card number"}
    policy = Policy.from_dict({"custom_detectors": [gift]})
    notice = scan(
        f"gift card GC-1234-5678 and card {CARD}", policy=policy, brand="Acme", lang=lang
    ).customer_notice
    assert "Acme gift card number" in notice
    assert "an Acme gift card number" not in notice  # the English article stays in English
    assert_native(notice.replace("Acme gift card number", "…"), lang)


def test_portuguese_variants_differ_where_portugal_and_brazil_do():
    policy = Policy(actions={"PHONE": "redact"})
    text = "my password is hunter2, call me on +351 912 345 678"
    portugal = scan(text, policy=policy, lang="pt-PT").customer_notice
    brazil = scan(text, policy=policy, lang="pt-BR").customer_notice
    assert "palavra-passe" in portugal and "senha" not in portugal
    assert "senha" in brazil and "palavra-passe" not in brazil
    assert "telemóvel" in portugal and "celular" in brazil
    assert "da tua mensagem" in portugal and "da sua mensagem" in brazil


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("what", list(ASKS))
def test_every_block_reason_is_in_the_agents_language(lang, what):
    ask_type, text = ASKS[what]
    result = scan(text, "outbound", brand="Acme", lang=lang)
    assert result.blocked and result.lang == lang
    assert [(f.type, f.display) for f in result.findings] == [(ask_type, f"request for {what}")]
    reason = result.block_reasons[0]
    assert reason.startswith(REASON_OPENINGS[lang][what]), reason
    assert REASON_ADVICE[lang][ask_type] in reason, reason
    assert_native(reason.replace("anydesk", ""), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_unbranded_block_reasons_name_support_in_the_agents_language(lang):
    for ask_type, what in [
        ("PASSWORD", "password"),
        ("CARD_SECURITY_CODE", "card security code (CVV/CVC)"),
        ("REMOTE_ACCESS", "remote access to their device"),
    ]:
        assert_native(block_reason(ask_type, what, None, lang), lang)


def test_english_reasons_without_a_brand_read_well():
    reason = block_reason("REMOTE_ACCESS", "remote access to their device", None, "en")
    assert "Support support" not in reason
    assert "Support never takes control of a customer's device" in reason


def test_an_ask_description_without_a_translation_stays_as_guard_asks_wrote_it():
    reason = block_reason("SOMETHING_NEW", "loyalty pin", "Acme", "de")
    assert (
        reason
        == "Diese Nachricht fragt die Kundin bzw. den Kunden nach loyalty pin; danach fragt der Support nie."
    )


def asks_descriptions() -> set[str]:
    """Every description guard/asks.py gives an ask ("password", "remote-access software (…)")."""
    source = (Path(trustdesk.__file__).parent / "guard" / "asks.py").read_text(encoding="utf-8")
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        items = node.elts if isinstance(node, ast.Tuple) else node.args if isinstance(node, ast.Call) else []
        for kind, what in zip(items, items[1:]):  # (FindingType.X, "what", ...) as a tuple or call
            if not (isinstance(kind, ast.Attribute) and getattr(kind.value, "id", "") == "FindingType"):
                continue
            if isinstance(what, ast.Constant) and isinstance(what.value, str):
                found.add(what.value)
            elif isinstance(what, ast.JoinedStr):
                found.add("".join(v.value if isinstance(v, ast.Constant) else "X" for v in what.values))
    return found


def test_every_ask_description_guard_asks_can_give_has_words_to_translate():
    """A new description in asks.py fails here until reasons.py gives it a message (and the
    catalog test then wants its translations)."""
    descriptions = asks_descriptions()
    assert "password" in descriptions and "remote-access software (X)" in descriptions
    known = reasons_module._asked_words("en")
    untranslatable = [
        what for what in descriptions if what not in known and not reasons_module._REMOTE_TOOL.match(what)
    ]
    assert untranslatable == []


def test_a_long_german_or_french_text_without_a_hint_gets_its_own_language():
    german = scan(
        f"Hallo, meine Bestellung ist noch nicht angekommen. Hier ist meine Karte {CARD} für die Erstattung."
    )
    assert german.lang == "de" and german.customer_notice.startswith("Zu Ihrer Sicherheit haben wir")
    french = scan(
        f"Bonjour, ma commande n'est pas arrivée. Voici ma carte {CARD} pour le remboursement, merci."
    )
    assert french.lang == "fr" and french.customer_notice.startswith("Pour votre sécurité, nous avons retiré")
    english = scan(f"Hi, my parcel has not arrived yet. Here is my card {CARD} for the refund, thanks.")
    assert english.lang == "en" and english.customer_notice.startswith("We removed a card number")


def test_a_german_ask_without_a_hint_is_explained_in_german():
    result = scan(
        "Bitte nennen Sie mir Ihr Passwort, damit ich Ihr Konto prüfen kann.", "outbound", brand="Acme"
    )
    assert result.blocked and result.lang == "de"
    assert result.block_reasons[0].startswith("Diese Nachricht fragt nach dem Passwort")


def test_an_ask_split_over_messages_is_explained_in_the_language_of_the_whole():
    result = scan("Passwort?", "outbound", context=["Wie lautet bitte Ihr aktuelles"])
    assert result.blocked and result.lang == "de"


def test_the_hint_wins_over_the_texts_language_and_is_matched_to_a_supported_one():
    result = scan(f"Hi, my parcel has not arrived yet. Here is my card {CARD} for the refund.", lang="de-AT")
    assert result.lang == "de" and result.customer_notice.startswith("Zu Ihrer Sicherheit")
    unsupported = scan(
        f"Hi, my parcel has not arrived yet. Here is my card {CARD} for the refund.", lang="ja"
    )
    assert unsupported.lang == "en" and unsupported.customer_notice.startswith("We removed")


def test_the_language_is_identified_only_when_the_words_are_read(monkeypatch):
    # Watched at the identifier itself, so this holds for the compiled guard too.
    calls: list[str] = []

    class Watched:
        def __init__(self, identifier):
            self.identifier = identifier

        def classify(self, text):
            calls.append(text)
            return self.identifier.classify(text)

    monkeypatch.setattr(language_module, "_identifier", Watched(language_module._get_identifier()))
    for text in ["Wo ist meine Bestellung?", "order 100234 shipped", "please call me on 415-555-0132"]:
        result = scan(text)
        assert result.lang is None and result.customer_notice is None
    assert scan("Wo ist meine Bestellung?", lang="de").lang == "de"  # no words: the hint as given
    assert scan(f"Karte {CARD}", lang="fr").customer_notice.startswith(
        "Pour votre sécurité"
    )  # the hint decides
    assert calls == []
    result = scan(f"Meine Karte ist {CARD}, bitte buchen Sie den Betrag ab.")
    assert result.redacted == "Meine Karte ist [removed: Visa ending 4242], bitte buchen Sie den Betrag ab."
    assert calls == []  # a scan whose notice nobody reads identifies nothing
    assert result.customer_notice.startswith("Zu Ihrer Sicherheit")
    assert result.lang == "de" and result.customer_notice.startswith("Zu Ihrer Sicherheit")
    assert len(calls) == 1  # once, then kept
    assert CARD.replace(" ", "") not in calls[0].replace(" ", "")  # identified from the redacted text


def test_notices_are_cached_per_language():
    key = (("PAYMENT_CARD", "redact"),)
    english = notice_for(key, "Acme", (), "en")
    german = notice_for(key, "Acme", (), "de")
    assert english.startswith("We removed") and german.startswith("Zu Ihrer Sicherheit")
    assert notice_for(key, "Acme", (), "de") is german


def test_a_broken_translation_falls_back_to_english_instead_of_failing():
    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "Wir haben {gegenstände} entfernt." if "{items}" in message else message

    w = Words("de")
    w._translations = Broken()
    sentence = "We removed {items} from your message to keep you safe."
    assert w.gettext(sentence, items="eine Kartennummer") == (
        "We removed eine Kartennummer from your message to keep you safe."
    )
    assert Words("xx").code == "en"
