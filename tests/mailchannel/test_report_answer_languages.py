"""The answer to a forwarded suspicious mail speaks the forwarder's language when the retailer offers
it (identified from their own note, not from the forwarded scam), else the retailer's default."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default as default_policy

from tests.mailchannel.conftest import CUSTOMER, Sink, World
from tests.mailchannel.test_report_inbox import REPORT_ADDRESS, _answer_worker, _phish, _with_report_address

from trustdesk.store.models import Tenant

GERMAN_NOTE = "Hallo, ich habe diese Nachricht heute bekommen und bin unsicher. Ist sie wirklich von Ihnen?"


def _offer(world: World, languages: list[str], default: str) -> None:
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        tenant.languages, tenant.default_language = languages, default  # type: ignore[union-attr]
        s.commit()


def _answer_for(world: World, sink: Sink, note: str) -> str:
    forward = EmailMessage()
    forward["From"] = f"Pat Example <{CUSTOMER}>"
    forward["To"] = REPORT_ADDRESS
    forward["Subject"] = "Fwd: Your account is locked"
    forward.set_content(note)
    forward.add_attachment(_phish())
    world.send_raw(forward.as_bytes(), to=[REPORT_ADDRESS], mail_from=CUSTOMER)
    assert _answer_worker(world, sink).run_once() == 1
    sink.wait(1)
    answer = email.message_from_bytes(sink.messages[-1][2], policy=default_policy)
    return f"{answer['Subject']}\n" + answer.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def test_a_german_forwarder_gets_the_answer_in_german(world: World, sink: Sink) -> None:
    _with_report_address(world)
    _offer(world, ["en", "de"], "en")
    text = _answer_for(world, sink, GERMAN_NOTE)
    assert "Was wir in der weitergeleiteten Nachricht gefunden haben" in text
    assert "Vielen Dank, dass Sie uns diese Nachricht weitergeleitet haben." in text
    assert "Diese Nachricht wurde nicht von Acme Shop gesendet." in text
    assert "Referenz TD-" in text  # the German footer: the answer itself is checkable
    assert "Thank you for forwarding" not in text and "was not sent by" not in text


def test_a_language_the_retailer_does_not_offer_gets_its_default(world: World, sink: Sink) -> None:
    _with_report_address(world)
    _offer(world, ["en", "fr"], "fr")
    text = _answer_for(world, sink, GERMAN_NOTE)
    assert "Merci de nous avoir transféré ce message." in text and "Référence TD-" in text
