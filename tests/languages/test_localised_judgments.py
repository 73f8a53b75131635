"""The caller-code check and the message check answer in the page's language (the API stays English)."""

from __future__ import annotations

from tests.foundation.factory import make_tenant


def _shop(sessions):  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, "acme")
        tenant.languages, tenant.default_language = ["en", "de", "fr"], "en"
        s.commit()


def test_the_caller_check_answers_in_german(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions)
    form = {"order_number": "A-1", "email": "pat@example.org", "code": "123456"}
    page = client.post("/t/acme/check-caller", data=form, headers={"accept-language": "de-DE"}).text
    assert "Niemand von Acme Shop kontaktiert Sie derzeit zu dieser Bestellung." in page
    assert "Nobody from" not in page
    missing = client.post("/t/acme/check-caller", data=form | {"code": ""}, headers={"accept-language": "de"})
    assert missing.status_code == 422 and "Bitte füllen Sie alle drei Felder aus." in missing.text
    api = client.post("/api/v1/agent-contacts/check", json={"tenant": "acme", **form})
    assert api.json()["explanation"].startswith("Nobody from Acme Shop is contacting you")


def test_the_message_check_explains_and_advises_in_french(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions)
    text = "Bonjour, votre colis est bloqué. Payez les frais ici : https://acme-colis.test/payer"
    page = client.post("/t/acme/check", data={"text": text}, headers={"accept-language": "fr-FR"}).text
    assert "Nous ne pouvons pas dire si Acme Shop a envoyé ce message." in page or (
        "Ce message n'a pas été envoyé par Acme Shop." in page
    )
    assert "Ne cliquez sur aucun lien, n’appelez aucun numéro" in page
    assert "Do not click its links" not in page and "We cannot tell" not in page
