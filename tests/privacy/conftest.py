"""A desk where one customer, Pat, reached the retailer through every channel: orders, a customer
account, a chat (and an anonymous chat from the same browser), an e-mail with an attachment, an
agent's reply, the bot's state, a report and rate-limit counters in Redis; plus a second customer
of the same retailer and the same address at another retailer, which must stay untouched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from tests.foundation.factory import add_orders, make_user, order_row
from tests.mailchannel.conftest import World, world  # noqa: F401 - the real mail desk, reused

from trustdesk.accounts.permissions import Role
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import CustomerRef, post_message, start_conversation
from trustdesk.privacy.service import PrivacyDeps
from trustdesk.ratelimit import Limit, RedisRateLimiter
from trustdesk.reports.service import ReportInput, submit_report
from trustdesk.store.models import Conversation, Tenant

EMAIL = "pat@customer.example"
NAME = "Pat Example"
PHONE = "+49 170 5550123"
ORDER = "AO-7731"
CHAT_TEXT = "My parcel with the blue hiking boots never came"
MAIL_TEXT = "The courier left a note about the marmalade jar"
ATTACHMENT = b"\x89PNG\r\n\x1a\n" + b"pat's receipt photo, unique bytes 5d41402a"
OTHER_EMAIL = "sam.other@customer.example"


@dataclass
class Seeded:
    world: World
    acme: int
    globex: int
    conversations: list[str]
    redis: Any | None = None

    def deps(self) -> PrivacyDeps:
        s = self.world.settings
        return PrivacyDeps(
            secret_key=s.secret_key or "", attachments_root=s.attachments_dir, redis=self.redis
        )


def seed(w: World, redis: Any | None = None) -> Seeded:
    acme, globex = w.tenants["acme"], w.tenants["globex"]
    with w.sessions() as s:
        tenant = s.get(Tenant, acme)
        other = s.get(Tenant, globex)
        assert tenant is not None and other is not None
        add_orders(
            s,
            tenant,
            [
                order_row(
                    ORDER,
                    EMAIL,
                    customer_name=NAME,
                    customer_phone=PHONE,
                    shipping_address={"name": NAME, "street": "Lindenweg 5", "city": "Berlin"},
                ),
                order_row("AO-9000", OTHER_EMAIL, customer_name="Sam Other"),
            ],
        )
        add_orders(s, other, [order_row("GX-1", EMAIL, customer_name=NAME)])
        make_user(s, tenant, EMAIL, Role.CUSTOMER)
        s.commit()
    agent = Author(AuthorKind.AGENT, user_id=w.agents["acme"], name="Sam")
    chat = start_conversation(
        w.desk,
        acme,
        CustomerRef(name=NAME, email=EMAIL, visitor_id="browser-pat-1"),
        first_message=f"{CHAT_TEXT}, call me on {PHONE}",
    )
    chat_id = chat.conversation["id"]
    post_message(w.desk, acme, chat_id, agent, "Sorry to hear that, I am checking with the courier now.")
    anonymous = start_conversation(
        w.desk, acme, CustomerRef(visitor_id="browser-pat-1"), first_message="It's me again about the boots"
    )
    w.send(
        sender=EMAIL,
        name=NAME,
        body=MAIL_TEXT,
        attachments=[("receipt.png", "image/png", ATTACHMENT)],
    )
    other_chat = start_conversation(
        w.desk, acme, CustomerRef(name="Sam Other", email=OTHER_EMAIL), first_message="Where is AO-9000?"
    )
    # An agent's note in someone else's conversation that names Pat's address: cut out, not deleted.
    post_message(
        w.desk, acme, other_chat.conversation["id"], agent, f"Same courier as {EMAIL}", internal=True
    )
    start_conversation(w.desk, globex, CustomerRef(name=NAME, email=EMAIL), first_message="Globex question")
    with w.sessions() as s:
        mail_conv = s.scalar(
            select(Conversation).where(Conversation.tenant_id == acme, Conversation.channel == "email")
        )
        assert mail_conv is not None
        mail_id = mail_conv.public_id
        conv = s.scalar(select(Conversation).where(Conversation.public_id == chat_id))
        assert conv is not None
        # What the bot remembers of the chat (slots it filled from the customer's guarded words).
        conv.bot_state = {
            "engine": {"slots": {"order": ORDER, "email": EMAIL}, "flow": "order_status"},
            "seq": 1,
        }
        tenant = s.get(Tenant, acme)
        assert tenant is not None
        submit_report(
            s,
            tenant,
            ReportInput(
                text="Someone texted me: your Acme parcel is held, pay the fee at acme-parcel-fee.example",
                reporter_contact=EMAIL,
            ),
        )
        s.commit()
    post_message(w.desk, acme, mail_id, agent, "Thanks for the photo, we will refund the jar.")
    if redis is not None:
        limiter = RedisRateLimiter(redis)
        limiter.hit("login-account", f"acme:{EMAIL}", Limit(5, 60))
        with w.sessions() as s:
            conv_pk = s.scalar(select(Conversation.id).where(Conversation.public_id == chat_id))
        limiter.hit("bot-order-conv", f"{acme}:{conv_pk}", Limit(6, 3600))
        limiter.hit("chat-send-conv", f"{acme}:{chat_id}", Limit(30, 60))
    return Seeded(w, acme, globex, [chat_id, anonymous.conversation["id"], mail_id], redis)


@pytest.fixture
def seeded(world: World) -> Seeded:  # noqa: F811 - the imported fixture
    return seed(world)
