"""What the bot may know about a retailer, and the one door (a Protocol) through which it asks.

The conversations pipeline implements `RetailerData` over the store; tests implement it in
memory. Everything here is a plain value: the bot never sees a database session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from trustdesk.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES

SUPPORTED_CODES: tuple[str, ...] = tuple(LANGUAGES)


class OrderStatus(StrEnum):
    """Where an order is in its life."""

    PLACED = "placed"
    PROCESSING = "processing"
    ON_HOLD = "on_hold"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class PaymentStatus(StrEnum):
    """The state of the order's payment."""

    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class RefundStatus(StrEnum):
    """The state of one refund."""

    PENDING = "pending"
    ISSUED = "issued"
    FAILED = "failed"


class Verdict(StrEnum):
    """Verification verdicts shared across Trustdesk (see DESIGN.md)."""

    OFFICIAL = "official"
    LOOKALIKE = "lookalike"
    REPORTED = "reported"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Money:
    """An amount in a currency (ISO 4217 code)."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"


@dataclass(frozen=True)
class OrderItem:
    """One line of an order."""

    sku: str
    name: str
    quantity: int = 1
    returnable: bool = True
    price: Money | None = None


@dataclass(frozen=True)
class Refund:
    """A refund against an order."""

    amount: Money
    status: RefundStatus
    created_on: date
    issued_on: date | None = None
    method: str = "original payment method"


@dataclass(frozen=True)
class Shipment:
    """A parcel on its way."""

    carrier: str
    tracking_number: str
    tracking_url: str | None = None
    shipped_on: date | None = None
    estimated_delivery: date | None = None
    delivered_on: date | None = None


@dataclass(frozen=True)
class Order:
    """An order as the bot may describe it to a customer who has proven they own it."""

    number: str
    placed_on: date
    status: OrderStatus
    items: tuple[OrderItem, ...]
    payment_status: PaymentStatus = PaymentStatus.PAID
    shipments: tuple[Shipment, ...] = ()
    refunds: tuple[Refund, ...] = ()
    delivery_city: str | None = None
    expected_ship_date: date | None = None

    @property
    def delivered_on(self) -> date | None:
        """The latest delivery date of its shipments, if all were delivered."""
        dates = [s.delivered_on for s in self.shipments]
        if not dates or any(d is None for d in dates):
            return None
        return max(d for d in dates if d is not None)


@dataclass(frozen=True)
class ReturnPolicy:
    """The tenant's return rules."""

    window_days: int
    policy_url: str | None = None
    free_returns: bool = True
    refund_days: int = 5


@dataclass(frozen=True)
class ReturnAuthorisation:
    """A return the retailer has accepted."""

    reference: str
    order_number: str
    skus: tuple[str, ...]
    next_steps: tuple[str, ...]
    label_url: str | None = None
    send_by: date | None = None


@dataclass(frozen=True)
class ContactCheck:
    """The verification of one contact found in a message (phone, e-mail, URL, handle)."""

    contact: str
    kind: str
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    imitates: str | None = None


@dataclass(frozen=True)
class KnowledgeHit:
    """A help article matching a question; `relevance` is in [0, 1]."""

    title: str
    url: str
    excerpt: str
    relevance: float
    language: str = DEFAULT_LANGUAGE  # the article's language (a supported code)


class RetailerData(Protocol):
    """The retailer's data and actions the bot may use. Implementations must not leak.

    `find_order` returns None both when no order has that number and when the e-mail does not
    match: callers (and the bot) cannot tell the two apart, by design.
    """

    def find_order(self, number: str, email: str) -> Order | None:
        """The order with this number if its e-mail address is `email` (case-insensitive)."""
        ...

    def find_customer_order(self, customer_id: str, number: str) -> Order | None:
        """The signed-in customer's order with this number, or None if it is not theirs."""
        ...

    def list_customer_orders(self, customer_id: str, limit: int) -> Sequence[Order]:
        """The signed-in customer's most recent orders, newest first."""
        ...

    def return_policy(self) -> ReturnPolicy:
        """The tenant's return policy."""
        ...

    def create_return_authorisation(
        self, order_number: str, skus: Sequence[str], reason: str | None
    ) -> ReturnAuthorisation:
        """Register a return for these items of a proven order."""
        ...

    def request_cancellation(self, order_number: str) -> bool:
        """Cancel a proven order that has not shipped; False if it can no longer be cancelled."""
        ...

    def send_password_reset(self, email: str) -> None:
        """Send the official reset link to `email` if an account uses it; silently nothing otherwise."""
        ...

    def verify_contacts(self, text: str) -> Sequence[ContactCheck]:
        """Find contacts (phones, e-mails, links, handles) in `text` and verify each."""
        ...

    def search_knowledge_base(self, query: str, limit: int) -> Sequence[KnowledgeHit]:
        """The tenant's help articles that best answer `query`, best first."""
        ...

    def human_wait_estimate(self) -> timedelta | None:
        """Roughly how long until an agent picks up a handoff now; None when nobody is on duty."""
        ...


@dataclass(frozen=True)
class TenantProfile:
    """What the bot says about the retailer it works for."""

    slug: str
    name: str
    bot_name: str = "the virtual assistant"
    # The languages the retailer offers customers, in its order of preference, and the one used when
    # a customer's language is not offered (until tenants store them: every supported one, "en").
    languages: tuple[str, ...] = SUPPORTED_CODES
    default_language: str = DEFAULT_LANGUAGE
    agent_languages: tuple[str, ...] = ("en",)
    help_center_url: str | None = None
    report_url: str | None = None
    official_channels_url: str | None = None
    offline_reply_hours: int = 24


@dataclass(frozen=True)
class Customer:
    """A customer signed in to the retailer's site (the session proves who they are)."""

    customer_id: str
    email: str
    display_name: str | None = None


@dataclass(frozen=True)
class BotContext:
    """Everything the engine needs for one turn besides the state and the message."""

    tenant: TenantProfile
    retailer: RetailerData
    now: datetime
    customer: Customer | None = None
    # The language of the page the chat runs on or of the signed-in account, for texts too short to
    # tell ("ok", "100234"); None when unknown.
    language_hint: str | None = None
    # The caller's rate limiter: False once this client has made too many order look-ups.
    order_lookups_allowed: bool = True
