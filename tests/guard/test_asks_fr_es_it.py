"""French, Spanish and Italian asks in their indirect forms, each next to the harmless message
nearest to it (safety advice, order and tracking talk), so a word list that is too wide or too
narrow fails one side."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan


def asked(text: str, context: tuple[str, ...] = ()) -> set[str]:
    result = scan(text, "outbound", context=list(context))
    return {f.type for f in result.findings if f.is_ask}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Retournez votre carte et lisez-moi les trois chiffres près de la signature.", "CARD_SECURITY_CODE"),
        ("Ta carte est valable jusqu'à quand ?", "CARD_EXPIRY"),
        ("Quand le SMS arrive, recopiez-le moi mot pour mot.", "ONE_TIME_CODE"),
        ("Avec quoi vous connectez-vous à votre espace client ? J'en ai besoin pour vérifier.", "PASSWORD"),
        (
            "Une fenêtre demandera si nous pouvons utiliser votre souris et votre clavier : acceptez.",
            "REMOTE_ACCESS",
        ),
        ("Si nous n'avons pas le cryptogramme ce soir, la commande sera annulée.", "CARD_SECURITY_CODE"),
        ("Dele la vuelta a la tarjeta y léame los tres números junto a la firma.", "CARD_SECURITY_CODE"),
        ("¿Con qué entra usted en la banca online? Lo necesito para el reembolso.", "PASSWORD"),
        ("Cuando le llegue el SMS, cópiemelo palabra por palabra.", "ONE_TIME_CODE"),
        ("Escriba aquí el PIN que marca en el cajero.", "PASSWORD"),
        ("Si hoy no me pasa la fecha de caducidad, se anula la reserva.", "CARD_EXPIRY"),
        ("Active el permiso de accesibilidad que le pida la app y yo le muevo el cursor.", "REMOTE_ACCESS"),
        ("Giri la carta e mi legga le tre cifre accanto alla firma.", "CARD_SECURITY_CODE"),
        ("Con cosa accede all'home banking? Mi serve per il rimborso.", "PASSWORD"),
        ("Quando arriva l'SMS, me lo ricopi parola per parola.", "ONE_TIME_CODE"),
        ("Scriva qui il PIN che digita al bancomat.", "PASSWORD"),
        ("Senza il codice SMS l'ordine viene annullato stasera: me lo scriva qui.", "ONE_TIME_CODE"),
        ("Mi lasci usare il suo mouse e la sua tastiera per qualche minuto.", "REMOTE_ACCESS"),
        ("Il faudrait que vous me donniez votre mot de passe.", "PASSWORD"),
        ("Quelle est la réponse à votre question secrète ?", "PASSWORD"),
        ("Le code de votre carte, svp.", "PASSWORD"),
        ("Haría falta que me diera su contraseña.", "PASSWORD"),
        ("tu tarjeta cuando caduca?", "CARD_EXPIRY"),
        ("Le ha llegado un código de 6 cifras por SMS, ¿me lo puede decir?", "ONE_TIME_CODE"),
        ("Bisognerebbe che mi desse la sua password.", "PASSWORD"),
        ("passami i numeri della tua carta", "PAYMENT_CARD"),
        ("Che codice le è arrivato per messaggio?", "ONE_TIME_CODE"),
        ("Pour vous protéger des fraudeurs, donnez-moi le code reçu par SMS.", "ONE_TIME_CODE"),
        ("Per proteggerla dai truffatori, mi dia il codice che le è arrivato.", "ONE_TIME_CODE"),
    ],
)
def test_indirect_asks_are_blocked(text, kind):
    assert kind in asked(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nous ne vous demanderons jamais votre mot de passe, ni par chat ni par e-mail.",
        "Indiquez-moi le mois et l'année de votre commande, s'il vous plaît.",
        "Copiez-moi tel quel le message d'erreur, s'il vous plaît.",
        "Cliquez sur le lien dans l'e-mail que nous venons de vous envoyer pour suivre votre colis.",
        "Pour activer l'accessibilité du site, cliquez sur l'icône en bas à droite.",
        "Qu'est-ce qu'un code 3D Secure ? C'est un code que votre banque vous envoie ; ne le donnez à personne.",
        "Nunca le pediremos su contraseña ni el código que le llega por SMS.",
        "Dígame el código de seguimiento que aparece en el correo de envío.",
        "¿Hasta qué mes vale el cupón de descuento?",
        "Los datos que están en la factura son correctos.",
        "Solo faltan dos días para que llegue su pedido.",
        "¿Qué es un código OTP? Es una clave que le envía su banco; no la comparta con nadie.",
        "Non le chiederemo mai la password né il codice che riceve via SMS.",
        "Mi copi parola per parola il messaggio di errore che compare.",
        "Qual è la data di scadenza del suo abbonamento?",
        "Il mouse e la tastiera wireless sono in consegna: mi manda una foto dell'etichetta?",
        "Cos'è un codice OTP? È un codice che la banca le invia; non lo dia a nessuno.",
        "Mi inoltri l'SMS del corriere, coprendo il codice di ritiro.",
        "Le code de votre carte cadeau figure au dos, sous la bande à gratter.",
        "El código de su tarjeta regalo está en el reverso; introdúzcalo al pagar.",
        "Haría falta que me diera el número de pedido.",
        "¿Me confirma los cuatro últimos dígitos de la tarjeta con la que pagó?",
        "Avrei bisogno della foto dello scontrino.",
        "Il codice della sua carta regalo è sul retro: lo inserisca al pagamento.",
        "Un faux conseiller vous a demandé votre code ? Ne le donnez pas et prévenez votre banque.",
        "¿Un falso agente le pidió su código? No se lo dé y avise a su banco.",
        "Un finto operatore le ha chiesto il codice? Non lo dia e avvisi la sua banca.",
        "Donnez-moi votre code de commande, je regarde.",
        "Pouvez-vous me donner votre code de retrait ? Je vérifie s'il est encore valable au point relais.",
        "¿Le funciona el código?",
        "Il codice? Lo trova nella mail di conferma.",
    ],
)
def test_harmless_look_alikes_pass(text):
    assert asked(text) == set()


def test_a_follow_up_after_a_resend_asks_for_the_code():
    assert asked("Ça donne quoi de ton côté ?", ("Je relance l'envoi du SMS.",)) == {"ONE_TIME_CODE"}
    assert asked("Ça donne quoi de ton côté ?", ("Je relance l'envoi de votre colis.",)) == set()


@pytest.mark.parametrize(
    ("ask", "harmless"),
    [
        (
            "Remplissez ce formulaire avec les informations de votre carte : https://form-rembourse.fr",
            "Vous pouvez mettre à jour vos informations de paiement dans votre espace client.",
        ),
        (
            "Actualice sus datos de pago aquí: https://actualiza-pago.es",
            "Puede actualizar sus datos de pago en su área de cliente, apartado Métodos de pago.",
        ),
        (
            "Acceda con la sua banca tramite questo link per convalidare l'operazione: https://banca-convalida.it",
            "Non le chiederemo mai di confermare i dati di pagamento tramite un link.",
        ),
    ],
)
def test_payment_details_behind_a_link_are_asked_for_but_the_account_page_is_an_official_place(ask, harmless):
    assert asked(ask)
    assert asked(harmless) == set()


@pytest.mark.parametrize(
    ("lead", "question"),
    [
        ("Regardez au dos de votre carte.", "Quels sont les trois chiffres ?"),
        ("Mire el reverso de la tarjeta.", "¿Qué tres números hay?"),
        ("Guardi il retro della carta.", "Quali sono le tre cifre?"),
    ],
)
def test_a_question_after_a_pointer_to_the_back_of_the_card_asks_for_its_code(lead, question):
    assert asked(question, (lead,)) == {"CARD_SECURITY_CODE"}
    assert asked(question, ("Regardez l'étiquette du colis.",)) == set()


def test_a_code_received_is_asked_for_only_when_someone_asks():
    assert asked("¿Qué código ha recibido?") == {"ONE_TIME_CODE"}
    assert asked("Che codice ha ricevuto?") == {"ONE_TIME_CODE"}
    assert asked("¿Ha recibido el código? Introdúzcalo en la web.") == set()
    assert asked("Il codice che ha ricevuto è personale, non lo dia a nessuno.") == set()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("envoie moi ton mot de passse", "PASSWORD"),
        ("quelle est la date d'expriation de ta carte", "CARD_EXPIRY"),
        ("mandame el numero de tu targeta", "PAYMENT_CARD"),
        ("cual es la fecha de caducidaz", "CARD_EXPIRY"),
        ("qual è la data di scandenza della carta", "CARD_EXPIRY"),
        ("pasame el codigo de verif", "ONE_TIME_CODE"),
        ("dammi il cod di verifica", "ONE_TIME_CODE"),
    ],
)
def test_misspelled_secret_words_are_read_as_meant(text, kind):
    assert kind in asked(text)
    assert asked("Le enviamos las tarjetas regalo mañana.") == set()


@pytest.mark.parametrize(
    ("ask", "harmless"),
    [
        (
            "Je prends le contrôle de votre ordinateur, ne touchez à rien.",
            "Je prends en charge votre achat à distance, vous recevrez un e-mail.",
        ),
        (
            "Tomo el control de su ordenador un momento, no toque nada.",
            "Nunca tomaremos el control de su ordenador.",
        ),
        (
            "Scarichi l'app che le mando e mi dica il codice di 9 cifre che compare.",
            "Può mandarmi uno screenshot dell'errore?",
        ),
    ],
)
def test_taking_over_the_customers_device_is_an_ask(ask, harmless):
    assert asked(ask) == {"REMOTE_ACCESS"}
    assert asked(harmless) == set()


@pytest.mark.parametrize(
    ("ask", "advice"),
    [
        (
            "Le agradeceríamos que nos remitiera el código de seguridad que figura en el reverso de su tarjeta.",
            "Le rogamos que nunca comparta su contraseña.",
        ),
        (
            "Le saremmo grati se ci inoltrasse il codice di sicurezza riportato sul retro della carta.",
            "Le saremmo grati se non condividesse mai il codice ricevuto.",
        ),
        (
            "Nous vous saurions gré de nous faire parvenir le numéro complet de votre carte.",
            "Nous vous saurions gré de ne jamais communiquer votre code.",
        ),
    ],
)
def test_formal_letter_asks_are_asks_and_formal_advice_is_not(ask, advice):
    assert asked(ask)
    assert asked(advice) == set()


@pytest.mark.parametrize(
    ("warning", "ask"),
    [
        (
            "Vous avez reçu un e-mail : « Confirmez votre numéro de carte » ? Supprimez-le.",
            "Recopiez-moi le SMS qui dit « Votre code de validation est » avec les chiffres, svp.",
        ),
        (
            "¿Ha recibido un correo: «Confirme el número de su tarjeta»? Bórrelo.",
            "Cópieme el SMS que dice «Su código de verificación es» con los números.",
        ),
        (
            "Ha ricevuto una mail: «Confermi il numero della sua carta»? La cancelli.",
            "Mi ricopi l'SMS che dice «Il suo codice di verifica è» con le cifre.",
        ),
    ],
)
def test_a_quoted_scam_asks_for_nothing_but_a_message_copied_with_its_code_does(warning, ask):
    assert asked(warning) == set()
    assert asked(ask) == {"ONE_TIME_CODE"}


@pytest.mark.parametrize(
    "text",
    [
        "¿Me dictas los números grandes de la tarjeta? Así lo vinculo al pedido.",
        "Por motivos de seguridad, confírmenos la contraseña de acceso a su banca online.",
        "Sin la clave de firma no podemos procesar la devolución.",
        "Mi detta i numeri grandi della carta? Così la collego all'ordine.",
        "Le chiedo il numero completo della carta, non solo le ultime cifre.",
    ],
)
def test_more_spanish_and_italian_asks(text):
    assert scan(text, "outbound").blocked


@pytest.mark.parametrize(
    "text",
    [
        "Le chiedo scusa per il ritardo, il pacco arriverà domani.",
        "Le chiedo di non condividere mai il codice ricevuto via SMS.",
    ],
)
def test_le_chiedo_without_a_secret_asks_for_nothing(text):
    assert not scan(text, "outbound").blocked


@pytest.mark.parametrize(
    "text",
    [
        "Vous pouvez me dicter les gros chiffres de la carte ? Je la rattache à la commande.",
        "Dites-moi le nombre qui apparaît dans l'appli de la banque quand vous validez.",
        "Je vous demande le numéro complet de la carte, pas seulement les derniers chiffres.",
        "Escreva aqui no chat o código que o seu banco lhe enviou.",
        "Peço-lhe o número completo do cartão, não só os últimos dígitos.",
    ],
)
def test_more_french_and_portuguese_asks(text):
    assert scan(text, "outbound").blocked


@pytest.mark.parametrize(
    "text",
    [
        "Je vous demande de ne jamais communiquer votre code.",
        "Je vous demande un peu de patience, le colis arrive.",
        "Peço desculpa pelo atraso, a encomenda chega amanhã.",
    ],
)
def test_polite_french_and_portuguese_without_a_secret_ask_for_nothing(text):
    assert not scan(text, "outbound").blocked
