"""Mail the desk sends speaks the conversation's language: a reply in a German conversation ends with
the German footer, is still DKIM-signed and referenced, and the message check recognises the German
footer as ours (the mail as delivered is "genuine"); an English conversation keeps the English footer."""

from __future__ import annotations

import email
from email import policy

from sqlalchemy import select
from tests.mailchannel.conftest import Sink, World
from tests.mailchannel.test_outbound import agent_reply, start_email_conversation

from trustdesk.authenticity.footers import footer_pattern, footer_text
from trustdesk.authenticity.service import create_dkim_key, run_check
from trustdesk.channels.index import load_registry
from trustdesk.i18n import LANGUAGES
from trustdesk.mail import DkimResult, Resolver, verify_dkim
from trustdesk.store.models import Conversation, Tenant


def _signing_key(world: World) -> None:
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        key = create_dkim_key(s, tenant, world.box, actor="test", bits=1024)  # type: ignore[arg-type]
        selector, public = key.selector, key.public_key
        s.commit()
    world.dns.add(f"{selector}._domainkey.acme-shop.com", "TXT", f"v=DKIM1; k=rsa; p={public}")


def _speaks(world: World, conv: Conversation, lang: str) -> None:
    with world.sessions() as s:
        s.get(Conversation, conv.id).language = lang  # type: ignore[union-attr]
        s.commit()


def test_a_reply_in_a_german_conversation_has_the_german_footer_and_stays_checkable(
    world: World, sink: Sink
) -> None:
    _signing_key(world)
    conv = start_email_conversation(world)
    _speaks(world, conv, "de")
    message = agent_reply(world, conv, "Ihre neue Lampe ist unterwegs.")
    assert world.worker().run_once() == 1
    sink.wait(1)
    raw = sink.messages[0][2]
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["X-Trustdesk-Reference"] == message["reference"]
    text = parsed.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert (
        f"Referenz {message['reference']} \u00b7 prüfen Sie sie unter http://desk.test/t/acme/check" in text
    )
    assert "check it at" not in text
    resolver = Resolver(["127.0.0.1"], port=world.dns.port, timeout=1.0)
    (signature,) = verify_dkim(raw, resolver)
    assert signature.result is DkimResult.PASS
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        check = run_check(
            s, raw, tenant=tenant, registry=load_registry(s), resolver=None, settings=world.settings
        )
        pasted = run_check(
            s, text, tenant=tenant, registry=load_registry(s), resolver=None, settings=world.settings
        )
    assert check.verdict.value == "genuine" and check.reference == message["reference"]
    assert pasted.verdict.value == "genuine"  # the customer pastes the text, German footer and all


def test_an_english_conversation_keeps_the_english_footer(world: World, sink: Sink) -> None:
    conv = start_email_conversation(world)
    message = agent_reply(world, conv, "Your new lamp is on its way.")
    assert world.worker().run_once() == 1
    sink.wait(1)
    parsed = email.message_from_bytes(sink.messages[0][2], policy=policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Reference {message['reference']} \u00b7 check it at http://desk.test/t/acme/check" in text
    with world.sessions() as s:
        assert s.scalars(select(Conversation)).one().language in (None, "en")


def test_every_languages_footer_is_recognised_even_when_rewrapped() -> None:
    for code in LANGUAGES:
        line = footer_text("TD-7Q2MH4K9XD", "https://desk.test/t/acme/check", code)
        assert footer_pattern().fullmatch(line), code
        assert footer_pattern().fullmatch(line.replace(" ", "\n", 2)), code
    assert footer_text("TD-7Q2MH4K9XD", "https://x.test/c", "it") != footer_text(
        "TD-7Q2MH4K9XD", "https://x.test/c"
    )
