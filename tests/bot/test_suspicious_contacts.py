"""Reporting and verifying contacts: verdicts explained, report form offered, security handoff."""

from __future__ import annotations

from trustdesk.bot.context import ContactCheck, Verdict
from trustdesk.bot.state import Awaiting, BotEvent, HandoffReason

from .conftest import Chat


def test_lookalike_is_explained_reported_and_escalated(chat: Chat) -> None:
    chat.retailer.contact_verdicts["support@acme-help.com"] = ContactCheck(
        "support@acme-help.com",
        "email",
        Verdict.LOOKALIKE,
        ("domain differs from acme.example by a suffix",),
        "acme.example",
    )
    turn = chat.send("is support@acme-help.com really your email?")
    assert BotEvent.CONTACTS_VERIFIED in turn.events
    assert "support@acme-help.com is NOT ours: it imitates acme.example" in chat.text()
    assert "https://acme.example/report" in chat.text()
    assert turn.handoff is not None and turn.handoff.reason is HandoffReason.SECURITY


def test_official_contact_is_confirmed_without_escalation(chat: Chat) -> None:
    chat.retailer.contact_verdicts["help@acme.example"] = ContactCheck(
        "help@acme.example", "email", Verdict.OFFICIAL
    )
    turn = chat.send("is help@acme.example your email?")
    assert "help@acme.example is an official Acme e-mail address" in chat.text()
    assert turn.handoff is None
    assert "report" not in chat.text().lower()


def test_reported_number(chat: Chat) -> None:
    chat.retailer.contact_verdicts["+44 20 7946 0000"] = ContactCheck(
        "+44 20 7946 0000", "phone", Verdict.REPORTED
    )
    chat.send("is +44 20 7946 0000 your number?")
    assert "already been reported as fraud" in chat.text()


def test_unknown_contact_gets_caution_and_report_form(chat: Chat) -> None:
    turn = chat.send("did you send me an email from deals@acme-outlet.shop?")
    assert "not one of Acme's official contacts" in chat.text()
    assert "https://acme.example/report" in chat.text()
    assert turn.handoff is None


def test_verify_without_a_contact_asks_for_it_then_checks(chat: Chat) -> None:
    chat.send("how do I know if an email is really from you?")
    assert chat.state.awaiting is Awaiting.CONTACT
    assert "https://acme.example/official" in chat.text()
    chat.send("here it is: refunds@acme-pay.net")
    assert "refunds@acme-pay.net is not one of Acme's official contacts" in chat.text()


def test_report_without_contact_advises_and_escalates(chat: Chat) -> None:
    turn = chat.send("someone rang me pretending to be your support and I told them the code you texted me")
    assert "never ask for your password" in chat.text()
    assert "contact your bank" in chat.text()
    assert turn.handoff is not None and turn.handoff.reason is HandoffReason.SECURITY
    assert turn.handoff.priority == "high"
