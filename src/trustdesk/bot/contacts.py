"""Suspicious contacts: verify every contact in the message, explain the verdict, offer the report form."""

from __future__ import annotations

from collections.abc import Sequence

from trustdesk.bot.context import ContactCheck, Verdict
from trustdesk.bot.intents import Intent
from trustdesk.bot.screening import says_secret_was_shared
from trustdesk.bot.state import Awaiting, BotEvent, HandoffReason
from trustdesk.bot.turn import TurnBuilder

_KIND_KEYS = {
    "phone": "kind_phone",
    "email": "kind_email",
    "url": "kind_website",
    "domain": "kind_website",
    "handle": "kind_account",
}


def explain(t: TurnBuilder, checks: Sequence[ContactCheck]) -> None:
    """One sentence per contact, in the verdict's words."""
    for check in checks:
        kind = t.text(_KIND_KEYS[check.kind]) if check.kind in _KIND_KEYS else check.kind
        if check.verdict is Verdict.OFFICIAL:
            t.say("contact_official", contact=check.contact, kind=kind)
        elif check.verdict is Verdict.LOOKALIKE:
            why = f" ({'; '.join(check.reasons)})" if check.reasons else ""
            t.say(
                "contact_lookalike",
                contact=check.contact,
                imitates=check.imitates or t.text("imitates_official", kind=kind),
                why=why,
            )
        elif check.verdict is Verdict.REPORTED:
            t.say("contact_reported", contact=check.contact)
        else:
            t.say("contact_unknown", contact=check.contact)


def handle_contacts(t: TurnBuilder, text: str, intent: Intent) -> None:
    """Start the report/verify flow for `text`."""
    checks = list(t.ctx.retailer.verify_contacts(text))
    if checks:
        _answer(t, text, intent, checks)
        return
    if intent is Intent.REPORT_SUSPICIOUS:
        _advise(t, text, suspicious=True)
        t.hand_off(HandoffReason.SECURITY)
        return
    t.say("contact_ask")
    if t.ctx.tenant.official_channels_url:
        t.say("official_channels", url=t.ctx.tenant.official_channels_url)
    t.wait_for(Awaiting.CONTACT, intent)


def continue_contacts(t: TurnBuilder, text: str) -> bool:
    """Handle the reply to 'paste the contact'; False when it holds no contact."""
    checks = list(t.ctx.retailer.verify_contacts(text))
    if not checks:
        return False
    _answer(t, text, t.state.flow or Intent.VERIFY_CONTACT, checks)
    return True


def _answer(t: TurnBuilder, text: str, intent: Intent, checks: list[ContactCheck]) -> None:
    t.event(BotEvent.CONTACTS_VERIFIED)
    t.update(awaiting=Awaiting.NOTHING, flow=intent)
    explain(t, checks)
    suspicious = any(c.verdict is not Verdict.OFFICIAL for c in checks)
    _advise(t, text, suspicious=suspicious)
    dangerous = any(c.verdict in (Verdict.LOOKALIKE, Verdict.REPORTED) for c in checks)
    if intent is Intent.REPORT_SUSPICIOUS or dangerous:
        t.hand_off(HandoffReason.SECURITY)


def _advise(t: TurnBuilder, text: str, *, suspicious: bool) -> None:
    if not suspicious:
        return
    t.say("never_ask")
    if says_secret_was_shared(text):
        t.say("shared_secret_advice")
    if t.ctx.tenant.report_url:
        t.say("report_form", url=t.ctx.tenant.report_url)
