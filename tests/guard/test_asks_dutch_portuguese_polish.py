"""Outbound asks in Dutch, Portuguese (pt-PT and pt-BR) and Polish, each beside its nearest harmless
look-alike: a word list that is too wide or too narrow fails one side."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan


def blocked(text: str, context: tuple[str, ...] = ()) -> bool:
    return scan(text, "outbound", context=list(context)).blocked


@pytest.mark.parametrize(
    ("ask", "harmless"),
    [
        # Pressure: the negation is part of the threat, not a refusal to ask.
        (
            "Als u uw wachtwoord niet vandaag aan ons bevestigt, wordt uw account gesloten.",
            "Als u uw wachtwoord niet meer weet, klik dan op 'Wachtwoord vergeten'.",
        ),
        (
            "Jeśli nie poda Pan teraz PIN-u do aplikacji, przelew zostanie anulowany.",
            "Jeśli nie pamięta Pan hasła, proszę kliknąć „Nie pamiętam hasła”.",
        ),
        (
            "Se você não me passar agora a senha do app do banco, o estorno volta.",
            "Se você não lembra a senha, clique em 'Esqueci a senha'.",
        ),
        (
            "Caso o senhor não confirme o número do cartão, perde o desconto.",
            "Nunca pedimos a sua senha nem o número do cartão.",
        ),
        # A code sent again, then a short question about what came.
        (("Ik heb hem opnieuw laten versturen.", "Wat is het deze keer geworden?"), None),
        (("Wysłałem jeszcze raz.", "I co tym razem przyszło?"), None),
        (
            ("Reenviei agorinha.", "E aí, o que chegou dessa vez?"),
            ("Reenviei o e-mail de confirmação.", "Qual a data de entrega?"),
        ),
        # Remote control: unknown sources, every permission, the mouse handed over.
        (
            "Zet 'onbekende bronnen' aan, installeer het bestand en geef het alle rechten.",
            "Wij vragen nooit om software te installeren of uw scherm te delen.",
        ),
        (
            "Proszę zostawić mi myszkę, dokończę konfigurację routera.",
            "Proszę przesłać zdjęcie zgniecionego rogu kartonu i naklejki przewoźnika.",
        ),
        (
            "Vai às definições, ativa «Instalar apps desconhecidas» e dá-lhe todas as permissões.",
            "O seu código de rastreio é PT123456789.",
        ),
        # Official places: "type it there yourself, not here in the chat".
        (
            "Alleen de 3-cijferige code van de achterkant van je pas nog even hier appen.",
            "Zie je op de betaalpagina het vakje 'CVC'? Daar vul je zelf de drie cijfers in. Niet hier in de chat, hè.",
        ),
        (
            "Mete também o CVV, senão o pagamento não passa.",
            "Na tela de pagamento tem o campo «CVV»: é lá que você digita os 3 números de trás. Aqui no chat não, tá?",
        ),
        (
            "Dopisz jeszcze kod CVC, bo inaczej bramka płatnicza odrzuci zamówienie.",
            "Co to jest kod CVC? To trzy cyfry z tyłu karty, które wpisujesz sam na stronie płatności.",
        ),
        # Circulating scam texts quoted in a warning.
        (
            "Stuur de sms-code even naar mij door.",
            "Er gaan berichten rond met de tekst: 'Stuur ons de code die u per sms ontvangt'. Die komen niet van ons.",
        ),
        (
            "Prosze podac kod z smsa",
            "Krążą SMS-y: „Kurier: paczka czeka, odeślij kod z wiadomości”. To nie my.",
        ),
    ],
)
def test_an_ask_is_blocked_and_its_look_alike_passes(ask, harmless):
    ask_context, ask_text = (ask[:-1], ask[-1]) if isinstance(ask, tuple) else ((), ask)
    assert blocked(ask_text, ask_context)
    if harmless is not None:
        context, text = (harmless[:-1], harmless[-1]) if isinstance(harmless, tuple) else ((), harmless)
        assert not blocked(text, context)


@pytest.mark.parametrize(
    "text",
    [
        "Pani da mi numer karta cały, 16 liczby, i ja robię zwrot dzisiaj.",
        "Senhora, dar para mim número cartão inteiro, 16 números, e eu fazer reembolso hoje.",
        "Mevrouw, u geef mij nummer van kredietkaart helemaal, alle 16 cijfer.",
        "Kod autoryzacyjny winien zostać podany za pośrednictwem niniejszego kanału.",
        "O código de verificação do cartão (CVV) deverá constar na resposta a este e-mail.",
        "De eenmalige transactiecode dient via dit kanaal te worden verstrekt.",
        "e esse cartao vence quando? mes/ano ja serve",
    ],
)
def test_broken_formal_and_unaccented_asks_are_blocked(text):
    assert blocked(text)


def test_the_german_causal_da_parts_no_portuguese_da():
    # Every pack's clause breaks run on every message; the folded "dá" must not cut the ask in two.
    assert blocked("A senha do app do banco, dá pra você me mandar agora?")
    assert blocked(
        "Da die Zuzahlung nicht eingezogen werden konnte, tippen Sie bitte Ihre Kartennummer hier ein."
    )
    assert not blocked("Das Passwort brauchen wir nicht, da die Bestellung schon bezahlt ist.")


@pytest.mark.parametrize(
    ("ask", "harmless"),
    [
        (
            "Werk uw betaalgegevens bij via deze link om uw bestelling vrij te geven.",
            "U kunt uw betaalgegevens zelf aanpassen in Mijn account > Betaalmethoden.",
        ),
        (
            "Atualize os dados de pagamento neste link para liberar o pedido.",
            "Pode atualizar os dados de pagamento na sua área de cliente no nosso site.",
        ),
        (
            "Zaloguj się do swojego banku przez ten link, żeby odebrać zwrot.",
            "Zaloguj się do banku i sprawdź, czy przelew wyszedł.",
        ),
        ("Wat is het antwoord op uw beveiligingsvraag?", "Uw betaling is ontvangen, bedankt!"),
        (
            "Qual é a resposta à sua pergunta de segurança?",
            "Nunca pedimos dados de pagamento por SMS ou e-mail.",
        ),
        ("Jaka jest odpowiedź na pytanie bezpieczeństwa?", "Nigdy nie prosimy o dane płatnicze przez SMS."),
    ],
)
def test_payment_and_security_details_behind_a_link_are_asked_for(ask, harmless):
    assert blocked(ask)
    assert not blocked(harmless)


@pytest.mark.parametrize(
    ("ask", "harmless"),
    [
        ("Lees me voor wat de app laat zien", "Wat staat er op de verzendbevestiging?"),
        ("Przeczytaj mi, co pokazuje aplikacja", "Co jest napisane na etykiecie paczki?"),
        ("Leia para mim o que aparece no aplicativo", "O que diz a etiqueta da encomenda?"),
        ("O que diz o SMS que acabou de receber?", "Você vai receber um SMS com um código. Digite-o no app."),
        ("stuur je wagtwoord", "Wagtwoord vergeten? Klik hier."),
        ("Qual a sua senhaa?", "Esqueceu a senhaa? Clique aqui."),
    ],
)
def test_read_aloud_asks_and_misspellings_are_blocked(ask, harmless):
    assert blocked(ask)
    assert not blocked(harmless)


@pytest.mark.parametrize(
    ("harmless", "ask"),
    [
        (("Nigdy nie poprosimy", "o hasło"), ("Czy może Pan podać", "hasło?")),
        (("Nunca vamos pedir", "a sua senha"), ("Pode me dizer", "a sua senha?")),
        (("Nigdy nie podawaj", "kodu z SMS-a"), ("Proszę mi podać", "kod z SMS-a")),
        (("Nunca partilhe", "a sua palavra-passe"), ("Escreva aqui", "a sua palavra-passe")),
    ],
)
def test_a_request_split_over_two_messages_is_read_whole(harmless, ask):
    assert not blocked(harmless[1], harmless[:1])
    assert blocked(ask[1], ask[:1])


@pytest.mark.parametrize(
    ("ask", "harmless"),
    [
        (
            "Heeft u de code al? Noem hem maar.",
            "De CVC is de code van drie cijfers op de achterkant van je kaart. Die vul je alleen in op de "
            "betaalpagina, deel hem nooit in een chat of mail.",
        ),
        ("Ma Pan już kod? To proszę mi go podać.", "Ma Pan już kod rabatowy? Proszę wpisać go w koszyku."),
        (
            "Quais os números que o banco te mandou por SMS?",
            "O seu cartão-presente de 50 € tem o código PRES-7KQ2-M9XD e pode ser usado até 31/12/2026.",
        ),
        (
            "Proszę podać kod z Google Authenticator.",
            "Którą metodą płatności chcesz zapłacić: BLIK czy kartą?",
        ),
        ("Prosze o blik", "Proszę zapłacić BLIKiem w aplikacji."),
        (
            "Solicitamos o envio do código CVV em resposta a este e-mail.",
            "Nunca solicitamos o código CVV por e-mail.",
        ),
        ("Hou je pas even voor de camera.", "Hou je ordernummer bij de hand."),
    ],
)
def test_codes_named_by_a_question_or_a_sender_and_their_look_alikes(ask, harmless):
    assert blocked(ask)
    assert not blocked(harmless)


@pytest.mark.parametrize(
    "text",
    [
        "Para receber notificações, aceite todas as permissões de notificação nas definições do telemóvel.",
        "Nadaj aplikacji wszystkie uprawnienia do powiadomień w ustawieniach telefonu.",
        "Indique o mês/ano da compra, por favor.",
        "Confirme os 16 números do código de rastreio.",
        "Wyłącz instalację z nieznanych źródeł.",
    ],
)
def test_permissions_dates_and_long_numbers_of_other_things_pass(text):
    assert not blocked(text)


@pytest.mark.parametrize(
    ("context", "text"),
    [
        ("Wysłaliśmy maila z kodem logowania.", "Wystarczą same cyfry."),
        ("Draai je kaart om.", "Wat staat er naast de handtekening?"),
        ("Vire o cartão.", "Que números vê junto à assinatura?"),
        ("Wanneer loopt je kaart af?", "Maand en jaar graag."),
        ("Quando expira o seu cartão?", "Diga-me o mês e o ano."),
    ],
)
def test_an_ask_that_leans_on_the_message_before(context, text):
    assert blocked(text, (context,))


@pytest.mark.parametrize(
    "text",
    [
        "Podaj numer karty podarunkowej, sprawdzę saldo.",
        "Qual é o número do cartão-presente? Verifico o saldo.",
        "Qual é o número do cartão de fidelidade?",
        "Jaki kod rabatowy wpisałaś?",
        "Wat is het nummer van je cadeaukaart? Dan check ik het saldo.",
    ],
)
def test_gift_loyalty_and_discount_numbers_are_no_secrets(text):
    assert not blocked(text)


@pytest.mark.parametrize(
    "text",
    [
        "Zonder uw pincode kan de terugbetaling niet worden verwerkt.",
        "Zonder de sms-code kan ik niet verder.",
        "Bez kodu z SMS-a nie mogę wysłać paczki.",
        "Twoje konto zostanie zablokowane, chyba że potwierdzisz hasło.",
        "Sem o código do SMS não consigo libertar a encomenda.",
        "Sem a senha não dá pra fazer o estorno.",
    ],
)
def test_without_it_nothing_happens_is_an_ask(text):
    assert blocked(text)


def test_passing_a_message_on_without_its_code_is_no_ask_for_the_code():
    assert not blocked("Reencaminhe-nos a mensagem do estafeta, mas sem o código, por favor.")


@pytest.mark.parametrize(
    ("harmless", "ask"),
    [
        (
            "Werk je kaartgegevens bij in de app onder Profiel > Betaalmethoden.",
            "Ga naar instellingen en stuur me dan je kaartgegevens.",
        ),
        (
            "Pode alterar os dados do cartão em Minha conta > Formas de pagamento.",
            "Abra Minha conta e me mande os dados do cartão.",
        ),
        (
            "Dane karty zmienisz w Moje konto > Metody płatności.",
            "Otwórz Moje konto i przepisz mi dane karty.",
        ),
    ],
)
def test_the_customers_own_account_settings_are_an_official_place(harmless, ask):
    assert not blocked(harmless)
    assert blocked(ask)


@pytest.mark.parametrize(
    ("ask", "harmless"),
    [
        (
            "Krok 1: otwórz aplikację banku.\nKrok 2: podaj mi kod, który widzisz.",
            "Podaj kod rabatowy, który widzisz w mailu, wpiszę go za Ciebie.",
        ),
        (
            "Passo 1: abra o app do banco.\nPasso 2: me passe o código que aparecer.",
            "Digite o código que aparecer no app.",
        ),
        (
            "Graag de volgende gegevens:\n1. Naam\n2. Kaartnummer\n3. Vervaldatum",
            "Graag de volgende gegevens:\n1. Naam\n2. Ordernummer\n3. Retourreden",
        ),
    ],
)
def test_steps_and_lists(ask, harmless):
    assert blocked(ask)
    assert not blocked(harmless)


@pytest.mark.parametrize(
    ("ask", "harmless"),
    [
        ("Deel je scherm even met mij.", "Deel je scherm niet met onbekenden."),
        ("Partilhe o seu ecrã comigo, por favor.", "Nunca partilhe o seu ecrã com desconhecidos."),
        (
            "Welke vier cijfers toets je in bij de geldautomaat?",
            "Wij bezorgen je pakket morgen; de pincode volgt per post.",
        ),
        ("Jakim kodem odblokowujesz aplikację banku?", "Kod SMS powinien przyjść w ciągu minuty."),
    ],
)
def test_screen_sharing_and_unlock_codes(ask, harmless):
    assert blocked(ask)
    assert not blocked(harmless)


@pytest.mark.parametrize(
    "text",
    [
        "Zeg ne keer uw wachtwoord",
        "Geeft ge mij efkes uwe pincode?",
        "Stuur da codeke van de sms eens door",
        "Passa pra mim o código do SMS",
        "Bota aqui a senha",
        "Rzuć mi kod z SMS-a",
        "jaki jest kod z smsa",
    ],
)
def test_regional_and_colloquial_asks_are_blocked(text):
    assert blocked(text)


@pytest.mark.parametrize(
    "text",
    [
        "Bij een creditcardbetaling kan je bank om een extra bevestiging in de bankapp vragen. Dat is normaal.",
        "Pra trocar a senha: 'Minha conta' > 'Segurança' > 'Alterar senha'. Lá o senhor digita a senha atual e depois a nova.",
    ],
)
def test_formal_and_informal_explanations_pass_alike(text):
    assert not blocked(text)
