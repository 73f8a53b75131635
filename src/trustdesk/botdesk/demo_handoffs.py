"""Demo hand-overs: a fortnight of chats the bot held and passed to a person, for varied reasons and
in each of the retailer's languages, so the dashboard's "why handed over" has something to show.

Each chat is what the live bot leaves behind: its disclosure, the customer's words (guarded, as the
pipeline stores them), the bot's replies in the customer's language (bot.replies), the hand-over
note for agents (handoff_note) and the hand-over itself through record_handoff, which turns the bot
off and writes the same bot.handoff audit entry (reason, priority, intent). Older chats were then
answered and resolved by an agent; today's wait in the queue. Deterministic per retailer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.bot.intents import Intent
from trustdesk.bot.replies import say
from trustdesk.bot.state import ConversationState, Handoff, HandoffReason
from trustdesk.bot.turn import HIGH_PRIORITY, reason_text, why_key
from trustdesk.botdesk.handoff import handoff_note, record_handoff
from trustdesk.botdesk.profile import bot_settings
from trustdesk.conversations.demo import open_demo_chat, say_as_pipeline
from trustdesk.conversations.domain import AuthorKind, Status
from trustdesk.store.models import AuditEvent, Customer, Tenant, User
from trustdesk.store.models.base import utcnow

DAYS = 14
FAILOVER_SUMMARY = "The bot could not answer (an internal error); the customer needs a person."


@dataclass(frozen=True)
class Scene:
    """One way a chat goes to a person: what the customer writes (per language; {order}, {tenant}
    filled in), and whether the bot first says it did not understand."""

    reason: HandoffReason
    intent: Intent | None
    words: dict[str, tuple[str, ...]]


SCENES = (
    Scene(
        HandoffReason.CUSTOMER_REQUEST,
        Intent.TALK_TO_HUMAN,
        {
            "en": ("Can I talk to a real person please?",),
            "de": ("Kann ich bitte mit einem Menschen sprechen?",),
            "fr": ("Je voudrais parler à un conseiller, s'il vous plaît.",),
            "nl": ("Kan ik met een medewerker praten?",),
        },
    ),
    Scene(
        HandoffReason.LOW_CONFIDENCE,
        None,
        {
            "en": ("the thing with the blue strap from last time", "no the other one"),
            "de": ("das Ding mit dem blauen Riemen vom letzten Mal", "nein, das andere"),
            "fr": ("le truc avec la sangle bleue de la dernière fois", "non, l'autre"),
            "nl": ("dat ding met de blauwe band van de vorige keer", "nee, die andere"),
        },
    ),
    Scene(
        HandoffReason.SECURITY,
        Intent.REPORT_SUSPICIOUS,
        {
            "en": (
                "Someone called saying they were from {tenant} and asked for the code you texted me. Was that you?",
            ),
            "de": (
                "Jemand hat angeblich von {tenant} angerufen und wollte den Code aus der SMS. Waren Sie das?",
            ),
            "fr": (
                "Quelqu'un m'a appelé de la part de {tenant} et m'a demandé le code reçu par SMS. C'était vous ?",
            ),
            "nl": ("Iemand belde namens {tenant} en vroeg om de code uit de sms. Waren jullie dat?",),
        },
    ),
    Scene(
        HandoffReason.UNANSWERED,  # the bot's turn failed twice: it fails over to a person
        None,
        {
            "en": ("Can you send {order} together with my next order?",),
            "de": ("Können Sie {order} zusammen mit meiner nächsten Bestellung schicken?",),
            "fr": ("Pouvez-vous envoyer {order} avec ma prochaine commande ?",),
            "nl": ("Kunnen jullie {order} samen met mijn volgende bestelling sturen?",),
        },
    ),
    Scene(
        HandoffReason.PAYMENT_DISPUTE,
        Intent.PAYMENT_ISSUE,
        {
            "en": ("I was charged twice for {order} and I don't recognise the second payment.",),
            "de": ("Für {order} wurde zweimal abgebucht, die zweite Zahlung erkenne ich nicht.",),
            "fr": ("J'ai été débité deux fois pour {order} et je ne reconnais pas le second paiement.",),
            "nl": ("Ik ben twee keer afgeschreven voor {order}, de tweede betaling herken ik niet.",),
        },
    ),
    Scene(
        HandoffReason.NEGATIVE_SENTIMENT,
        Intent.COMPLAINT,
        {
            "en": ("This is the third time my parcel is late. Absolutely unacceptable!",),
            "de": ("Das ist das dritte Mal, dass mein Paket zu spät kommt. Absolut inakzeptabel!",),
            "fr": ("C'est la troisième fois que mon colis est en retard. C'est inadmissible !",),
            "nl": ("Dit is de derde keer dat mijn pakket te laat is. Volstrekt onacceptabel!",),
        },
    ),
    Scene(
        HandoffReason.ADDRESS_CHANGE,
        Intent.CHANGE_ADDRESS,
        {
            "en": ("I have moved, please send {order} to my new address.",),
            "de": ("Ich bin umgezogen, bitte schicken Sie {order} an meine neue Adresse.",),
            "fr": ("J'ai déménagé, merci d'envoyer {order} à ma nouvelle adresse.",),
            "nl": ("Ik ben verhuisd, stuur {order} alstublieft naar mijn nieuwe adres.",),
        },
    ),
)
# How often each happens in a fortnight (a person asked for most often, then the bot not understanding).
PLAN = (0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6)

AGENT_REPLY = {
    "en": "Thanks for your patience, I'm looking into this for you now.",
    "de": "Danke für Ihre Geduld, ich kümmere mich jetzt darum.",
    "fr": "Merci de votre patience, je m'en occupe maintenant.",
    "nl": "Bedankt voor uw geduld, ik ga er nu voor u mee aan de slag.",
}


def seed_demo_handoffs(session: Session, tenant: Tenant) -> None:
    """Hand a fortnight of bot chats to people, once per retailer (skipped when it has hand-overs)."""
    done = select(func.count(AuditEvent.id)).where(
        AuditEvent.tenant_id == tenant.id, AuditEvent.action == "bot.handoff"
    )
    if session.scalar(done):
        return
    customers = session.scalars(
        select(Customer).where(Customer.tenant_id == tenant.id).order_by(Customer.id).limit(30)
    ).all()
    agents = session.scalars(
        select(User).where(User.tenant_id == tenant.id, User.role == "agent").order_by(User.id)
    ).all()
    if not customers or not agents:
        return
    rng = random.Random(f"demo-handoffs:{tenant.slug}")
    languages = [code for code in (tenant.languages or ["en"]) if code in AGENT_REPLY] or ["en"]
    now = utcnow()
    for index, scene_index in enumerate(PLAN):
        scene = SCENES[scene_index]
        days_ago = (index * DAYS) // len(PLAN)
        opened = now - timedelta(days=DAYS - 1 - days_ago, hours=rng.uniform(0.5, 8))
        customer = rng.choice(customers)
        language = languages[index % len(languages)]
        _hand_over(
            session, tenant, scene, language, customer, opened, rng, agents, today=days_ago == DAYS - 1
        )
    session.flush()


def _hand_over(  # type: ignore[no-untyped-def]
    session: Session,
    tenant: Tenant,
    scene: Scene,
    lang: str,
    customer,
    opened: datetime,
    rng,
    agents,
    *,
    today: bool,
) -> None:
    bot_name = bot_settings(tenant).name
    order = customer.orders[0].number if customer.orders else "—"
    conv = open_demo_chat(session, tenant, customer, opened, bot_active=True, language=lang)
    state = ConversationState(disclosed=True, language=lang, language_source="hint")
    at = opened
    disclosure = say("disclosure", lang, tenant=tenant.name, bot_name=bot_name)
    state = state.heard(
        "bot", say_as_pipeline(session, conv, AuthorKind.BOT, bot_name, disclosure, at, tenant.name), at
    )
    texts = scene.words.get(lang) or scene.words["en"]
    customer_seq = 0
    for number, text in enumerate(texts):
        at += timedelta(seconds=rng.randint(20, 90))
        stored = say_as_pipeline(
            session,
            conv,
            AuthorKind.CUSTOMER,
            customer.name,
            text.format(order=order, tenant=tenant.name),
            at,
            tenant.name,
        )
        state = state.heard("customer", stored, at)
        customer_seq = conv.last_seq
        if number < len(texts) - 1:  # the bot did not understand the first of two messages
            at += timedelta(seconds=2)
            reply = say("not_understood", lang)
            state = state.heard(
                "bot", say_as_pipeline(session, conv, AuthorKind.BOT, bot_name, reply, at, tenant.name), at
            )
    at += timedelta(seconds=2)
    wait = timedelta(minutes=rng.randint(3, 12))
    if scene.reason is HandoffReason.UNANSWERED:
        from trustdesk.botdesk.service import FAILOVER_TEXT

        told, summary = FAILOVER_TEXT, FAILOVER_SUMMARY
    else:
        why = say(why_key(scene.reason), lang, agent_languages="")
        eta = say("handoff_eta_minutes", lang, minutes=round(wait.total_seconds() / 60))
        told = say("handoff", lang, tenant=tenant.name, why=why, eta=eta)
        summary = f"{reason_text(scene.reason)}." + (f" Topic: {scene.intent.value}." if scene.intent else "")
    state = state.heard(
        "bot", say_as_pipeline(session, conv, AuthorKind.BOT, bot_name, told, at, tenant.name), at
    )
    state = replace(state, handed_off=True)  # as the engine marks a conversation it hands over
    handoff = Handoff(
        reason=scene.reason,
        priority="high" if scene.reason in HIGH_PRIORITY else "normal",
        intent=scene.intent,
        summary=summary,
        slots={},
        transcript=state.transcript,
        wait_estimate=wait,
        language=lang,
    )
    say_as_pipeline(
        session, conv, AuthorKind.BOT, bot_name, handoff_note(handoff), at, tenant.name, internal=True
    )
    record_handoff(session, conv, handoff, state, customer_seq)
    conv.updated_at = at
    if today:
        return  # waits in the queue
    agent = rng.choice(agents)
    at += wait + timedelta(minutes=rng.uniform(0, 6))
    say_as_pipeline(
        session,
        conv,
        AuthorKind.AGENT,
        agent.display_name,
        AGENT_REPLY[lang],
        at,
        tenant.name,
        user_id=agent.id,
    )
    conv.assignee_user_id = agent.id
    conv.first_response_at = at
    conv.status = Status.RESOLVED.value
    conv.resolved_at = at + timedelta(hours=rng.uniform(0.2, 6))
    conv.updated_at = conv.resolved_at
