"""Account access: the official reset link to the account's own address; takeovers go to a person."""

from __future__ import annotations

import re

from trustdesk.bot.intents import Intent
from trustdesk.bot.knowledge_answers import answer_from_help
from trustdesk.bot.screening import mentions_account_takeover
from trustdesk.bot.slots import find_email
from trustdesk.bot.state import Awaiting, BotEvent, HandoffReason
from trustdesk.bot.turn import TurnBuilder

MAX_RESETS = 2
_SIGN_IN_TROUBLE = re.compile(
    r"pass\s*word|passcode|log\s*-?\s*(in|on)|sign\s*-?\s*in|locked|lock(ed)?\s+out|access|reset|"
    r"can'?t\s+get\s+in|get\s+(back\s+)?in(to)?|code|2fa|two[- ]?(factor|step)|verification|authenticat|credentials|"
    r"suspended|disabled|deactivated|recover|"
    r"passwort|kennwort|anmeld|einlogg|gesperrt|mot\s+de\s+passe|connect|bloqu|contraseña|iniciar\s+sesión|"
    r"entrar|acced|accesso|bloccat|wachtwoord|inlog|geblokkeerd|senha|palavra-passe|hasł|zalog|zablokow",
    re.IGNORECASE,
)


def mask_email(email: str) -> str:
    """'jane.doe@example.com' -> 'j***@example.com'."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def handle_account(t: TurnBuilder, text: str) -> None:
    """Start or continue the account-access flow for `text`."""
    if mentions_account_takeover(text):
        if t.ctx.customer is not None and t.state.password_resets < MAX_RESETS:
            _send(t, t.ctx.customer.email, signed_in=True)
        t.hand_off(HandoffReason.SECURITY)
        return
    if not _SIGN_IN_TROUBLE.search(text) and t.state.awaiting is not Awaiting.ACCOUNT_EMAIL:
        # Closing, merging or editing an account is not a password problem.
        answer_from_help(t, text, Intent.ACCOUNT_ACCESS)
        return
    if t.state.password_resets >= MAX_RESETS:
        t.say("account_reset_limit")
        t.update(awaiting=Awaiting.NOTHING)
        return
    if t.ctx.customer is not None:
        _send(t, t.ctx.customer.email, signed_in=True)
        return
    email = find_email(text)
    if email is None:
        t.say("account_ask_email")
        t.wait_for(Awaiting.ACCOUNT_EMAIL, Intent.ACCOUNT_ACCESS)
        return
    _send(t, email, signed_in=False)


def continue_account(t: TurnBuilder, text: str) -> bool:
    """Handle the reply to 'which e-mail address?'; False when it holds no address."""
    email = find_email(text)
    if email is None:
        return False
    if t.state.password_resets >= MAX_RESETS:
        t.say("account_reset_limit")
        t.update(awaiting=Awaiting.NOTHING)
        return True
    _send(t, email, signed_in=False)
    return True


def _send(t: TurnBuilder, email: str, *, signed_in: bool) -> None:
    t.ctx.retailer.send_password_reset(email)
    t.event(BotEvent.PASSWORD_RESET_REQUESTED)
    t.update(password_resets=t.state.password_resets + 1, awaiting=Awaiting.NOTHING)
    if signed_in:
        t.say("account_reset_sent_signed_in", masked_email=mask_email(email))
    else:
        t.say("account_reset_sent")
