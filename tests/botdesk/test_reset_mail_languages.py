"""The bot's password-help mail is written in the conversation's language, footer included, and is
still sent from the official address with a checkable reference."""

from __future__ import annotations

import email
from email.policy import default as default_policy

from sqlalchemy import select
from tests.botdesk.conftest import PAT, BotDesk
from tests.botdesk.test_reset_mail import OFFICIAL, _run, _use_relay
from tests.mailchannel.conftest import Sink

from trustdesk.store.models import Conversation, OfficialChannelRow, SentMessage, Tenant


def test_a_french_conversation_gets_the_reset_mail_in_french(botdesk: BotDesk) -> None:
    with botdesk.sessions() as s:
        s.add(
            OfficialChannelRow(tenant_id=botdesk.tenant_id, kind="email", value=OFFICIAL, purpose="support")
        )
        tenant = s.get(Tenant, botdesk.tenant_id)
        tenant.languages, tenant.default_language = ["en", "fr"], "en"  # type: ignore[union-attr]
        s.commit()
    sink = Sink().start()
    _use_relay(botdesk, sink)
    chat = botdesk.chat()
    chat.send("Bonjour, je n'arrive plus à me connecter à mon compte, j'ai oublié mon mot de passe")
    chat.send(PAT)
    try:
        job = _run(botdesk, sink)
        sink.wait(1)
    finally:
        sink.stop()
    with botdesk.sessions() as s:
        assert s.scalars(select(Conversation)).one().language == "fr"
    assert job.status == "done", job.last_error
    mail_from, rcpts, raw = sink.messages[0]
    assert (mail_from, rcpts) == (OFFICIAL, [PAT])
    message = email.message_from_bytes(raw, policy=default_policy)
    reference = str(message["X-Trustdesk-Reference"])
    assert str(message["Subject"]).startswith("Retrouver l'accès à votre compte")
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Connectez-vous ou réinitialisez votre mot de passe uniquement sur notre page officielle" in text
    assert f"Référence {reference} \u00b7 vérifiez-la sur" in text and "/login?tenant=" in text
    assert "Sign in or reset" not in text and "check it at" not in text
    with botdesk.sessions() as s:
        assert s.scalar(select(SentMessage.id).where(SentMessage.reference == reference)) is not None
