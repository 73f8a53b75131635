"""How an ask is read across clauses, list items and an agent's earlier messages.

Each case pairs an ask with the harmless message nearest to it, so a rule that is too wide or too
narrow fails one side.
"""

from __future__ import annotations

import pytest

from trustdesk.guard import scan


def asked(text: str, context: tuple[str, ...] = ()) -> set[str]:
    result = scan(text, "outbound", context=list(context))
    return {f.type for f in result.findings if f.is_ask}


def test_numbered_list_items_take_the_request_of_the_line_above():
    text = (
        "Kindly reply with the following so the chargeback can be withdrawn:\n"
        "1. Name as shown on the card\n2. Long card number (all digits)\n3. Billing postcode"
    )
    assert asked(text) == {"PAYMENT_CARD"}
    harmless = (
        "Here is what happens next:\n1. We check the parcel\n2. The refund goes to the card you paid with"
    )
    assert asked(harmless) == set()


def test_an_unpunctuated_chat_message_is_finished_unless_it_stops_on_a_dangling_word():
    # "doesn't" belongs to the finished first message: it does not negate the ask that follows.
    finished = ("yeah the refund's stuck cos the card doesn't match what we've got",)
    assert asked("send the whole thing over, every digit, and i'll rematch it", finished) == {"PAYMENT_CARD"}
    # A message that stops on "your" goes on in the next one, negation included.
    assert asked("password", ("we will never ask for your",)) == set()
    assert asked("password?", ("can you tell me", "your")) == {"PASSWORD"}


def test_a_word_that_dangles_in_one_language_may_finish_a_message_in_another():
    # The English "a" goes on ("send me a" …); the French "a" ends "ce qu'on a", so its "pas" stays there.
    finished = ("le remboursement bloque parce que la carte correspond pas à ce qu'on a",)
    assert asked("renvoie-moi le numéro complet de ta carte et je relance", finished) == {"PAYMENT_CARD"}
    assert asked("mot de passe", ("nous ne vous demanderons jamais votre",)) == set()
    assert asked("mot de passe ?", ("tu peux me donner", "ton")) == {"PASSWORD"}


def test_a_short_question_whether_is_a_heading_not_a_bare_ask():
    assert asked("¿Necesita su contraseña? Puede restablecerla aquí.") == set()
    assert asked("Besoin de votre mot de passe ? Réinitialisez-le ici : https://exemple.fr/reset") == set()
    assert asked("¿Su contraseña?") == {"PASSWORD"}
    assert asked("Votre mot de passe ?") == {"PASSWORD"}


def test_a_message_that_is_only_a_secret_name_runs_on_into_the_next():
    assert asked("de vérif ?", ("c'est quoi ton", "code")) == {"ONE_TIME_CODE"}
    assert asked("reçu par SMS.", ("Je ne vous demanderai jamais votre", "code")) == set()


def test_a_follow_up_refers_to_a_secret_named_two_messages_back():
    context = ("ok I've hit resend", "should be on your phone now")
    assert asked("what did it come through as?", context) == {"ONE_TIME_CODE"}
    assert (
        asked("what did it come through as?", ("ok I've updated the address", "should be fine now")) == set()
    )


def test_asking_what_a_secret_is_asks_for_nothing():
    assert (
        asked("What's a one-time passcode? It's a short number your bank sends when you pay online.") == set()
    )
    assert "ONE_TIME_CODE" in asked("What's your one-time passcode?")
    assert asked("Was ist eine TAN? Eine Nummer, die nur Ihre Bank von Ihnen verlangt.") == set()


def test_a_message_passed_on_without_its_code_is_no_ask_for_the_code():
    harmless = (
        "Kannst du mir die SMS vom angeblichen Paketdienst hier reinkopieren? Ich will prüfen, ob die echt ist. "
        "Falls ein Code drinsteht, lass den bitte weg."
    )
    assert asked(harmless) == set()
    assert asked("Kannst du mir die SMS mit dem Code hier reinkopieren?") == {"ONE_TIME_CODE"}


def test_a_terse_note_asking_for_all_of_it_is_an_ask():
    assert asked("kartennr komplett, nicht nur die letzten 4") == {"PAYMENT_CARD"}
    assert (
        asked("Die Kartennummer wird bei uns komplett verschlüsselt gespeichert und nie angezeigt.") == set()
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Flip the card over. What's printed in the white strip where you signed?", "CARD_SECURITY_CODE"),
        ("When the window asks whether we may use your mouse and keyboard, click Allow.", "REMOTE_ACCESS"),
        (
            "That little keyfob your bank gave you – press the button and tell me what comes up on the display.",
            "ONE_TIME_CODE",
        ),
        (
            "Halten Sie die Karte kurz in die Kamera, Vorderseite zu mir, dann notiere ich mir die Zahlen.",
            "PAYMENT_CARD",
        ),
        ("Welche vier Zahlen tippst du an der Supermarktkasse ein, wenn du mit der Karte zahlst?", "PIN"),
    ],
)
def test_a_secret_named_by_where_it_is_or_what_it_does_is_still_asked_for(text, kind):
    found = asked(text)
    assert kind in found or (kind == "PIN" and "PASSWORD" in found)


@pytest.mark.parametrize(
    "text",
    [
        "The CVV is the short code printed on the back of your card. The checkout asks for it – so type it there, and nowhere else.",
        "Ah, the gift voucher! Type the long number from the back into the 'Voucher' box on the basket page.",
        "Screen sharing is never needed for a return: nobody from us will ask to use your mouse and keyboard.",
    ],
)
def test_explanations_of_where_secrets_belong_are_not_asks(text):
    assert asked(text) == set()


def test_a_negation_in_a_clause_of_its_own_does_not_cancel_the_ask_after_it():
    text = "Da die Zuzahlung von 10 € nicht eingezogen werden konnte, tippen Sie bitte Ihre Kartennummer hier in den Chat."
    assert asked(text) == {"PAYMENT_CARD"}
    # A negated list goes on after its commas; a short lead-in still negates.
    assert asked("We will never text you asking for a code, a PIN or your bank login.") == set()
    assert asked("Never, ever, send anyone your password.") == set()


def test_pressure_with_a_negation_is_still_an_ask():
    assert asked("If you don't send me your password I can't help you.") == {"PASSWORD"}
    assert asked("To avoid permanent closure you must re-enter your full debit card number by replying.") == {
        "PAYMENT_CARD"
    }
    assert (
        asked("If you don't want to share your card number, that's fine: use the secure payment link.")
        == set()
    )


def test_a_misspelling_is_read_as_the_nearest_secret_word():
    assert "ONE_TIME_CODE" in asked("ok i have sent u a verfication code, pls type it back to me here")


def test_a_short_statement_that_a_code_was_sent_is_news_not_an_ask():
    assert (
        asked("Wysłaliśmy kod SMS-em. Wpisz go w aplikacji, a potem wróć tutaj i napisz „gotowe”.") == set()
    )
    assert asked("Verification code sent.") == set()
    # The code's name alone, or as a question, still asks for it.
    assert asked("SMS code?") == {"ONE_TIME_CODE"}
    assert asked("Kod SMS?") == {"ONE_TIME_CODE"}


def test_a_dash_aside_after_a_subject_does_not_leave_the_subject_as_a_bare_request():
    explanation = (
        "O CVV — também chamado CVC ou código de segurança — são os três algarismos no verso do cartão. "
        "Só o escreve na página de pagamento; ninguém da loja precisa dele."
    )
    assert asked(explanation) == set()
    assert asked("Your card number – all 16 digits – please.") == {"PAYMENT_CARD"}
    # After a longer lead the dashes still part clauses: the negation stays in its own.
    assert asked("We never ask for your PIN - send me your card number - thanks") == {"PAYMENT_CARD"}


def test_a_scam_quoted_in_single_quotes_asks_for_nothing():
    warning = "Let op als een 'koper' je een link stuurt met 'Ontvang je geld – vul je kaartgegevens in'. Dat zijn wij niet."
    assert asked(warning) == set()
    # An apostrophe inside a word opens no quotation.
    assert asked("Installeer het apk'tje dat ik je app en geef het alle rechten.") == {"REMOTE_ACCESS"}


def test_a_short_yes_no_question_about_a_secret_asks_whether_not_for_it():
    assert asked("chegou o código? coloca você mesmo no app, eu não preciso dele não 👍") == set()
    assert asked("Já tem o código? Então diga-mo.") == {"ONE_TIME_CODE"}
    assert asked("Card number?") == {"PAYMENT_CARD"}


def test_a_lead_in_that_turns_a_secret_down_lends_no_ask():
    assert asked("Just your order number please.", ("I don't need the card number.",)) == set()
    assert asked("Nur Ihre Bestellnummer bitte.", ("Die Kartennummer brauche ich nicht.",)) == set()
    assert asked(
        "Welke drie cijfers staan daar?", ("Pak uw pas er even bij en kijk naar de achterkant.",)
    ) == {"CARD_SECURITY_CODE"}


def test_a_spaced_out_secret_word_after_one_or_two_short_words_is_still_read():
    assert asked("Qual é a s e n h a?") == {"PASSWORD"}
    assert asked("Qual é o c.v.v?") == {"CARD_SECURITY_CODE"}
    assert asked("Me diz a s e n h a") == {"PASSWORD"}


def test_a_question_that_opens_on_the_secret_asks_for_it_whatever_place_it_names():
    assert asked("Welke vier cijfers toets je in bij de geldautomaat?") == {"PASSWORD"}  # a PIN
    # Pointing to the place stays no ask.
    assert asked("De vier cijfers toets je alleen in bij de geldautomaat, nooit hier.") == set()
    assert asked("Zie je op de betaalpagina het vakje 'CVC'? Daar vul je zelf de drie cijfers in.") == set()


@pytest.mark.parametrize(
    "text",
    [
        "1. Open the app 2. Enter the SMS code",
        "1. Open our app\n2. Go to Settings\n3. Enter the code from the SMS there",
        "Öffnen Sie die App. Geben Sie dann den Code aus der SMS ein.",
        "Open de app. Vul daarna de sms-code in.",
    ],
)
def test_entry_steps_after_a_step_that_opens_the_app_happen_there(text):
    assert not scan(text, "outbound").blocked


@pytest.mark.parametrize(
    "text",
    [
        "Open the app. Then read me the code it shows.",
        "Open the app. Then type the SMS code here in the chat.",
        "Open the link I sent. Enter your card details there.",
    ],
)
def test_telling_or_typing_into_the_chat_after_opening_the_app_is_still_an_ask(text):
    assert scan(text, "outbound").blocked


def test_a_safety_promise_split_over_messages_asks_for_nothing():
    assert not scan("for your PIN.", "outbound", context=["We never ask"]).blocked
    context = ["Acme will never ask", "for your password, PIN or one-time code."]
    assert not scan("Stay safe!", "outbound", context=context).blocked
    # A secret named before still makes a request here an ask.
    assert scan("Read it to me.", "outbound", context=["Did the code arrive?"]).blocked
    assert scan("for your PIN.", "outbound", context=["Can you send me"]).blocked
