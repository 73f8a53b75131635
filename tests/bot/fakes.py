"""An in-memory retailer implementing trustdesk.bot.context.RetailerData for engine tests."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from trustdesk.bot.context import (
    BotContext,
    ContactCheck,
    Customer,
    KnowledgeHit,
    Money,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    Refund,
    RefundStatus,
    ReturnAuthorisation,
    ReturnPolicy,
    Shipment,
    TenantProfile,
    Verdict,
)
from trustdesk.bot.knowledge import Article, KnowledgeBase

NOW = datetime(2025, 3, 20, 14, 0, tzinfo=UTC)
TENANT = TenantProfile(
    slug="acme",
    name="Acme",
    bot_name="Acme's assistant",
    agent_languages=("en", "es"),
    help_center_url="https://help.acme.example",
    report_url="https://acme.example/report",
    official_channels_url="https://acme.example/official",
)

ARTICLES = [
    Article(
        "sizes",
        "Size guide for clothing and shoes",
        "# Sizes\n\nOur **sweaters** and jackets run true to size. If you are between sizes, pick the larger one.\n\n"
        "Shoes come in EU and UK sizes; the size chart on each product page converts them.",
        "https://help.acme.example/sizes",
    ),
    Article(
        "shipping",
        "Delivery options and costs",
        "Standard delivery takes 3 to 5 working days and is free over 50 EUR. Express delivery arrives next "
        "working day for 7.95 EUR. We ship to the EU, the UK and Switzerland.",
        "https://help.acme.example/delivery",
    ),
    Article(
        "checkout",
        "Problems at checkout",
        "If the checkout page shows an error, reload it and try another browser. Clear your cache and cookies. "
        "Discount codes are case-sensitive and cannot be combined.",
        "https://help.acme.example/checkout",
    ),
    Article(
        "payments",
        "Payment methods we accept",
        "We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Klarna. Bank transfer is not "
        "available.",
        "https://help.acme.example/payments",
    ),
    Article(
        "close-account",
        "Closing or merging your account",
        "To close your account or merge two accounts, contact our team from the e-mail address on the account. "
        "We delete personal data within 30 days.",
        "https://help.acme.example/close-account",
    ),
]


def item(sku: str, name: str, returnable: bool = True) -> OrderItem:
    return OrderItem(
        sku=sku, name=name, quantity=1, returnable=returnable, price=Money(Decimal("49.00"), "EUR")
    )


def default_orders() -> list[tuple[Order, str, str | None]]:
    """(order, e-mail on the order, owning customer id)."""
    return [
        (
            Order(
                number="A-10001",
                placed_on=date(2025, 3, 17),
                status=OrderStatus.PROCESSING,
                items=(item("SW-1", "Blue wool sweater"), item("SC-2", "Grey scarf")),
                expected_ship_date=date(2025, 3, 21),
                delivery_city="Lyon",
            ),
            "jane@example.com",
            "cust-jane",
        ),
        (
            Order(
                number="A-10002",
                placed_on=date(2025, 3, 10),
                status=OrderStatus.SHIPPED,
                items=(item("JK-3", "Rain jacket"),),
                shipments=(
                    Shipment(
                        carrier="DHL",
                        tracking_number="JD014600003SE",
                        tracking_url="https://dhl.example/track/JD014600003SE",
                        shipped_on=date(2025, 3, 12),
                        estimated_delivery=date(2025, 3, 22),
                    ),
                ),
                delivery_city="Lyon",
            ),
            "jane@example.com",
            "cust-jane",
        ),
        (
            Order(
                number="A-10003",
                placed_on=date(2025, 3, 1),
                status=OrderStatus.DELIVERED,
                items=(
                    item("TR-4", "Running trainers"),
                    item("SK-5", "Socks 3-pack"),
                    item("GC-6", "Gift card", False),
                ),
                shipments=(
                    Shipment(
                        carrier="UPS",
                        tracking_number="1Z999AA10123456784",
                        shipped_on=date(2025, 3, 3),
                        delivered_on=date(2025, 3, 6),
                    ),
                ),
                refunds=(
                    Refund(
                        Money(Decimal("20.00"), "EUR"),
                        RefundStatus.ISSUED,
                        date(2025, 3, 12),
                        date(2025, 3, 13),
                    ),
                ),
                payment_status=PaymentStatus.PARTIALLY_REFUNDED,
            ),
            "bob@example.org",
            "cust-bob",
        ),
        (
            Order(
                number="A-10004",
                placed_on=date(2025, 1, 5),
                status=OrderStatus.DELIVERED,
                items=(item("LP-7", "Desk lamp"),),
                shipments=(
                    Shipment(
                        carrier="UPS", tracking_number="1Z999AA10123456999", delivered_on=date(2025, 1, 9)
                    ),
                ),
            ),
            "bob@example.org",
            "cust-bob",
        ),
    ]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")
_URL = re.compile(
    r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|shop|help|example|co)\b[^\s]*"
)


@dataclass
class FakeRetailer:
    """Records every call; answers from in-memory orders, articles and contact verdicts."""

    orders: list[tuple[Order, str, str | None]] = field(default_factory=default_orders)
    policy: ReturnPolicy = field(
        default_factory=lambda: ReturnPolicy(window_days=30, policy_url="https://help.acme.example/returns")
    )
    contact_verdicts: dict[str, ContactCheck] = field(default_factory=dict)
    wait: timedelta | None = timedelta(minutes=4)
    cancellable: bool = True
    calls: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)
    reset_emails: list[str] = field(default_factory=list)
    returns: list[ReturnAuthorisation] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    knowledge: KnowledgeBase = field(default_factory=lambda: KnowledgeBase(ARTICLES))

    def _key(self, number: str) -> str:
        return re.sub(r"[^0-9A-Z]", "", number.upper())

    def _find(self, number: str) -> tuple[Order, str, str | None] | None:
        for row in self.orders:
            if self._key(row[0].number) == self._key(number):
                return row
        return None

    def find_order(self, number: str, email: str) -> Order | None:
        self.calls.append(("find_order", (number, email)))
        row = self._find(number)
        if row is None or row[1].lower() != email.lower():
            return None
        return row[0]

    def find_customer_order(self, customer_id: str, number: str) -> Order | None:
        self.calls.append(("find_customer_order", (customer_id, number)))
        row = self._find(number)
        return row[0] if row is not None and row[2] == customer_id else None

    def list_customer_orders(self, customer_id: str, limit: int) -> Sequence[Order]:
        self.calls.append(("list_customer_orders", (customer_id, limit)))
        mine = [o for o, _, owner in self.orders if owner == customer_id]
        return sorted(mine, key=lambda o: o.placed_on, reverse=True)[:limit]

    def return_policy(self) -> ReturnPolicy:
        return self.policy

    def create_return_authorisation(
        self, order_number: str, skus: Sequence[str], reason: str | None
    ) -> ReturnAuthorisation:
        self.calls.append(("create_return_authorisation", (order_number, tuple(skus), reason)))
        ra = ReturnAuthorisation(
            reference=f"RA-{len(self.returns) + 1:04d}",
            order_number=order_number,
            skus=tuple(skus),
            next_steps=("Print the label", "Pack the items", "Drop the parcel at any UPS point"),
            label_url="https://acme.example/labels/RA",
            send_by=date(2025, 4, 3),
        )
        self.returns.append(ra)
        return ra

    def request_cancellation(self, order_number: str) -> bool:
        self.calls.append(("request_cancellation", (order_number,)))
        if self.cancellable:
            self.cancelled.append(order_number)
        return self.cancellable

    def send_password_reset(self, email: str) -> None:
        self.calls.append(("send_password_reset", (email,)))
        self.reset_emails.append(email)

    def verify_contacts(self, text: str) -> Sequence[ContactCheck]:
        self.calls.append(("verify_contacts", (text,)))
        found: list[str] = []
        for pattern in (_EMAIL, _PHONE):
            found += [m.group(0).strip() for m in pattern.finditer(text)]
        stripped = _EMAIL.sub(" ", text)
        found += [m.group(0) for m in _URL.finditer(stripped.lower())]
        checks = []
        for contact in dict.fromkeys(found):
            known = self.contact_verdicts.get(contact.lower())
            if known is None:
                kind = "email" if "@" in contact else ("phone" if contact[0] in "+0123456789" else "url")
                known = ContactCheck(contact, kind, Verdict.UNKNOWN)
            checks.append(known)
        return checks

    def search_knowledge_base(self, query: str, limit: int) -> Sequence[KnowledgeHit]:
        return self.knowledge.search(query, limit)

    def human_wait_estimate(self) -> timedelta | None:
        return self.wait


def context(
    retailer: FakeRetailer,
    *,
    customer: Customer | None = None,
    now: datetime = NOW,
    lookups_allowed: bool = True,
    tenant: TenantProfile = TENANT,
    language_hint: str | None = None,
) -> BotContext:
    return BotContext(
        tenant=tenant,
        retailer=retailer,
        now=now,
        customer=customer,
        order_lookups_allowed=lookups_allowed,
        language_hint=language_hint,
    )


JANE = Customer(customer_id="cust-jane", email="jane@example.com", display_name="Jane")
BOB = Customer(customer_id="cust-bob", email="bob@example.org", display_name="Bob")


# A made-up word only a tenant's own examples could teach (shared by the classifier and CLI
# tests, so the model trained with them is cached once per session).
TENANT_WORD = "snorkelwump"
TENANT_EXTRA_ROWS = [
    {"text": f"{TENANT_WORD} {w}".strip(), "intent": "cancel_order"}
    for w in ("", "please", "now", "order", "asap")
]
